"""Mutation cases (examples/cases/*.yaml): a base document, an RFC 6902 patch, the findings it changes.

Used by ``budget-disclosure rules explain`` to show a rule firing, and by the test suite.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import pointer as jp
from .findings import Finding
from .yamlload import load_yaml

__all__ = ["apply_patch", "load_case_document", "run_case"]


def _parent(doc: Any, pointer: str) -> tuple[Any, str]:
    tokens = jp.parse(pointer)
    node = doc
    for t in tokens[:-1]:
        node = node[int(t)] if isinstance(node, list) else node[t]
    return node, tokens[-1]


def apply_patch(doc: Any, ops: list[dict[str, Any]]) -> Any:
    """Apply RFC 6902 operations (add, remove, replace, move, copy, test) to a copy of ``doc``."""
    doc = copy.deepcopy(doc)
    for op in ops:
        kind, path = op["op"], op["path"]
        if kind == "test":
            if jp.resolve(doc, path) != op["value"]:
                raise ValueError(f"test failed at {path}")
            continue
        if kind in ("move", "copy"):
            value = copy.deepcopy(jp.resolve(doc, op["from"]))
            if kind == "move":
                doc = apply_patch(doc, [{"op": "remove", "path": op["from"]}])
            doc = apply_patch(doc, [{"op": "add", "path": path, "value": value}])
            continue
        if path == "":
            doc = copy.deepcopy(op["value"]) if kind != "remove" else None
            continue
        parent, key = _parent(doc, path)
        if isinstance(parent, list):
            index = len(parent) if key == "-" else int(key)
            if kind == "add":
                parent.insert(index, copy.deepcopy(op["value"]))
            elif kind == "remove":
                del parent[index]
            else:
                parent[index] = copy.deepcopy(op["value"])
        else:
            if kind in ("remove", "replace") and key not in parent:
                raise KeyError(f"{kind}: no {path}")
            if kind == "remove":
                del parent[key]
            else:
                parent[key] = copy.deepcopy(op["value"])
    return doc


def load_case_document(path: Path) -> tuple[dict[str, Any], Any, Any]:
    """(the case as written, its base document, the patched document)."""
    raw = load_yaml(path)
    base = json.loads((path.parent / raw["base"]).read_text(encoding="utf-8"), parse_float=Decimal)
    return raw, base, apply_patch(base, list(raw.get("patch") or []))


def run_case(path: Path) -> list[Finding]:
    """The findings of a case's patched document."""
    from .api import validate

    raw, _, document = load_case_document(path)
    options = dict(raw.get("options") or {})
    options.pop("limits", None)
    return list(validate(document, **options).findings)
