"""Reading a workbook in the layout of ``layout.py`` back into the canonical JSON document.

Every value keeps its provenance: ``Intake.cells`` maps the JSON Pointer of each value (and of each
row, record and table) to the cell it came from (``一般公共预算支出表!D12``). What cannot be placed —
a sheet no table matches, a line whose label names no field, a header that is not the table's — is a
problem naming the sheet and cell and what was expected, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import pointer as jp
from ..emit import join
from ..spec import Spec
from .layout import (
    ABSENT,
    CODE_PARTS,
    DOC_SHEET,
    NARRATIVE_SHEET,
    OWN_COLUMN_NAMES,
    SEP,
    Node,
    node_for,
    printed_label,
    resolve_label,
    sheet_name,
    strip_numbering,
)
from .match import match_sheet
from .projects import HEAD as PROJECT_HEAD
from .projects import PROJECT_KEYS, UNIT_KEYS, indicator_node
from .sides import CODE_KEY, NAME_KEY, SIDES
from .validation import LISTS_SHEET
from .xlsx import Cell, SheetData, cell_ref

__all__ = ["Intake", "Problem", "read_sheets"]

_THOUSANDS = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_ITEM = re.compile(r"^(.*\S)\s+(\d+)$")


@dataclass(frozen=True)
class Problem:
    """Something in the workbook that could not be read into the document."""

    cell: str
    message: str
    message_en: str
    kind: str = "layout"  # or "formula": a formula cell without a cached value, an error value


@dataclass
class Intake:
    document: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # JSON Pointer → sheet!cell
    problems: list[Problem] = field(default_factory=list)

    def cell_of(self, pointer: str) -> str | None:
        """The cell of a pointer, or of its nearest ancestor that has one."""
        tokens = jp.parse(pointer)
        while True:
            found = self.cells.get(jp.from_path(tokens))
            if found is not None or not tokens:
                return found
            tokens = tokens[:-1]


class _Ctx:
    def __init__(self, spec: Spec, intake: Intake, sheet: SheetData) -> None:
        self.spec = spec
        self.intake = intake
        self.sheet = sheet

    def ref(self, row: int, col: int) -> str:
        return cell_ref(self.sheet.name, row, col)

    def problem(self, row: int, col: int, zh: str, en: str, kind: str = "layout") -> None:
        self.intake.problems.append(Problem(self.ref(row, col), zh, en, kind))

    def mark(self, pointer: str, row: int, col: int) -> None:
        self.intake.cells.setdefault(pointer, self.ref(row, col))


def read_sheets(spec: Spec, sheets: list[SheetData]) -> Intake:
    intake = Intake()
    doc = intake.document
    for sheet in sheets:
        if sheet.name == LISTS_SHEET and sheet.hidden:
            continue
        ctx = _Ctx(spec, intake, sheet)
        _fill_merged(ctx)
        _report_cell_errors(ctx)
        if sheet.name in (DOC_SHEET, NARRATIVE_SHEET):
            _lines(ctx, doc, node_for(spec, "document"), "", sorted(sheet.cells))
        else:
            _table_sheet(ctx, doc)
    if doc:
        intake.cells.setdefault("", cell_ref(sheets[0].name, 1, 1) if sheets else "")
    return intake


def _report_cell_errors(ctx: _Ctx) -> None:
    for r, row in ctx.sheet.rows():
        for c, cell in row.items():
            if cell.error == "formula-uncached":
                ctx.problem(
                    r,
                    c,
                    f"公式“={cell.formula}”没有计算结果（保存前请在表格软件中重新计算）",
                    f"formula ={cell.formula} has no cached value (recalculate and save the workbook)",
                    "formula",
                )
            elif cell.error == "error-value":
                ctx.problem(
                    r, c, f"单元格是错误值 {cell.value}", f"the cell holds the error value {cell.value}", "formula"
                )


def _fill_merged(ctx: _Ctx) -> None:
    """A merged range's value stands in each cell it covers for text; an amount is never copied."""
    cells = ctx.sheet.cells
    for r1, c1, r2, c2 in ctx.sheet.merged:
        top = cells.get(r1, {}).get(c1)
        if top is None or not isinstance(top.value, str):
            if top is not None and r1 > 2 and (r2 > r1 or c2 > c1):
                ctx.problem(
                    r1,
                    c1,
                    "合并单元格跨越了数字单元格：请取消合并，每格填写自己的数",
                    "a merged cell spans figures: unmerge it and fill each cell",
                )
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and c not in cells.get(r, {}):
                    cells.setdefault(r, {})[c] = Cell(r, c, top.value)


