"""Reading text cells: blanks, trimmed text, and numbers written as text ("95", "100%", "1,000", "1年").

``reading_of`` is the one reader of amounts written in indicator text: a comparator before or after the
number (≥, 不超过, 以内 …), full-width digits and separators, 百分之, and the unit that follows. The factors
that turn a unit of money into 元 are data (the rule's ``money_units``), never constants here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from ..amounts import MAX_DIGITS, out_of_range

__all__ = ["Reading", "is_blank", "money_factors", "number_of", "reading_of", "text_of"]

# A number, optionally signed, with thousands separators, optionally followed by a short unit (%, 万元,
# 次, 年 …). Anything else is not "a number with its unit". Matched on the normalised text, after the
# comparators are taken off, with possessive quantifiers only: one pass, whatever the text.
_NUMBER = re.compile(r"([+-]?+(?:\d{1,3}+(?:,\d{3})++|\d++)(?:\.\d++)?+)\s*+(\S{0,4}+)")
_UNIT = re.compile(r"%|[^\d\s]{1,4}")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")  # ASCII digits, perhaps with decimals, and nothing else
# Longest text that can hold an accepted number: its digits, separators, sign, comparator, point, unit
# and some blanks. Anything longer is not "a number with its unit" and is not parsed at all.
_LONGEST = 3 * MAX_DIGITS
# Full-width digits and punctuation read as their ASCII forms (０-９ ，．％ ＜＞＝ ＋－).
_WIDE = str.maketrans("０１２３４５６７８９，．％＜＞＝＋－", "0123456789,.%<>=+-")
# Comparators written before the number; longest first, so that >= is not read as >.
_BEFORE = (
    (">=", "≥"),
    ("<=", "≤"),
    ("=>", "≥"),
    ("=<", "≤"),
    ("不超过", "≤"),
    ("不高于", "≤"),
    ("不多于", "≤"),
    ("不大于", "≤"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("不小于", "≥"),
    ("≥", "≥"),
    ("≤", "≤"),
    ("=", "="),
    ("<", "<"),
    (">", ">"),
)
# Comparators written after the number and its unit (50万元以内, 90%以上).
_AFTER = (("以内", "≤"), ("以下", "≤"), ("以上", "≥"))
_PERCENT_WORD = "百分之"


class Reading(NamedTuple):
    """A number written as text: its comparator (≥ ≤ = < >, or None), the exact number as written, the
    unit written after it ("" when none; "%" for 百分之 and ％), its decimals as written, and the factor
    that turns the unit into 元 when the unit is money (None otherwise)."""

    comparator: str | None
    number: Decimal
    unit: str
    places: int
    factor: Decimal | None

    @property
    def yuan(self) -> Decimal | None:
        """The amount in 元, when the unit is money."""
        return None if self.factor is None else self.number * self.factor


def money_factors(table: Mapping[str, Any] | None) -> Mapping[str, Decimal]:
    """A rule's ``money_units`` table (unit → 元 per unit) as exact decimals."""
    return {str(unit): Decimal(str(factor)) for unit, factor in (table or {}).items()}


def is_blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def text_of(value: Any) -> str | None:
    """The trimmed text of a cell (numbers as their decimal text); None for a blank."""
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        return value.strip() or None
    if kind is bool:
        return "true" if value else "false"
    if kind is Decimal:
        return format(value, "f")
    return str(value).strip() or None


def _places(dec: Decimal) -> int:
    exp = dec.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def reading_of(
    value: Any, money: Mapping[str, Decimal] | None = None, units: tuple[str, ...] | None = None
) -> Reading | None:
    """The cell read as a number with its comparator and unit, or None when it is not one.

    With ``units``, a trailing unit must be one of them (for example the row's own unit or %). ``money``
    maps units of money to their factor in 元.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal)):
        dec = Decimal(value)
        return Reading(None, dec, "", _places(dec), None)
    if not isinstance(value, str) or len(value) > _LONGEST:
        return None
    if _PLAIN.fullmatch(value):
        # The commonest indicator value ("976.43"): itself, with no comparator and no unit, read without
        # the search below (no comparator or word begins or ends such a text).
        dec = Decimal(value)
        return None if out_of_range(dec) else Reading(None, dec, "", _places(dec), (money or {}).get(""))
    text = value.translate(_WIDE).strip()
    comparator = None
    for word, sign in _BEFORE:
        if text.startswith(word):
            comparator, text = sign, text[len(word) :].lstrip()
            break
    for word, sign in _AFTER:
        if text.endswith(word):
            if comparator not in (None, sign):
                return None  # ≥50以下: two directions, no reading
            comparator, text = sign, text[: -len(word)].rstrip()
            break
    percent_word = text.startswith(_PERCENT_WORD)
    if percent_word:
        text = text[len(_PERCENT_WORD) :]
    m = _NUMBER.fullmatch(text)
    if not m:
        return None
    digits, unit = m.group(1).replace(",", ""), m.group(2)
    if percent_word:
        if unit:
            return None
        unit = "%"
    if unit and (not _UNIT.fullmatch(unit) or (units is not None and unit not in units)):
        return None
    try:
        dec = Decimal(digits)
    except InvalidOperation:
        return None
    if out_of_range(dec):
        return None  # beyond the numbers the validator accepts anywhere (docs/DATA_MODEL.md, "Numbers")
    return Reading(comparator, dec, unit, _places(dec), (money or {}).get(unit))


def number_of(value: Any, units: tuple[str, ...] | None = None) -> tuple[Decimal, str, int] | None:
    """(number, trailing unit text, decimals as written) when the cell reads as a number (``reading_of``).

    With ``units``, a trailing text must be one of them (for example the row's own unit or %).
    """
    reading = reading_of(value, units=units)
    return None if reading is None else (reading.number, reading.unit, reading.places)
