"""Chinese locations (表 › 行 › 列) for JSON Pointers, derived from the schemas' titles.

The schemas are the only source of the labels: a property's ``title`` names a column or line item,
``x-row-label`` names the fields that label an array item (a classification row's code and name, an
indicator's three levels), and ``x-label: false`` hides containers that would only add noise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

from . import pointer as jp

__all__ = ["LabelNode", "build_label_tree", "location"]

SEPARATOR = " › "


@dataclass
class LabelNode:
    title: str | None = None
    show: bool = True
    row_fields: tuple[str, ...] = ()
    row_separator: str = " "
    amount: bool = False
    percent: bool = False
    signed: bool = False  # x-signed: the figure may be negative (a change against last year)
    props: dict[str, LabelNode] = field(default_factory=dict)
    items: LabelNode | None = None


Resolver = Callable[[str], tuple[dict[str, Any], str]]


def make_resolver(schemas: Mapping[str, dict[str, Any]]) -> Resolver:
    """Resolve an absolute URI (with optional fragment) to (subschema, base URI of its resource)."""

    def resolve(uri: str) -> tuple[dict[str, Any], str]:
        base, fragment = urldefrag(uri)
        node: Any = schemas[base]
        for token in jp.parse(fragment) if fragment else []:
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node, base

    return resolve


def build_label_tree(root_uri: str, resolve: Resolver) -> LabelNode:
    schema, base = resolve(root_uri)
    return _build(schema, base, resolve, 0)


def _merge(into: LabelNode, other: LabelNode) -> None:
    for name, child in other.props.items():
        if name in into.props:
            _merge(into.props[name], child)
        else:
            into.props[name] = child
    if other.items is not None:
        if into.items is None:
            into.items = other.items
        else:
            _merge(into.items, other.items)
    into.amount = into.amount or other.amount
    into.percent = into.percent or other.percent
    into.signed = into.signed or other.signed
    if into.title is None:
        into.title = other.title
    if not into.row_fields and other.row_fields:
        into.row_fields, into.row_separator = other.row_fields, other.row_separator


def _build(schema: Any, base: str, resolve: Resolver, depth: int) -> LabelNode:
    node = LabelNode()
    if not isinstance(schema, dict) or depth > 40:
        return node
    node.title = schema.get("title")
    node.amount = bool(schema.get("x-amount", False))
    node.percent = bool(schema.get("x-percent", False))
    node.signed = bool(schema.get("x-signed", False))
    node.show = bool(schema.get("x-label", True))
    rl = schema.get("x-row-label")
    if isinstance(rl, list):
        node.row_fields = tuple(rl)
    elif isinstance(rl, dict):
        node.row_fields = tuple(rl.get("fields", ()))
        node.row_separator = rl.get("separator", " ")
    if "$ref" in schema:
        target, tbase = resolve(urljoin(base, schema["$ref"]))
        ref_node = _build(target, tbase, resolve, depth + 1)
        if "x-label" not in schema:
            node.show = ref_node.show
        _merge(node, ref_node)
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key, ()):
            _merge(node, _build(sub, base, resolve, depth + 1))
    for key in ("then", "else"):
        if key in schema:
            _merge(node, _build(schema[key], base, resolve, depth + 1))
    for name, sub in schema.get("properties", {}).items():
        child = _build(sub, base, resolve, depth + 1)
        if name in node.props:
            _merge(node.props[name], child)
        else:
            node.props[name] = child
    if isinstance(schema.get("items"), dict):
        node.items = _build(schema["items"], base, resolve, depth + 1)
    return node


def node_at(tree: LabelNode, tokens: list[str]) -> LabelNode | None:
    """The label node a path of tokens leads to (array indexes step into items)."""
    node: LabelNode | None = tree
    for token in tokens:
        if node is None:
            return None
        node = node.items if jp.is_index(token) and node.items is not None else node.props.get(token)
    return node


MAX_PART = 60  # characters of one part of a location taken from the document (a row name, an unknown key)


def _short(text: str) -> str:
    return text if len(text) <= MAX_PART else text[: MAX_PART - 1] + "…"


def _row_label(node: LabelNode, instance: Any, index: int) -> str:
    if node.row_fields and isinstance(instance, dict):
        parts = [str(value).strip() for f in node.row_fields if isinstance(value := instance.get(f), (str, int))]
        if parts:
            return _short(node.row_separator.join(parts))
    return f"第{index + 1}行"


def location(tree: LabelNode, document: Any, pointer: str) -> str:
    """The Chinese label of a place: table title › row › column (containers without a label skipped)."""
    parts: list[str] = []
    node: LabelNode | None = tree
    instance: Any = document
    for token in jp.parse(pointer):
        child: LabelNode | None = None
        index_like = token.isascii() and token.isdigit()  # jp.is_index, once per token
        if isinstance(instance, list) or (index_like and node is not None and node.items is not None):
            index = int(token) if index_like else -1
            child = node.items if node is not None else None
            instance = instance[index] if isinstance(instance, list) and 0 <= index < len(instance) else None
            if child is not None and child.show:
                parts.append(_row_label(child, instance, index))
            elif child is None:
                parts.append(f"第{index + 1}行")
        else:
            child = node.props.get(token) if node is not None else None
            instance = instance.get(token) if isinstance(instance, dict) else None
            if child is None:
                parts.append(_short(token))
            elif child.show and child.title:
                parts.append(child.title)
        node = child
    return SEPARATOR.join(parts) if parts else "文档"
