"""Writing a disclosure (or a blank form of a profile) as a workbook in the layout of ``layout.py``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..spec import Spec
from .layout import (
    ABSENT,
    CODE_PARTS,
    DOC_SHEET,
    GRID_KEYS,
    HEAD_KEYS,
    NARRATIVE_SHEET,
    OWN_COLUMN,
    SEP,
    Node,
    code_columns,
    column_groups,
    node_for,
    printed_columns,
    printed_key,
    sheet_name,
)
from .projects import HEAD as PROJECT_HEAD
from .projects import PROJECT_KEYS, fits, indicator_node
from .projects import labels as project_labels
from .sides import CODE_KEY, LABEL_HEAD, NAME_KEY, Side, side_layout
from .validation import add_validations

__all__ = ["number_format", "write_document"]

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_LOCKED = Protection(locked=True)
_OPEN = Protection(locked=False)
_MAX_EXACT_DIGITS = 15  # what a spreadsheet number holds exactly; longer amounts are written as text


def number_format(decimals: int) -> str:
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


class _Sheet:
    """A worksheet written top to bottom, with the precision that blank amount cells are formatted by."""

    def __init__(self, ws: Worksheet, precision: int | None) -> None:
        self.ws = ws
        self.row = 1
        self.precision = precision
        self.width = 2
        self.template = False
        self.printed: Mapping[tuple[str, str], tuple[str, ...]] = {}
        self.table = ""

    def printed_for(self, labels: list[str]) -> tuple[str, ...]:
        return self.printed.get(printed_key(self.table, labels), ())

    def put(self, col: int, value: Any, *, amount: bool = False, head: bool = False) -> None:
        cell = self.ws.cell(row=self.row, column=col)
        self.width = max(self.width, col)
        if head:
            cell.font, cell.fill, cell.protection = _BOLD, _HEAD_FILL, _LOCKED
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        else:
            cell.protection = _OPEN
        if isinstance(value, bool):
            cell.value = value
        elif isinstance(value, (int, Decimal)):
            self._number(cell, value)
        elif value is not None:
            cell.value = value if isinstance(value, str) else str(value)
            cell.data_type = "s"
        elif amount and self.precision is not None:
            cell.number_format = number_format(self.precision)

    @staticmethod
    def _number(cell: Any, value: int | Decimal) -> None:
        digits = value.as_tuple().digits if isinstance(value, Decimal) else str(abs(value))
        if len(digits) > _MAX_EXACT_DIGITS:
            cell.value, cell.data_type = str(value), "s"  # text keeps every digit; read back exactly
            return
        exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        cell.value = value
        cell.number_format = number_format(places)

    def line(self, label: str, value: Any, amount: bool = False) -> None:
        self.put(1, label, head=True)
        self.put(2, value, amount=amount)
        self.row += 1


def write_document(spec: Spec, document: Mapping[str, Any], *, template: bool = False) -> Workbook:
    """The workbook of a document. ``template`` marks a blank form: its sheets are protected (the
    header cells locked, the cells to fill open)."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = DOC_SHEET
    precision = _precision(document.get("amounts"))
    profile = document.get("profile")
    printed = printed_columns(spec, profile) if isinstance(profile, str) and profile in spec.profiles else {}
    head = {k: v for k, v in document.items() if k not in ("tables", "narrative")}
    sheet = _Sheet(first, precision)
    sheet.printed, sheet.table, sheet.template = printed, "metadata", template
    _record(sheet, head, node_for(spec, "document"), [])
    _finish(sheet, template)
    tables = document.get("tables")
    if isinstance(tables, Mapping):
        order = {t: i for i, t in enumerate(spec.tables)}
        for tid in sorted(tables, key=lambda t: (order.get(t, len(order)), t)):
            _table_sheet(spec, wb, tid, tables[tid], precision, template, printed)
            _unit_line(wb.worksheets[-1], tables[tid], _get(document.get("amounts"), "unit"))
    if "narrative" in document:
        narrative = document["narrative"]
        sheet = _Sheet(wb.create_sheet(NARRATIVE_SHEET), _precision(_get(narrative, "amounts")))
        sheet.printed, sheet.table, sheet.template = printed, "narrative", template
        _record(sheet, {"narrative": narrative}, node_for(spec, "document"), [])
        _finish(sheet, template)
    add_validations(spec, wb, document)
    return wb


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, Mapping) else None


def _precision(amounts: Any) -> int | None:
    """The decimals blank amount cells are formatted with: the amounts' precision; none for figures
    "as written" (the narrative), so that a typed ``0`` stays ``0``."""
    p = _get(amounts, "precision")
    if p == "as_written":
        return None
    return p if isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= 6 else 2


