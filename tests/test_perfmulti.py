"""A 部门 document whose performance tables cover several units; the figures of multi-year projects; the
一般公共预算项目支出表 (issue 12, items 4 and 5).

1. a consistent document in every one of these forms draws no error and no warning;
2. breaking one unit's sum is found at that unit's cell, and only there;
3. the one-unit form stays valid, a table with neither its own total nor unit tables is a schema finding;
4. the kinds these rules need: a dotted column in row_sum, an absent list in group_sum and coverage, a
   period in year_in_text, keys compared as names in rows_match.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from budget_disclosure import Severity, validate

from .mutations import set_at
from .strategies import Features, documents
from .support import spec_copy

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "examples" / "clean" / "example-data-center-2024.json"
DP = "/tables/department_performance"
PP = "/tables/project_performance/units/0/projects/0"

FORMS = st.builds(
    Features,
    profile=st.just("hunan-changsha"),
    two_units=st.booleans(),
    unit_tables=st.just(True),
    department_whole=st.booleans(),
    project_details=st.booleans(),
    project_table=st.booleans(),
)


def clean() -> dict[str, Any]:
    return json.loads(CLEAN.read_text(encoding="utf-8"), parse_float=Decimal)


def serious(report: Any) -> list[tuple[str, str, str]]:
    return [(f.rule, f.pointer, f.message) for f in report.findings if f.severity is not Severity.INFO]


def fired(report: Any, rule: str) -> list[str]:
    return [f.pointer for f in report.findings if f.rule == rule]


# ------------------------------------------------------------------------------------------ 1 · no false finding
@given(data=st.data())
def test_a_consistent_multi_unit_document_passes(data: Any) -> None:
    features = data.draw(FORMS, label="form")
    doc = data.draw(documents(features=features), label="document")
    department = doc["tables"]["department_performance"]
    assert department["units"] and ("amount" in department) is features.department_whole
    assert serious(validate(doc)) == []


# ------------------------------------------------------------------------------------------ 2 · found at the unit
@given(data=st.data())
def test_breaking_one_units_sum_is_found_at_that_unit(data: Any) -> None:
    features = data.draw(FORMS.map(lambda f: Features(**{**f.__dict__, "two_units": True})), label="form")
    doc = data.draw(documents(features=features), label="document")
    units = doc["tables"]["department_performance"]["units"]
    index = data.draw(st.integers(0, len(units) - 1), label="unit")
    column = data.draw(st.sampled_from(["general_budget", "other"]), label="source")
    amount = units[index]["amount"]
    shift = data.draw(st.integers(1, 10**6), label="shift") * (abs(amount) + 1)  # far beyond any rounding
    old = units[index]["by_source"][column] or Decimal(0)
    broken = set_at(doc, f"{DP}/units/{index}/by_source/{column}", old + shift)
    report = validate(broken)
    note(str(serious(report)))
    errors = [
        f.pointer
        for f in report.findings
        if f.rule == "performance.department-unit-by-source" and f.severity is Severity.ERROR
    ]
    assert errors == [f"{DP}/units/{index}/amount"]  # another unit may differ by rounding only (information)


# ------------------------------------------------------------------------------------------ 3 · forms
def test_the_one_unit_form_is_still_valid_and_has_no_unit_findings() -> None:
    report = validate(clean())
    assert not [f for f in report.findings if "units" in f.pointer and "department_performance" in f.pointer]
    assert report.valid


def test_unit_tables_only_need_no_total_of_their_own() -> None:
    doc = clean()
    department = doc["tables"]["department_performance"]
    unit = {k: copy.deepcopy(department[k]) for k in ("amount", "by_source", "by_nature", "goal", "indicators")}
    for key in unit:
        del department[key]
    department["units"] = [{"unit_code": "900001", "unit_name": "示例市数据服务中心", **unit}]
    report = validate(doc)
    assert serious(report) == []
    assert "cross.department-performance-units-total" in report.applied
    assert "cross.department-performance-total" not in report.applied  # no whole: nothing to compare
    assert "indicators.coverage" in report.applied  # the unit's indicators are checked in its place


def test_neither_a_total_nor_unit_tables_is_a_schema_finding() -> None:
    doc = clean()
    del doc["tables"]["department_performance"]["amount"]
    assert ("schema.required", DP) in {(f.rule, f.pointer) for f in validate(doc).findings}


def test_a_units_indicators_are_held_to_its_own_money() -> None:
    doc = clean()
    department = doc["tables"]["department_performance"]
    department["units"] = [
        {k: copy.deepcopy(department[k]) for k in ("amount", "by_source", "by_nature", "indicators")}
        | {"unit_name": "示例市数据服务中心"}
    ]
    department["units"][0]["indicators"][0]["value"] = "1000.00"  # 基本支出 ≤ 1000 against 1326.17
    assert fired(validate(doc), "indicators.department-cost-basic") == [f"{DP}/units/0/indicators/0/value"]


# ------------------------------------------------------------------------------------------ 4 · the kinds
def test_a_unit_without_a_split_by_source_is_not_checked() -> None:
    doc = clean()
    department = doc["tables"]["department_performance"]
    department["units"] = [
        {"unit_name": "示例市数据服务中心", "amount": department["amount"], "indicators": department["indicators"]}
    ]
    report = validate(doc)
    assert not fired(report, "performance.department-unit-by-source")
    assert not fired(report, "performance.department-unit-by-nature")


def test_a_blank_source_is_a_zero_not_an_unprinted_column() -> None:
    doc = clean()
    department = doc["tables"]["department_performance"]
    department["units"] = [
        {
            "unit_name": "示例市数据服务中心",
            "amount": Decimal("10.00"),
            "by_source": {"general_budget": None, "other": None},
            "indicators": [],
        }
    ]
    assert fired(validate(doc), "performance.department-unit-by-source") == [f"{DP}/units/0/amount"]


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("2024-2026年", False),
        ("2022－2024年", False),
        ("2024年1月-2024年12月", False),
        ("2024", False),
        ("1年", False),  # a duration names no year
        ("三年", False),
        ("2022-2023年", True),
        ("2025年", True),
        ("2025—2027年", True),
        ("12024年", False),  # no four-digit year on its own
    ],
)
def test_a_printed_period_contains_the_fiscal_year(text: str, fires: bool) -> None:
    doc = set_at(clean(), f"{PP}/period", {"text": text})
    assert bool(fired(validate(doc), "performance.project-period-text")) is fires


@pytest.mark.parametrize(
    ("period", "where"),
    [
        ({"start_year": 2024, "end_year": 2026}, None),
        ({"start_year": 2022}, None),  # begun earlier, end not printed
        ({"end_year": 2024}, None),
        ({"start_year": 2025, "end_year": 2026}, "start_year"),
        ({"start_year": 2021, "end_year": 2023}, "end_year"),  # ended before the fiscal year
        ({"end_year": 2023}, "end_year"),  # the last year alone is pointed at
    ],
)
def test_first_and_last_year_contain_the_fiscal_year(period: dict[str, int], where: str | None) -> None:
    doc = set_at(clean(), f"{PP}/period", period)
    expected = [] if where is None else [f"{PP}/period/{where}"]
    assert fired(validate(doc), "performance.project-period-years") == expected


def test_every_project_period_is_checked() -> None:
    doc = clean()
    projects = doc["tables"]["project_performance"]["units"][0]["projects"]
    periods = [{"start_year": 2024, "end_year": 2025}, {"start_year": 2020, "end_year": 2022}, {"start_year": 2026}]
    for project, period in zip(projects, periods, strict=True):
        project["period"] = period
    base = "/tables/project_performance/units/0/projects"
    assert fired(validate(doc), "performance.project-period-years") == [
        f"{base}/1/period/end_year",
        f"{base}/2/period/start_year",
    ]


def test_cost_items_are_checked_only_where_printed() -> None:
    report = validate(clean())
    assert "performance.project-cost-items" not in report.applied
    doc = set_at(clean(), f"{PP}/cost_items", [])  # printed, and empty: nothing adds up to 330
    assert fired(validate(doc), "performance.project-cost-items") == [f"{PP}/amount"]


def test_cost_items_are_rounding_aware() -> None:
    # 330.00 = 110.00 + 220.00 exactly; three items printed from 330 万元 split in thirds may be off by 0.01.
    items = [{"name": f"成本项{n}", "amount": Decimal("110.00")} for n in range(1, 3)]
    items.append({"name": "成本项3", "amount": Decimal("110.01")})
    report = validate(set_at(clean(), f"{PP}/cost_items", items))
    assert [(f.rule, f.severity) for f in report.findings if f.rule == "performance.project-cost-items"] == [
        ("performance.project-cost-items", Severity.INFO)
    ]


def test_superior_funds_under_the_appropriation_are_not_added_twice() -> None:
    sources = {"fiscal": Decimal("330.00"), "fiscal_superior": Decimal("200.00")}
    report = validate(set_at(clean(), f"{PP}/by_source", sources))
    assert not fired(report, "performance.project-sources")
    assert not fired(report, "performance.project-superior-within-fiscal")
    assert "performance.project-sources" in report.applied


def _project_table(rows: list[dict[str, Any]], total: str) -> dict[str, Any]:
    doc = clean()
    doc["tables"]["general_budget_project_expenditure"] = {
        "title": "2024年一般公共预算项目支出表",
        "unit_name": "示例市数据服务中心",
        "rows": rows,
        "total_row": {"amount": Decimal(total)},
    }
    return doc


def test_project_names_are_matched_as_names() -> None:
    rows = [
        {"name": "数据平台运维　项目", "amount": Decimal("340.00")},  # a full-width space
        {"name": "产业运行监测分析项目", "amount": Decimal("233.21")},
    ]
    report = validate(_project_table(rows, "573.21"))
    pointer = "/tables/general_budget_project_expenditure/rows/0/amount"
    assert fired(report, "project_expenditure.performance-amounts") == [pointer]


def test_a_project_funded_partly_elsewhere_is_not_a_finding() -> None:
    # The performance table's money (330) includes other sources; 300 of it is from the general budget.
    rows = [
        {"name": "数据平台运维项目", "amount": Decimal("300.00")},
        {"name": "产业运行监测分析项目", "amount": Decimal("243.21")},
        {"name": "未列绩效目标的项目", "amount": Decimal("30.00")},
    ]
    report = validate(_project_table(rows, "573.21"))
    assert serious(report) == []
    assert "project_expenditure.performance-amounts" in report.applied


def test_a_name_held_by_two_projects_is_not_verifiable() -> None:
    doc = _project_table([{"name": "数据平台运维项目", "amount": Decimal("573.21")}], "573.21")
    projects = doc["tables"]["project_performance"]["units"][0]["projects"]
    projects[1]["name"] = "数据平台运维项目"
    report = validate(doc)
    assert not fired(report, "project_expenditure.performance-amounts")
    assert "project_expenditure.performance-amounts" in {s.rule for s in report.skipped}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "      parts: [by_nature.basic, by_nature.project]\n",
            "      parts: [by_nature.basic, by_nature.projekt]\n",
            "no field 'projekt'",
        ),
        ("      field: period.start_year\n", "      field: period.first_year\n", "no field 'first_year'"),
    ],
)
def test_a_nested_field_the_schemas_lack_is_refused_at_load(tmp_path: Path, old: str, new: str, message: str) -> None:
    from budget_disclosure.errors import SpecError
    from budget_disclosure.rules.engine import Engine
    from budget_disclosure.spec import Spec

    root = spec_copy(tmp_path / "spec")
    path = root / "rules" / "performance.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        Engine(Spec(root))
    assert info.value.file == "rules/performance.yaml" and message in str(info.value)