def _text(cell: Cell | None) -> str | None:
    if cell is None or cell.value is None:
        return None
    return cell.value.strip() if isinstance(cell.value, str) else None


def _table_sheet(ctx: _Ctx, doc: dict[str, Any]) -> None:
    """One table per sheet, or several one after another, each starting at its title row."""
    sheet = ctx.sheet
    profile = doc.get("profile") if isinstance(doc.get("profile"), str) else None
    rows = sorted(sheet.cells)
    heads = [(r, t) for r in rows if (t := _title_of(ctx, sheet.cells[r], profile)) is not None]
    first_title = _text(sheet.cells.get(1, {}).get(1))
    first = match_sheet(ctx.spec, sheet.name, first_title, profile)
    if not heads or heads[0][0] != (rows[0] if rows else 1):
        if first is None:
            expected = [sheet_name(ctx.spec, t) for t in ctx.spec.tables]
            ctx.problem(
                rows[0] if rows else 1,
                1,
                f"无法判断这张工作表是哪张表（标题“{first_title or ''}”）；应为：{join(expected, 'zh')}",
                f"cannot tell which table this sheet holds (title {first_title!r}); "
                f"expected one of: {join(expected, 'en')}",
            )
            return
        heads.insert(0, (1 if 1 in sheet.cells and _single_text(sheet.cells[1]) else 0, first))
    elif first is not None:
        heads[0] = (heads[0][0], first)
    for k, (r, tid) in enumerate(heads):
        stop = heads[k + 1][0] if k + 1 < len(heads) else (rows[-1] + 1 if rows else 1)
        _table_block(ctx, doc, tid, r, [x for x in rows if r <= x < stop and x != r])


def _title_of(ctx: _Ctx, row: Mapping[int, Cell], profile: str | None) -> str | None:
    """The table a row is the title of: one text (repeated only by a merge) that ends in a table's title."""
    text = _single_text(row)
    if text is None or SEP.strip() in text or text.startswith(("注：", "【", "单位")):
        return None
    return match_sheet(ctx.spec, "", text, profile)


def _single_text(row: Mapping[int, Cell]) -> str | None:
    """The text of a row that holds one text in column A (repeated only by a merge), else None."""
    texts = {_text(c) for c in row.values()}
    return texts.pop() if len(texts) == 1 and 1 in row else None


def _table_block(ctx: _Ctx, doc: dict[str, Any], tid: str, title_row: int, rows: list[int]) -> None:
    tables = doc.setdefault("tables", {})
    at = title_row or (rows[0] if rows else 1)
    if tid in tables:
        ctx.problem(at, 1, f"表“{tid}”已在前面读到过", f"table {tid} was already read before")
        return
    table: dict[str, Any] = {}
    tables[tid] = table
    base = f"/tables/{tid}"
    ctx.mark(base, at, 1)
    title = _text(ctx.sheet.cells.get(title_row, {}).get(1)) if title_row else None
    if title is not None:
        table["title"] = title
        ctx.mark(base + "/title", title_row, 1)
    unit_row = next((r for r in rows[:1] if _is_unit_line(ctx.sheet.cells[r])), 0)
    for c, cell in ctx.sheet.cells.get(unit_row, {}).items():
        text = _text(cell)
        if text is not None and text.startswith("单位名称："):
            table["unit_name"] = text.removeprefix("单位名称：").strip() or None
            ctx.mark(base + "/unit_name", unit_row, c)
    _lines(ctx, table, node_for(ctx.spec, tid), base, [r for r in rows if r != unit_row])


