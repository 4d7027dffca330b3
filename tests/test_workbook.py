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
from budget_disclosure.workbook.template import blank_document
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
    by_pointer = {(f.rule, f.pointer): f.cell for f in report.findings}
    # the 184 in the 三级指标 column of the seed (a shifted row) is reported at its own cell: the first
    # project's first indicator stands beside the project, in the grid's seventh column
    shifted = (
        "indicators.level3-looks-like-value",
        "/tables/project_performance/units/0/projects/0/indicators/0/level3",
    )
    assert by_pointer[shifted] == "项目支出绩效目标表!G7"


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
        taken = {"title", "unit_name", "note", "rows", "total_row"}
        if ws["A3"].value == "收入":
            self.sides(ws, node, table)
            taken |= {"income", "expenditure"}
        elif ws["B3"].value == "单位（项目）名称":
            self.projects(ws, node, table)
            taken |= {"units"}
        elif "rows" in table:
            self.rows(ws, node, table)
        rest = {k: v for k, v in table.items() if k not in taken}
        if "rows" not in table and "total_row" in table and "units" not in taken:
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

    def projects(self, ws: Any, node: Node, table: dict[str, Any]) -> None:
        """单位编码 | 单位（项目）名称 | 资金总额 | 绩效目标 | 绩效指标…: the 合计, then a line per unit, a line
        per project with its first indicator beside it, a line per further indicator."""
        indicators = node.properties()["units"].items().properties()["projects"].items().properties()["indicators"]
        props = indicators.items().properties()
        heads = {ws.cell(row=4, column=c).value: c for c in range(5, ws.max_column + 1)}
        columns = {k: heads[n.title] for k, n in props.items() if n.title in heads}
        total = self.find(ws, "合计", 1, 5)
        assert total is not None
        self.put(ws, total, 3, table["total_row"]["amount"])
        lines: list[dict[int, Any]] = []
        for unit in table["units"]:
            lines.append({1: unit["unit_code"], 2: unit["unit_name"], 3: unit["amount"]})
            for project in unit["projects"]:
                head = {1: project["unit_code"], 2: project["name"], 3: project["amount"], 4: project["goal"]}
                for k, indicator in enumerate(project["indicators"] or [{}]):
                    line = dict(head) if k == 0 else {}
                    line.update({columns[key]: value for key, value in indicator.items()})
                    lines.append(line)
        ws.insert_rows(total + 1, len(lines))
        for i, line in enumerate(lines, total + 1):
            for col, value in line.items():
                self.put(ws, i, col, value)

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


def _row(ws: Any, r: int, width: int | None = None) -> list[Any]:
    """A row's values as a person reads them (a figure as the decimal it shows)."""
    values = [ws.cell(row=r, column=c).value for c in range(1, (width or ws.max_column) + 1)]
    return [Decimal(str(v)) if isinstance(v, float) else v for v in values]


