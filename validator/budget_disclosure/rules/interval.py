"""Rounding-aware comparison of amounts (the semantics of XBRL Calculations 1.1).

A printed amount v with d decimals stands for [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ]. A weighted sum of printed
amounts stands for the sum of the values ± the sum of |weight|·half-widths. Two sides of an identity
are consistent when their intervals meet: for "=" when |left − right| ≤ envelope, for "≤" when
left − right ≤ envelope, and so on, where the envelope is the sum of both sides' half-widths. In
strict mode the envelope is zero. A difference inside the envelope is reported as information only.

The engine runs every kind inside ``amounts.ARITHMETIC``; the functions here name it themselves, or use
exact operations only, so they stay exact when called from anywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..amounts import ARITHMETIC, FACTOR, Cell

__all__ = ["display_unit", "to_unit", "verdict"]

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