def _is_unit_line(row: Mapping[int, Cell]) -> bool:
    texts = [_text(c) for c in row.values()]
    return bool(texts) and all(t is not None and t.startswith(("单位名称：", "单位：")) for t in texts)


def _lines(ctx: _Ctx, target: dict[str, Any], node: Node, base: str, rows: list[int]) -> None:
    """Read lines, grids and notes from ``rows`` into ``target`` (the object at ``base``)."""
    cells = ctx.sheet.cells
    i = 0
    while i < len(rows):
        r = rows[i]
        row = cells[r]
        a = _text(row.get(1))
        if a is not None and a.startswith("注：") and len(row) == 1:
            target["note"] = a.removeprefix("注：").strip() or None
            ctx.mark(base + "/note", r, 1)
            i += 1
        elif a is not None and a.startswith("【") and a.endswith("】"):
            i = _grid_block(ctx, target, node, base, rows, i, a[1:-1])
        elif _is_projects_header(row, node):
            i = _projects(ctx, target, node, base, rows, i)
        elif _is_side_header(row, node):
            i = _sides(ctx, target, node, base, rows, i)
        elif _is_header(row, _rows_node(node)):
            i = _grid(ctx, target, node, base, rows, i, ["rows"], main=True)
        elif a is not None:
            _line(ctx, target, node, base, r, a)
            i += 1
        else:
            ctx.problem(
                r,
                min(row),
                "这一行没有标签（A 列为空），无法判断它属于哪一栏",
                "this line has no label in column A; cannot tell what it is",
            )
            i += 1


def _rows_node(node: Node) -> Node | None:
    rows = node.properties().get("rows")
    return rows.items() if rows is not None else None


def _is_header(row: Mapping[int, Cell], items: Node | None) -> bool:
    if items is None:
        return False
    titles = {sub.title for sub in items.properties().values()}
    texts = [_text(c) for c in row.values()]
    hits = sum(1 for t in texts if t in titles)
    return hits >= 2 and hits == len([t for t in texts if t is not None])


def _resolve(node: Node | None, tokens: list[str]) -> tuple[list[str | int], Node | None]:
    """Label tokens → JSON path (keys and item indexes) and the node reached."""
    path: list[str | int] = []
    for token in tokens:
        m = _ITEM.match(token)
        key = node.key_for(token) if node is not None else token
        if m is not None and (node is None or key == token) and key not in (node.properties() if node else {}):
            key = node.key_for(m.group(1)) if node is not None else m.group(1)
            sub = node.properties().get(key) if node is not None else None
            path += [key, int(m.group(2)) - 1]
            node = sub.items() if sub is not None else None
            continue
        path.append(key)
        node = node.properties().get(key) if node is not None else None
    return path, node


def _place(target: Any, path: list[str | int], value: Any, container: bool) -> bool:
    """Set ``value`` at ``path`` under ``target``, creating records and list items on the way."""
    for i, step in enumerate(path):
        last = i == len(path) - 1
        nxt = path[i + 1] if not last else None
        fresh: Any = value if last else ([] if isinstance(nxt, int) else {})
        if isinstance(step, int):
            if not isinstance(target, list) or step > len(target):
                return False
            if step == len(target):
                target.append(fresh)
            elif last and not container:
                target[step] = value
        else:
            if not isinstance(target, dict):
                return False
            if last and not (container and step in target):
                target[step] = value
            target.setdefault(step, fresh)
        target = target[step]
    return True


