"""Bad workbooks: a finding or a clear error naming the sheet and cell; never a traceback, never a
silently dropped value, memory bounded (issue 13, "Bad input")."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from budget_disclosure.cli import main
from budget_disclosure.reader import read
from budget_disclosure.workbook import WorkbookError, read_intake, save_document, validate_workbook

from .support import CLEAN, SEED

GB = "一般公共预算支出表"


@pytest.fixture
def seed_book(tmp_path: Path) -> Path:
    path = tmp_path / "seed.xlsx"
    save_document(read(SEED).document, path)
    return path


def _cli(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def _first_data_row(ws: openpyxl.worksheet.worksheet.Worksheet) -> int:
    return next(r for r in range(3, 20) if ws.cell(row=r, column=1).value == "215")


def test_an_encrypted_workbook_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600
    )
    with pytest.raises(WorkbookError, match="encrypted"):
        read_intake(path)
    result = _cli("validate", str(path))
    assert result.exit_code == 2 and "password" in result.output and "Traceback" not in result.output


def test_an_old_xls_gets_a_conversion_hint(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    result = _cli("convert", str(path), "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2 and "save it as .xlsx" in result.output


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_workbook_is_a_clear_error(seed_book: Path, tmp_path: Path, cut: float) -> None:
    data = seed_book.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * cut)])
    result = _cli("validate", str(path))
    assert result.exit_code == 2 and "cut.xlsx" in result.output and "Traceback" not in result.output


def test_a_corrupt_part_is_a_clear_error(seed_book: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(seed_book) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            out.writestr(item, data[:100] if item.filename.endswith("sheet2.xml") else data)
    with pytest.raises(WorkbookError, match="damaged"):
        read_intake(path)
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert _cli("validate", str(path)).exit_code == 2


def test_a_workbook_of_another_profile_is_validated_as_what_it_says(tmp_path: Path) -> None:
    path = tmp_path / "central.xlsx"
    save_document(read(CLEAN.parent / "example-central-2021.json").document, path)
    report = validate_workbook(path, profile="hunan-changsha")
    missing = [f for f in report.findings if f.rule == "schema.table-missing"]
    assert missing and all(f.cell for f in missing)


def test_shifted_columns_are_reported_at_the_cell(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[GB]
    r = _first_data_row(ws)
    ws.cell(row=r, column=ws.max_column + 1, value=Decimal("12.00"))
    wb.save(tmp_path / "shifted.xlsx")
    report = validate_workbook(tmp_path / "shifted.xlsx")
    hits = [f for f in report.findings if f.rule == "input.workbook-layout"]
    assert [f.cell for f in hits] == [f"{GB}!{ws.cell(row=r, column=ws.max_column).coordinate}"]
    assert "shifted" in hits[0].message_en


def test_a_merged_cell_across_figures_is_reported(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[GB]
    r = _first_data_row(ws)
    ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=6)
    wb.save(tmp_path / "merged.xlsx")
    report = validate_workbook(tmp_path / "merged.xlsx")
    assert f"{GB}!E{r}" in {f.cell for f in report.findings if f.rule == "input.workbook-layout"}


def test_text_in_a_number_column(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[GB]
    r = _first_data_row(ws)
    ws.cell(row=r, column=5, value="两千三百")
    ws.cell(row=r, column=6, value="1,003.01")  # a number stored as text with a thousands separator
    wb.save(tmp_path / "text.xlsx")
    intake = read_intake(tmp_path / "text.xlsx")
    row = intake.document["tables"]["general_budget_expenditure"]["rows"][0]
    assert row["total"] == "两千三百" and row["basic"] == Decimal("1003.01")
    report = validate_workbook(tmp_path / "text.xlsx")
    bad = [f for f in report.findings if f.pointer.endswith("rows/0/total") and f.rule.startswith("schema.")]
    assert bad and bad[0].cell == f"{GB}!E{r}"


def test_hidden_sheets_and_rows_are_read_not_dropped(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    wb[GB].sheet_state = "hidden"
    wb["部门收入总表"].row_dimensions[6].hidden = True
    wb.save(tmp_path / "hidden.xlsx")
    assert read_intake(tmp_path / "hidden.xlsx").document == read_intake(seed_book).document


def test_a_formula_uses_its_cached_value_and_one_without_is_a_finding(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[GB]
    r = _first_data_row(ws)
    ws.cell(row=r, column=5, value=f"=F{r}+I{r}")
    ws.cell(row=r + 1, column=5, value=f"=F{r + 1}+I{r + 1}")
    wb.save(tmp_path / "f.xlsx")
    # a spreadsheet program stores the result beside the formula: give the first one its cached value
    buffer = io.BytesIO()
    with zipfile.ZipFile(tmp_path / "f.xlsx") as src, zipfile.ZipFile(buffer, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if b"<f>F%d+I%d</f>" % (r, r) in data:
                data = data.replace(
                    b"<f>F%d+I%d</f><v></v>" % (r, r), b"<f>F%d+I%d</f><v>2314.6800000000003</v>" % (r, r)
                )
                data = data.replace(
                    b"<f>F%d+I%d</f><v />" % (r, r), b"<f>F%d+I%d</f><v>2314.6800000000003</v>" % (r, r)
                )
            out.writestr(item, data)
    (tmp_path / "f.xlsx").write_bytes(buffer.getvalue())
    intake = read_intake(tmp_path / "f.xlsx")
    assert intake.document["tables"]["general_budget_expenditure"]["rows"][0]["total"] == Decimal("2314.68")
    report = validate_workbook(tmp_path / "f.xlsx")
    uncached = [f for f in report.findings if f.rule == "input.workbook-formula"]
    assert [f.cell for f in uncached] == [f"{GB}!E{r + 1}"]


def test_a_sheet_no_table_matches_is_reported_not_guessed(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    ws = wb.create_sheet("草稿")
    ws["A1"] = "随手记的数"
    ws["B3"] = 12
    wb.save(tmp_path / "extra.xlsx")
    report = validate_workbook(tmp_path / "extra.xlsx")
    hits = [f for f in report.findings if f.rule == "input.workbook-layout"]
    assert [f.cell for f in hits] == ["草稿!A1"] and GB in hits[0].message


def test_a_label_that_names_no_field_is_kept_and_reported_by_the_schema(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    ws = wb["部门收支总表"]
    r = next(r for r in range(5, 20) if ws.cell(row=r, column=1).value == "上年结转")
    ws.insert_rows(r)  # a line of the 收入 side the form does not print
    ws.cell(row=r, column=1, value="捐赠收入")
    ws.cell(row=r, column=2, value=Decimal("5.00"))
    wb.save(tmp_path / "label.xlsx")
    report = validate_workbook(tmp_path / "label.xlsx")
    unknown = [f for f in report.findings if f.rule == "schema.unknown-field"]
    assert [f.pointer for f in unknown] == ["/tables/summary/income/捐赠收入"]
    assert unknown[0].cell == f"部门收支总表!B{r}"


def test_a_million_empty_formatted_rows_cost_time_not_memory(seed_book: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    rows = b"".join(
        b'<row r="%d" s="1" customFormat="1"><c r="B%d" s="1"/></row>' % (n, n) for n in range(60, 1_000_060)
    )
    with zipfile.ZipFile(seed_book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"</sheetData>", rows + b"</sheetData>")
            out.writestr(item, data)
    assert read_intake(path).document == read(SEED).document
    # memory: the peak of a fresh process reading the long workbook against one reading the short one
    assert _peak_kib(path) - _peak_kib(seed_book) < 48 * 1024


def _peak_kib(path: Path) -> int:
    code = (
        "import resource, sys; from budget_disclosure.workbook import read_intake; read_intake(sys.argv[1]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, check=True)
    return int(done.stdout.strip())


def test_a_workbook_over_max_bytes_is_not_opened(seed_book: Path) -> None:
    result = _cli("validate", "--format", "json", "--max-bytes", "1000", str(seed_book))
    findings = json.loads(result.output)["documents"][0]["findings"]
    assert result.exit_code == 1 and [f["rule"] for f in findings] == ["input.too-large"]


def test_several_tables_on_one_sheet_one_after_another(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    target, source = wb[GB], wb["政府性基金预算支出表"]
    offset = target.max_row + 2
    for row in source.iter_rows():
        for cell in row:
            if cell.value is not None:
                target.cell(row=cell.row + offset, column=cell.column, value=cell.value)
    del wb["政府性基金预算支出表"]
    target.title = "支出表"  # the sheet's name is no table's: each table is known by its title row
    wb.save(tmp_path / "one-sheet.xlsx")
    intake = read_intake(tmp_path / "one-sheet.xlsx")
    assert intake.problems == []
    assert intake.document == read(SEED).document
    assert intake.cells["/tables/government_fund_expenditure/title"] == f"支出表!A{offset + 1}"


def test_a_title_the_form_does_not_use_is_read_and_reported(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    wb[GB]["A1"] = "2024年支出明细"
    wb.save(tmp_path / "title.xlsx")
    report = validate_workbook(tmp_path / "title.xlsx")
    titles = [f for f in report.findings if f.pointer == "/tables/general_budget_expenditure/title"]
    assert titles and titles[0].cell == f"{GB}!A1"


def test_class_codes_in_one_column_or_with_the_class_printed_once(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[GB]
    r = _first_data_row(ws)
    assert [ws.cell(row=r + 1, column=c).value for c in (1, 2, 3)] == ["215", "05", None]
    ws.cell(row=r + 1, column=1).value = None  # the 款 row prints only its 款
    ws.cell(row=r + 2, column=1).value = None  # the 项 row prints only 款 and 项
    ws.cell(row=r + 2, column=2).value = 5  # typed as a number: the leading zero is the column's
    wb.save(tmp_path / "printed.xlsx")
    assert read_intake(tmp_path / "printed.xlsx").document == read(SEED).document

    wb = openpyxl.load_workbook(seed_book)
    ws = wb[GB]
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row == 3:
            ws.unmerge_cells(str(merged))
    for row in range(r, ws.max_row + 1):
        parts = [ws.cell(row=row, column=c).value for c in (1, 2, 3)]
        if isinstance(parts[0], str) and parts[0].isdigit():
            ws.cell(row=row, column=1).value = int("".join(p for p in parts if p))  # one code, typed as a number
    ws.delete_cols(2, 2)
    ws.delete_rows(4)
    wb.save(tmp_path / "one-column.xlsx")
    intake = read_intake(tmp_path / "one-column.xlsx")
    assert intake.problems == [] and intake.document == read(SEED).document


SUMMARY = "部门收支总表"


def _summary_row(ws: openpyxl.worksheet.worksheet.Worksheet, label: str, col: int = 1) -> int:
    return next(r for r in range(5, 30) if ws.cell(row=r, column=col).value == label)


def test_the_side_by_side_tables_report_bad_cells_at_their_cell(seed_book: Path, tmp_path: Path) -> None:
    """收入 | 支出 side by side: a figure beside the grid, text in an amount cell, a merge across figures,
    a figure without its item, a line typed twice — each a finding at its cell, nothing dropped."""
    wb = openpyxl.load_workbook(seed_book)
    ws = wb[SUMMARY]
    first = _summary_row(ws, "本级财政拨款收入")
    ws.cell(row=first, column=5, value=Decimal("7.00"))  # beyond 支出's amount column
    ws.cell(row=first + 1, column=2, value="两千")  # text in 财政专户管理资金收入
    ws.cell(row=first + 2, column=2, value="1,000.50")  # 事业单位经营收入: a number stored as text
    ws.merge_cells(start_row=first, start_column=4, end_row=first + 1, end_column=4)  # 基本支出 over 项目支出
    last = _summary_row(ws, "收入总计")
    ws.cell(row=last + 1, column=4, value=Decimal("3.00"))  # a figure with no 项目 beside it
    ws.cell(row=last + 2, column=1, value="上年结转")  # a line typed twice
    wb.save(tmp_path / "sides.xlsx")
    intake = read_intake(tmp_path / "sides.xlsx")
    income = intake.document["tables"]["summary"]["income"]
    assert income["special_account_income"] == "两千" and income["business_income"] == Decimal("1000.50")
    problems = {p.cell: p.message_en for p in intake.problems}
    assert "shifted" in problems[f"{SUMMARY}!E{first}"]
    assert "merged" in problems[f"{SUMMARY}!D{first}"]
    assert "no item name" in problems[f"{SUMMARY}!D{last + 1}"]
    assert "twice" in problems[f"{SUMMARY}!A{last + 2}"]
    report = validate_workbook(tmp_path / "sides.xlsx")
    typed = [f for f in report.findings if f.pointer == "/tables/summary/income/special_account_income"]
    assert typed and typed[0].rule.startswith("schema.") and typed[0].cell == f"{SUMMARY}!B{first + 1}"
    layout = {f.cell for f in report.findings if f.rule == "input.workbook-layout"}
    assert set(problems) <= layout


def test_hidden_rows_of_a_side_by_side_table_are_read(seed_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(seed_book)
    for r in (4, 6, 9):
        wb[SUMMARY].row_dimensions[r].hidden = True
        wb["财政拨款收支总表"].row_dimensions[r].hidden = True
    wb[SUMMARY].sheet_state = "hidden"
    wb.save(tmp_path / "hidden.xlsx")
    assert read_intake(tmp_path / "hidden.xlsx").document == read(SEED).document


def test_shifted_columns_in_a_grouped_header(seed_book: Path, tmp_path: Path) -> None:
    """部门收入总表 heads 金额 | 其中：经费拨款 under 本级财政拨款: a figure typed one column too far right
    of the last heading is reported; the grouped columns read to their own keys."""
    wb = openpyxl.load_workbook(seed_book)
    ws = wb["部门收入总表"]
    assert (ws["F3"].value, ws["F4"].value, ws["G4"].value) == ("本级财政拨款", "金额", "其中：经费拨款")
    r = _first_data_row(ws)
    ws.cell(row=r, column=ws.max_column + 1, value=Decimal("1.00"))
    wb.save(tmp_path / "income.xlsx")
    intake = read_intake(tmp_path / "income.xlsx")
    row = intake.document["tables"]["income"]["rows"][0]
    assert row["fiscal_appropriation"] == row["fiscal_appropriation_funding"] == Decimal("2314.68")
    assert intake.cells["/tables/income/rows/0/fiscal_appropriation_funding"] == f"部门收入总表!G{r}"
    assert [p.cell for p in intake.problems] == [f"部门收入总表!{ws.cell(row=r, column=ws.max_column).coordinate}"]


def test_the_project_grid_reports_rows_it_cannot_place(seed_book: Path, tmp_path: Path) -> None:
    """项目支出绩效目标表 as one grid: an indicator above every project, a project above every unit and a
    figure beside the grid are findings at their cells; the rest is read."""
    wb = openpyxl.load_workbook(seed_book)
    ws = wb["项目支出绩效目标表"]
    assert ws["A5"].value == "合计" and ws["B6"].value == "长沙市企业服务中心"
    ws.insert_rows(6, 2)
    ws["F6"] = "经济成本指标"  # an indicator with no project above it
    ws["B7"], ws["D7"] = "一个项目", "目标"  # a project with no unit above it
    ws.cell(row=9, column=ws.max_column + 1, value="多出的一格")
    wb.save(tmp_path / "projects.xlsx")
    intake = read_intake(tmp_path / "projects.xlsx")
    problems = {p.cell: p.message_en for p in intake.problems}
    assert "no project" in problems["项目支出绩效目标表!F6"]
    assert "no unit row" in problems["项目支出绩效目标表!A7"]
    assert any("shifted" in m and c.endswith("9") for c, m in problems.items())
    units = intake.document["tables"]["project_performance"]["units"]
    assert units[0]["projects"][0]["name"] == "一个项目" and units[1]["unit_name"] == "长沙市企业服务中心"
    assert len(units[1]["projects"]) == 4
