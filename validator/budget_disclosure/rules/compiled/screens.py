"""The screens of every family, by kind."""

from __future__ import annotations

from ...spec import Spec
from ..context import Compiled
from . import arithmetic, change, codes, items, matching, pairs, structure
from .base import Screen, ScreenFactory

__all__ = ["FACTORIES", "compile_screen"]

FACTORIES: dict[str, ScreenFactory] = {
    **arithmetic.SCREENS,
    **change.SCREENS,
    **codes.SCREENS,
    **items.SCREENS,
    **matching.SCREENS,
    **pairs.SCREENS,
    **structure.SCREENS,
}


def compile_screen(spec: Spec, compiled: Compiled) -> Screen | None:
    """The rule's screen, or None when its kind has none (the interpreter then always runs it)."""
    factory = FACTORIES.get(compiled.rule.kind)
    return factory(spec, compiled) if factory is not None else None