def _table_sheet(
    spec: Spec,
    wb: Workbook,
    tid: str,
    table: Any,
    precision: int | None,
    template: bool,
    printed: Mapping[tuple[str, str], tuple[str, ...]],
) -> None:
    known = tid in spec.tables
    ws = wb.create_sheet(sheet_name(spec, tid) if known else tid[:31])
    sheet = _Sheet(ws, _precision(_get(table, "amounts")) if _get(table, "amounts") else precision)
    sheet.template = template
    sheet.printed, sheet.table = printed, tid
    node = node_for(spec, tid) if known else Node(spec, {}, spec.document_uri)
    if not isinstance(table, Mapping):
        sheet.line("表", str(table))
        return
    sheet.put(1, table.get("title"))
    ws.cell(row=1, column=1).font = _TITLE
    sheet.row = 2
    if "unit_name" in table:
        sheet.put(1, "单位名称：" + (table["unit_name"] or "") if isinstance(table["unit_name"], str | None) else None)
    sheet.row = 3
    lines = {title: cols for (part, title), cols in printed.items() if part == tid}
    sides = side_layout(table, node, lines) if known else None
    skip = set(GRID_KEYS) if _gridable(table) else set()
    if sides is not None:
        skip |= {side.key for side in sides}
    rest = {k: v for k, v in table.items() if k not in HEAD_KEYS and k not in skip}
    if sides is not None:
        _side_by_side(sheet, sides)
    indicators = indicator_node(node) if known else None
    if indicators is not None and isinstance(table.get("units"), list):
        columns = _indicator_columns(sheet, table, node, indicators)
        if fits(table, node, columns):
            _projects_grid(sheet, table, node, indicators, columns)
            rest = {k: v for k, v in rest.items() if k not in ("units", "total_row")}
    if _gridable(table):
        _main_grid(sheet, table, node)
    _record(sheet, rest, node, [])
    if "note" in table:
        sheet.put(1, "注：" + table["note"] if isinstance(table["note"], str) else "注：")
        sheet.row += 1
    if not isinstance(table.get("unit_name"), str | None) and "unit_name" in table:
        sheet.line("单位名称", table["unit_name"])
    _finish(sheet, template)


def _unit_line(ws: Worksheet, table: Any, unit: Any) -> None:
    """``单位：万元`` at the right of the second row (the table's own unit, else the document's), and the
    title merged across the table's width."""
    own = _get(_get(table, "amounts"), "unit")
    unit = own if isinstance(own, str) else unit
    width = max(ws.max_column, 3)
    if isinstance(unit, str):
        ws.cell(row=2, column=width).value = f"单位：{unit}"
        ws.cell(row=2, column=width).alignment = Alignment(horizontal="right")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")


def _indicator_columns(sheet: _Sheet, table: Mapping[str, Any], node: Node, indicators: Node) -> list[str]:
    every: list[Mapping[str, Any]] = []
    for unit in table["units"]:
        projects = unit.get("projects") if isinstance(unit, Mapping) else None
        for project in projects if isinstance(projects, list) else ():
            found = project.get("indicators") if isinstance(project, Mapping) else None
            every += [i for i in (found if isinstance(found, list) else ()) if isinstance(i, Mapping)]
    return _columns(every, indicators, sheet.template or not every, sheet.printed_for(project_labels(node)))


def _projects_grid(sheet: _Sheet, table: Mapping[str, Any], node: Node, indicators: Node, cols: list[str]) -> None:
    """项目支出绩效目标表 as one grid (``projects.py``): 合计, then each unit, its projects and their
    indicators, the 一级/二级 cells of a project's indicators merged where they repeat."""
    ws, top = sheet.ws, sheet.row
    props = indicators.properties()
    for c, head in enumerate(PROJECT_HEAD, 1):
        sheet.put(c, head, head=True)
        ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
    sheet.put(5, project_labels(node)[-1], head=True)
    if len(cols) > 1:
        ws.merge_cells(start_row=top, start_column=5, end_row=top, end_column=4 + len(cols))
    sheet.row = top + 1
    for i, key in enumerate(cols):
        sheet.put(5 + i, props[key].title if key in props and props[key].title else key, head=True)
    sheet.row = top + 2
    if "total_row" in table:
        sheet.put(1, "合计")
        sheet.put(3, table["total_row"].get("amount", ABSENT), amount=True)
        sheet.row += 1
    for unit in table["units"]:
        for c, key in enumerate(("unit_code", "unit_name", "amount"), 1):
            sheet.put(c, unit.get(key, ABSENT), amount=key == "amount")
        sheet.row += 1
        for project in unit["projects"]:
            for c, key in enumerate(PROJECT_KEYS, 1):
                sheet.put(c, project.get(key, ABSENT), amount=key == "amount")
            first = sheet.row
            items = project["indicators"]
            for indicator in items:
                for c, key in enumerate(cols, 5):
                    sheet.put(c, indicator.get(key, ABSENT))
                sheet.row += 1
            if not items:
                sheet.row += 1
            _merge_levels(sheet, cols, set(), items, first, offset=4)
    sheet.row += 1  # a blank line ends the grid


