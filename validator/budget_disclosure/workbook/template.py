"""The blank form of a profile: every table it requires, with the columns and lines its form prints.

The printed set is not yet data of the spec (the schemas describe every layout a table has); it is
taken from the profile's attested transcription (``examples/<profile>/``, named by the profile's
``x-profile.sources``): the keys that document prints, emptied. A table the transcription declares
empty, and every table of a profile without a transcription, carries every column and line of its
schema."""

from __future__ import annotations

import re
from typing import Any

from ..reader import read
from ..spec import Spec
from .layout import Node, node_for, transcriptions

__all__ = ["blank_document"]

_HEAD = ("title", "unit_name", "note", "amounts", "empty", "statement", "aggregate")


def blank_document(spec: Spec, profile: str, year: int | None = None) -> dict[str, Any]:
    """A document with nothing filled in: the layout of ``profile``'s form for ``year`` (default: the
    profile's last year, or its first while it is in force)."""
    if profile not in spec.profiles:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(spec.profiles)}")
    info = spec.profiles[profile]
    year = year if year is not None else (info.years.last or info.years.first)
    example = _attested(spec, profile)
    shown = example.get("tables", {}) if example else {}
    tables = {tid: _blank_table(spec, profile, tid, year, shown.get(tid)) for tid in info.tables}
    blank_metadata: dict[str, Any] = {
        "kind": "department_budget",
        "fiscal_year": year,
        "unit_name": None,
        "unit_code": None,
        "department_name": None,
        "empty_table_statement": "以上部门预算报表中，空表表示本部门无相关收支情况",
    }
    document: dict[str, Any] = {
        "spec_version": spec.version,
        "profile": profile,
        "metadata": blank_metadata,
        "amounts": {"unit": "万元", "precision": 2},
        "tables": tables,
        "narrative": _blank_narrative(spec),
    }
    if example:
        metadata = _skeleton(example.get("metadata"))
        if isinstance(metadata, dict):
            metadata.update({k: blank_metadata[k] for k in ("kind", "fiscal_year", "empty_table_statement")})
            document["metadata"] = metadata
        narrative = example.get("narrative")
        if isinstance(narrative, dict):
            document["narrative"] = {**_skeleton(narrative), "amounts": narrative.get("amounts")}
        if isinstance(example.get("amounts"), dict):
            document["amounts"] = dict(example["amounts"])
    return document


def _attested(spec: Spec, profile: str) -> dict[str, Any] | None:
    for path in transcriptions(spec, profile):
        document = read(path).document
        if isinstance(document, dict) and document.get("profile") == profile:
            return document
    return None


def _skeleton(value: Any) -> Any:
    """A printed value emptied: every figure and text blank, every list of rows empty."""
    if isinstance(value, dict):
        return {k: _skeleton(v) for k, v in value.items()}
    if isinstance(value, list):
        return []
    return None


def _blank_narrative(spec: Spec) -> dict[str, Any]:
    """The narrative's figures, every line blank; its amounts as written in the text."""
    node = node_for(spec, "narrative")
    out = {k: _blank(sub, 1) for k, sub in node.properties().items() if k != "amounts"}
    return {"amounts": {"unit": "万元", "precision": "as_written"}, **out}


def _blank_table(spec: Spec, profile: str, tid: str, year: int, shown: Any = None) -> dict[str, Any]:
    patterns = spec.profiles[profile].titles.get(tid) or (spec.tables[tid].titles[:1] or (spec.tables[tid].title,))
    title = re.sub(r"\{unit\}", "", patterns[0]).replace("{year}", str(year))
    table: dict[str, Any] = {"title": title, "unit_name": None}
    if isinstance(shown, dict) and not shown.get("empty"):
        rest = _skeleton({k: v for k, v in shown.items() if k not in _HEAD})
        return {**table, **rest, **({"note": None} if "note" in shown else {})}
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
