"""``applied`` and ``skipped`` asserted exactly (issue 16).

A rule is *applied* when it checked at least one thing, *skipped* (with its reason) when it could not check
what it should, and neither when it does not concern the document (its ``when`` is false, or nothing it
reads is there to check). A rule counted as applied though it checked nothing, or dropped without a word,
is what these tests catch.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from budget_disclosure import validate

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "examples" / "clean" / "example-data-center-2024.json"


def clean() -> dict[str, Any]:
    with CLEAN.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return document


def books(document: dict[str, Any], *rules: str) -> tuple[set[str], list[str]]:
    report = validate(copy.deepcopy(document), select=list(rules) or None)
    return set(report.applied), [s.rule for s in report.skipped]


def all_indicators(document: dict[str, Any]) -> list[dict[str, Any]]:
    tables = document["tables"]
    found = list(tables["department_performance"]["indicators"])
    for unit in tables["project_performance"]["units"]:
        for project in unit["projects"]:
            found += project["indicators"]
    return found


# One rule of each kind the clean example exercises: selected alone, it is applied and nothing is skipped.
ONE_OF_EACH = [
    "summary.income-current-year",  # sum
    "income.rollup",  # rollup
    "income.row-total",  # row_sum
    "cross.income-total",  # compare
    "performance.unit-subtotal",  # group_sum
    "indicators.value-type",  # allowed_values
    "indicators.level1",  # indicator_levels
    "indicators.placeholder",  # pattern
    "indicators.percent-range",  # bounds
    "structure.title-year",  # year_in_text
    "structure.placeholder-text",  # text_scan
]


@pytest.mark.parametrize("rule", ONE_OF_EACH)
def test_a_rule_that_checks_something_is_applied(rule: str) -> None:
    assert books(clean(), rule) == ({rule}, [])


def test_the_whole_clean_example_skips_nothing_and_applies_each_of_them() -> None:
    applied, skipped = books(clean())
    assert skipped == []
    assert set(ONE_OF_EACH) <= applied
    assert "narrative.operating-expenses" not in applied  # the unit is a 事业单位: the rule does not concern it


def test_a_rule_whose_condition_is_false_is_neither_applied_nor_skipped() -> None:
    document = clean()
    assert books(document, "narrative.operating-expenses") == (set(), [])
    document["metadata"]["institution_type"] = "行政单位"
    assert books(document, "narrative.operating-expenses") == ({"narrative.operating-expenses"}, [])


def test_a_rule_that_finds_nothing_to_check_is_not_applied() -> None:
    """No indicator is a percentage: the percentage bounds checked nothing and do not count as applied."""
    document = clean()
    for row in all_indicators(document):
        if row.get("unit") in ("%", "％"):
            row["unit"] = "个"
    assert books(document, "indicators.percent-range") == (set(), [])


def test_a_rule_on_a_missing_required_table_is_skipped_with_its_reason() -> None:
    document = clean()
    del document["tables"]["summary"]
    report = validate(copy.deepcopy(document), select=["summary.income-current-year"])
    assert set(report.applied) == set()
    assert [(s.rule, "summary" in s.reason_en) for s in report.skipped] == [("summary.income-current-year", True)]


def test_every_rule_that_reads_a_missing_table_is_skipped_and_none_applied() -> None:
    document = clean()
    applied_before, _ = books(document)
    del document["tables"]["summary"]
    applied, skipped = books(document)
    assert len(skipped) == len(set(skipped))
    summary_rules = {r for r in applied_before if r.startswith("summary.")}
    assert summary_rules and summary_rules <= set(skipped)
    assert not summary_rules & applied  # they read nothing else
    # a rule that also reads other tables checks them and says what it left out: applied and skipped
    assert {"structure.title-year", "structure.unit-name"} <= applied & set(skipped)
    assert applied_before - applied <= set(skipped)  # what stopped applying says why


def test_a_table_declared_empty_is_checked_as_zero_not_skipped() -> None:
    document = clean()
    document["tables"]["government_fund_expenditure"] = {
        **{k: v for k, v in document["tables"]["government_fund_expenditure"].items() if k in ("title", "unit_name")},
        "empty": True,
    }
    _, skipped = books(document)
    assert "government_fund.row-total" not in skipped


# ------------------------------------------------------------------------------------ ``when`` conditions
class _Cells:
    """A stand-in context that answers ``cells`` with the given values (the condition's own logic only)."""

    def __init__(self, *values: int) -> None:
        from budget_disclosure.amounts import Cell

        self._cells = [Cell(f"/c{i}", Decimal(v), Decimal(0), "元", Decimal(v), 0) for i, v in enumerate(values)]

    def cells(self, bound: Any) -> list[Any]:
        return self._cells


@pytest.mark.parametrize(
    ("values", "zero", "nonzero"),
    [((0, 0, 0), True, False), ((0, 5, 0), False, True), ((5, 5), False, True), ((), True, False), ((0,), True, False)],
)
def test_zero_means_every_cell_and_nonzero_any_cell(values: tuple[int, ...], zero: bool, nonzero: bool) -> None:
    from budget_disclosure.rules.conditions import compile_when
    from budget_disclosure.spec import get_spec

    labels = get_spec().labels
    ctx: Any = _Cells(*values)
    assert compile_when(labels, ({"zero": "income:rows[*].total"},))(ctx) is zero
    assert compile_when(labels, ({"nonzero": "income:rows[*].total"},))(ctx) is nonzero
    both = compile_when(labels, ({"zero": "income:rows[*].total"}, {"nonzero": "income:rows[*].total"}))
    assert both(ctx) is False  # conditions are all required


# ------------------------------------------------------------------------------------------ the caps
def test_schema_findings_past_the_cap_are_one_error_at_the_first_left_out() -> None:
    """What the schema layer did not explain was not checked: the report says so as an error (never valid)."""
    from budget_disclosure.reader import Limits

    document = clean()
    for row in document["tables"]["income"]["rows"]:
        row["total"] = "x"
    report = validate(document, limits=Limits(max_findings_per_rule=3), select=["income.row-total"])
    found = [(f.rule, f.pointer, f.severity.value) for f in report.findings if f.rule.startswith(("input", "schema"))]
    assert found == [
        ("schema.amount-type", "/tables/income/rows/0/total", "error"),
        ("schema.amount-type", "/tables/income/rows/1/total", "error"),
        ("schema.amount-type", "/tables/income/rows/2/total", "error"),
        ("input.too-many-schema-findings", "/tables/income/rows/3/total", "error"),
    ]
    assert not report.valid


def test_rule_findings_past_the_cap_are_counted_at_the_rule_severity() -> None:
    from budget_disclosure.reader import Limits

    document = clean()
    for row in document["tables"]["income"]["rows"]:
        row["total"] += 1
    report = validate(document, limits=Limits(max_findings_per_rule=2), select=["income.row-total"])
    found = [(f.rule, f.severity.value) for f in report.findings]
    assert found == [("income.row-total", "error")] * 2 + [("input.too-many-findings", "error")]


# ---------------------------------------------------------------------------------- the kind registry
def test_every_kind_documents_itself_and_the_registry_is_frozen() -> None:
    """docs/RULES.md describes each kind by its function's docstring; no run can change a kind."""
    import dataclasses

    from budget_disclosure.rules.kinds import KINDS

    for name, kind in KINDS.items():
        assert kind.name == name
        assert kind.doc and kind.doc == (kind.run.__doc__ or "").strip()
        with pytest.raises(dataclasses.FrozenInstanceError):
            kind.partial = not kind.partial  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "rule"),
    [("{not json", "input.not-json"), ("[1, 2]", "input.not-object"), ('{"a": 1, "a": 2}', "input.duplicate-key")],
)
def test_input_that_cannot_be_read_is_an_error(text: str, rule: str) -> None:
    report = validate(text)
    assert [(f.rule, f.severity.value) for f in report.findings] == [(rule, "error")]
    assert not report.valid


