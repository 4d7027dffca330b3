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

__all__ = ["amount_cells", "kind_amount_precision", "kind_amount_sign", "kind_empty_statement"]


def _amount_paths(node: LabelNode, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if node.amount:
        yield prefix
        return
    for name, child in node.props.items():
        yield from _amount_paths(child, (*prefix, name))
    if node.items is not None:
        yield from _amount_paths(node.items, (*prefix, "*"))


Trie = dict[str, "Trie | None"]  # field (or "*" for every item of a list) → the rest; None marks an amount


def _trie(patterns: Iterator[tuple[str, ...]]) -> Trie:
    root: Trie = {}
    for pattern in patterns:
        node = root
        for head in pattern[:-1]:
            child = node.setdefault(head, {})
            assert child is not None
            node = child
        node[pattern[-1]] = None
    return root


def _amounts(document: Any, trie: Trie) -> Iterator[tuple[str, Any]]:
    """(pointer, value) of every amount cell the schemas declare, in one walk over the document."""
    stack: list[tuple[Any, str, Trie]] = [(document, "", trie)]
    while stack:
        node, ptr, here = stack.pop()
        if type(node) is dict:
            for key, rest in here.items():
                if key in node:
                    value = node[key]
                    if rest is None:
                        yield f"{ptr}/{key}", value
                    else:
                        stack.append((value, f"{ptr}/{key}", rest))
        elif type(node) is list and "*" in here:
            rest = here["*"]
            for i, item in enumerate(node):
                if rest is None:
                    yield f"{ptr}/{i}", item
                else:
                    stack.append((item, f"{ptr}/{i}", rest))


def prepare_amount_precision(spec: Any, params: Any) -> Trie:
    return _trie(_amount_paths(spec.labels))


_TRIES: dict[int, tuple[LabelNode, Trie]] = {}


def amount_cells(labels: LabelNode, document: Any) -> list[tuple[str, Any]]:
    """(pointer, value) of every cell of a document that the schemas declare an amount, whatever its value."""
    found = _TRIES.get(id(labels))
    if found is None:
        found = _TRIES[id(labels)] = (labels, _trie(_amount_paths(labels)))
    return list(_amounts(document, found[1]))


def kind_amount_precision(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Every amount has at most the decimals its declared precision allows (trailing zeros aside)."""
    formats = ctx.formats
    for ptr, raw in _amounts(ctx.document, compiled.prepared):
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


def _unsigned_paths(node: LabelNode, percent: bool, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Paths of the amounts (or percentages) the schemas do not declare signed (``x-signed``)."""
    if node.amount or node.percent:
        if not node.signed and node.percent == percent:
            yield prefix
        return
    for name, child in node.props.items():
        yield from _unsigned_paths(child, percent, (*prefix, name))
    if node.items is not None:
        yield from _unsigned_paths(node.items, percent, (*prefix, "*"))


def prepare_amount_sign(spec: Any, params: Any) -> tuple[Trie, Trie]:
    return _trie(_unsigned_paths(spec.labels, False)), _trie(_unsigned_paths(spec.labels, True))


def kind_amount_sign(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Budget amounts and percentages are not negative, unless the schema annotates the property
    ``x-signed`` (a change against last year); a negative one is reported at its cell."""
    amounts, percents = compiled.prepared
    for trie, percent in ((amounts, False), (percents, True)):
        for ptr, raw in _amounts(ctx.document, trie):
            if type(raw) is not Decimal and type(raw) is not int:
                continue  # blanks, dashes and values of the wrong type are not negative numbers
            ctx.checks += 1
            if raw < 0:
                unit = "%" if percent else ctx.formats.at(ptr)[0]
                yield Violation(ptr, {"value": raw, "unit": unit or ""})


def prepare_empty_statement(spec: Any, params: Any) -> None:
    return None


def kind_empty_statement(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A table declared empty says so: its own statement or note, or the document's blanket statement."""
    blanket = ctx.metadata.get("empty_table_statement")
    for tid in ctx.spec.tables:  # every known table the document has, required by the profile or not
        if not ctx.is_empty(tid):
            continue
        ctx.checked()
        table = ctx.table(tid)
        if is_blank(table.get("statement")) and is_blank(table.get("note")) and is_blank(blanket):
            yield Violation(jp.join("/tables", tid), {"table": ctx.spec.tables[tid].title})