def _line(ctx: _Ctx, target: dict[str, Any], node: Node, base: str, r: int, label: str) -> None:
    path, sub = _resolve(node, [t.strip() for t in label.split(SEP.strip())])
    cell = ctx.sheet.cells[r].get(2)
    container = sub is not None and bool(sub.properties()) and not (sub.shape().amount)
    raw = cell.value if cell is not None else None
    if container and (raw is None or raw == "{}"):
        value: Any = {}
    elif raw == "{}" and sub is None:
        value = {}
    else:
        value = _convert(cell, sub)
    extra = [c for c in ctx.sheet.cells[r] if c > 2]
    if extra:
        ctx.problem(r, extra[0], f"“{label}”一行在 B 列之后还有内容", f"the line {label!r} has content beyond column B")
    if not _place(target, path, value, container):
        ctx.problem(
            r,
            1,
            f"标签“{label}”与已读内容冲突（编号不连续或层次不符）",
            f"the label {label!r} does not fit what was read (an item number out of order?)",
        )
        return
    ctx.mark(base + "/" + "/".join(jp.escape(str(p)) for p in path), r, 2 if cell is not None else 1)


def _convert(cell: Cell | None, node: Node | None) -> Any:
    if cell is None or cell.value is None or cell.error is not None:
        return None
    value = cell.value
    shape = node.shape() if node is not None else None
    if isinstance(value, str):
        if shape is not None and shape.amount:
            return _amount_text(value)
        return value if value != "" else None
    if isinstance(value, bool):
        return value
    if node is not None and _string_only(node):
        return str(value)
    return value


def _amount_text(text: str) -> Any:
    stripped = text.strip()
    if _THOUSANDS.match(stripped):
        try:
            return Decimal(stripped.replace(",", "")) if "." in stripped else int(stripped.replace(",", ""))
        except InvalidOperation:
            return text
    return text


def _string_only(node: Node) -> bool:
    types: set[str] = set()
    for schema, _ in node.parts:
        t = schema.get("type")
        types.update([t] if isinstance(t, str) else (t or []))
    return bool(types) and types <= {"string", "null"}


def _grid_block(ctx: _Ctx, target: dict[str, Any], node: Node, base: str, rows: list[int], i: int, label: str) -> int:
    path, sub = _resolve(node, [t.strip() for t in label.split(SEP.strip())])
    r = rows[i]
    if sub is None and not all(isinstance(p, str) for p in path):
        ctx.problem(r, 1, f"“{label}”不是本表的一部分", f"{label!r} is not a part of this table")
    return _grid(ctx, target, node, base, rows, i + 1, path, main=False, array=sub)


@dataclass
class _Columns:
    keys: dict[int, str] = field(default_factory=dict)  # column → key
    codes: dict[int, str] = field(default_factory=dict)  # first column of a 类/款/项 group → key
    first: int = 1
    above: dict[int, list[str | None]] = field(default_factory=dict)  # the 类 and 款 of the rows above


def _header_columns(ctx: _Ctx, r: int, items: Node | None) -> tuple[_Columns, int]:
    """The columns a header names, and how many rows the header takes: 1, or 2 when 类/款/项 stand
    under a 科目编码 or columns under a group heading (``本级财政拨款`` › ``金额 | 其中：经费拨款``)."""
    cells = ctx.sheet.cells
    head = cells.get(r, {})
    below = cells.get(r + 1, {})
    cols = _Columns(first=min(head) if head else 1)
    two = _sub_header(head, below, items)
    for c in sorted(head):
        title = _text(head[c])
        if title is None or any(c in range(g, g + 3) for g in cols.codes):
            continue
        parts = tuple(_text(below.get(c + k)) for k in range(3))
        if parts == CODE_PARTS:
            cols.codes[c] = items.key_for(title) if items is not None else title
            continue
        low = _text(below.get(c)) if two else None
        label = title if low is None or low == title or low in OWN_COLUMN_NAMES else low
        cols.keys[c] = items.key_for(label) if items is not None else label
    return cols, 2 if two else 1


def _sub_header(head: Mapping[int, Cell], below: Mapping[int, Cell], items: Node | None) -> bool:
    """Whether the row under a header is the header's second row: only texts, each a 类/款/项, the
    heading above it (a merged cell), a group's own column (金额) or a column's title."""
    if not below or items is None:
        return False
    titles = {sub.title for sub in items.properties().values()}
    for c, cell in below.items():
        text, above = _text(cell), _text(head.get(c))
        if text is None or (text == "合计" and above != "合计"):
            return False  # a figure, or the 合计 line right under a one-row header
        if not (text in CODE_PARTS or text == above or text in OWN_COLUMN_NAMES or text in titles):
            return False
    return True


