"""Root-cause grouping (``engine.group_by_cause``) on constructed documents and constructed identities.

A cell is the cause of several arithmetic errors when one correction of it makes every identity it takes part
in hold. The expectations are built here: which cell was moved, by how much, and so which findings it breaks
and the sign of each difference (actual − expected, in the table's 万元).

1. one cell breaking several identities: every error names that cell, with the difference of its move;
2. two cells at once: each finding names its own cell;
3. an inequality involved: moved up, the cell breaks ≤ as well; moved down, ≤ still holds and is no finding;
4. the grouping itself on constructed evaluations: the cell that explains the most failures wins, a cell
   in one failure only is no cause, a correction that breaks a holding identity disqualifies the cell,
   ties go to the first pointer, information and warnings are never grouped.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from budget_disclosure import Severity, validate
from budget_disclosure import pointer as jp
from budget_disclosure.amounts import Cell
from budget_disclosure.findings import Finding
from budget_disclosure.rules.context import Evaluation
from budget_disclosure.rules.engine import group_by_cause

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "examples" / "clean" / "example-data-center-2024.json"

FISCAL = "/tables/summary/income/fiscal_appropriation"
INCOME_ROW = "/tables/income/rows/1/total"
GB_BASIC = "/tables/general_budget_expenditure/rows/0/basic"


def clean() -> dict[str, Any]:
    with CLEAN.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return document


def move(document: dict[str, Any], pointer: str, by: str) -> None:
    tokens = jp.parse(pointer)
    parent = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    key: Any = int(tokens[-1]) if isinstance(parent, list) else tokens[-1]
    parent[key] = parent[key] + Decimal(by)


def errors(document: dict[str, Any]) -> dict[tuple[str, str], tuple[str | None, Decimal | None]]:
    """(rule, pointer) → (cause, difference) of every error beyond the clean example's (which has none)."""
    report = validate(copy.deepcopy(document))
    return {(f.rule, f.pointer): (f.cause, f.difference) for f in report.findings if f.severity is Severity.ERROR}


def test_the_clean_example_has_no_error() -> None:
    assert errors(clean()) == {}


def test_one_cell_breaking_three_identities_is_named_with_its_difference() -> None:
    document = clean()
    move(document, FISCAL, "10.00")  # 财政拨款 on the summary, a part of the year's income and copied twice
    assert errors(document) == {
        ("summary.income-current-year", "/tables/summary/income/current_year_total"): (FISCAL, Decimal("-10.00")),
        ("cross.income-sources", "/tables/income/total_row/fiscal_appropriation"): (FISCAL, Decimal("-10.00")),
        ("cross.fiscal-income", "/tables/fiscal_summary/income/current_year"): (FISCAL, Decimal("-10.00")),
    }


def test_the_sign_follows_the_direction_of_the_move() -> None:
    document = clean()
    move(document, FISCAL, "-10.00")
    found = errors(document)
    assert set(found.values()) == {(FISCAL, Decimal("10.00"))}
    assert len(found) == 3


def test_two_cells_each_named_for_their_own_findings() -> None:
    document = clean()
    move(document, FISCAL, "10.00")
    move(document, INCOME_ROW, "-3.00")
    found = errors(document)
    assert found == {
        ("summary.income-current-year", "/tables/summary/income/current_year_total"): (FISCAL, Decimal("-10.00")),
        ("cross.income-sources", "/tables/income/total_row/fiscal_appropriation"): (FISCAL, Decimal("-10.00")),
        ("cross.fiscal-income", "/tables/fiscal_summary/income/current_year"): (FISCAL, Decimal("-10.00")),
        ("income.rollup", "/tables/income/rows/0/total"): (INCOME_ROW, Decimal("3.00")),
        ("income.rollup", INCOME_ROW): (INCOME_ROW, Decimal("-3.00")),
        ("income.row-total", INCOME_ROW): (INCOME_ROW, Decimal("-3.00")),
    }


def test_an_inequality_broken_with_the_identities_names_the_same_cell() -> None:
    """一般公共预算 basic expenditure moved up: its row, its column and ≤ the department's expenditure break."""
    document = clean()
    move(document, GB_BASIC, "5.00")
    found = errors(document)
    assert found == {
        ("cross.general-budget-within-expenditure", GB_BASIC): (GB_BASIC, Decimal("5.00")),
        ("general_budget.rollup", GB_BASIC): (GB_BASIC, Decimal("5.00")),
        ("general_budget.row-total", "/tables/general_budget_expenditure/rows/0/total"): (GB_BASIC, Decimal("-5.00")),
        ("general_budget.rollup", "/tables/general_budget_expenditure/total_row/basic"): (GB_BASIC, Decimal("-5.01")),
    }


def test_an_inequality_that_still_holds_is_no_finding_and_the_cause_is_unchanged() -> None:
    document = clean()
    move(document, GB_BASIC, "-5.00")
    found = errors(document)
    assert found == {
        ("general_budget.rollup", GB_BASIC): (GB_BASIC, Decimal("-5.00")),
        ("general_budget.row-total", "/tables/general_budget_expenditure/rows/0/total"): (GB_BASIC, Decimal("5.00")),
        ("general_budget.rollup", "/tables/general_budget_expenditure/total_row/basic"): (GB_BASIC, Decimal("4.99")),
    }


# ------------------------------------------------------------------------ 4 · on constructed evaluations
def c(pointer: str, value: int) -> Cell:
    """An exact cell (no rounding): the arithmetic below is then plain integers."""
    return Cell(pointer, Decimal(value), Decimal(0), "元", Decimal(value), 0)


