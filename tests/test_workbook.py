"""Excel workbooks in and out: round trips, provenance of every finding, templates (issue 13)."""

from __future__ import annotations

import html
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from budget_disclosure import validate
from budget_disclosure.cli import main
from budget_disclosure.reader import read
from budget_disclosure.spec import get_spec
from budget_disclosure.workbook import read_intake, save_document, save_template, validate_workbook
from budget_disclosure.workbook.commands import dumps
from budget_disclosure.workbook.layout import DOC_SHEET, NARRATIVE_SHEET, SEP, Node, node_for, sheet_name
from budget_disclosure.workbook.write import number_format
from budget_disclosure.workbook.xlsx import format_places, number

from .strategies import documents
from .support import CLEAN, EXAMPLES, SEED

ROUND_TRIP = [SEED, *sorted((EXAMPLES / "clean").glob("*.json")), *sorted((EXAMPLES / "forms").glob("*.json"))]


def canonical(value: Any) -> str:
    """Order-free, type-exact text of a document: ``9.00`` and ``9`` and ``9.0`` all differ."""

    def tag(v: Any) -> str:
        if isinstance(v, Decimal):
            return "Decimal:" + str(v)
        raise TypeError(type(v).__name__)

    return json.dumps(value, default=tag, ensure_ascii=False, sort_keys=True)


def round_trip(document: dict[str, Any], tmp: Path) -> dict[str, Any]:
    path = tmp / "doc.xlsx"
    save_document(document, path)
    intake = read_intake(path)
    assert intake.problems == []
    return intake.document


@pytest.mark.parametrize("path", ROUND_TRIP, ids=lambda p: p.name)
def test_json_to_workbook_to_json_is_identical(path: Path, tmp_path: Path) -> None:
    document = read(path).document
    assert canonical(round_trip(document, tmp_path)) == canonical(document)


@settings(
    max_examples=int(
        os.environ.get("WORKBOOK_EXAMPLES", {"ci": 30}.get(os.environ.get("HYPOTHESIS_PROFILE", "dev"), 8))
    )
)
@given(st.data())
def test_round_trip_of_generated_documents(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    document = data.draw(documents(), label="document")
    again = round_trip(document, tmp_path_factory.mktemp("gen"))
    assert canonical(again) == canonical(read(dumps(document).encode()).document)


def _keys(findings: Any) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.pointer, f.severity.value) for f in findings)


def test_the_seed_as_a_workbook_has_the_seeds_findings_each_at_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "seed.xlsx"
    save_document(read(SEED).document, path)
    report = validate_workbook(path)
    assert _keys(report.findings) == _keys(validate(SEED).findings)
    assert all(f.cell for f in report.findings)
    by_pointer = {f.pointer: f.cell for f in report.findings}
    # the 184 in the 三级指标 column of the seed (a shifted row) is reported at its own cell
    shifted = "/tables/project_performance/units/0/projects/0/indicators/6/level3"
    if shifted in by_pointer:
        assert by_pointer[shifted] == "项目支出绩效目标表!C15" or by_pointer[shifted].startswith("项目支出绩效目标表!")


def test_a_cell_names_the_sheet_and_the_cell_the_value_came_from(tmp_path: Path) -> None:
    path = tmp_path / "seed.xlsx"
    save_document(read(SEED).document, path)
    intake = read_intake(path)
    ref = intake.cells["/tables/general_budget_expenditure/total_row/total"]
    sheet, cell = ref.split("!")
    wb = openpyxl.load_workbook(path)
    assert Decimal(str(wb[sheet][cell].value)) == Decimal("2314.68")
    assert intake.cells["/tables/general_budget_expenditure/rows/0/code"].startswith("一般公共预算支出表!A")
    # a pointer below a value, or a key the document lacks, is placed at its nearest ancestor's cell
    assert (
        intake.cell_of("/tables/general_budget_expenditure/rows/0/nonexistent")
        == intake.cells["/tables/general_budget_expenditure/rows/0"]
    )