def _grid(
    ctx: _Ctx,
    target: dict[str, Any],
    node: Node,
    base: str,
    rows: list[int],
    i: int,
    path: list[str | int],
    *,
    main: bool,
    array: Node | None = None,
) -> int:
    if i >= len(rows):
        return i
    if main:
        sub = node.properties().get("rows")
        array = sub
    items = array.items() if array is not None else None
    total_node = node.properties().get("total_row") if main else None
    cols, height = _header_columns(ctx, rows[i], items)
    start = rows[i] + height
    out: list[Any] = []
    total: dict[str, Any] | None = None
    where = base + "/" + "/".join(jp.escape(str(p)) for p in path)
    j = i + 1
    while j < len(rows) and rows[j] < start:
        j += 1
    expect = start
    while j < len(rows) and rows[j] == expect:
        r = rows[j]
        record, is_total = _grid_row(ctx, r, cols, items, total_node)
        if is_total and main:
            total = record
            ctx.mark(base + "/total_row", r, cols.first)
            _mark_row(ctx, base + "/total_row", r, cols, record)
        else:
            ctx.mark(f"{where}/{len(out)}", r, cols.first)
            _mark_row(ctx, f"{where}/{len(out)}", r, cols, record)
            out.append(record)
        j += 1
        expect += 1
    if not _place(target, [p.strip() if isinstance(p, str) else p for p in path], out, False):
        ctx.problem(rows[i], 1, "这一表格无法放入文档（编号不连续或层次不符）", "this grid does not fit the document")
    ctx.mark(where, rows[i], cols.first)
    if total is not None:
        target["total_row"] = total
    return j


def _mark_row(ctx: _Ctx, where: str, r: int, cols: _Columns, record: Mapping[str, Any]) -> None:
    for c, key in [*cols.keys.items(), *cols.codes.items()]:
        if key in record:
            ctx.mark(f"{where}/{jp.escape(key)}", r, c)


def _grid_row(
    ctx: _Ctx, r: int, cols: _Columns, items: Node | None, total_node: Node | None
) -> tuple[dict[str, Any], bool]:
    row = ctx.sheet.cells[r]
    props = items.properties() if items is not None else {}
    total_props = total_node.properties() if total_node is not None else {}
    is_total = total_node is not None and _labelled_total(row, cols, total_props)
    record: dict[str, Any] = {}
    for c, key in cols.codes.items():
        if is_total and key not in total_props:
            continue
        code = _code(row, c, cols.above.setdefault(c, [None, None]))
        if code is not ABSENT:
            record[key] = code
    for c, key in cols.keys.items():
        cell = row.get(c)
        if (cell is not None and cell.value == ABSENT) or (is_total and key not in total_props):
            continue
        record[key] = _convert(cell, props.get(key))
    known = {*cols.keys, *(g + k for g in cols.codes for k in range(3))}
    for c in row:
        if c not in known and row[c].value is not None:
            ctx.problem(
                r, c, "这个单元格不在任何有表头的栏中（列错位？）", "this cell is under no header (shifted columns?)"
            )
    order = list(props)
    ordered = {k: record[k] for k in order if k in record}
    ordered.update({k: v for k, v in record.items() if k not in ordered})
    return ordered, is_total


def _labelled_total(row: Mapping[int, Cell], cols: _Columns, total_props: Mapping[str, Node]) -> bool:
    labels = [c for c, k in cols.keys.items() if k not in total_props] + [
        c for c, k in cols.codes.items() if k not in total_props
    ]
    return any(_text(row.get(c)) == "合计" for c in labels)


