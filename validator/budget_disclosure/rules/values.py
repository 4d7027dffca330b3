"""Reading text cells: blanks, trimmed text, and numbers written as text ("95", "100%", "1,000", "1年")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..amounts import MAX_DIGITS, out_of_range

__all__ = ["is_blank", "number_of", "text_of"]

# A number, optionally signed or preceded by a comparator, with thousands separators, optionally
# followed by a short unit (%, 万元, 次, 年 …). Anything else is not "a number with its unit". Matched on
# the stripped text with possessive quantifiers only: one pass, whatever the text (no backtracking).
_NUMBER = re.compile(r"[≥≤=<>＞＜＝]?+\s*+([+-]?+(?:\d{1,3}+(?:,\d{3})++|\d++)(?:\.\d++)?+)\s*+(\S{0,4}+)")
_UNIT = re.compile(r"%|％|[^\d\s]{1,4}")
# Longest text that can hold an accepted number: its digits, separators, sign, comparator, point, unit
# and some blanks. Anything longer is not "a number with its unit" and is not parsed at all.
_LONGEST = 3 * MAX_DIGITS


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


def number_of(value: Any, units: tuple[str, ...] | None = None) -> tuple[Decimal, str, int] | None:
    """(number, trailing unit text, decimals as written) when the cell reads as a number.

    With ``units``, a trailing text must be one of them (for example the row's own unit or %).
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal)):
        dec = Decimal(value)
        exp = dec.as_tuple().exponent
        return dec, "", max(0, -exp) if isinstance(exp, int) else 0
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > _LONGEST:
        return None
    m = _NUMBER.fullmatch(text)
    if not m:
        return None
    digits, suffix = m.group(1).replace(",", ""), m.group(2)
    if suffix and units is not None and suffix not in units:
        return None
    if suffix and units is None and not _UNIT.fullmatch(suffix):
        return None
    try:
        dec = Decimal(digits)
    except InvalidOperation:
        return None
    if out_of_range(dec):
        return None  # beyond the numbers the validator accepts anywhere (docs/DATA_MODEL.md, "Numbers")
    exp = dec.as_tuple().exponent
    return dec, suffix, max(0, -exp) if isinstance(exp, int) else 0
