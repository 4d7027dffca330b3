"""Screens for the identity kinds of ``rules/kinds/arithmetic.py``: sum, compare, row_sum, column_sum,
group_sum, rollup."""

from __future__ import annotations

from .base import ScreenFactory

__all__ = ["SCREENS"]

SCREENS: dict[str, ScreenFactory] = {}