def _code(row: Mapping[int, Cell], c: int, above: list[str | None]) -> Any:
    """类/款/项 joined into one code. A 款 printed without its 类 (or a 项 without 类 and 款) takes them
    from the rows above, as the forms print them (docs/DATA_MODEL.md §7.1)."""
    parts: list[str | None] = []
    for k in range(3):
        cell = row.get(c + k)
        value = cell.value if cell is not None else None
        if value == ABSENT:
            return ABSENT
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value).zfill(3 if k == 0 else 2)
        parts.append(value.strip() or None if isinstance(value, str) else None if value is None else str(value))
    if all(p is None for p in parts):
        return None
    for k in (0, 1):
        if parts[k] is None and any(parts[k + 1 :]):
            parts[k] = above[k]
        elif parts[k] is not None:
            above[k] = parts[k]
            if k == 0:
                above[1] = None
    return "".join(p for p in parts if p is not None)


# --- 收入 | 支出 side by side (sides.py) --------------------------------------------------------------


def _side_titles(node: Node) -> dict[str, str]:
    props = node.properties()
    return {printed_label(props[k].title or k): k for k in SIDES if k in props}


def _is_side_header(row: Mapping[int, Cell], node: Node) -> bool:
    titles = _side_titles(node)
    if len(titles) < len(SIDES) or not all(isinstance(c.value, str) for c in row.values()):
        return False
    return {printed_label(str(c.value)) for c in row.values()} == set(titles)


@dataclass
class _SideColumns:
    key: str
    node: Node
    code: int | None
    label: int
    values: dict[int, str | None]  # column → amount key (None: the side's lines are amounts)


def _side_columns(ctx: _Ctx, node: Node, r: int) -> list[_SideColumns]:
    titles = _side_titles(node)
    head, sub = ctx.sheet.cells.get(r, {}), ctx.sheet.cells.get(r + 1, {})
    starts: dict[str, int] = {}
    for c in sorted(head):
        starts.setdefault(titles[printed_label(str(head[c].value))], c)
    # a side spans from its heading to the next side's (the heading merged across it, or not)
    edges = [*sorted(starts.values()), max([*head, *sub]) + 1]
    spans = {key: list(range(c, edges[edges.index(c) + 1])) for key, c in starts.items()}
    out = []
    for key, cols in spans.items():
        side = node.properties()[key]
        rows = side.properties().get("rows")
        items = rows.items() if rows is not None else None
        code_node = items.properties().get(CODE_KEY) if items is not None else None
        first = _text(sub.get(cols[0])) or ""
        is_code = code_node is not None and printed_label(first) in {"科目编码", printed_label(code_node.title or "")}
        code = cols[0] if is_code else None
        rest = cols[1:] if is_code else cols
        if not rest:
            continue
        values = rest[1:]
        column_node = _side_column_nodes(side)
        named: dict[int, str | None] = {}
        for c in values:
            text = _text(sub.get(c)) or ""
            hit = next((k for k, n in column_node.items() if printed_label(n.title or k) == printed_label(text)), None)
            named[c] = hit if hit is not None else (text or None)
        if len(values) == 1 and code is None and named[values[0]] not in column_node:
            named = {values[0]: None}
        out.append(_SideColumns(key, side, code, rest[0], named))
    return out


def _side_column_nodes(side: Node) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for key, sub in side.properties().items():
        inner = sub.items() if key == "rows" else sub
        if inner is not None and not inner.shape().amount:
            for k, n in inner.properties().items():
                out.setdefault(k, n)
    return out


