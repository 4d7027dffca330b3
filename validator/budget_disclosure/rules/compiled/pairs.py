"""Screens for the kinds of ``rules/kinds/pairs.py``: fields_match.

The screen pairs the rows of both lists by key as the kind does, through the items family's per-document
lists and ``where`` sets (``compiled.items``), and compares each pair with the kind's own field
comparison; the first pair that differs makes it unsure.
"""

from __future__ import annotations

from typing import Any

from ...spec import Spec
from ..context import TOTAL_ROW, Compiled, Context
from ..kinds.pairs import FieldsMatch, _same
from .base import UNSURE, Screen, ScreenFactory, guarded
from .items import Source, compile_select, rows_of

__all__ = ["SCREENS"]


def _fields_match(spec: Spec, compiled: Compiled) -> Screen | None:
    p: FieldsMatch = compiled.prepared
    if any(b.ref.steps and b.ref.steps[0].name == TOTAL_ROW for b in (p.left, p.right)):
        return None
    select = compile_select(compiled.rule.params.get("where"))
    fields, rights_from, lefts_from = p.fields, Source((p.right,)), Source((p.left,))

    def agree(mine: dict[str, Any], theirs: dict[str, Any]) -> bool:
        return all(_same(p, f, mine, theirs) for f in fields)

    def screen(ctx: Context) -> int | None:
        right, left = rows_of(ctx, rights_from), rows_of(ctx, lefts_from)
        if right.odd or left.odd:
            return UNSURE
        chosen = select(right)
        rights: dict[str, list[dict[str, Any]]] = {}
        for i, (row, name) in enumerate(zip(right.items, right.texts(p.key), strict=True)):
            if name is not None and i in chosen:
                rights.setdefault(name, []).append(row)  # in the list's order: the first namesake counts
        if not rights:
            return 0
        checks = 0
        names, rows = left.texts(p.key), left.items
        for i in select(left):
            matches = rights.get(names[i] or "")
            if not matches:
                continue
            first = matches[0]
            if not all(agree(first, other) for other in matches[1:]):
                continue  # namesakes that disagree: the kind compares nothing (and reports nothing)
            checks += 1
            if not agree(rows[i], first):
                return UNSURE
        return checks

    return guarded(screen)


SCREENS: dict[str, ScreenFactory] = {"fields_match": _fields_match}
