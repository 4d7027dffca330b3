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


def _fill_template_like(template: Path, filled: Path, out: Path) -> None:
    """What a person does: open the blank form and type the figures in, sheet by sheet (here: copied
    from the seed's workbook), leaving the form's title row, headers, formats and protection."""
    form = openpyxl.load_workbook(template)
    source = openpyxl.load_workbook(filled)
    for ws in source.worksheets:
        target = form[ws.title]
        for merged in list(target.merged_cells.ranges):
            target.unmerge_cells(str(merged))
        for row in target.iter_rows(min_row=2 if ws.title != "文档信息" else 1):
            for cell in row:
                cell.value = None
        for row in ws.iter_rows(min_row=2 if ws.title != "文档信息" else 1):
            for cell in row:
                if cell.value is not None:
                    target.cell(row=cell.row, column=cell.column, value=cell.value).number_format = cell.number_format
        for merged in ws.merged_cells.ranges:
            if merged.min_row > 1:
                target.merge_cells(str(merged))
    form.save(out)


def test_the_template_filled_with_the_seeds_figures_gives_the_seeds_findings(tmp_path: Path) -> None:
    save_template("hunan-changsha", tmp_path / "form.xlsx", 2024)
    save_document(read(SEED).document, tmp_path / "seed.xlsx")
    _fill_template_like(tmp_path / "form.xlsx", tmp_path / "seed.xlsx", tmp_path / "filled.xlsx")
    report = validate_workbook(tmp_path / "filled.xlsx")
    seed = validate(SEED)
    title_rules = {"structure.table-title", "structure.title-year"}
    assert _keys(f for f in report.findings if f.rule not in title_rules) == _keys(
        f for f in seed.findings if f.rule not in title_rules
    )
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
