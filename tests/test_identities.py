"""Every part of every row identity, written from the forms (DOMAIN.md §6), not read from the rule files.

For each identity "total = part₁ + part₂ + …" of a table row, the test adds the same amount to one part and to
the total: the row still balances, so its row rule must stay silent; and to the part alone: the row rule must
report the total. A rule file that drops a part from its sum reports the first, a rule that ignores the row
misses the second. Rows and fields are those of the clean example (examples/clean).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from budget_disclosure import validate
from budget_disclosure.reader import Limits

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "examples" / "clean" / "example-data-center-2024.json"
DELTA = Decimal("7.00")


def clean() -> dict[str, Any]:
    with CLEAN.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return document


# (rule, table, the row's total, its parts) — 部门收入总表: 合计 = 财政拨款 + 专户 + 事业 + 经营 + 上级补助 + 附属上缴
# + 其他 (+ 上年结转); 部门支出总表: 合计 = 基本 + 项目 + 经营 + 对附属单位补助 + 上缴上级; 一般公共预算/政府性基金
# 支出表: 合计 = 基本 + 项目; 基本支出表: 合计 = 人员经费 + 公用经费.
ROWS = [
    ("expenditure.row-total", "expenditure", "total",
     ["basic", "project", "business_operation", "subsidy_to_subordinates", "remittance_to_superior"]),
    ("income.row-total", "income", "total",
     ["fiscal_appropriation", "special_account_income", "business_income", "superior_subsidy_income",
      "other_income", "service_income", "prior_year_carryover"]),
    ("general_budget.row-total", "general_budget_expenditure", "total", ["basic", "project"]),
    ("government_fund.row-total", "government_fund_expenditure", "total", ["basic", "project"]),
    ("basic.row-total", "basic_expenditure", "total", ["personnel", "public"]),
]  # fmt: skip
CASES = [(rule, table, total, part) for rule, table, total, parts in ROWS for part in parts]


def row_findings(document: dict[str, Any], rule: str) -> set[str]:
    return {f.pointer for f in validate(copy.deepcopy(document), select=[rule]).findings if f.rule == rule}


@pytest.mark.parametrize(("rule", "table", "total", "part"), CASES, ids=[f"{c[0]}:{c[3]}" for c in CASES])
def test_every_part_of_a_row_counts(rule: str, table: str, total: str, part: str) -> None:
    document = clean()
    row = document["tables"][table]["rows"][0]
    row[part] = (row.get(part) or Decimal(0)) + DELTA
    assert row_findings(document, rule) != set(), "a part moved alone must unbalance its row"
    row[total] += DELTA
    assert row_findings(document, rule) == set(), "a part and its total moved together keep the row balanced"


# 部门收支总表 (T1-01, T1-03): the year's income and expenditure, each part in turn.
SUMMARY = [
    ("summary.income-current-year", "income", "current_year_total",
     ["fiscal_appropriation", "special_account_income", "business_income", "superior_subsidy_income",
      "other_income", "service_income"]),
    ("summary.expenditure-current-year", "expenditure", "current_year_total",
     ["basic", "project", "business_operation", "subsidy_to_subordinates", "remittance_to_superior"]),
    ("summary.income-grand-total", "income", "grand_total", ["current_year_total", "prior_year_carryover"]),
    ("summary.expenditure-grand-total", "expenditure", "grand_total",
     ["current_year_total", "surplus_distribution", "carry_forward"]),
]  # fmt: skip
SUMMARY_CASES = [(rule, side, total, part) for rule, side, total, parts in SUMMARY for part in parts]


@pytest.mark.parametrize(
    ("rule", "side", "total", "part"), SUMMARY_CASES, ids=[f"{c[0]}:{c[3]}" for c in SUMMARY_CASES]
)
def test_every_part_of_the_summary_counts(rule: str, side: str, total: str, part: str) -> None:
    document = clean()
    block = document["tables"]["summary"][side]
    block[part] = (block.get(part) or Decimal(0)) + DELTA
    assert row_findings(document, rule) == {f"/tables/summary/{side}/{total}"}
    block[total] += DELTA
    assert row_findings(document, rule) == set()


@pytest.mark.parametrize("part", ["goods", "works", "services"])
def test_every_part_of_government_procurement_counts(part: str) -> None:
    """财预〔2016〕143号: 政府采购总额 = 货物 + 工程 + 服务."""
    document = clean()
    procurement = document["narrative"]["procurement"]
    procurement[part] += DELTA
    assert row_findings(document, "narrative.procurement") == {"/narrative/procurement/total"}
    procurement["total"] += DELTA
    assert row_findings(document, "narrative.procurement") == set()


# ------------------------------------------------------------------------- the reader's count of values
def test_the_documented_limit_of_values_is_500000() -> None:
    assert Limits().max_values == 500_000  # docs/DATA_MODEL.md: "more than 500,000 values"


@pytest.mark.parametrize("extra", [0, 1])
def test_a_parsed_document_at_exactly_its_value_limit(extra: int) -> None:
    """Values count as they expand: the object, the list and each item. At the limit it is read; one more is not."""
    limit = 50
    document = {"a": [0] * (limit - 2 + extra)}
    rules = {f.rule for f in validate(document, limits=Limits(max_values=limit)).findings}
    assert ("input.too-many-values" in rules) is bool(extra)


# ------------------------------------------------------------------- classification: the level below
@pytest.mark.parametrize(
    ("dropped", "at", "level"),
    [
        (["20805", "2080505", "2080506"], "/tables/expenditure/rows/0/code", "款 (item)"),  # 类 208 without its 款
        (["2080505", "2080506"], "/tables/expenditure/rows/1/code", "项 (sub-item)"),  # 款 20805 without its 项
    ],
)
def test_a_class_with_money_and_no_row_below_names_the_missing_level(dropped: list[str], at: str, level: str) -> None:
    document = clean()
    table = document["tables"]["expenditure"]
    table["rows"] = [r for r in table["rows"] if r["code"] not in dropped]
    report = validate(copy.deepcopy(document), select=["classification.function-children"])
    found = [
        (f.pointer, f"no {level} rows" in f.message_en)
        for f in report.findings
        if f.rule == "classification.function-children"
    ]
    assert found == [(at, True)]


def test_a_former_name_is_named_with_its_last_year() -> None:
    """210 was 医疗卫生与计划生育支出 until 2018 (2019年政府收支分类科目); in 2024 that name is out of date."""
    document = clean()
    row = next(r for r in document["tables"]["expenditure"]["rows"] if r["code"] == "210")
    row["name"] = "医疗卫生与计划生育支出"
    report = validate(copy.deepcopy(document), select=["classification.former-name"])
    found = [f for f in report.findings if f.rule == "classification.former-name"]
    assert len(found) == 1
    assert "2018" in found[0].message_en and "None" not in found[0].message_en
    assert "卫生健康支出" in found[0].message and "2018年及以前" in found[0].message
