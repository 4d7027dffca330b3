"""Row filters (``where``): which items of a list a rule checks, decided from the item's own fields."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .values import is_blank, number_of, text_of

__all__ = ["compile_where", "field_of", "has_field"]

Filter = Callable[[Mapping[str, Any]], bool]


def _field(item: Mapping[str, Any], path: str) -> Any:
    node: Any = item
    for part in path.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def has_field(item: Mapping[str, Any], path: str) -> bool:
    """Whether the item has the (dotted) field at all: absent, not blank."""
    node: Any = item
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _getter(path: str) -> Callable[[Mapping[str, Any]], Any]:
    if "." not in path:
        return lambda item: item.get(path)
    return lambda item: _field(item, path)


def compile_where(spec: Mapping[str, Any] | None) -> Filter:
    """Compile a ``where`` mapping into a predicate over one item."""
    if not spec:
        return lambda item: True
    checks: list[Filter] = []
    if "all" in spec:
        subs = [compile_where(s) for s in spec["all"]]
        checks.append(lambda item: all(s(item) for s in subs))
    if "any" in spec:
        subs_any = [compile_where(s) for s in spec["any"]]
        checks.append(lambda item: any(s(item) for s in subs_any))
    if "not" in spec:
        sub = compile_where(spec["not"])
        checks.append(lambda item: not sub(item))
    if "field" in spec:
        get = _getter(spec["field"])
        if "in" in spec:
            allowed = {None if v is None else str(v).strip() for v in spec["in"]}
            checks.append(lambda item: text_of(get(item)) in allowed)
        if "not_in" in spec:
            banned = {None if v is None else str(v).strip() for v in spec["not_in"]}
            checks.append(lambda item: text_of(get(item)) not in banned)
        if "matches" in spec:
            rx = re.compile(spec["matches"])
            checks.append(lambda item: (t := text_of(get(item))) is not None and rx.search(t) is not None)
        if "not_matches" in spec:
            nrx = re.compile(spec["not_matches"])
            checks.append(lambda item: (t := text_of(get(item))) is None or nrx.search(t) is None)
        if "blank" in spec:
            want = bool(spec["blank"])
            checks.append(lambda item: is_blank(get(item)) == want)
        if "absent" in spec:
            # The item has no such field at all: the form prints no such column (a blank cell is null).
            path, want_absent = spec["field"], bool(spec["absent"])
            checks.append(lambda item: (not has_field(item, path)) == want_absent)
        if "numeric" in spec:
            want_num = bool(spec["numeric"])
            checks.append(lambda item: (number_of(get(item)) is not None) == want_num)
    if len(checks) == 1:
        return checks[0]
    return lambda item: all(c(item) for c in checks)


def field_of(item: Any, path: str) -> Any:
    return _field(item, path) if isinstance(item, Mapping) else None
