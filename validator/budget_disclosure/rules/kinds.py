"""The fixed vocabulary of rule kinds: one small function each, in one explicit registry.

A kind reads its rule's parameters and the document and yields ``Violation``s; the engine stamps the
rule id, severity, messages and location. Adding a kind means adding a function here, its parameter
schema in schemas/rules.schema.json, and a section in docs/RULE_LANGUAGE.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..amounts import decimals, fmt_for
from ..labels import LabelNode
from .context import Compiled, Context, Violation

__all__ = ["KINDS", "Kind"]

Run = Callable[[Context, Compiled], Iterator[Violation]]


@dataclass(frozen=True)
class Kind:
    name: str
    run: Run
    summary: str


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
    elif isinstance(node, dict) and head in node:
        yield from _walk_pattern(node[head], f"{ptr}/{head}", rest)


def amount_precision(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Every amount has at most the decimals its declared precision allows (trailing zeros aside)."""
    patterns: tuple[tuple[str, ...], ...] = compiled.prepared
    for pattern in patterns:
        for ptr, raw in _walk_pattern(ctx.document, "", pattern):
            if not isinstance(raw, Decimal):
                continue  # integers have no decimals; other types are the schema's business
            unit, precision = fmt_for(ctx.document, ptr)
            if not isinstance(precision, int) or isinstance(precision, bool):
                continue
            places = decimals(raw)
            if places > precision:
                yield Violation(ptr, {"value": raw, "places": places, "precision": precision, "unit": unit})


def prepare_amount_precision(ctx_spec: Any, params: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(_amount_paths(ctx_spec.labels))


KINDS: dict[str, Kind] = {
    "amount_precision": Kind("amount_precision", amount_precision,
                             "Every amount has no more decimals than its declared displayed precision."),
}

PREPARE: dict[str, Callable[[Any, Any], Any]] = {
    "amount_precision": prepare_amount_precision,
}