def test_the_template_prints_the_profiles_columns_in_the_printed_layout(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    save_template("hunan-changsha", path, 2024)
    wb = openpyxl.load_workbook(path)
    # 部门收支总表: 收入 and 支出 side by side, the lines the Changsha form prints, in its order
    ws = wb["部门收支总表"]
    assert _row(ws, 3) == ["收入", None, "支出", None] and {"A3:B3", "C3:D3"} <= {str(m) for m in ws.merged_cells}
    assert _row(ws, 4) == ["项目", "金额", "项目", "金额"]
    assert [ws.cell(row=r, column=1).value for r in range(5, 14)] == [
        "本级财政拨款收入",
        "财政专户管理资金收入",
        "事业单位经营收入",
        "上级补助收入",
        "其他收入",
        "事业收入",
        "本年收入合计",
        "上年结转",
        "收入总计",
    ]
    assert ws["C5"].value == "基本支出" and ws["C13"].value == "支出总计"
    assert "一般公共预算拨款收入" not in [c.value for c in ws["A"]]  # the MoF lines are not the form's
    # 财政拨款收支总表: 支出 in four amount columns, its function-class rows under a 科目编码
    ws = wb["财政拨款收支总表"]
    assert _row(ws, 4) == [
        "项目",
        "金额",
        "功能科目编码",
        "项目",
        "合计",
        "一般公共预算",
        "政府性基金预算",
        "国有资本经营预算",
    ]
    assert [ws.cell(row=r, column=4).value for r in (5, 6, 7)] == ["本年支出", "结转下年", "支出总计"]
    # 部门收入总表: 本级财政拨款 heads 金额 and 其中：经费拨款; no column the form does not print
    ws = wb["部门收入总表"]
    assert _row(ws, 3)[3:8] == ["功能科目", "合计", "本级财政拨款", None, "财政专户管理资金收入"]
    assert _row(ws, 4)[:7] == ["类", "款", "项", None, None, "金额", "其中：经费拨款"]
    assert "F3:G3" in {str(m) for m in ws.merged_cells} and "E3:E4" in {str(m) for m in ws.merged_cells}
    assert "一般公共预算拨款收入" not in _row(ws, 3)
    assert _row(wb["一般公共预算支出表"], 3)[3:] == ["功能科目", "总计", "基本支出", "项目支出"]
    # 项目支出绩效目标表: one grid of units, projects and indicators, the indicator columns in the order
    # each performance table prints them
    ws = wb["项目支出绩效目标表"]
    assert _row(ws, 3)[:5] == ["单位编码", "单位（项目）名称", "资金总额", "绩效目标", "绩效指标"]
    assert "E3:M3" in {str(m) for m in ws.merged_cells} and _row(ws, 5)[0] == "合计"
    assert _row(ws, 4)[4:] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "指标值内容",
        "评（扣）分标准",
        "度量单位",
        "指标值类型",
        "备注",
    ]
    ws = wb["部门整体支出绩效目标表"]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "一级指标")
    assert _row(ws, head, 9)[3:8] == ["指标值类型", "指标值", "度量单位", "指标解释", "评（扣）分标准"]
    # a profile without an attested transcription gets every column of the schema
    save_template("central-2021", tmp_path / "central.xlsx")
    central = openpyxl.load_workbook(tmp_path / "central.xlsx")
    assert "一般公共预算拨款收入" in _row(central["部门收入总表"], 3)


