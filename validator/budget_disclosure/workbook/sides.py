"""The 收入 | 支出 tables (部门收支总表, 财政拨款收支总表) as the forms print them: the income lines on the
left, the expenditure lines on the right, side by side under one two-row header::

    收入              | 支出
    项目      | 金额   | 科目编码 | 项目     | 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算
    本年收入  | 2314.68|          | 本年支出 | 2314.68 | 2314.68 |  |
    …         |        | 215      | 资源勘探工业信息等支出 | 2314.68 | 2314.68 |  |

A side whose lines are amounts prints one amount column; a side whose lines are records of amounts
(财政拨款收支总表's 支出: 合计, 一般公共预算 …) prints one column per amount, and its function-class
rows (``rows``) under a 科目编码 column. A table the layout cannot hold exactly (a line that is an
array, a row without a code, a label that names another line) is written as lines instead, so the
workbook always reads back to the JSON it was written from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .layout import Node

__all__ = ["SIDES", "Side", "side_layout"]

SIDES = ("income", "expenditure")
LABEL_HEAD = "项目"
CODE_KEY = "code"
NAME_KEY = "name"


@dataclass
class Side:
    """One side of the table: its key, title, lines (key, value) and columns."""

    key: str
    title: str
    node: Node
    lines: list[tuple[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the amount keys of a side of records; [] for amounts
    rows: list[Mapping[str, Any]] | None = None  # the function-class rows, when the side has them

    @property
    def width(self) -> int:
        return (1 if self.rows is not None else 0) + 1 + max(1, len(self.columns))

    def code_title(self) -> str:
        sub = self.column_node(CODE_KEY)
        return sub.title if sub is not None and sub.title else "科目编码"

    def column_titles(self) -> list[str]:
        props = self._column_props()
        return [props[k].title or k if k in props else k for k in self.columns]

    def _column_props(self) -> dict[str, Node]:
        out: dict[str, Node] = {}
        for key, sub in self.node.properties().items():
            inner = sub.items() if key == "rows" else sub
            if inner is not None:
                for k, n in inner.properties().items():
                    out.setdefault(k, n)
        return out

    def column_node(self, key: str) -> Node | None:
        return self._column_props().get(key)


def _scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list)


def side_layout(
    table: Mapping[str, Any], node: Node, printed: Mapping[str, Sequence[str]] | None = None
) -> list[Side] | None:
    """The two sides of a 收入 | 支出 table, or None when the table is not one or the layout cannot hold
    it exactly."""
    props = node.properties()
    if any(k not in props or not isinstance(table.get(k), Mapping) for k in SIDES):
        return None
    sides = []
    for key in SIDES:
        side = _side(key, props[key], table[key], (printed or {}).get(props[key].title or key, ()))
        if side is None:
            return None
        sides.append(side)
    return sides


def _side(key: str, node: Node, value: Mapping[str, Any], printed: Sequence[str]) -> Side | None:
    """One side; its lines in the order the profile's form prints them, then the schema's order."""
    props = node.properties()
    side = Side(key, node.title or key, node)
    known = [k for k in printed if k in value] + [k for k in props if k in value and k not in printed]
    order = known + sorted(k for k in value if k not in known)
    records = [k for k in order if k != "rows" and isinstance(value[k], Mapping)]
    scalars = [k for k in order if k != "rows" and _scalar(value[k])]
    if (records and scalars) or len(records) + len(scalars) + ("rows" in value) != len(value):
        return None
    for k in order:
        if k != "rows" and resolve_line(node, label_of(node, k)) != k:
            return None  # a label that would read back as another line
    if "rows" in value:
        rows = value["rows"]
        if not records or not isinstance(rows, list) or not all(_row_fits(r, props, node) for r in rows):
            return None
        side.rows = rows
    if records or side.rows is not None:
        items = props["rows"].items() if "rows" in props and props["rows"].items() is not None else None
        first = props.get(records[0]) if records else None
        known = [k for sub in (first, items) if sub is not None for k in sub.properties()]
        used = {k for r in records for k in value[r]} | {k for r in side.rows or () for k in r}
        used -= {CODE_KEY, NAME_KEY}
        if any(not all(_scalar(v) for v in value[r].values()) or {CODE_KEY, NAME_KEY} & set(value[r]) for r in records):
            return None
        cols = list(dict.fromkeys(k for k in known if k in used))
        side.columns = cols + sorted(used - set(cols))
        if len(side.columns) < 2:
            return None  # one column of records would read back as amounts
    side.lines = [(k, value[k]) for k in order]
    return side


def _row_fits(row: Any, props: Mapping[str, Node], node: Node) -> bool:
    """A function-class row is told from the named lines by its code: a non-empty text."""
    if not isinstance(row, Mapping) or not all(_scalar(v) for v in row.values()):
        return False
    code = row.get(CODE_KEY)
    name = row.get(NAME_KEY)
    return isinstance(code, str) and code.strip() == code != "" and (name is None or isinstance(name, str))


def label_of(node: Node, key: str) -> str:
    return node.label_for(key)


def resolve_line(node: Node, label: str) -> str:
    from .layout import resolve_label

    return resolve_label(node, label)