@pytest.mark.parametrize(
    ("period", "applied", "finding"),
    [
        ({"text": "2024年"}, True, False),
        ({"text": "2023-2025年"}, True, False),
        ({"text": "2025-2026年"}, True, True),
        ({"text": "3年"}, False, False),  # a duration names no year: nothing was checked
    ],
)
def test_a_project_period_counts_as_checked_only_when_it_names_a_year(
    period: dict[str, str], applied: bool, finding: bool
) -> None:
    document = clean()
    document["tables"]["project_performance"]["units"][0]["projects"][0]["period"] = period
    rule = "performance.project-period-text"
    report = validate(copy.deepcopy(document), select=[rule])
    assert set(report.applied) == ({rule} if applied else set())
    assert [f.rule for f in report.findings] == ([rule] if finding else [])


def test_a_bound_by_a_misspelt_field_is_refused_at_load(tmp_path: Path) -> None:
    """A bound read from a field of the scope (``max: {field: …}``) must name a field the schemas have."""
    from budget_disclosure.errors import SpecError
    from budget_disclosure.rules.engine import Engine
    from budget_disclosure.spec import Spec

    from .support import spec_copy

    root = spec_copy(tmp_path / "spec")
    path = root / "rules" / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    assert "max: {field: amount}" in text
    path.write_text(text.replace("max: {field: amount}", "max: {field: amout}", 1), encoding="utf-8")
    with pytest.raises(SpecError, match="amout"):
        Engine(Spec(root))


def test_the_kinds_that_record_evaluations_say_so() -> None:
    """``Kind.evaluates`` is what the compiled engine reads to re-run a screened rule for the grouping by
    cause: every kind whose rules record an evaluation on the seed, the clean example or any case says so,
    and every kind that says so records one somewhere."""
    from budget_disclosure.rules.engines import get_engine
    from budget_disclosure.rules.kinds import KINDS
    from budget_disclosure.spec import get_spec

    from .support import CLEAN, SEED, all_cases, load_case

    engine = get_engine(get_spec(), "interpreter")
    documents = [json.loads(SEED.read_text(encoding="utf-8"), parse_float=Decimal)]
    documents.append(json.loads(CLEAN.read_text(encoding="utf-8"), parse_float=Decimal))
    documents += [load_case(p).document for p in all_cases()]
    recording = set()
    for document in documents:
        if isinstance(document, dict) and document.get("profile") in engine.spec.profiles:
            run = engine.run(document, document["profile"])
            recording |= {engine.compiled[e.rule].rule.kind for e in run.evaluations}
    assert recording == {name for name, kind in KINDS.items() if kind.evaluates}
