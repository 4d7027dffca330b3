"""Screens for the matching and ratio kinds of ``rules/kinds/arithmetic.py``: rows_match, all_zero,
percentage, percentage_base."""

from __future__ import annotations

from .base import ScreenFactory

__all__ = ["SCREENS"]

SCREENS: dict[str, ScreenFactory] = {}
