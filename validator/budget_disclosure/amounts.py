"""Amounts as numbers with a unit and a displayed precision.

Every printed amount stands for an interval: the value ± half a unit in its last displayed place.
The unit and precision come from the document's ``amounts``, overridden by the table's ``amounts``
and by a column entry in ``amounts.columns``; narrative figures use ``narrative.amounts``, where
``precision: "as_written"`` takes each number's own decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Any, NamedTuple

from . import pointer as jp

__all__ = [
    "ARITHMETIC",
    "FACTOR",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_PLACES",
    "NUMBER_CEILING",
    "Cell",
    "amount_value",
    "cell_at",
    "decimals",
    "out_of_range",
]

# ---------------------------------------------------------------------------------------- numbers
# Every number the validator accepts is bounded before any arithmetic touches it (docs/DATA_MODEL.md,
# "Numbers"): at most MAX_DIGITS significant digits, a magnitude below 10^(MAX_EXPONENT + 1) and at
# most MAX_PLACES decimal places. The defaults hold any real budget (the largest are about 10^13 元,
# printed with at most 6 decimals) with a wide margin; reader.Limits may move them, up to
# NUMBER_CEILING, which is what ARITHMETIC is sized for.
MAX_DIGITS = 30
MAX_EXPONENT = 20
MAX_PLACES = 20
NUMBER_CEILING = 100

# The one decimal context all arithmetic on document values runs in. An accepted value is an integer
# multiple of 10^-CEILING below 10^(CEILING+1): 2·CEILING+1 digits. Converting to 元 (×10^4), half-widths
# one place further, sums of up to 10^8 cells and the weights of the rule files add fewer than 20 digits,
# so sums and differences of accepted values are exact; only divisions (percentages) round. Anything
# outside that range is a bug, and the traps make it loud instead of silently rounded.
ARITHMETIC = Context(
    prec=2 * NUMBER_CEILING + 50,
    rounding=ROUND_HALF_EVEN,
    Emax=10 * NUMBER_CEILING,
    Emin=-10 * NUMBER_CEILING,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


def out_of_range(
    value: Decimal, *, digits: int = MAX_DIGITS, exponent: int = MAX_EXPONENT, places: int = MAX_PLACES
) -> str | None:
    """Why a finite decimal lies outside the accepted numbers ("digits", "magnitude", "places"), or None.

    Reads only the decimal's tuple: no arithmetic, so it is safe on 1E+999999999 or a million digits.
    """
    _, coefficient, exp = value.as_tuple()
    assert isinstance(exp, int), "only finite decimals have a range"
    if len(coefficient) > digits:
        return "digits"
    if exp + len(coefficient) - 1 > exponent:  # the exponent of the leading digit (adjusted())
        return "magnitude"
    if -exp > places:
        return "places"
    return None


# Conversion to 元, the exact common unit for comparisons.
FACTOR = {"元": Decimal(1), "万元": Decimal(10000)}


class Cell(NamedTuple):
    """A resolved amount: its value in 元 and the half-width of its rounding interval in 元.

    (A named tuple: cells are built by the thousand per document, and a tuple is the cheapest immutable.)
    """

    pointer: str
    value: Decimal
    half: Decimal
    unit: str
    printed: Decimal | None  # the number as printed (None for blank/dash)
    precision: int | None


def amount_value(raw: Any) -> Decimal | None:
    """The numeric value of an amount cell; blank (null) and "-" are zero; None for non-amounts."""
    if raw is None or raw == "-":
        return Decimal(0)
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    return None


def decimals(value: Decimal, *, as_written: bool = False) -> int:
    """Decimal places of a number: as written (keeping trailing zeros) or significant."""
    exponent = value.as_tuple().exponent if as_written else ARITHMETIC.normalize(value).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


MAX_PRECISION = 12  # the schema allows 0-6; anything beyond a sane bound is treated as undeclared


def fmt_for(document: dict[str, Any], pointer: str) -> tuple[str | None, int | str | None]:
    """(unit, precision) in force at an amount cell; precision may be "as_written". A unit or precision of
    the wrong type (the schema reports it) counts as absent."""
    unit, precision = _declared(document, pointer)
    if not isinstance(unit, str):
        unit = None
    if isinstance(precision, bool) or not (
        isinstance(precision, str) or (isinstance(precision, int) and 0 <= precision <= MAX_PRECISION)
    ):
        precision = None
    return unit, precision


def _declared(document: dict[str, Any], pointer: str) -> tuple[Any, Any]:
    tokens = jp.parse(pointer)
    doc_fmt = _dict(document.get("amounts"))
    if tokens and tokens[0] == "narrative":
        nfmt = _dict(_dict(document.get("narrative")).get("amounts"))
        return nfmt.get("unit", doc_fmt.get("unit")), nfmt.get("precision", "as_written")
    unit, precision = doc_fmt.get("unit"), doc_fmt.get("precision")
    doc_columns = _dict(doc_fmt.get("columns"))
    if tokens and tokens[-1] in doc_columns:
        precision = doc_columns[tokens[-1]]
    if len(tokens) >= 2 and tokens[0] == "tables":
        tfmt = _dict(_dict(_dict(document.get("tables")).get(tokens[1])).get("amounts"))
        unit = tfmt.get("unit", unit)
        precision = tfmt.get("precision", precision)
        columns = _dict(tfmt.get("columns"))
        if tokens[-1] in columns:
            precision = columns[tokens[-1]]
    return unit, precision


_HALF: dict[tuple[str, int], Decimal] = {}
_FIVE = Decimal(5)


def half_width(unit: str, places: int) -> Decimal:
    """Half a unit in the last displayed place, in 元."""
    key = (unit, places)
    half = _HALF.get(key)
    if half is None:
        half = _HALF[key] = ARITHMETIC.multiply(ARITHMETIC.scaleb(_FIVE, -(places + 1)), FACTOR[unit])
    return half


class Formats:
    """The (unit, precision) in force at each cell of one document, looked up by table and column once."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._memo: dict[tuple[str, str], tuple[str | None, int | str | None]] = {}

    def at(self, pointer: str) -> tuple[str | None, int | str | None]:
        if pointer.startswith("/narrative"):
            key = ("", "narrative")
        elif pointer.startswith("/tables/"):
            key = (pointer[8 : pointer.find("/", 8)], pointer[pointer.rfind("/") + 1 :])
        else:
            key = ("", pointer[pointer.rfind("/") + 1 :])
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = fmt_for(self.document, pointer)
        return found

    def cell(self, pointer: str, raw: Any) -> Cell | None:
        """Like ``cell_at``, with the format looked up once per table and column."""
        kind = type(raw)
        if kind is Decimal:
            value = raw
        elif raw is None or raw == "-":
            unit = self.at(pointer)[0]
            return Cell(pointer, _ZERO, _ZERO, unit, None, None) if unit in FACTOR else None
        elif kind is int:
            value = Decimal(raw)
        else:
            return None
        unit, precision = self.at(pointer)
        if unit not in FACTOR:
            return None
        if precision == "as_written":
            places = decimals(value, as_written=True)
        elif type(precision) is int:
            places = precision
        else:
            return None
        return Cell(pointer, ARITHMETIC.multiply(value, FACTOR[unit]), half_width(unit, places), unit, value, places)


_ZERO = Decimal(0)


def cell_at(document: dict[str, Any], pointer: str, raw: Any) -> Cell | None:
    """Resolve one amount cell; None when the value is not an amount or its unit is unknown."""
    value = amount_value(raw)
    if value is None:
        return None
    unit, precision = fmt_for(document, pointer)
    if unit not in FACTOR:
        return None
    if raw is None or raw == "-":
        # A blank or a dash states "none of this": exactly zero, no rounding.
        return Cell(pointer, Decimal(0), Decimal(0), unit, None, None)
    if precision == "as_written":
        places = decimals(value, as_written=True)
    elif isinstance(precision, int) and not isinstance(precision, bool):
        places = precision
    else:
        return None
    return Cell(pointer, ARITHMETIC.multiply(value, FACTOR[unit]), half_width(unit, places), unit, value, places)
