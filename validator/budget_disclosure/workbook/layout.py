"""The printed layout of a disclosure in a workbook, derived from the schemas (never a second copy).

Every part of the canonical JSON has one place in the workbook:

* one sheet per table, named by the table's short title (``x-table.titles[0]``): the title row, the
  ``单位名称：… / 单位：万元`` line, then the table's parts in schema order — ``rows`` and ``total_row``
  as the printed grid (科目编码 split into 类/款/项, a 合计 line), other arrays of flat records as grids
  under a ``【…】`` heading, every other value as a line ``label | value`` whose label is the path of
  schema titles (``收入 › 本级财政拨款收入``), and the 注 as a last line ``注：…``;
* the document's own parts (profile, metadata, amounts, narrative) on the sheets ``文档信息`` and
  ``说明数字`` in the same line form.

A label resolves to a property by its schema ``title`` (or, for a key the schema does not know, the
key itself), so the layout reads back to exactly the JSON it was written from.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..spec import Spec

__all__ = [
    "ABSENT",
    "DOC_SHEET",
    "NARRATIVE_SHEET",
    "SEP",
    "Node",
    "Shape",
    "code_columns",
    "node_for",
    "sheet_name",
]

SEP = " › "
DOC_SHEET = "文档信息"
NARRATIVE_SHEET = "说明数字"
#: Written in a printed column for a row that has no such key (a form whose rows differ in columns).
ABSENT = "（本行无此栏）"
CODE_PARTS = ("类", "款", "项")
GRID_KEYS = ("rows", "total_row")
HEAD_KEYS = ("title", "unit_name", "note")


@dataclass(frozen=True)
class Shape:
    """What kind of cell or part a schema node describes."""

    amount: bool = False
    integer: bool = False
    function_code: bool = False


class Node:
    """A schema node with its ``$ref``s and combinators resolved: its title, properties and items."""

    def __init__(self, spec: Spec, schema: Mapping[str, Any], uri: str) -> None:
        self.spec = spec
        self.uri = uri
        self.own = schema
        self.parts: list[tuple[Mapping[str, Any], str]] = []
        self._gather(schema, uri, 0)
        self._props: dict[str, Node] | None = None
        self._items: list[Node | None] = []
        self._shape: Shape | None = None

    def _gather(self, schema: Any, uri: str, depth: int) -> None:
        if not isinstance(schema, Mapping) or depth > 12:
            return
        ref = schema.get("$ref")
        if isinstance(ref, str):  # the referenced base first: its properties come first in print
            target, turi = _resolve(self.spec, ref, uri)
            self._gather(target, turi, depth + 1)
        self.parts.append((schema, uri))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, ()):
                self._gather(sub, uri, depth + 1)
        for key in ("then", "else"):
            self._gather(schema.get(key), uri, depth + 1)

    @property
    def title(self) -> str | None:
        for schema, _ in [(self.own, self.uri), *self.parts]:
            if isinstance(schema.get("title"), str):
                return str(schema["title"])
        return None

    def properties(self) -> dict[str, Node]:
        if self._props is None:
            self._props = self._properties()
        return self._props

    def _properties(self) -> dict[str, Node]:
        out: dict[str, Node] = {}
        for schema, uri in self.parts:
            for key, sub in (schema.get("properties") or {}).items():
                if key not in out:
                    out[key] = Node(self.spec, sub, uri)
        return out

    def items(self) -> Node | None:
        if not self._items:
            found = None
            for schema, uri in self.parts:
                if isinstance(schema.get("items"), Mapping):
                    found = Node(self.spec, schema["items"], uri)
                    break
            self._items.append(found)
        return self._items[0]

    def shape(self) -> Shape:
        if self._shape is None:
            self._shape = self._get_shape()
        return self._shape

    def _get_shape(self) -> Shape:
        amount = any(s.get("x-amount") for s, _ in self.parts)
        integer = any(s.get("type") == "integer" for s, _ in self.parts)
        code = any(u.endswith("common.json") and s.get("title") == "功能分类科目编码" for s, u in self.parts)
        return Shape(amount=amount, integer=integer, function_code=code)

    def key_for(self, label: str) -> str:
        """The property a printed label names: by title, else the label itself (an unknown key)."""
        for key, sub in self.properties().items():
            if sub.title == label or key == label:
                return key
        return label

    def label_for(self, key: str) -> str:
        sub = self.properties().get(key)
        title = sub.title if sub is not None else None
        return title or key


def _resolve(spec: Spec, ref: str, uri: str) -> tuple[Any, str]:
    base, _, frag = ref.partition("#")
    target_uri = uri if not base else uri.rsplit("/", 1)[0] + "/" + base
    while "/../" in target_uri:
        head, _, tail = target_uri.partition("/../")
        target_uri = head.rsplit("/", 1)[0] + "/" + tail
    node: Any = spec.schemas.get(target_uri, {})
    for token in [t for t in frag.split("/") if t]:
        node = node.get(token, {}) if isinstance(node, Mapping) else {}
    return node, target_uri


@functools.lru_cache(maxsize=64)
def node_for(spec: Spec, part: str) -> Node:
    """The schema node of a table id, or of ``document``/``metadata``/``narrative`` (one per spec)."""
    if part in spec.tables:
        info = spec.tables[part]
        return Node(spec, spec.schemas[info.uri], info.uri)
    document = Node(spec, spec.schemas[spec.document_uri], spec.document_uri)
    if part == "document":
        return document
    return document.properties()[part]


def sheet_name(spec: Spec, table: str) -> str:
    """The sheet of a table: its short printed title (at most 31 characters, as Excel allows)."""
    info = spec.tables[table]
    name = info.titles[0] if info.titles else info.title
    for bad in "[]:*?/\\":
        name = name.replace(bad, "")
    return name[:31]


def code_columns(node: Node) -> Iterator[str]:
    """The keys of a grid's items whose code is printed as 类/款/项."""
    for key, sub in node.properties().items():
        if sub.shape().function_code:
            yield key
