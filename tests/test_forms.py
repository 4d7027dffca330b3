"""Forms that print fewer columns or rows: absent is not blank, and what cannot be checked says so.

1. A performance form without the 指标值类型, unit and 评（扣）分标准 columns writes the comparator and the
   unit in the value ("≥85%"). Moving them there (``synth.inline_indicator_columns``) changes no finding of a
   consistent document, in either or both performance tables; the only change is the rules declared not
   verifiable for such rows (``needs_columns``).
2. Removing 合计 rows (``synth.without_total_rows``) never adds a finding, from a consistent document or a
   defective one; every rule that read a removed 合计 row is reported not verifiable, with the reason.
3. The parts of a value are read by the one reader (``values.reading_of``), and each rule on a part fires
   on a bad value written inside the value.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from budget_disclosure import Severity, validate
from budget_disclosure import pointer as jp
from budget_disclosure.rules.bind import refs_in
from budget_disclosure.rules.values import reading_of
from budget_disclosure.rules.where import compile_where
from budget_disclosure.spec import get_spec
from budget_disclosure.synth import inline_indicator_columns, without_total_rows

from .mutations import move, run_engine, step_of
from .strategies import PROFILES, Features, documents
from .support import CLEAN, EXAMPLES, SEED, load_json

SPEC = get_spec()
PERFORMANCE = ("project_performance", "department_performance")
# The rules that need a column such a form lacks and report its rows not verifiable (needs_columns).
DECLARED = {"indicators.value-type-missing", "indicators.qualitative-unit", "indicators.scoring-present"}


def keyed(report: Any) -> set[tuple[str, str, str]]:
    return {(f.rule, f.pointer, f.severity.value) for f in report.findings}


def skipped(report: Any) -> dict[str, str]:
    return {s.rule: s.reason_en for s in report.skipped}


def total_row_tables(document: Any) -> list[str]:
    """The tables whose 合计 row a form may leave out: an aggregate 三公 table has no rows, its figures are
    its total_row, so it is not one of them."""
    return sorted(
        t for t, v in document["tables"].items() if isinstance(v, dict) and "total_row" in v and not v.get("aggregate")
    )


def reads_total_row(rule_id: str, tables: set[str]) -> bool:
    """The rule reads the 合计 row of one of ``tables`` (in its parameters or its conditions)."""
    rule = SPEC.rules[rule_id]
    texts = list(refs_in(rule.params)) + [
        r for cond in rule.when for arg in cond.values() for r in refs_in(arg if isinstance(arg, dict) else [arg])
    ]
    if any(t.split(":", 1)[0] in tables and t.split(":", 1)[1].startswith("total_row") for t in texts):
        return True
    table = rule.params.get("table")
    paths = rule.params.get("rows", []), rule.params.get("total_row", "")
    named = [p for group in paths for p in ([group] if isinstance(group, str) else group)]
    return table in tables and any(p.startswith("total_row") for p in named)


# ------------------------------------------------------------------------------------------ 1
@given(data=st.data())
def test_moving_comparator_and_unit_into_the_value_changes_no_finding(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    which = data.draw(st.sampled_from([PERFORMANCE, PERFORMANCE[:1], PERFORMANCE[1:]]), label="tables")
    scoring = data.draw(st.booleans(), label="without scoring")
    before, after = validate(doc), validate(inline_indicator_columns(doc, tables=which, scoring=scoring))
    assert keyed(after) == keyed(before)
    new = set(skipped(after)) - set(skipped(before))
    assert new <= DECLARED, new
    for rule in new:
        assert "printed without the" in skipped(after)[rule]


def test_the_inline_example_is_the_clean_example_moved() -> None:
    """examples/forms/…-inline-indicators.json is the clean example with its indicator columns moved into the
    values, nothing else; its findings are the clean example's."""
    clean, inline = load_json(CLEAN), load_json(EXAMPLES / "forms" / "example-data-center-2024-inline-indicators.json")
    moved = inline_indicator_columns(clean)
    moved["metadata"]["title"] = inline["metadata"]["title"]
    assert moved == inline
    assert keyed(validate(inline)) == keyed(validate(clean))


