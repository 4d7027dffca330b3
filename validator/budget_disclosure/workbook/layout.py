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
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
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


# --- The printed form: column groups, printed column sets, labels as the forms print them ----------

#: The sub-heading of a group's own column (``本级财政拨款`` over ``金额 | 其中：经费拨款``); on reading,
#: any of these under a group heading names the group's own column.
OWN_COLUMN = "金额"
OWN_COLUMN_NAMES = frozenset({"金额", "小计", "合计", "本年预算", "预算数"})
_PART_PREFIX = "其中："
#: Columns the forms print under another column's heading, besides the ``其中：…`` columns (which belong
#: to the column before them): 基本支出 › 人员经费/公用经费 (一般公共预算支出表, MoF layout).
_PARTS = {"basic": ("personnel", "public")}


def column_groups(cols: list[str], props: Mapping[str, Node]) -> dict[str, list[str]]:
    """The printed column groups of a grid: a parent column → the columns printed under its heading.

    A column titled ``其中：…`` belongs to the column before it (``本级财政拨款`` › ``其中：经费拨款``;
    ``公务用车购置及运行费`` › ``其中：公务用车购置``); ``基本支出`` heads 人员经费 and 公用经费. Only
    columns next to their parent are grouped, so the grouping never reorders a grid."""
    groups: dict[str, list[str]] = {}
    parent: str | None = None
    for i, key in enumerate(cols):
        title = props[key].title if key in props else None
        if parent is not None and isinstance(title, str) and title.startswith(_PART_PREFIX):
            groups.setdefault(parent, []).append(key)
            continue
        parent = key
        parts = _PARTS.get(key)
        if parts and tuple(cols[i + 1 : i + 1 + len(parts)]) == parts:
            groups[key] = list(parts)
            parent = None
    return groups


_NUMBERING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|(?:[一二三四五六七八九十]+|\d+)\s*[、.．])\s*")
_SPACE = re.compile(r"\s+")


def printed_label(text: str) -> str:
    """A label as a form prints it, without its numbering and spacing: ``一、本级财政拨款收入`` and
    ``收 入 总 计`` read as ``本级财政拨款收入`` and ``收入总计``."""
    return _SPACE.sub("", _NUMBERING.sub("", text))


def strip_numbering(text: str) -> str:
    """``14、资源勘探工业信息等支出`` → ``资源勘探工业信息等支出`` (the spacing inside kept)."""
    return _NUMBERING.sub("", text).strip()


def resolve_label(node: Node, text: str) -> str:
    """The key a printed label names: by title or key as written, else as the form prints it."""
    key = node.key_for(text)
    if key in node.properties():
        return key
    plain = printed_label(text)
    for k, sub in node.properties().items():
        if sub.title is not None and printed_label(sub.title) == plain:
            return k
    return key


def transcriptions(spec: Spec, profile: str) -> list[Path]:
    """The attested transcriptions of a profile's form: the documents under ``examples/<profile>/``
    (named by the profile's ``x-profile.sources``), in name order."""
    folder = spec.root / "examples" / profile
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def printed_key(part: str, labels: list[str]) -> tuple[str, str]:
    """The key of a grid or a record in ``printed_columns``: the part (a table id, ``metadata`` or
    ``narrative``) and the path of titles to it, item numbers left out (``单位 › 项目 › 绩效指标``)."""
    return part, SEP.join(_NUMBERED.sub("", label) for label in labels)


_NUMBERED = re.compile(r"\s+\d+$")


@functools.lru_cache(maxsize=16)
def printed_columns(spec: Spec, profile: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """What the profile's form prints, per grid and record (``printed_key``), in the order the form
    prints it: the keys of the grid's rows (of the record) in the attested transcriptions, in the order
    they first appear. Empty when the profile has no transcription (the schema's order is then used)."""
    from ..reader import read

    out: dict[tuple[str, str], list[str]] = {}
    for path in transcriptions(spec, profile):
        document = read(path).document
        tables = document.get("tables") if isinstance(document, Mapping) else None
        if not isinstance(tables, Mapping):
            continue
        for tid, table in tables.items():
            if tid in spec.tables and isinstance(table, Mapping):
                _collect(node_for(spec, tid), table, tid, [], out)
        for part in ("metadata", "narrative"):
            if isinstance(document.get(part), Mapping):
                node = node_for(spec, part)
                _collect(node, document[part], part, [node.title or part], out)
    return {k: tuple(v) for k, v in out.items()}


def _collect(
    node: Node, value: Mapping[str, Any], part: str, labels: list[str], out: dict[tuple[str, str], list[str]]
) -> None:
    for key, sub in node.properties().items():
        item = value.get(key)
        items = sub.items()
        here = [*labels, sub.title or key]
        if isinstance(item, list) and items is not None:
            for record in item:
                if not isinstance(record, Mapping):
                    continue
                cols = out.setdefault(printed_key(part, here), [])
                cols.extend(k for k in record if k not in cols and not isinstance(record[k], Mapping | list))
                _collect(items, record, part, here, out)
        elif isinstance(item, Mapping) and sub.properties():
            lines = out.setdefault(printed_key(part, here), [])
            lines.extend(k for k in item if k not in lines)
            _collect(sub, item, part, here, out)
