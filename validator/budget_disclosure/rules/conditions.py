"""``when`` conditions: whether a rule applies to a document at all."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..labels import LabelNode
from .bind import bind_ref, table_node
from .context import Context
from .values import text_of

__all__ = ["ConditionError", "compile_when"]

Predicate = Callable[[Context], bool]


def _one(tree: LabelNode, cond: Mapping[str, Any]) -> Predicate:
    ((kind, arg),) = cond.items()
    if kind in ("empty", "not_empty", "absent", "present_table"):
        table_node(tree, arg)
        if kind == "empty":
            return lambda ctx: ctx.is_empty(arg)
        if kind == "not_empty":
            return lambda ctx: ctx.table(arg) is not None and not ctx.is_empty(arg)
        return lambda ctx: ctx.table(arg) is None
    if kind in ("matches", "not_matches"):
        bound = bind_ref(tree, arg["ref"])
        rx = re.compile(arg["pattern"])

        def matches(ctx: Context) -> bool:
            texts = [text_of(v) for _, v in ctx.resolve(bound)]
            hit = any(t is not None and rx.search(t) for t in texts)
            return hit if kind == "matches" else not hit

        return matches
    bound = bind_ref(tree, arg)
    if kind == "present":
        # A narrative figure the text does not state (null) is absent, as everywhere in the rules.
        return lambda ctx: any(v is not None or not p.startswith("/narrative") for p, v in ctx.resolve(bound))
    if kind == "zero":
        return lambda ctx: all(c.value == 0 for c in ctx.cells(bound))
    if kind == "nonzero":
        return lambda ctx: any(c.value != 0 for c in ctx.cells(bound))
    raise ValueError(f"unknown condition {kind!r}")  # pragma: no cover - the rules schema admits no other


class ConditionError(ValueError):
    """A condition that names something the schemas lack; ``line`` is the condition's own line."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def compile_when(tree: LabelNode, when: tuple[Mapping[str, Any], ...]) -> Predicate:
    preds = []
    for cond in when:
        try:
            preds.append(_one(tree, cond))
        except ValueError as exc:
            raise ConditionError(str(exc), getattr(cond, "line", None)) from None
    if not preds:
        return _always
    if len(preds) == 1:
        return preds[0]
    return lambda ctx: all(p(ctx) for p in preds)


def _always(ctx: Context) -> bool:
    """The condition of a rule without ``when``: it applies to every document."""
    del ctx
    return True