def test_inlining_the_seed_reports_defects_only_on_rows_that_had_them() -> None:
    """The seed's indicator defects, written the way a form without the columns prints them, are found on the
    same rows (as the inline-* rules where the column held the defect); no correct row gets a finding."""
    seed = load_json(SEED)
    before, after = keyed(validate(seed)), keyed(validate(inline_indicator_columns(seed)))
    row = re.compile(r"(/indicators/\d+).*")
    rows = {row.sub(r"\1", p) for _, p, _ in before}
    assert not [f for f in after - before if row.sub(r"\1", f[1]) not in rows]
    found = {r for r, _, _ in after - before}
    assert {"indicators.inline-numeric", "indicators.inline-direction", "indicators.inline-rate-unit"} <= found


def test_a_blank_column_is_still_a_finding_and_an_absent_one_is_not() -> None:
    clean = load_json(CLEAN)
    ptr = "/tables/project_performance/units/0/projects/0/indicators/1"
    blank = copy.deepcopy(clean)
    jp.resolve(blank, ptr)["value_type"] = None
    absent = copy.deepcopy(clean)
    del jp.resolve(absent, ptr)["value_type"]
    assert ("indicators.value-type-missing", ptr + "/value_type", "error") in keyed(validate(blank))
    report = validate(absent)
    assert keyed(report) == keyed(validate(clean))
    assert "指标值类型" in {s.rule: s.reason for s in report.skipped}["indicators.value-type-missing"]


