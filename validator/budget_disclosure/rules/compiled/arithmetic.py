"""Screens for the kinds of ``rules/kinds/arithmetic.py``."""

from __future__ import annotations

from .base import ScreenFactory

__all__ = ["SCREENS"]

SCREENS: dict[str, ScreenFactory] = {}
