"""Hypothesis strategies over the package's builder of consistent disclosures (``budget_disclosure.synth``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from budget_disclosure.synth import PROFILES, UNITS, Chooser, Features, SeededChooser, build, build_seeded

__all__ = ["PROFILES", "UNITS", "DrawChooser", "Features", "SeededChooser", "build", "build_seeded", "documents"]


class DrawChooser(Chooser):
    """Every choice is a Hypothesis draw, so failing documents shrink."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return int(self.draw(st.integers(lo, hi)))


@st.composite
def documents(draw: Callable[[st.SearchStrategy[Any]], Any], *, features: Features | None = None) -> dict[str, Any]:
    """Internally consistent disclosures; ``features`` fixes structural choices (profile, layout, unit …)."""
    return build(DrawChooser(draw), features or Features())