# ------------------------------------------------------------------------------------------ 2
@given(data=st.data())
def test_removing_total_rows_never_adds_a_finding(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    if data.draw(st.booleans(), label="with a defect"):
        # A defective document: one amount moved by some steps of its precision.
        amounts = [e for e in run_engine(doc).evaluations if e.coefficients]
        if amounts:
            evaluation = data.draw(st.sampled_from(amounts), label="identity")
            here = data.draw(st.sampled_from([p for p, _ in evaluation.coefficients]), label="cell")
            if here.startswith("/tables/") and isinstance(jp.resolve(doc, here, None), (int, Decimal)):
                step, _ = step_of(doc, here)
                doc = move(doc, here, step * data.draw(st.integers(1, 500), label="steps"))
    candidates = total_row_tables(doc)
    assume(candidates)  # a one-project table (hunan-performance-standalone) prints no 合计 row to remove
    removed = data.draw(st.lists(st.sampled_from(candidates), min_size=1, unique=True), label="tables")
    before, after = validate(doc), validate(without_total_rows(doc, removed))
    assert keyed(after) <= keyed(before), sorted(keyed(after) - keyed(before))
    new = set(skipped(after)) - set(skipped(before))
    assert all(reads_total_row(rule, set(removed)) for rule in new), sorted(new)
    for rule in new:
        assert "prints no 合计 (total) row" in skipped(after)[rule]
    # Every rule that checked a removed 合计 row (and still runs) says it could not.
    for rule in before.applied:
        if reads_total_row(rule, set(removed)) and rule not in skipped(before):
            assert rule in skipped(after), rule


def test_the_seed_without_total_rows_loses_only_what_was_on_them() -> None:
    seed = load_json(SEED)
    before, after = validate(seed), validate(without_total_rows(seed))
    assert keyed(after) <= keyed(before)
    assert all("/total_row" in p for _, p, _ in keyed(before) - keyed(after))


def test_a_table_declared_empty_or_a_present_total_row_is_no_skip() -> None:
    """A table declared empty has no 合计 row and states zero; a present 合计 row with a blank cell is zero:
    neither is reported as a missing total row."""
    clean = load_json(CLEAN)
    report = validate(clean)
    assert not [s for s in report.skipped if "合计" in s.reason]
    doc = copy.deepcopy(clean)
    doc["tables"]["government_fund_expenditure"] = {"empty": True, "statement": "本部门无政府性基金预算支出"}
    assert not [s for s in validate(doc).skipped if "合计" in s.reason]


def test_a_missing_total_row_is_named_in_the_reason() -> None:
    report = validate(without_total_rows(load_json(CLEAN), ["project_performance"]))
    reasons = {s.rule: s.reason for s in report.skipped}
    assert reasons["performance.project-total"] == "项目支出绩效目标表未印合计行，涉及合计行的核对无法验证"


# ------------------------------------------------------------------------------------------ 3
@pytest.mark.parametrize(
    ("text", "comparator", "number", "unit"),
    [
        ("≥85%", "≥", "85", "%"),
        ("≤250万元", "≤", "250", "万元"),
        ("10辆", None, "10", "辆"),
        ("＞=90%", "≥", "90", "%"),
        ("不低于95%", "≥", "95", "%"),
        ("100%", None, "100", "%"),
        ("95%以上", "≥", "95", "%"),
        ("＜＝ 3 天", "≤", "3", "天"),
    ],
)
def test_the_one_reader_reads_what_forms_write_in_the_value(
    text: str, comparator: str | None, number: str, unit: str
) -> None:
    reading = reading_of(text)
    assert reading is not None
    assert (reading.comparator, reading.number, reading.unit) == (comparator, Decimal(number), unit)


@pytest.mark.parametrize("text", ["≤两百万元", "≈90%", "提高", "2024年12月底前", "按时完成"])
def test_what_is_no_quantity_does_not_read(text: str) -> None:
    assert reading_of(text) is None


def test_where_absent_tells_a_missing_column_from_a_blank_cell() -> None:
    absent = compile_where({"field": "unit", "absent": True})
    assert absent({"value": "10辆"})
    assert not absent({"value": "10", "unit": None})
    assert compile_where({"field": "unit", "absent": False})({"unit": None})


INLINE = EXAMPLES / "forms" / "example-data-center-2024-inline-indicators.json"
P0 = "/tables/project_performance/units/0/projects/0/indicators"


@pytest.mark.parametrize(
    ("where", "value", "rule"),
    [
        (f"{P0}/2/value", "≥120%", "indicators.percent-range"),
        (f"{P0}/0/value", "≤两百万元", "indicators.inline-numeric"),
        (f"{P0}/1/value", "2024年", "indicators.inline-numeric"),
        (f"{P0}/2/value", "≈99%", "indicators.inline-comparator"),
        (f"{P0}/2/value", "≤99%", "indicators.inline-direction"),
        (f"{P0}/5/value", "=100%", "indicators.inline-satisfaction-full"),
        (f"{P0}/1/value", "<12次", "indicators.inline-quantity-upper-bound"),
        (f"{P0}/2/value", "≥99个", "indicators.inline-rate-unit"),
        (f"{P0}/0/value", "≤500万元", "indicators.cost-within-money"),
        (f"{P0}/0/value", "≤0.05亿元", "indicators.cost-within-money"),
        (f"{P0}/0/value", "≤330", "indicators.cost-money-readable"),
    ],
)
def test_each_rule_on_a_part_fires_on_a_bad_value_inside_the_value(where: str, value: str, rule: str) -> None:
    doc = load_json(INLINE)
    base = keyed(validate(doc))
    parent, field = where.rsplit("/", 1)
    jp.resolve(doc, parent)[field] = value
    added = keyed(validate(doc)) - base
    assert {(r, p) for r, p, _ in added} == {(rule, where)}


@pytest.mark.parametrize("value", ["≥99%", "99%以上", "不低于99%", "＞=99%", "百分之99"])
def test_legal_ways_of_writing_a_rate_raise_nothing(value: str) -> None:
    doc = load_json(INLINE)
    base = keyed(validate(doc))
    jp.resolve(doc, f"{P0}/2")["value"] = value
    report = validate(doc)
    assert keyed(report) == base
    assert not [f for f in report.findings if f.severity is Severity.ERROR]
