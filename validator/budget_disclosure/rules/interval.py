"""Rounding-aware comparison of amounts (the semantics of XBRL Calculations 1.1).

A printed amount v with d decimals stands for [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ]. A weighted sum of printed
amounts stands for the sum of the values ± the sum of |weight|·half-widths. Two sides of an identity
are consistent when their intervals meet: for "=" when |left − right| ≤ envelope, for "≤" when
left − right ≤ envelope, and so on, where the envelope is the sum of both sides' half-widths. In
strict mode the envelope is zero. A difference inside the envelope is reported as information only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..amounts import FACTOR, Cell
from ..findings import Severity

__all__ = ["Outcome", "Side", "Term", "compare", "to_unit"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Term:
    cell: Cell
    weight: Decimal = Decimal(1)


@dataclass
class Side:
    """A weighted sum of cells, in 元 (or in plain numbers for counts and percentages)."""

    terms: list[Term] = field(default_factory=list)

    @classmethod
    def of(cls, cells: Iterable[Cell], weight: Decimal = Decimal(1)) -> Side:
        return cls([Term(c, weight) for c in cells])

    def extend(self, cells: Iterable[Cell], weight: Decimal = Decimal(1)) -> None:
        self.terms.extend(Term(c, weight) for c in cells)

    @property
    def value(self) -> Decimal:
        return sum((t.weight * t.cell.value for t in self.terms), ZERO)

    @property
    def half(self) -> Decimal:
        return sum((abs(t.weight) * t.cell.half for t in self.terms), ZERO)

    @property
    def pointers(self) -> list[str]:
        return [t.cell.pointer for t in self.terms]

    def __bool__(self) -> bool:
        return bool(self.terms)


@dataclass(frozen=True)
class Outcome:
    """The verdict on ``left op right``: passed, or a severity (error/info) with the figures."""

    ok: bool
    severity: Severity | None
    difference: Decimal
    envelope: Decimal


def compare(left: Side, op: str, right: Side, *, strict: bool) -> Outcome:
    diff = left.value - right.value
    envelope = ZERO if strict else left.half + right.half
    if op == "eq":
        bad, inside = abs(diff) > envelope, diff != 0
    elif op == "le":
        bad, inside = diff > envelope, diff > 0
    elif op == "ge":
        bad, inside = -diff > envelope, diff < 0
    elif op == "lt":
        bad, inside = diff >= envelope if envelope else diff >= 0, diff >= 0
    elif op == "gt":
        bad, inside = -diff >= envelope if envelope else diff <= 0, diff <= 0
    else:  # pragma: no cover - the rules schema admits no other operator
        raise ValueError(op)
    if bad:
        return Outcome(False, None, diff, envelope)
    if inside:
        return Outcome(False, Severity.INFO, diff, envelope)
    return Outcome(True, None, diff, envelope)


def to_unit(value: Decimal, unit: str | None) -> Decimal:
    """Convert from 元 to the display unit; plain numbers stay as they are."""
    if unit is None or unit not in FACTOR:
        return value
    return value / FACTOR[unit]


def display_unit(cells: Sequence[Cell]) -> str | None:
    for c in cells:
        if c.unit:
            return c.unit
    return None
