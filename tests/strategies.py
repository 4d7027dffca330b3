"""Hypothesis strategies over the package's builder of consistent disclosures (``budget_disclosure.synth``),
and the corners the builder does not make itself, as transformations of a generated document.

Every strategy here draws a valid choice directly: none generates and then rejects (no ``assume`` or
``filter`` that could throw away more than a rare example), so no health check has to be suppressed
(tests/conftest.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from budget_disclosure import pointer as jp
from budget_disclosure.spec import get_spec
from budget_disclosure.synth import PROFILES, UNITS, Chooser, Features, SeededChooser, Size, build, build_seeded

__all__ = [
    "BLANK_TEXT",
    "PROFILES",
    "UNITS",
    "DrawChooser",
    "Features",
    "SeededChooser",
    "Size",
    "build",
    "build_seeded",
    "documents",
    "indicator_rows",
    "profiles_with",
    "profiles_years",
    "shift_year",
    "sizes",
]


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


# ------------------------------------------------------------------------------------------ sizes
# The largest drawn size is the benchmark's "large" document (budget_disclosure.bench: Size(100, 25, 12)),
# which builds and validates in about a second; None is the default small document (2-5 function leaves).
# Sizes shrink towards the smallest sized document, Size(1, 1, 1).
def sizes() -> st.SearchStrategy[Size | None]:
    """Every size of document: the default small one, and sized ones from one leaf up to a large disclosure."""
    return st.none() | st.builds(
        Size, leaves=st.integers(1, 100), projects=st.integers(1, 25), indicators=st.integers(1, 12)
    )


# ------------------------------------------------------------------------------------------ profiles and years
def profiles_with(*tables: str) -> list[str]:
    """The profiles whose form prints every one of ``tables``."""
    spec = get_spec()
    return [p for p in PROFILES if all(t in spec.profiles[p].tables for t in tables)]


def profiles_years() -> list[tuple[str, int, int | None]]:
    """(profile, first year, last year or None when the profile has no end), as the profiles declare them."""
    spec = get_spec()
    return [(p, spec.profiles[p].years.first, spec.profiles[p].years.last) for p in PROFILES]


def shift_year(document: Any, old: int, new: int) -> Any:
    """The same document stated for fiscal year ``new`` instead of ``old``: the fiscal year, every year
    written in a text (titles, notes, periods: 2024年 → 2025年, the year before with it) and every year
    field (a project's first and last year, a change's base year) moved by the same number of years."""
    shift = new - old
    years = {str(y): str(y + shift) for y in range(old - 3, old + 4)}

    def text(value: str) -> str:
        out, i = [], 0
        while i < len(value):
            word = value[i : i + 4]
            if word in years and not value[max(0, i - 1) : i].isdigit() and not value[i + 4 : i + 5].isdigit():
                out.append(years[word])
                i += 4
            else:
                out.append(value[i])
                i += 1
        return "".join(out)

    def walk(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):  # the profile's id is a name, not a year (central-2021)
            return {k: v if k == "profile" else walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        if isinstance(node, str):
            return text(node)
        if type(node) is int and (key.endswith("year") or key == "fiscal_year") and old - 3 <= node <= old + 3:
            return node + shift
        return node

    out = walk(copy.deepcopy(document))
    out["metadata"]["fiscal_year"] = new
    return out


# ------------------------------------------------------------------------------------------ blanks
# A blank text cell is null; a cell of spaces only (ASCII, the full-width space U+3000, a tab) prints as
# nothing and must be read as blank too. The empty string is refused by the schema (schema.value).
BLANK_TEXT = st.sampled_from([" ", "　", "  ", " 　 ", "\t"])


def indicator_rows(document: Any) -> list[str]:
    """Pointers to every indicator row of the document (project and department performance tables)."""
    out = []
    tables = document["tables"]
    for u, unit in enumerate(tables.get("project_performance", {}).get("units", [])):
        for p, project in enumerate(unit.get("projects", [])):
            for i, _ in enumerate(project.get("indicators", [])):
                out.append(jp.join("/tables/project_performance/units", u, "projects", p, "indicators", i))
    dp = tables.get("department_performance", {})
    for i, _ in enumerate(dp.get("indicators", [])):
        out.append(jp.join("/tables/department_performance/indicators", i))
    for u, unit in enumerate(dp.get("units", [])):
        for i, _ in enumerate(unit.get("indicators", [])):
            out.append(jp.join("/tables/department_performance/units", u, "indicators", i))
    return out