def identity(rule: str, op: str, left: list[Cell], right: list[Cell], envelope: int = 0) -> Evaluation:
    one = Decimal(1)
    diff = sum((x.value for x in left), Decimal(0)) - sum((x.value for x in right), Decimal(0))
    failed = {
        "eq": abs(diff) > envelope,
        "le": diff > envelope,
        "ge": -diff > envelope,
        "lt": diff >= envelope if envelope else diff >= 0,
        "gt": -diff >= envelope if envelope else diff <= 0,
    }[op]
    return Evaluation(
        rule, left[0].pointer, op, [(x, one) for x in left], [(x, one) for x in right], diff, Decimal(envelope), failed
    )


def finding(e: Evaluation, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(rule=e.rule, severity=severity, pointer=e.pointer, location=e.pointer, message="m", message_en="m")


def causes(evaluations: list[Evaluation], severity: Severity = Severity.ERROR) -> dict[tuple[str, str], str | None]:
    findings = [finding(e, severity) for e in evaluations if e.failed]
    grouped = group_by_cause(findings, evaluations, lambda p: f"at {p}")
    for f in grouped:
        assert f.cause_location == (None if f.cause is None else f"at {f.cause}")
    return {(f.rule, f.pointer): f.cause for f in grouped}


def test_a_single_failure_has_no_cause() -> None:
    evaluations = [identity("r.a", "eq", [c("/t", 10)], [c("/a", 4), c("/b", 5)])]
    assert causes(evaluations) == {("r.a", "/t"): None}


def test_the_cell_in_every_failure_is_the_cause() -> None:
    # /a is 4 where 5 was meant: /t = /a + /b and /u = /a + /d both fail by −1
    evaluations = [
        identity("r.t", "eq", [c("/t", 10)], [c("/a", 4), c("/b", 5)]),
        identity("r.u", "eq", [c("/u", 7)], [c("/a", 4), c("/d", 2)]),
        identity("r.v", "eq", [c("/v", 4)], [c("/a", 4)]),  # holds now: a correction of /a by +1 breaks it
    ]
    assert causes(evaluations) == {("r.t", "/t"): None, ("r.u", "/u"): None}
    evaluations[2] = identity("r.v", "eq", [c("/v", 9)], [c("/e", 9)])  # /a takes no other part
    assert causes(evaluations) == {("r.t", "/t"): "/a", ("r.u", "/u"): "/a"}


def test_the_cell_that_explains_more_failures_wins() -> None:
    evaluations = [
        identity("r.1", "eq", [c("/t1", 10)], [c("/x", 4), c("/b", 5)]),
        identity("r.2", "eq", [c("/t2", 8)], [c("/x", 4), c("/d", 3)]),
        identity("r.3", "eq", [c("/t3", 5)], [c("/x", 4)]),
        identity("r.4", "eq", [c("/t1", 10)], [c("/y", 9)]),  # /t1 fails here too: /t1 explains two, /x three
    ]
    found = causes(evaluations)
    # r.1 is explained by both: the cell with more failures (/x) names it; r.4 only /t1 explains
    assert found == {("r.1", "/t1"): "/x", ("r.2", "/t2"): "/x", ("r.3", "/t3"): "/x", ("r.4", "/t1"): "/t1"}


def test_ties_go_to_the_first_pointer_in_order() -> None:
    # /p and /q take part in the same two failures; either corrected by −1 fixes both
    evaluations = [
        identity("r.1", "eq", [c("/p", 5), c("/q", 5)], [c("/s", 9)]),
        identity("r.2", "eq", [c("/p", 5), c("/q", 5)], [c("/w", 9)]),
    ]
    assert causes(evaluations) == {("r.1", "/p"): "/p", ("r.2", "/p"): "/p"}


def test_an_inequality_takes_part_in_the_grouping() -> None:
    # /a is 3 too high: /t = /a + /b fails, /a ≤ /cap fails, and /a ≥ /floor keeps holding after −3
    evaluations = [
        identity("r.sum", "eq", [c("/t", 10)], [c("/a", 8), c("/b", 5)]),
        identity("r.cap", "le", [c("/a", 8)], [c("/cap", 6)]),
        identity("r.floor", "ge", [c("/a", 8)], [c("/floor", 2)]),
    ]
    assert causes(evaluations) == {("r.sum", "/t"): "/a", ("r.cap", "/a"): "/a"}
    # a floor the correction would break: /a is not the cause
    evaluations[2] = identity("r.floor", "ge", [c("/a", 8)], [c("/floor", 7)])
    assert causes(evaluations) == {("r.sum", "/t"): None, ("r.cap", "/a"): None}


def test_a_correction_within_an_envelope_still_holds() -> None:
    evaluations = [
        identity("r.1", "eq", [c("/t1", 10)], [c("/a", 4), c("/b", 5)]),
        identity("r.2", "eq", [c("/t2", 9)], [c("/a", 4), c("/d", 4)]),
        identity("r.3", "eq", [c("/t3", 4)], [c("/a", 4)], envelope=1),  # after +1 the difference is −1: inside
    ]
    assert causes(evaluations) == {("r.1", "/t1"): "/a", ("r.2", "/t2"): "/a"}


@pytest.mark.parametrize("severity", [Severity.WARNING, Severity.INFO])
def test_only_errors_are_grouped(severity: Severity) -> None:
    evaluations = [
        identity("r.t", "eq", [c("/t", 10)], [c("/a", 4), c("/b", 5)]),
        identity("r.u", "eq", [c("/u", 7)], [c("/a", 4), c("/d", 2)]),
    ]
    assert causes(evaluations, severity) == {("r.t", "/t"): None, ("r.u", "/u"): None}