class _Person:
    """Types a document into the blank form cell by cell, as a person reads the form: the title and
    unit lines, each figure at its label or under its column heading, rows inserted above the 合计
    line, lines and grids the form does not show yet added below (never through ``convert``)."""

    def __init__(self, template: Path) -> None:
        self.spec = get_spec()
        self.wb = openpyxl.load_workbook(template)

    def type(self, document: dict[str, Any]) -> None:
        head = {k: v for k, v in document.items() if k not in ("tables", "narrative")}
        self.lines(self.wb[DOC_SHEET], head, node_for(self.spec, "document"), [])
        self.lines(self.wb[NARRATIVE_SHEET], {"narrative": document["narrative"]}, node_for(self.spec, "document"), [])
        for tid, table in document["tables"].items():
            self.table(self.wb[sheet_name(self.spec, tid)], tid, table)

    @staticmethod
    def put(ws: Any, row: int, col: int, value: Any) -> None:
        cell = ws.cell(row=row, column=col)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # 指标值类型 "=" is text, not a formula
        elif isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            cell.number_format = number_format(-exponent if isinstance(exponent, int) and exponent < 0 else 0)

    @staticmethod
    def find(ws: Any, text: str, col: int = 1, start: int = 1) -> int | None:
        return next((r for r in range(start, ws.max_row + 1) if ws.cell(row=r, column=col).value == text), None)

    def line(self, ws: Any, label: str, value: Any) -> None:
        r = self.find(ws, label) or ws.max_row + 1
        self.put(ws, r, 1, label)
        self.put(ws, r, 2, value)

    def lines(self, ws: Any, value: dict[str, Any], node: Node | None, path: list[str]) -> None:
        props = node.properties() if node is not None else {}
        for key, item in value.items():
            sub = props.get(key)
            label = [*path, sub.title if sub is not None and sub.title else key]
            if isinstance(item, dict):
                self.lines(ws, item, sub, label)
            elif isinstance(item, list) and all(isinstance(v, dict) and _flat(v) for v in item):
                self.grid(ws, "【" + SEP.join(label) + "】", sub.items() if sub else None, item)
            elif isinstance(item, list):
                items = sub.items() if sub is not None else None
                for i, one in enumerate(item, 1):
                    here = [*label[:-1], f"{label[-1]} {i}"]
                    self.line(ws, SEP.join(here), None)
                    self.lines(ws, one, items, here)
            else:
                self.line(ws, SEP.join(label), item)

    def grid(self, ws: Any, heading: str, items: Node | None, records: list[dict[str, Any]]) -> None:
        """Rows under a 【…】 heading: below the form's header, or a new heading, header and rows."""
        at = self.find(ws, heading)
        if at is None:  # copy the layout of the form's first such grid, as a person copies a block
            at = ws.max_row + 2
            self.put(ws, at, 1, heading)
            keys = list(dict.fromkeys(k for r in records for k in r))
            props = items.properties() if items is not None else {}
            for c, k in enumerate(keys, 1):
                self.put(ws, at + 1, c, props[k].title if k in props else k)
            ws.insert_rows(at + 2, len(records) + 1)
        columns, _, height = self.columns(ws, at + 1, items)
        ws.insert_rows(at + 1 + height, len(records))
        for i, record in enumerate(records):
            for key, value in record.items():
                self.put(ws, at + 1 + height + i, columns[key], value)

    def columns(self, ws: Any, top: int, items: Node | None) -> tuple[dict[str, int], dict[str, int], int]:
        """The column of each key, read off the header's headings (and the row of 类/款/项 or 金额)."""
        width = ws.max_column
        below = [ws.cell(row=top + 1, column=c).value for c in range(1, width + 1)]
        two = any(v in ("类", "金额") for v in below)
        keys: dict[str, int] = {}
        codes: dict[str, int] = {}
        for c in range(1, width + 1):
            high, low = ws.cell(row=top, column=c).value, below[c - 1] if two else None
            key_of = items.key_for if items is not None else str
            if low == "类":
                codes[key_of(high)] = keys[key_of(high)] = c
            elif low in ("款", "项"):
                continue
            elif low == "金额" or (low is None and high is not None):
                keys[key_of(high)] = c
            elif low is not None:
                keys[key_of(low)] = c
        return keys, codes, 2 if two else 1

    def table(self, ws: Any, tid: str, table: dict[str, Any]) -> None:
        node = node_for(self.spec, tid)
        ws["A1"] = table.get("title")  # the title line as the document prints it
        if "unit_name" in table:
            ws["A2"] = "单位名称：" + (table["unit_name"] or "")
        note = self.find(ws, "注：")
        if note is not None and "note" in table:
            ws.cell(row=note, column=1).value = "注：" + (table["note"] or "")
        if table.get("empty"):  # an empty table: the grid removed, the statement typed in
            for merged in list(ws.merged_cells.ranges):
                if merged.min_row >= 3:
                    ws.unmerge_cells(str(merged))
            ws.delete_rows(3, (note or ws.max_row + 1) - 3)
            ws.insert_rows(3, 3)
            self.put(ws, 3, 1, "空表")
            self.put(ws, 3, 2, True)
            self.put(ws, 4, 1, "空表说明")
            self.put(ws, 4, 2, table.get("statement"))
            return
        if ws["A3"].value == "收入":
            self.sides(ws, node, table)
        elif "rows" in table:
            self.rows(ws, node, table)
        rest = {k: v for k, v in table.items() if k not in ("title", "unit_name", "note", "rows", "total_row")}
        if ws["A3"].value == "收入":
            rest = {k: v for k, v in rest.items() if k not in ("income", "expenditure")}
        if "rows" not in table and "total_row" in table:
            rest["total_row"] = table["total_row"]
        self.lines(ws, rest, node, [])

    def rows(self, ws: Any, node: Node, table: dict[str, Any]) -> None:
        items = node.properties()["rows"].items()
        keys, codes, height = self.columns(ws, 3, items)
        total = 3 + height
        ws.insert_rows(total, len(table["rows"]))
        for i, record in enumerate(table["rows"]):
            for key, value in record.items():
                if key in codes:
                    for k, part in enumerate((value[:3], value[3:5] or None, value[5:] or None)):
                        self.put(ws, total + i, codes[key] + k, part)
                else:
                    self.put(ws, total + i, keys[key], value)
        total += len(table["rows"])
        assert ws.cell(row=total, column=1).value == "合计"
        for key, value in (table.get("total_row") or {}).items():
            self.put(ws, total, keys[key], value)

    def sides(self, ws: Any, node: Node, table: dict[str, Any]) -> None:
        """收入 on the left (项目 | 金额), 支出 on the right; function-class rows typed in under 本年支出."""
        spend = node.properties()["expenditure"]
        coded = ws["C4"].value != "项目"
        label_col = 4 if coded else 3
        heads = {ws.cell(row=4, column=c).value: c for c in range(label_col + 1, ws.max_column + 1)}
        columns = {}
        for k, sub in spend.properties().items():
            inner = sub.items() if k == "rows" else sub
            for kk, n in (inner.properties() if inner is not None else {}).items():
                if n.title in heads:
                    columns[kk] = heads[n.title]
        rows = table["expenditure"].get("rows", [])
        if rows:
            after = self.find(ws, spend.label_for("current_year"), label_col) or 4
            ws.insert_rows(after + 1, len(rows))
            for i, record in enumerate(rows):
                self.put(ws, after + 1 + i, 3, record["code"])
                self.put(ws, after + 1 + i, 4, record["name"])
                for key, value in record.items():
                    if key in columns:
                        self.put(ws, after + 1 + i, columns[key], value)
        for side, col in (("income", 1), ("expenditure", label_col)):
            sub = node.properties()[side]
            for key, value in table[side].items():
                if key == "rows":
                    continue
                r = self.find(ws, sub.label_for(key), col, 5)
                assert r is not None, (side, key)
                if isinstance(value, dict):
                    for kk, v in value.items():
                        self.put(ws, r, columns[kk], v)
                else:
                    self.put(ws, r, col + 1, value)

    def save(self, path: Path) -> None:
        self.wb.save(path)


