"""Binding rule parameters to the data model at load time.

Every reference and column a rule names is checked against the schemas (through the label tree built
from them): a rule that names a table, field or column that does not exist is refused when the spec
loads, with its file, line and id, never discovered while validating a document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..labels import LabelNode
from .refs import Ref, parse_path, parse_ref

__all__ = ["BoundRef", "bind_ref", "refs_in", "table_node"]

_REF_TEXT = re.compile(r"^[a-z_][a-z0-9_]*:")


@dataclass(frozen=True, slots=True)
class BoundRef:
    ref: Ref
    amount: bool  # True: an amount cell (unit and precision apply); False: a plain number or text
    node: LabelNode = field(compare=False, repr=False)  # what the reference designates, in the schemas

    @property
    def table(self) -> str | None:
        return self.ref.table

    @property
    def text(self) -> str:
        return self.ref.text


def table_node(tree: LabelNode, table: str) -> LabelNode:
    tables = tree.props.get("tables")
    node = tables.props.get(table) if tables else None
    if node is None:
        raise ValueError(f"unknown table {table!r}")
    return node


def _check_steps(node: LabelNode | None, steps: Any, text: str) -> LabelNode:
    for step in steps:
        if node is None or step.name not in node.props:
            raise ValueError(f"{text}: no field {step.name!r} there in the schemas")
        node = node.props[step.name]
        if step.selects:
            if node.items is None:
                raise ValueError(f"{text}: {step.name!r} is not a list; [..] selects rows of lists only")
            node = node.items
        elif node.items is not None and node.items.props:
            raise ValueError(f"{text}: {step.name!r} is a list; select rows with [*] or [key=value]")
    assert node is not None
    return node


def bind_ref(tree: LabelNode, text: str) -> BoundRef:
    ref = parse_ref(text)
    if ref.root == "document":
        start: LabelNode | None = tree
    elif ref.root == "narrative":
        start = tree.props.get("narrative")
    else:
        start = table_node(tree, ref.root)
    node = _check_steps(start, ref.steps, text)
    return BoundRef(ref, node.amount, node)


def check_path(node: LabelNode, path: str, where: str) -> LabelNode:
    return _check_steps(node, parse_path(path), where)


def check_column(node: LabelNode, column: str, where: str) -> LabelNode:
    if column not in node.props:
        raise ValueError(f"{where}: no column {column!r} (known: {', '.join(sorted(node.props))})")
    return node.props[column]


def refs_in(params: Any) -> Iterator[str]:
    """Every reference string anywhere in a parameter structure."""
    if isinstance(params, str):
        if _REF_TEXT.match(params):
            yield params
    elif isinstance(params, Mapping):
        for value in params.values():
            yield from refs_in(value)
    elif isinstance(params, list):
        for value in params:
            yield from refs_in(value)
