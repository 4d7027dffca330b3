"""Structural kinds: the declared precision of amounts, and statements on empty tables."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ... import pointer as jp
from ...amounts import decimals
from ...labels import LabelNode
from ..context import Compiled, Context, Violation
from ..values import is_blank

__all__ = ["kind_amount_precision", "kind_empty_statement"]


def _amount_paths(node: LabelNode, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if node.amount:
        yield prefix
        return
    for name, child in node.props.items():
        yield from _amount_paths(child, (*prefix, name))
    if node.items is not None:
        yield from _amount_paths(node.items, (*prefix, "*"))


def _walk_pattern(node: Any, ptr: str, pattern: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    if not pattern:
        yield ptr, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from _walk_pattern(item, f"{ptr}/{i}", rest)
    elif type(node) is dict and head in node:
        yield from _walk_pattern(node[head], f"{ptr}/{head}", rest)


def prepare_amount_precision(spec: Any, params: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(_amount_paths(spec.labels))


def kind_amount_precision(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Every amount has at most the decimals its declared precision allows (trailing zeros aside)."""
    formats = ctx.formats
    for pattern in compiled.prepared:
        for ptr, raw in _walk_pattern(ctx.document, "", pattern):
            if type(raw) is not Decimal:
                continue  # integers have no decimals; other types are the schema's business
            unit, precision = formats.at(ptr)
            if type(precision) is not int:
                continue
            ctx.checks += 1
            exponent = raw.as_tuple().exponent
            if not isinstance(exponent, int) or -exponent <= precision:
                continue  # as many decimals as the precision allows, or fewer
            places = decimals(raw)
            if places > precision:
                yield Violation(ptr, {"value": raw, "places": places, "precision": precision, "unit": unit})


def prepare_empty_statement(spec: Any, params: Any) -> None:
    return None


def kind_empty_statement(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A table declared empty says so: its own statement or note, or the document's blanket statement."""
    blanket = (ctx.document.get("metadata") or {}).get("empty_table_statement")
    for tid in ctx.profile.tables:
        if not ctx.is_empty(tid):
            continue
        ctx.checked()
        table = ctx.table(tid)
        if is_blank(table.get("statement")) and is_blank(table.get("note")) and is_blank(blanket):
            yield Violation(jp.join("/tables", tid), {"table": ctx.spec.tables[tid].title})
