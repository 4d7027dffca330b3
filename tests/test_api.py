"""The library entry point and the report it returns."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from budget_disclosure import Severity, get_spec, validate

from .support import CLEAN, SEED, load_json

SEED_DOC = load_json(SEED)


@pytest.mark.parametrize("table", get_spec().profiles["hunan-changsha"].tables)
def test_deleting_a_required_table_gives_one_finding_naming_it(table: str) -> None:
    doc = load_json(SEED)
    del doc["tables"][table]
    schema_findings = [f for f in validate(doc).findings if f.rule.startswith("schema.")]
    assert len(schema_findings) == 1
    (f,) = schema_findings
    title = get_spec().tables[table].title
    assert f.rule == "schema.table-missing" and f.severity is Severity.ERROR
    assert title in f.message and title in f.location and f.pointer == "/tables"


def test_report_json_shape_and_determinism() -> None:
    first = validate(SEED).to_json()
    assert first == validate(SEED).to_json()
    data = json.loads(first)
    assert set(data) >= {"valid", "findings"}
    for finding in data["findings"]:
        assert set(finding) >= {"rule", "severity", "pointer", "location", "message", "message_en"}


def test_finding_pointers_resolve_in_the_document() -> None:
    from budget_disclosure import pointer as jp

    doc = load_json(CLEAN)
    doc["tables"]["income"]["rows"][2]["code"] = "2085"
    del doc["tables"]["summary"]
    for f in validate(doc).findings:
        jp.resolve(doc, f.pointer)


def test_profile_override() -> None:
    doc = load_json(CLEAN)
    # central-2021 requires the 国有资本经营预算支出表 the Changsha example does not have; the performance
    # tables it has beyond that profile are allowed and checked.
    report = validate(doc, profile="central-2021")
    assert [(f.rule, f.pointer) for f in report.findings if f.rule.startswith("schema.")] == [
        ("schema.table-missing", "/tables")
    ]
    assert "国有资本经营预算支出表" in report.findings[0].message
    unknown = validate(doc, profile="nowhere-2030")
    assert [f.rule for f in unknown.findings][:1] == ["schema.profile-unknown"]


def test_select_and_ignore_filter_by_rule_and_group() -> None:
    doc = load_json(CLEAN)
    del doc["tables"]["summary"]
    doc["tables"]["income"]["rows"][0]["total"] = "1"
    everything = {f.rule for f in validate(doc).findings}
    assert {"schema.table-missing", "schema.amount-type"} <= everything
    doc["tables"]["three_public_expenses"]["total_row"]["subtotal"] = Decimal("999")
    selected = {f.rule for f in validate(doc, select=["three_public"]).findings}
    assert {r.split(".")[0] for r in selected} == {"schema", "three_public"}
    ignored = {f.rule for f in validate(doc, ignore=["three_public"]).findings}
    assert not any(r.startswith("three_public.") for r in ignored) and "schema.table-missing" in ignored


@pytest.mark.parametrize("names", [{"ignore": ["schema"]}, {"select": ["schema.table-missing"]}, {"ignore": ["input"]}])
def test_input_and_schema_findings_cannot_be_filtered(names: dict[str, list[str]]) -> None:
    with pytest.raises(ValueError, match="always reported"):
        validate(load_json(CLEAN), **names)  # type: ignore[arg-type]


@pytest.mark.parametrize("names", [{"ignore": ["no-such-group"]}, {"select": ["three_public.no-such-rule"]}])
def test_an_unknown_rule_or_group_is_an_error_not_a_silent_pass(names: dict[str, list[str]]) -> None:
    with pytest.raises(ValueError, match="unknown rule or group"):
        validate(load_json(CLEAN), **names)  # type: ignore[arg-type]


def test_a_document_that_cannot_be_read_is_never_selected_away() -> None:
    report = validate(b"{not json", select=["three_public"])
    assert not report.valid and [f.rule for f in report.findings] == ["input.not-json"]


def test_validators_are_compiled_once_and_shared_across_threads() -> None:
    spec = get_spec()
    uri = spec.profiles["hunan-changsha"].uri
    validator = spec.schema_checker.validator(uri)
    expected = validate(SEED).to_json()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: validate(SEED).to_json(), range(8)))
    assert set(results) == {expected}
    assert spec.schema_checker.validator(uri) is validator
    assert threading.active_count() >= 1


def test_location_is_chinese_table_row_column() -> None:
    doc = load_json(CLEAN)
    doc["tables"]["general_budget_expenditure"]["rows"][2]["basic"] = "x"
    (f,) = [f for f in validate(doc).findings if f.rule.startswith("schema.")]
    assert f.location == "一般公共预算支出表 › 2080505 机关事业单位基本养老保险缴费支出 › 基本支出"