def _flat(value: dict[str, Any]) -> bool:
    return all(not isinstance(v, dict | list) for v in value.values())


def test_the_template_filled_with_the_seeds_figures_gives_the_seeds_findings(tmp_path: Path) -> None:
    """The issue's "Done when": the blank form, the seed typed into it cell by cell, validated, gives
    the seed's findings (rule, severity, pointer; the title checks included), each at its cell."""
    save_template("hunan-changsha", tmp_path / "form.xlsx", 2024)
    person = _Person(tmp_path / "form.xlsx")
    seed = read(SEED).document
    person.type(seed)
    person.save(tmp_path / "filled.xlsx")
    intake = read_intake(tmp_path / "filled.xlsx")
    assert intake.problems == []
    assert canonical(intake.document) == canonical(seed)
    report = validate_workbook(tmp_path / "filled.xlsx")
    assert _keys(report.findings) == _keys(validate(SEED).findings)
    assert all(f.cell and "!" in f.cell for f in report.findings)


def test_the_template_is_a_blank_form_of_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    save_template("hunan-changsha", path, 2024)
    wb = openpyxl.load_workbook(path)
    assert "一般公共预算支出表" in wb.sheetnames and wb["选项"].sheet_state == "hidden"
    ws = wb["一般公共预算支出表"]
    assert ws["A1"].value == "2024年一般公共预算支出情况表"
    assert ws.protection.sheet and ws["A3"].protection.locked
    assert [ws.cell(row=4, column=c).value for c in (1, 2, 3)] == ["类", "款", "项"]
    assert any(str(m) == "A3:C3" for m in ws.merged_cells.ranges)
    total = next(r for r in range(5, 10) if ws.cell(row=r, column=1).value == "合计")
    assert (
        ws.cell(row=total, column=5).number_format == "#,##0.00" and not ws.cell(row=total, column=5).protection.locked
    )
    perf = wb["项目支出绩效目标表"]
    formulas = {dv.formula1 for dv in perf.data_validations.dataValidation}
    assert any("选项" in f for f in formulas) and len(formulas) == 3  # 一级、二级指标 and 指标值类型
    lists = wb["选项"]
    assert [c.value for c in lists[1]][:3] == ["指标值类型", "一级指标", "二级指标"]
    assert "成本指标" in [c.value for c in lists["B"]]
    assert read_intake(path).problems == []