def test_convert_writes_the_seed_in_the_printed_layout(tmp_path: Path) -> None:
    path = tmp_path / "seed.xlsx"
    save_document(read(SEED).document, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["部门收支总表"]
    assert _row(ws, 5) == ["本级财政拨款收入", Decimal("2314.68"), "基本支出", Decimal("1003.01")]
    assert _row(ws, 11)[0] == "本年收入合计" and _row(ws, 10)[2] == "本年支出合计"
    ws = wb["财政拨款收支总表"]
    assert _row(ws, 5)[:5] == ["本年收入", Decimal("2314.68"), None, "本年支出", Decimal("2314.68")]
    r = next(r for r in range(5, 40) if ws.cell(row=r, column=3).value == "215")
    assert _row(ws, r)[2:6] == ["215", "资源勘探工业信息等支出", Decimal("2314.68"), Decimal("2314.68")]
    intake = read_intake(path)
    assert intake.cells["/tables/summary/expenditure/basic"] == "部门收支总表!D5"
    assert intake.cells[f"/tables/fiscal_summary/expenditure/rows/{r - 6}/general_budget"] == f"财政拨款收支总表!F{r}"


def _printed_sheet(ws: Any, lines: list[list[Any]]) -> None:
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row > 1:
            ws.unmerge_cells(str(merged))
    ws.delete_rows(3, ws.max_row)
    for r, line in enumerate(lines, 3):
        for c, value in enumerate(line, 1):
            ws.cell(row=r, column=c, value=value)


def test_the_side_by_side_tables_are_read_as_the_seed_prints_them(tmp_path: Path) -> None:
    """Numbered and spaced labels (一、… 收 入 总 计), 本年预算 as the amount heading, and 财政拨款收支总表's
    function classes printed without their codes (1、一般公共服务支出)."""
    path = tmp_path / "seed.xlsx"
    seed = read(SEED).document
    save_document(seed, path)
    wb = openpyxl.load_workbook(path)
    money = Decimal
    _printed_sheet(
        wb["部门收支总表"],
        [
            ["收 入", None, "支 出", None],
            ["项 目", "本年预算", "项 目", "本年预算"],
            ["一、本级财政拨款收入", money("2314.68"), "一、基本支出", money("1003.01")],
            ["四、上级补助收入", None, "二、项目支出", money("1311.67")],
            ["本年收入合计", money("2314.68"), "本年支出合计", money("2314.68")],
            ["七、上年结转", None, "七、结转下年", None],
            ["收 入 总 计", money("2314.68"), "支 出 总 计", money("2314.68")],
            [],
            ["注：本表反映部门本年度的收支总体情况。"],
        ],
    )
    _printed_sheet(
        wb["财政拨款收支总表"],
        [
            ["收 入", None, "支 出", None, None, None],
            ["项目", "金 额", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
            ["一、本年收入", money("2314.68"), "一、本年支出", money("2314.68"), money("2314.68"), None, None],
            ["1、一般公共预算拨款收入", money("2314.68"), "1、一般公共服务支出", None, None, None, None],
            [None, None, "14、资源勘探工业信息等支出", money("2314.68"), money("2314.68"), None, None],
            ["收 入 总 计", money("2314.68"), "支 出 总 计", money("2314.68"), money("2314.68"), None, None],
        ],
    )
    wb.save(path)
    intake = read_intake(path)
    assert intake.problems == []
    summary = intake.document["tables"]["summary"]
    assert summary["income"] == {
        "fiscal_appropriation": money("2314.68"),
        "superior_subsidy_income": None,
        "current_year_total": money("2314.68"),
        "prior_year_carryover": None,
        "grand_total": money("2314.68"),
    }
    assert (
        summary["expenditure"]["project"] == money("1311.67") and summary["note"] == seed["tables"]["summary"]["note"]
    )
    fiscal = intake.document["tables"]["fiscal_summary"]
    assert fiscal["income"]["general_budget"] == money("2314.68")
    assert fiscal["expenditure"]["rows"] == [
        {
            "name": "一般公共服务支出",
            "total": None,
            "general_budget": None,
            "government_fund": None,
            "state_capital": None,
        },
        {
            "name": "资源勘探工业信息等支出",
            "total": money("2314.68"),
            "general_budget": money("2314.68"),
            "government_fund": None,
            "state_capital": None,
        },
    ]
    assert fiscal["expenditure"]["grand_total"]["general_budget"] == money("2314.68")
    assert intake.cells["/tables/fiscal_summary/expenditure/rows/1/total"] == "财政拨款收支总表!D7"


def test_the_line_layout_of_earlier_workbooks_is_still_read(tmp_path: Path) -> None:
    """A 收入 | 支出 table written as lines (``收入 › 本级财政拨款收入 │ 2314.68``) reads as before."""
    path = tmp_path / "seed.xlsx"
    seed = read(SEED).document
    save_document(seed, path)
    wb = openpyxl.load_workbook(path)
    spec = get_spec()
    for tid in ("summary", "fiscal_summary"):
        node, table = node_for(spec, tid), seed["tables"][tid]
        lines: list[list[Any]] = []
        for side in ("income", "expenditure"):
            sub = node.properties()[side]
            for key, value in table[side].items():
                label = [sub.title, sub.label_for(key)]
                if key == "rows":
                    lines.append(["【" + SEP.join(label) + "】"])
                    items = sub.properties()["rows"].items()
                    lines.append([items.label_for(k) for k in value[0]])
                    lines += [list(row.values()) for row in value] + [[]]
                elif isinstance(value, dict):
                    inner = sub.properties()[key]
                    lines += [[SEP.join([*label, inner.label_for(k)]), v] for k, v in value.items()]
                else:
                    lines.append([SEP.join(label), value])
        lines.append(["注：" + table["note"]])
        _printed_sheet(wb[sheet_name(spec, tid)], lines)
    wb.save(path)
    intake = read_intake(path)
    assert intake.problems == [] and canonical(intake.document) == canonical(seed)


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


@pytest.mark.parametrize("profile", sorted(get_spec().profiles))
def test_every_template_reads_back_to_its_blank_form(profile: str, tmp_path: Path) -> None:
    """The blank form of every profile reads back to exactly the blank document it was written from
    (the 合计 line right under a one-row header included)."""
    path = tmp_path / "form.xlsx"
    save_template(profile, path)
    intake = read_intake(path)
    assert intake.problems == []
    assert canonical(intake.document) == canonical(blank_document(get_spec(), profile))