def _sides(ctx: _Ctx, target: dict[str, Any], node: Node, base: str, rows: list[int], i: int) -> int:
    """Read a 收入 | 支出 grid: the header, its second row (项目 | 金额 …), then the lines side by side."""
    r = rows[i]
    layout = _side_columns(ctx, node, r)
    out: dict[str, dict[str, Any]] = {}
    for side in layout:
        here = target.get(side.key)
        out[side.key] = here if isinstance(here, dict) else {}
        target[side.key] = out[side.key]
        ctx.mark(f"{base}/{side.key}", r, side.label if side.code is None else side.code)
        if side.code is not None:
            out[side.key].setdefault("rows", [])
    j = i + 1
    if j < len(rows) and rows[j] == r + 1:
        j += 1
    expect = r + 2
    known = {c for s in layout for c in (s.code, s.label, *s.values) if c is not None}
    while j < len(rows) and rows[j] == expect:
        row = ctx.sheet.cells[rows[j]]
        for side in layout:
            _side_line(ctx, out[side.key], side, f"{base}/{side.key}", rows[j], row)
        for c in row:
            if c not in known and row[c].value is not None:
                ctx.problem(
                    rows[j],
                    c,
                    "这个单元格不在任何有表头的栏中（列错位？）",
                    "this cell is under no header (shifted columns?)",
                )
        j += 1
        expect += 1
    for side in layout:
        order = list(side.node.properties())
        record = out[side.key]
        ordered = {k: record[k] for k in order if k in record} | {k: v for k, v in record.items() if k not in order}
        record.clear()
        record.update(ordered)
    return j


def _side_line(
    ctx: _Ctx, record: dict[str, Any], side: _SideColumns, where: str, r: int, row: Mapping[int, Cell]
) -> None:
    label_cell = row.get(side.label)
    code = row.get(side.code) if side.code is not None else None
    code_value = code.value if code is not None else None
    filled = [c for c in (side.label, *side.values) if row.get(c) is not None and row[c].value is not None]
    if code_value is None and label_cell is None:
        if filled:
            ctx.problem(r, filled[0], "这一行没有项目名称，无法判断它是哪一项", "this line has no item name")
        return
    label = _text(label_cell)
    key = resolve_label(side.node, label) if label is not None else None
    rows_node = side.node.properties().get("rows")
    is_row = code_value is not None or (
        rows_node is not None and key not in side.node.properties() and side.code is None
    )
    if is_row and rows_node is not None:
        items = rows_node.items()
        props = items.properties() if items is not None else {}
        entry: dict[str, Any] = {}
        index = len(record.setdefault("rows", []))
        at = f"{where}/rows/{index}"
        if code_value is not None and code_value != ABSENT:
            entry[CODE_KEY] = str(code_value).strip() if not isinstance(code_value, str) else code_value
            ctx.mark(f"{at}/{CODE_KEY}", r, side.code or side.label)
        if label_cell is None or label_cell.value != ABSENT:
            name = _convert(label_cell, props.get(NAME_KEY))
            entry[NAME_KEY] = strip_numbering(name) if isinstance(name, str) and code_value is None else name
            ctx.mark(f"{at}/{NAME_KEY}", r, side.label)
        _side_values(ctx, entry, props, side, at, r, row)
        ctx.mark(at, r, side.code or side.label)
        record["rows"].append(entry)
        return
    if key is None:
        return
    if key in record:
        ctx.problem(r, side.label, f"“{label}”一项重复", f"the line {label!r} appears twice")
        return
    sub = side.node.properties().get(key)
    at = f"{where}/{jp.escape(key)}"
    ctx.mark(at, r, side.label)
    if None in side.values.values():
        c = next(iter(side.values))
        record[key] = _convert(row.get(c), sub)
        ctx.intake.cells[at] = ctx.ref(r, c)
        return
    value: dict[str, Any] = {}
    _side_values(ctx, value, sub.properties() if sub is not None else {}, side, at, r, row)
    record[key] = value


def _side_values(
    ctx: _Ctx,
    into: dict[str, Any],
    props: Mapping[str, Any],
    side: _SideColumns,
    at: str,
    r: int,
    row: Mapping[int, Cell],
) -> None:
    """The amount columns of one line of a side (a row or a record of amounts) into ``into``, each marked
    with its cell; a column the line does not print (ABSENT) stays absent."""
    for c, k in side.values.items():
        cell = row.get(c)
        if k is None or (cell is not None and cell.value == ABSENT):
            continue
        into[k] = _convert(cell, props.get(k))
        ctx.mark(f"{at}/{jp.escape(k)}", r, c)