@pytest.mark.parametrize(
    ("text", "places", "formula", "expected"),
    [
        ("2314.68", 2, False, Decimal("2314.68")),
        ("9", 2, False, Decimal("9.00")),
        ("1000", None, False, 1000),
        ("2314.6799999999998", 2, False, Decimal("2314.68")),
        ("0.30000000000000004", 2, True, Decimal("0.30")),
        ("2314.681", 2, False, Decimal("2314.681")),  # typed with a decimal more: kept, the precision rule reports it
    ],
)
def test_numbers_are_read_as_the_exact_figure_shown(
    text: str, places: int | None, formula: bool, expected: Any
) -> None:
    value = number(text, places, formula)
    assert value == expected and type(value) is type(expected) and str(value) == str(expected)


@pytest.mark.parametrize(
    ("code", "places"), [("General", None), ("#,##0.00", 2), ("0.0_);[Red](0.0)", 1), ('"¥"#,##0', 0), ("0%", 0)]
)
def test_number_format_decimals(code: str, places: int | None) -> None:
    assert format_places(code) == places


def test_cli_converts_both_ways_and_validates_a_workbook(tmp_path: Path) -> None:
    runner = CliRunner()
    book, back, cells = tmp_path / "c.xlsx", tmp_path / "c.json", tmp_path / "cells.json"
    assert runner.invoke(main, ["convert", str(CLEAN), "-o", str(book)]).exit_code == 0
    result = runner.invoke(main, ["convert", str(book), "-o", str(back), "--cells", str(cells)])
    assert result.exit_code == 0, result.output
    assert canonical(read(back).document) == canonical(read(CLEAN).document)
    assert json.loads(cells.read_text(encoding="utf-8"))["/tables/summary/income/grand_total"].startswith(
        "部门收支总表!B"
    )
    report = runner.invoke(main, ["validate", "--format", "json", str(book)])
    findings = json.loads(report.output)["documents"][0]["findings"]
    assert findings and all("!" in f["cell"] for f in findings)
    spec = get_spec()
    Draft202012Validator(spec.schemas[spec.base_uri + "report.schema.json"]).validate(json.loads(report.output))
    sarif = json.loads(runner.invoke(main, ["validate", "--format", "sarif", str(book)]).output)
    assert all("!" in r["properties"]["cell"] for r in sarif["runs"][0]["results"])
    text = runner.invoke(main, ["validate", str(book)]).output
    assert "［部门" in text or "［" in text
    template = runner.invoke(main, ["template", "--profile", "central-2021", "-o", str(tmp_path / "t.xlsx")])
    assert template.exit_code == 0 and (tmp_path / "t.xlsx").exists()


def test_cli_convert_refuses_a_pair_of_the_same_kind(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["convert", str(CLEAN), "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "from .json to .xlsx" in result.output


def test_the_library_validates_a_workbook_path(tmp_path: Path) -> None:
    path = tmp_path / "seed.xlsx"
    save_document(read(SEED).document, path)
    report = validate(path)
    assert _keys(report.findings) == _keys(validate(SEED).findings) and all(f.cell for f in report.findings)


def test_the_html_report_of_a_workbook_draws_its_tables_and_names_the_cells(tmp_path: Path) -> None:
    book = tmp_path / "seed.xlsx"
    save_document(read(SEED).document, book)
    result = CliRunner().invoke(main, ["validate", "--format", "html", str(book)])
    assert result.exit_code == 1
    cells = {f.cell for f in validate_workbook(book).findings}
    assert all(html.escape(str(c)) in result.output for c in cells)
    assert result.output.count('class="xl"') == len(validate_workbook(book).findings)
    assert "data-cell=" in result.output  # the tables are drawn: findings mark their cells
