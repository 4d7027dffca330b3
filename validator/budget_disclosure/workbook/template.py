"""The blank form of a profile: every table it requires, every column and line of each table's schema."""

from __future__ import annotations

import re
from typing import Any

from ..spec import Spec
from .layout import Node, node_for

__all__ = ["blank_document"]

_HEAD = ("title", "unit_name", "note", "amounts", "empty", "statement", "aggregate")


def blank_document(spec: Spec, profile: str, year: int | None = None) -> dict[str, Any]:
    """A document with nothing filled in: the layout of ``profile``'s form for ``year`` (default: the
    profile's last year, or its first while it is in force)."""
    if profile not in spec.profiles:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(spec.profiles)}")
    info = spec.profiles[profile]
    year = year if year is not None else (info.years.last or info.years.first)
    tables = {tid: _blank_table(spec, profile, tid, year) for tid in info.tables}
    return {
        "spec_version": spec.version,
        "profile": profile,
        "metadata": {
            "kind": "department_budget",
            "fiscal_year": year,
            "unit_name": None,
            "unit_code": None,
            "department_name": None,
            "empty_table_statement": "以上部门预算报表中，空表表示本部门无相关收支情况",
        },
        "amounts": {"unit": "万元", "precision": 2},
        "tables": tables,
        "narrative": _blank_narrative(spec),
    }


def _blank_narrative(spec: Spec) -> dict[str, Any]:
    """The narrative's figures, every line blank; its amounts as written in the text."""
    node = node_for(spec, "narrative")
    out = {k: _blank(sub, 1) for k, sub in node.properties().items() if k != "amounts"}
    return {"amounts": {"unit": "万元", "precision": "as_written"}, **out}


def _blank_table(spec: Spec, profile: str, tid: str, year: int) -> dict[str, Any]:
    patterns = spec.profiles[profile].titles.get(tid) or (spec.tables[tid].titles[:1] or (spec.tables[tid].title,))
    title = re.sub(r"\{unit\}", "", patterns[0]).replace("{year}", str(year))
    table: dict[str, Any] = {"title": title, "unit_name": None}
    node = node_for(spec, tid)
    for key, sub in node.properties().items():
        if key in _HEAD:
            continue
        table[key] = _blank(sub, 0)
    table["note"] = None
    return table


def _blank(node: Node, depth: int) -> Any:
    props = node.properties()
    if props and not node.shape().amount:
        return {k: _blank(sub, depth + 1) for k, sub in props.items() if depth < 8}
    items = node.items()
    if items is not None:
        inner = items.properties()
        nested = any(sub.items() is not None for sub in inner.values())
        return [_blank(items, depth + 1)] if nested and depth < 8 else []
    return None