def _side_by_side(sheet: _Sheet, sides: list[Side]) -> None:
    """The 收入 | 支出 grid (``sides.py``): two header rows, then the lines of both sides side by side."""
    ws, top = sheet.ws, sheet.row
    col = 1
    for side in sides:
        sheet.put(col, side.title, head=True)
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + side.width - 1)
        sheet.row = top + 1
        heads = [side.code_title()] if side.rows is not None else []
        heads += [LABEL_HEAD, *(side.column_titles() or [OWN_COLUMN])]
        for i, head in enumerate(heads):
            sheet.put(col + i, head, head=True)
        sheet.row = top
        col += side.width
    body = end = top + 2
    col = 1
    for side in sides:
        row = body
        for key, value in side.lines:
            if key == "rows":
                for record in side.rows or ():
                    _side_line(sheet, row, col, side, record.get(NAME_KEY, ABSENT), record, record.get(CODE_KEY))
                    row += 1
                continue
            _side_line(sheet, row, col, side, side.node.label_for(key), value, None)
            row += 1
        end = max(end, row)
        col += side.width
    sheet.row = end + 1  # a blank line ends the grid


def _side_line(sheet: _Sheet, row: int, col: int, side: Side, label: Any, value: Any, code: Any) -> None:
    sheet.row = row
    if side.rows is not None:
        sheet.put(col, code)
        col += 1
    sheet.put(col, label)
    if not side.columns:
        sheet.put(col + 1, value, amount=True)
        return
    for i, key in enumerate(side.columns):
        sheet.put(col + 1 + i, value.get(key, ABSENT), amount=True)


def _gridable(table: Mapping[str, Any]) -> bool:
    rows = table.get("rows")
    total = table.get("total_row", {})
    flat = isinstance(rows, list) and all(_flat(r) for r in rows)
    return flat and (total is None or _flat(total))


def _flat(value: Any) -> bool:
    return isinstance(value, Mapping) and all(not isinstance(v, Mapping | list) for v in value.values())


def _columns(
    items: Sequence[Mapping[str, Any]], node: Node | None, template: bool, printed: Sequence[str] = ()
) -> list[str]:
    """The printed columns: in the order the profile's form prints them (``layout.printed_columns``),
    then the schema's order, then keys the schema does not know. A blank form carries the columns the
    profile prints (every column of the schema when the profile has no attested transcription)."""
    known = list(node.properties()) if node is not None else []
    used = {k for item in items for k in item}
    order = [k for k in printed if k in known or k in used] + [k for k in known if k not in printed]
    blank = set(printed) if printed else set(known)
    cols = [k for k in order if k in used or (template and k in blank)]
    return cols + sorted(used - set(cols))


def _main_grid(sheet: _Sheet, table: Mapping[str, Any], node: Node) -> None:
    rows = table["rows"]
    total = table.get("total_row")
    items_node = node.properties()["rows"].items() if "rows" in node.properties() else None
    every = [*rows, *([total] if isinstance(total, Mapping) else [])]
    cols = _columns(every, items_node, sheet.template, sheet.printed_for([node.properties()["rows"].title or "rows"]))
    _grid(sheet, cols, rows, items_node, total_line=total if isinstance(total, Mapping) else None)
    if "total_row" in table and total is None:
        sheet.line("合计", None)


def _grid(
    sheet: _Sheet,
    cols: list[str],
    items: Sequence[Mapping[str, Any]],
    node: Node | None,
    total_line: Mapping[str, Any] | None = None,
) -> None:
    codes = set(code_columns(node)) if node is not None else set()
    props = node.properties() if node is not None else {}
    _header(sheet, cols, props, codes)
    first = sheet.row
    for item in items:
        _grid_row(sheet, cols, item, props, codes)
    _merge_levels(sheet, cols, codes, items, first)
    if total_line is not None:
        _grid_row(sheet, cols, total_line, props, codes, total=True)
    sheet.row += 1  # a blank line ends the grid