# --- 项目支出绩效目标表 as one grid (projects.py) ------------------------------------------------------


def _is_projects_header(row: Mapping[int, Cell], node: Node) -> bool:
    return indicator_node(node) is not None and tuple(_text(row.get(c)) for c in range(1, 5)) == PROJECT_HEAD


def _projects(ctx: _Ctx, target: dict[str, Any], node: Node, base: str, rows: list[int], i: int) -> int:
    """Read the grid of units, projects and indicators: a row with a goal or an indicator and a name is
    a project, a row with only an indicator is the project's next indicator, a row with neither is a
    unit, the row whose 单位编码 is 合计 is the total."""
    cells = ctx.sheet.cells
    r = rows[i]
    inode = indicator_node(node)
    assert inode is not None
    unit_node = node.properties()["units"].items()
    project_node = unit_node.properties()["projects"].items() if unit_node is not None else None
    sub = cells.get(r + 1, {})
    cols = {c: inode.key_for(t) for c in sorted(sub) if c > 4 and (t := _text(sub[c])) is not None}
    units: list[dict[str, Any]] = []
    target["units"] = units
    ctx.mark(f"{base}/units", r, 1)
    j = i + 1
    if j < len(rows) and rows[j] == r + 1:
        j += 1
    expect = r + 2
    unit: dict[str, Any] | None = None
    project: dict[str, Any] | None = None
    where = ""
    while j < len(rows) and rows[j] == expect:
        here = rows[j]
        row = cells[here]
        filled = {c for c, cell in row.items() if cell.value is not None}
        indicator = {c for c in filled if c in cols}
        for c in sorted(filled - {1, 2, 3, 4} - set(cols)):
            ctx.problem(
                here, c, "这个单元格不在任何有表头的栏中（列错位？）", "this cell is under no header (shifted columns?)"
            )
        if _text(row.get(1)) == "合计" and not filled & {2, 4} and not indicator:
            target["total_row"] = _record_of(ctx, row, here, {3: "amount"}, None, f"{base}/total_row")
        elif not filled & {1, 2, 3, 4}:
            if project is None:
                ctx.problem(here, min(indicator), "这条绩效指标不属于任何项目", "this indicator belongs to no project")
            else:
                _indicator(ctx, project, row, here, cols, inode, where)
        elif 4 in filled or indicator:
            if unit is None:
                ctx.problem(here, 1, "这个项目前面没有单位行", "this project has no unit row above it")
                unit = {"projects": []}
                units.append(unit)
            at = f"{base}/units/{len(units) - 1}/projects/{len(unit['projects'])}"
            project = _record_of(ctx, row, here, dict(enumerate(PROJECT_KEYS, 1)), project_node, at)
            project["indicators"] = []
            unit["projects"].append(project)
            where = at
            if indicator:
                _indicator(ctx, project, row, here, cols, inode, where)
        else:
            at = f"{base}/units/{len(units)}"
            unit = _record_of(ctx, row, here, dict(enumerate(UNIT_KEYS, 1)), unit_node, at)
            unit["projects"] = []
            units.append(unit)
            project = None
        j += 1
        expect += 1
    return j


def _record_of(
    ctx: _Ctx, row: Mapping[int, Cell], r: int, keys: Mapping[int, str], node: Node | None, at: str
) -> dict[str, Any]:
    props = node.properties() if node is not None else {}
    out: dict[str, Any] = {}
    ctx.mark(at, r, min(keys))
    for c, key in keys.items():
        cell = row.get(c)
        if cell is not None and cell.value == ABSENT:
            continue
        out[key] = _convert(cell, props.get(key))
        ctx.mark(f"{at}/{key}", r, c)
    return out


def _indicator(
    ctx: _Ctx,
    project: dict[str, Any],
    row: Mapping[int, Cell],
    r: int,
    cols: Mapping[int, str],
    inode: Node,
    where: str,
) -> None:
    at = f"{where}/indicators/{len(project['indicators'])}"
    project["indicators"].append(_record_of(ctx, row, r, cols, inode, at))
