"""Legal values, limits and patterns written from the regulations (DOMAIN.md), not read from the rule files.

The kill matrix of tests/test_properties.py takes the illegal values, limits and patterns from the compiled
rules, so a rule file that is weakened weakens its test too. Here the expectations are the regulations'
own: the legal 指标值类型 (P-03) with their ASCII and full-width spellings, percentages between 0 and 100
(P-07), the 一级指标 of the framework (P-01, blank inherited from the row above), placeholders (P-11,
S-09), a 三级指标 that is a value (P-08), outdated terms (S-10), the classes of 基本支出 (C-05), the years
of titles (S-04). A rule file that widens a set, loosens a limit or drops a word turns a test here red.
Also the text readers the rules share (``rules/values.py``): blanks, trimmed text, numbers with comparators.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from budget_disclosure import validate
from budget_disclosure.rules.values import is_blank, reading_of, text_of

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "examples" / "clean" / "example-data-center-2024.json"
INDICATORS = "/tables/department_performance/indicators"


def clean() -> dict[str, Any]:
    with CLEAN.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return document


def rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    indicators: list[dict[str, Any]] = document["tables"]["department_performance"]["indicators"]
    return indicators


def row_where(document: dict[str, Any], **fields: str) -> int:
    """The index of the first department indicator whose fields have these values (found, not hard-coded)."""
    return next(i for i, r in enumerate(rows(document)) if all(r.get(k) == v for k, v in fields.items()))


def found(document: dict[str, Any], rule: str) -> set[tuple[str, str]]:
    report = validate(copy.deepcopy(document), select=[rule])
    return {(f.pointer, f.severity.value) for f in report.findings if f.rule == rule}


# ------------------------------------------------------------------------------------ P-03 · 指标值类型
LEGAL_VALUE_TYPES = ["≥", "≤", "=", ">", "<", "定性"]
ALIASES = [">=", "<=", "＝"]  # DOMAIN.md: the legal set with its ASCII (and full-width =) spellings
ILLEGAL_VALUE_TYPES = ["定量", "≈", "~", "大于", "≥=", "X", "%", "正向", "≠"]


@pytest.mark.parametrize("value", LEGAL_VALUE_TYPES + ALIASES)
def test_every_legal_value_type_and_alias_is_accepted(value: str) -> None:
    document = clean()
    rows(document)[2]["value_type"] = value
    assert found(document, "indicators.value-type") == set()


@pytest.mark.parametrize("value", ILLEGAL_VALUE_TYPES)
def test_a_value_type_outside_the_legal_set_is_an_error(value: str) -> None:
    document = clean()
    rows(document)[2]["value_type"] = value
    assert found(document, "indicators.value-type") == {(f"{INDICATORS}/2/value_type", "error")}


@pytest.mark.parametrize(("value", "warned"), [(">=", False), ("≥", False), ("<=", True), ("≤", True), ("<", True)])
def test_an_alias_means_its_symbol_for_the_direction_of_a_rate(value: str, warned: bool) -> None:
    """P-13: a rate (…合格率) is reached from below; ``<=`` is ``≤`` and is warned like it."""
    document = clean()
    i = row_where(document, level3="项目验收合格率")
    rows(document)[i]["value_type"] = value
    expected = {(f"{INDICATORS}/{i}/value_type", "warning")} if warned else set()
    assert found(document, "indicators.direction") == expected


@pytest.mark.parametrize(("value", "warned"), [("≥", False), (">", False), ("定性", False), ("=", True), ("≤", True)])
def test_satisfaction_is_never_capped(value: str, warned: bool) -> None:
    """P-13: 满意度 with "= 100" or ≤ is a warning; ≥, > and 定性 are fine."""
    document = clean()
    i = row_where(document, level3="服务对象满意度")
    rows(document)[i]["value_type"] = value
    if value == "定性":
        rows(document)[i]["unit"] = "-"
        rows(document)[i]["value"] = "满意"
    expected = {(f"{INDICATORS}/{i}/value_type", "warning")} if warned else set()
    assert found(document, "indicators.satisfaction-full") == expected


@pytest.mark.parametrize(
    ("unit", "warned"),
    [("-", False), ("—", False), ("/", False), (None, False), ("%", True), ("万元", True), ("个", True), ("≈", True)],
)
def test_a_qualitative_indicator_has_no_unit(unit: str | None, warned: bool) -> None:
    """P-06: 定性 ⇒ 度量单位 empty or "-"."""
    document = clean()
    i = row_where(document, value_type="定性")
    rows(document)[i]["unit"] = unit
    expected = {(f"{INDICATORS}/{i}/unit", "warning")} if warned else set()
    assert found(document, "indicators.qualitative-unit") == expected


# ------------------------------------------------------------------------------------ P-07 · percentages
@pytest.mark.parametrize(
    ("value", "bad"), [("0", False), ("100", False), ("99.99", False), ("100.01", True), ("105", True), ("110", True)]
)
def test_a_percentage_lies_between_0_and_100(value: str, bad: bool) -> None:
    document = clean()
    i = row_where(document, level3="预算执行率")
    rows(document)[i]["value"] = value
    expected = {(f"{INDICATORS}/{i}/value", "error")} if bad else set()
    assert found(document, "indicators.percent-range") == expected


def test_a_negative_percentage_is_an_error() -> None:
    document = clean()
    i = row_where(document, level3="预算执行率")
    rows(document)[i]["value"] = "-5"
    assert (f"{INDICATORS}/{i}/value", "error") in found(document, "indicators.percent-range") | found(
        document, "indicators.comparator-numeric"
    )


# -------------------------------------------------------------------------------- P-01 · 一级指标, blanks
@pytest.mark.parametrize("row", [0, 1])
@pytest.mark.parametrize("blank", [None, "   ", "\u3000"])
def test_a_blank_first_level_is_an_error(row: int, blank: str | None) -> None:
    """P-01: the printed form merges the 一级 cell over its rows; the transcription repeats it on every row
    (docs/DATA_MODEL.md), so a blank 一级 beside a 二级/三级 is an error, even under a row that names one."""
    document = clean()
    rows(document)[row]["level1"] = blank
    assert found(document, "indicators.level1") == {(f"{INDICATORS}/{row}/level1", "error")}
    report = validate(copy.deepcopy(document), select=["indicators.level1"])
    assert all("（空白）" in f.message for f in report.findings)


def test_a_row_without_any_level_is_not_judged_by_its_first_level() -> None:
    document = clean()
    for key in ("level1", "level2", "level3"):
        rows(document)[2][key] = None
    assert found(document, "indicators.level1") == set()


@pytest.mark.parametrize("value", ["其他指标", "过程指标", "指标"])
def test_a_first_level_outside_the_framework_is_an_error(value: str) -> None:
    document = clean()
    rows(document)[2]["level1"] = value
    assert found(document, "indicators.level1") == {(f"{INDICATORS}/2/level1", "error")}


@pytest.mark.parametrize("blank", [None, "  ", "\u3000"])
def test_a_whitespace_only_scoring_cell_is_blank(blank: str | None) -> None:
    """P-12: 评（扣）分标准 non-empty for real indicator rows; a cell of spaces is as empty as null."""
    document = clean()
    rows(document)[2]["scoring"] = blank
    assert found(document, "indicators.scoring-present") == {(f"{INDICATORS}/2/scoring", "warning")}


# ------------------------------------------------------------------------- P-08, P-11 · 三级指标 text
@pytest.mark.parametrize("value", ["95", "95%", "3.5", "2024年"])
def test_a_third_level_that_is_a_value_is_warned(value: str) -> None:
    document = clean()
    rows(document)[2]["level3"] = value
    assert found(document, "indicators.level3-looks-like-value") == {(f"{INDICATORS}/2/level3", "warning")}


@pytest.mark.parametrize("value", ["无", "/", "-", " 无 "])
def test_a_placeholder_row_is_warned(value: str) -> None:
    document = clean()
    rows(document)[2]["level3"] = value
    assert found(document, "indicators.placeholder") == {(f"{INDICATORS}/2/level3", "warning")}


# --------------------------------------------------------------------------- S-09, S-10 · words in text
@pytest.mark.parametrize("term", ["公共财政拨款", "公共财政预算", "公共财政收入", "公共财政支出"])
def test_every_outdated_term_is_warned(term: str) -> None:
    document = clean()
    document["tables"]["summary"]["note"] = f"本表反映部门本年度的{term}情况。"
    assert found(document, "structure.outdated-term") == {("/tables/summary/note", "warning")}


@pytest.mark.parametrize("text", ["XX部门", "××项目", "某某单位", "此处填写说明", "请填写", "待填写"])
def test_every_template_placeholder_is_found(text: str) -> None:
    document = clean()
    document["tables"]["summary"]["note"] = text
    assert ("/tables/summary/note", "warning") in found(document, "structure.placeholder-text") or (
        "/tables/summary/note",
        "error",
    ) in found(document, "structure.placeholder-text")


# -------------------------------------------------------------------------------- C-05 · 基本支出 classes
@pytest.mark.parametrize(
    ("code", "bad"),
    [
        ("30101", False),
        ("30201", False),
        ("30301", False),
        ("31002", False),
        ("30901", True),
        ("31101", True),
        ("31201", True),
    ],
)
def test_basic_expenditure_codes_belong_to_its_classes(code: str, bad: bool) -> None:
    document = clean()
    basic = document["tables"]["basic_expenditure"]["rows"]
    i = next(i for i, r in enumerate(basic) if len(r.get("code") or "") == 5)
    basic[i]["code"] = code
    hits = found(document, "classification.basic-economic-classes")
    assert hits == ({(f"/tables/basic_expenditure/rows/{i}/code", "warning")} if bad else set())


# --------------------------------------------------------------------------------- S-04 · the fiscal year
@pytest.mark.parametrize(("year", "bad"), [(2024, False), (2025, True), (2023, True)])
def test_a_title_names_the_fiscal_year_and_no_other(year: int, bad: bool) -> None:
    document = clean()
    document["tables"]["summary"]["title"] = f"{year}年部门收支总体情况表"
    assert found(document, "structure.title-year") == ({("/tables/summary/title", "error")} if bad else set())


# ------------------------------------------------------------------------------------- rules/values.py
@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("≥90%", ("≥", "90", "%")),
        (">=90%", ("≥", "90", "%")),
        ("<=5", ("≤", "5", "")),
        ("=>3", ("≥", "3", "")),
        ("=<3", ("≤", "3", "")),
        ("＞92％", (">", "92", "%")),
        ("不低于95%", ("≥", "95", "%")),
        ("不超过50万元", ("≤", "50", "万元")),
        ("50万元以内", ("≤", "50", "万元")),
        ("90%以上", ("≥", "90", "%")),
        ("百分之90", (None, "90", "%")),
        ("1,000个", (None, "1000", "个")),
        ("  12.50  ", (None, "12.50", "")),
        ("-3", (None, "-3", "")),
        ("＝１００", ("=", "100", "")),
    ],
)
def test_numbers_written_as_text_are_read_with_their_comparator_and_unit(
    text: str, reading: tuple[str | None, str, str]
) -> None:
    got = reading_of(text, money={"万元": Decimal(10000)})
    assert got is not None
    assert (got.comparator, got.number, got.unit) == (reading[0], Decimal(reading[1]), reading[2])
    assert got.places == max(0, -Decimal(reading[1]).as_tuple().exponent)  # type: ignore[operator]
    assert got.yuan == (Decimal(reading[1]) * 10000 if reading[2] == "万元" else None)


@pytest.mark.parametrize("text", ["≥50以下", "百分之90%", "1,00", "优良", "", "   ", "1 2", "12 345"])
def test_what_is_not_a_number_with_its_unit_is_not_read(text: str) -> None:
    assert reading_of(text) is None


def test_readings_of_other_values_and_units() -> None:
    assert reading_of(None) is None
    assert reading_of(True) is None
    assert reading_of(7) == (None, Decimal(7), "", 0, None)
    assert reading_of(Decimal("1.25")) == (None, Decimal("1.25"), "", 2, None)
    assert reading_of("10辆", units=("个",)) is None
    assert reading_of("10辆", units=("辆",)) == (None, Decimal(10), "辆", 0, None)
    assert reading_of("1" * 200) is None
    assert reading_of("1" * 40) is None  # more digits than any accepted number


@pytest.mark.parametrize(
    ("value", "blank"),
    [
        (None, True),
        ("", True),
        ("   ", True),
        ("\u3000", True),
        ("\t\n", True),
        ("0", False),
        (0, False),
        (" a ", False),
        (Decimal(0), False),
    ],
)
def test_whitespace_only_is_blank_and_zero_is_not(value: Any, blank: bool) -> None:
    assert is_blank(value) is blank


def test_text_of_a_cell() -> None:
    assert text_of(" 提升 ") == "提升"
    assert text_of("   ") is None
    assert text_of(None) is None
    assert text_of(Decimal("1.50")) == "1.50"
    assert text_of(True) == "true"
    assert text_of(False) == "false"
    assert text_of(5) == "5"


# ---------------------------------------------------------------- T9-03 · 经济成本指标 within the money
def test_an_economic_cost_beyond_the_money_is_an_error() -> None:
    document = clean()
    rows(document)[0]["value"] = "99999"  # 万元, beyond the department's 2099.38 万元
    assert found(document, "indicators.cost-within-money") == {(f"{INDICATORS}/0/value", "error")}


@pytest.mark.parametrize(
    ("row", "fields"),
    [
        (2, {"level2": "数量指标", "unit": "万元", "value": "5000"}),  # an amount, but no cost indicator
        (0, {"unit": "元/人", "value": "50000000"}),  # a cost per head is no amount of the money
        (0, {"unit": "万元", "value": "每人5000"}),
        (0, {"unit": "个", "value": "5000"}),  # no unit of money
    ],
)
def test_only_an_amount_of_economic_cost_is_bounded_by_the_money(row: int, fields: dict[str, str]) -> None:
    document = clean()
    rows(document)[row].update(fields)
    assert found(document, "indicators.cost-within-money") == set()


# ----------------------------------------------------------------------------------- input encodings
@pytest.mark.parametrize("text", ['{"a": "x\ud800"}', '{"a": "\udfff"}'])
def test_a_lone_surrogate_in_text_is_an_encoding_finding(text: str) -> None:
    assert {(f.rule, f.pointer) for f in validate(text).findings} == {("input.encoding", "/a")}


@pytest.mark.parametrize(
    ("unit", "warned"),
    [("%", False), ("％", False), ("-", False), ("个", True), ("万元", True), ("≈", True), ("次", True)],
)
def test_a_rate_is_a_percentage(unit: str, warned: bool) -> None:
    """P-14: an indicator named …率 is measured in %."""
    document = clean()
    i = row_where(document, level3="预算执行率")
    rows(document)[i]["unit"] = unit
    expected = {(f"{INDICATORS}/{i}/unit", "warning")} if warned else set()
    assert found(document, "indicators.rate-unit") == expected