def _header(sheet: _Sheet, cols: list[str], props: Mapping[str, Node], codes: set[str]) -> None:
    """The grid's header: one row, or two when a 科目编码 prints 类/款/项 under it or a column heads a
    group (``本级财政拨款`` over ``金额 | 其中：经费拨款``); a column without parts spans both rows."""
    groups = column_groups(cols, props)
    parts = {p for ps in groups.values() for p in ps}
    two = bool(groups) or any(c in codes for c in cols)
    ws, top = sheet.ws, sheet.row
    col = 1
    for key in cols:
        title = props[key].title if key in props and props[key].title else key
        if key in codes:
            sheet.put(col, title, head=True)
            ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 2)
            sheet.row = top + 1
            for i, part in enumerate(CODE_PARTS):
                sheet.put(col + i, part, head=True)
            sheet.row = top
            col += 3
        elif key in groups:
            width = 1 + len(groups[key])
            sheet.put(col, title, head=True)
            ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + width - 1)
            sheet.row = top + 1
            sheet.put(col, OWN_COLUMN, head=True)
            sheet.row = top
            col += 1
        elif key in parts:
            sheet.row = top + 1
            sheet.put(col, title, head=True)
            sheet.row = top
            col += 1
        else:
            sheet.put(col, title, head=True)
            if two:
                ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
            col += 1
    sheet.row = top + (2 if two else 1)


def _grid_row(
    sheet: _Sheet,
    cols: list[str],
    item: Mapping[str, Any],
    props: Mapping[str, Node],
    codes: set[str],
    total: bool = False,
) -> None:
    """One printed row; in the 合计 row, ``合计`` stands in the first label column (code or name)."""
    col = 1
    marked = False
    for key in cols:
        amount = key in props and props[key].shape().amount
        if key in item:
            value = item[key]
        elif total and not amount:
            value, marked = (None if marked else "合计"), True
        else:
            value = ABSENT
        if key in codes:
            for i, part in enumerate(_split_code(value)):
                sheet.put(col + i, part)
            col += 3
        else:
            sheet.put(col, value, amount=amount)
            col += 1
    sheet.row += 1


def _merge_levels(
    sheet: _Sheet, cols: list[str], codes: set[str], items: Sequence[Mapping[str, Any]], first: int, offset: int = 0
) -> None:
    """Merge the 一级/二级 cells of consecutive indicator rows that repeat them, as the form prints them."""
    if "level1" not in cols or codes:
        return
    for depth, key in enumerate(("level1", "level2")):
        if key not in cols:
            continue
        col = cols.index(key) + 1 + offset
        start = 0
        for i in range(1, len(items) + 1):
            run = [items[start].get(k) for k in ("level1", "level2")[: depth + 1]]
            here = [items[i].get(k) for k in ("level1", "level2")[: depth + 1]] if i < len(items) else None
            if here != run or any(not isinstance(v, str) for v in run):
                if i - start > 1 and all(isinstance(v, str) for v in run):
                    sheet.ws.merge_cells(
                        start_row=first + start, start_column=col, end_row=first + i - 1, end_column=col
                    )
                    sheet.ws.cell(row=first + start, column=col).alignment = Alignment(
                        vertical="center", wrap_text=True
                    )
                start = i


def _split_code(value: Any) -> tuple[Any, Any, Any]:
    if isinstance(value, str) and value not in (ABSENT, "合计"):
        return (value[:3], value[3:5] or None, value[5:] or None)
    return (value, None, None)


def _record(sheet: _Sheet, value: Mapping[str, Any], node: Node | None, path: list[str]) -> None:
    """Every key of a record as lines (``label | value``) and grids, in schema order."""
    props = node.properties() if node is not None else {}
    keys = [k for k in props if k in value] + sorted(k for k in value if k not in props)
    for key in keys:
        sub = props.get(key)
        label = [*path, sub.title if sub is not None and sub.title else key]
        _part(sheet, value[key], sub, label)


def _part(sheet: _Sheet, value: Any, node: Node | None, label: list[str]) -> None:
    if isinstance(value, Mapping):
        if not value:
            sheet.line(SEP.join(label), "{}")
        _record(sheet, value, node, label)
    elif isinstance(value, list):
        _array(sheet, value, node, label)
    else:
        sheet.line(SEP.join(label), value, amount=node is not None and node.shape().amount)


def _array(sheet: _Sheet, value: list[Any], node: Node | None, label: list[str]) -> None:
    items = node.items() if node is not None else None
    if all(_flat(v) for v in value):
        sheet.put(1, "【" + SEP.join(label) + "】", head=True)
        sheet.row += 1
        printed = sheet.printed_for(label)
        _grid(sheet, _columns(value, items, sheet.template or not value, printed), value, items)
        return
    for i, item in enumerate(value, 1):
        here = [*label[:-1], f"{label[-1]} {i}"]
        if isinstance(item, Mapping):
            sheet.line(SEP.join(here), "{}" if not item else None)
            _record(sheet, item, items, here)
        else:
            _part(sheet, item, items, here)


def _finish(sheet: _Sheet, template: bool) -> None:
    ws = sheet.ws
    ws.column_dimensions["A"].width = 28
    for col in range(2, sheet.width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.freeze_panes = None
    if template:
        ws.protection.sheet = True
        ws.protection.formatRows = False
        ws.protection.insertRows = False
        ws.protection.deleteRows = False
        ws.protection.formatColumns = False
        ws.protection.deleteColumns = False
