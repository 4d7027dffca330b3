"""Rounding-aware comparison of amounts (the semantics of XBRL Calculations 1.1).

A printed amount v with d decimals stands for [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ]. A weighted sum of printed
amounts stands for the sum of the values ± the sum of |weight|·half-widths. Two sides of an identity
are consistent when their intervals meet: for "=" when |left − right| ≤ envelope, for "≤" when
left − right ≤ envelope, and so on, where the envelope is the sum of both sides' half-widths. In
strict mode the envelope is zero. A difference inside the envelope is reported as information only.

The engine runs every kind inside ``amounts.ARITHMETIC``; the functions here name it themselves, or use
exact operations only, so they stay exact when called from anywhere else.

Where this refines XBRL: only terms that carry rounding widen the envelope (a blank or a written zero is
exact), and an identity that, once its exact zeros are set aside, compares one printed figure with one
other on the same grid (``A = B``, ``A ≤ B``, a total whose only non-blank part has its precision) has
no envelope at all: rounding to nearest is one monotone function, so it prints one quantity the same
way twice and never reverses the order of two quantities.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..amounts import ARITHMETIC, FACTOR, Cell

__all__ = ["display_unit", "envelope", "to_unit", "verdict"]

ZERO = Decimal(0)


def verdict(diff: Decimal, envelope: Decimal, op: str) -> tuple[bool, bool]:
    """(holds, within the envelope only) for ``left − right = diff`` under ``op``.

    "Holds" means the printed values agree exactly; "within the envelope" means they differ, but only as
    far as rounding allows (information, never an error). Neither means the identity fails.
    """
    if op == "eq":
        bad, inside = diff.copy_abs() > envelope, diff != 0
    elif op == "le":
        bad, inside = diff > envelope, diff > 0
    elif op == "ge":
        bad, inside = -diff > envelope, diff < 0
    elif op == "lt":
        bad, inside = (diff >= envelope) if envelope else diff >= 0, diff >= 0
    elif op == "gt":
        bad, inside = (-diff >= envelope) if envelope else diff <= 0, diff <= 0
    else:  # pragma: no cover - the rules schema admits no other operator
        raise ValueError(op)
    if bad:
        return False, False
    return (False, True) if inside else (True, False)


Terms = Sequence[tuple[Cell, Decimal]]


def envelope(left: Terms, right: Terms, op: str) -> Decimal:
    """The rounding envelope of ``left op right``: Σ|weight|·half-width over the terms that carry rounding.

    Zero for two printings on one grid: when, exact zeros (blank, dash, a written zero) aside, exactly
    two terms carry rounding, with the same half-width and opposite coefficients in ``left − right``,
    and ``op`` is =, ≤ or ≥. (For < and > the grid already decides: the difference is a whole number
    of steps, so the ordinary envelope of two half-steps admits equality only, as information.)
    """
    total = ZERO
    rounded: list[tuple[Decimal, Cell]] = []  # (coefficient in left − right, cell)
    exact_nonzero = False
    for terms, sign in ((left, 1), (right, -1)):
        for cell, weight in terms:
            if cell.half:
                total += abs(weight) * cell.half
                rounded.append((sign * weight, cell))
            elif cell.value:
                exact_nonzero = True
    if op in ("eq", "le", "ge") and len(rounded) == 2 and not exact_nonzero:
        (c1, a), (c2, b) = rounded
        if a.half == b.half and c1 == -c2 and _on_grid(a) and _on_grid(b):
            return ZERO
    return total


def _on_grid(cell: Cell) -> bool:
    """Whether a figure is a whole number of steps of its precision (one with more decimals than its
    precision allows is not a rounding to it, and gets the ordinary envelope)."""
    return not cell.value % (2 * cell.half)


def to_unit(value: Decimal, unit: str | None) -> Decimal:
    """Convert from 元 to the display unit; plain numbers stay as they are."""
    if unit is None or unit not in FACTOR:
        return value
    return ARITHMETIC.divide(value, FACTOR[unit])


def display_unit(cells: Sequence[Cell]) -> str | None:
    for c in cells:
        if c.unit:
            return c.unit
    return None
