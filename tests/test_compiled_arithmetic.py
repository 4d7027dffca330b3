"""The compiled engine's screens for the identity kinds (row_sum, rollup, column_sum, group_sum, sum,
compare): clean on a clean table, unsure on every shape the interpreter treats specially, and the two
engines' reports identical either way.

Each case edits the seed document. ``screened`` runs one rule's screen and the interpreter's kind on the
same document and holds the screen to its promise: a number means the kind finds nothing, notes nothing
unverifiable and checks something exactly when the number is not zero.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import pytest

from budget_disclosure import validate
from budget_disclosure.amounts import ARITHMETIC
from budget_disclosure.bench import _seed_bytes
from budget_disclosure.reader import read
from budget_disclosure.rules.context import Context
from budget_disclosure.rules.engines import get_engine
from budget_disclosure.rules.kinds import KINDS
from budget_disclosure.spec import get_spec

SPEC = get_spec()
ENGINE = get_engine(SPEC, "compiled")
SEED = read(_seed_bytes()).document


def seed() -> dict[str, Any]:
    return copy.deepcopy(SEED)


def screened(doc: dict[str, Any], rid: str) -> int | None:
    """The screen's answer for one rule on ``doc``, checked against the interpreter's kind."""
    compiled = ENGINE.compiled[rid]
    profile = SPEC.profiles[doc["profile"]]
    with localcontext(ARITHMETIC):
        answer = ENGINE.screens[rid](Context(SPEC, doc, profile, False))
        ref = Context(SPEC, doc, profile, False)
        found = list(KINDS[compiled.rule.kind].run(ref, compiled))
    if answer is not None:
        assert not found and not ref.unverifiable and not ref.absent_totals, rid
        assert bool(answer) == bool(ref.checks), rid
    return answer


def agree(doc: dict[str, Any]) -> None:
    """Both engines give the same report, in both arithmetic modes."""
    for strict in (False, True):
        a = validate(copy.deepcopy(doc), engine="interpreter", strict_arithmetic=strict).to_json()
        b = validate(copy.deepcopy(doc), engine="compiled", strict_arithmetic=strict).to_json()
        assert a == b


def rows(doc: dict[str, Any], table: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = doc["tables"][table]["rows"]
    return found


CLEAN = [
    "basic.row-total",
    "basic.rollup",
    "income.row-total",
    "income.rollup",
    "income.of-which",
    "expenditure.rollup",
    "fiscal_summary.row-total",
    "fiscal_summary.rollup",
    "fiscal_summary.expenditure-grand-total",
    "three_public.total-row",
    "performance.unit-subtotal",
    "summary.income-current-year",
    "narrative.three-public-composition",
    "cross.income-total",
    "cross.basic-within-expenditure",
    "basic.personnel-classes",
]


@pytest.mark.parametrize("rid", CLEAN)
def test_clean_seed_is_screened_clean(rid: str) -> None:
    answer = screened(seed(), rid)
    assert answer is not None and answer > 0


def test_clean_seed_reports_agree() -> None:
    agree(seed())


def _bump_leaf(doc: dict[str, Any]) -> None:
    rows(doc, "basic_expenditure")[1]["total"] += Decimal("0.01")


def _duplicate_row(doc: dict[str, Any]) -> None:
    table = rows(doc, "basic_expenditure")
    table.append(copy.deepcopy(table[1]))


def _duplicate_class(doc: dict[str, Any]) -> None:
    table = rows(doc, "basic_expenditure")
    table.append(copy.deepcopy(table[0]))  # 301 twice: rows[code=301] designates two rows


def _drop_total_row(doc: dict[str, Any]) -> None:
    del doc["tables"]["basic_expenditure"]["total_row"]


def _text_in_amount(doc: dict[str, Any]) -> None:
    rows(doc, "basic_expenditure")[1]["personnel"] = "98.37万元"


def _bool_in_amount(doc: dict[str, Any]) -> None:
    rows(doc, "basic_expenditure")[1]["public"] = False


def _unreadable_precision(doc: dict[str, Any]) -> None:
    doc["tables"]["basic_expenditure"]["amounts"] = {"unit": "万元", "precision": "one"}


def _unknown_unit(doc: dict[str, Any]) -> None:
    doc["tables"]["basic_expenditure"]["amounts"] = {"unit": "千元", "precision": 2}


def _row_not_an_object(doc: dict[str, Any]) -> None:
    rows(doc, "basic_expenditure")[2] = {"code": "30102", "total": [1]}


@pytest.mark.parametrize(
    ("edit", "rid"),
    [
        (_bump_leaf, "basic.rollup"),
        (_bump_leaf, "basic.row-total"),
        (_duplicate_row, "basic.rollup"),
        (_duplicate_class, "basic.personnel-classes"),
        (_duplicate_class, "basic.rollup"),
        (_drop_total_row, "basic.row-total"),
        (_drop_total_row, "basic.rollup"),
        (_drop_total_row, "basic.personnel-classes"),
        (_text_in_amount, "basic.row-total"),
        (_bool_in_amount, "basic.row-total"),
        (_unreadable_precision, "basic.rollup"),
        (_unknown_unit, "cross.basic-total"),
        (_row_not_an_object, "basic.rollup"),
    ],
)
def test_unusual_shapes_are_unsure(edit: Callable[[dict[str, Any]], None], rid: str) -> None:
    doc = seed()
    edit(doc)
    assert screened(doc, rid) is None
    agree(doc)


def test_blank_dash_and_zero_are_the_same_zero() -> None:
    doc = seed()
    table = rows(doc, "basic_expenditure")
    blanks = [row for row in table if row.get("public") is None]
    assert len(blanks) >= 3
    blanks[0]["public"], blanks[1]["public"], blanks[2]["public"] = "-", 0, Decimal("0.00")
    for rid in ("basic.row-total", "basic.rollup"):
        assert screened(doc, rid)
    agree(doc)


def test_empty_table_is_one_exact_zero() -> None:
    doc = seed()
    doc["tables"]["basic_expenditure"] = {"empty": True, "title": "基本支出表", "statement": "本部门无基本支出"}
    assert screened(doc, "basic.row-total") == 0  # no rows, no 合计 row: nothing to check, nothing unverifiable
    assert screened(doc, "basic.rollup") == 0
    assert screened(doc, "basic.personnel-classes") == 1  # 0 = 0 + 0
    assert screened(doc, "cross.basic-total") is None  # 0 against a printed basic total: a finding
    agree(doc)


def test_narrative_null_is_not_stated() -> None:
    doc = seed()
    doc["narrative"]["three_public"]["total"] = None
    assert screened(doc, "narrative.three-public-composition") == 0
    agree(doc)


def test_otherwise_stands_in_for_an_absent_figure() -> None:
    doc = seed()
    del doc["narrative"]["three_public"]["vehicles"]
    assert screened(doc, "narrative.three-public-composition") == 1
    doc["narrative"]["three_public"]["vehicle_operation"] += Decimal("0.1")
    assert screened(doc, "narrative.three-public-composition") is None
    agree(doc)


def test_mixed_units_compare_in_yuan() -> None:
    doc = seed()
    table = doc["tables"]["basic_expenditure"]
    table["amounts"] = {"unit": "元", "precision": 2}
    for row in [*table["rows"], table["total_row"]]:
        for column in ("total", "personnel", "public"):
            if isinstance(row.get(column), Decimal):
                row[column] = row[column] * 10000
    for rid in ("basic.row-total", "basic.rollup", "cross.basic-total", "basic.personnel-classes"):
        assert screened(doc, rid)
    agree(doc)


def test_inequalities_hold_strictly_or_hand_over() -> None:
    doc = seed()
    total_row = doc["tables"]["expenditure"]["total_row"]
    assert screened(doc, "cross.basic-within-expenditure") == 1  # equal: ≤ holds
    total_row["basic"] += 1
    assert screened(doc, "cross.basic-within-expenditure") == 1  # smaller: ≤ holds
    total_row["basic"] -= 2
    assert screened(doc, "cross.basic-within-expenditure") is None
    agree(doc)


def test_group_without_its_subtotal_is_unsure() -> None:
    doc = seed()
    del doc["tables"]["project_performance"]["units"][0]["amount"]
    assert screened(doc, "performance.unit-subtotal") is None
    agree(doc)


def test_rollup_parent_detection_skips_missing_levels() -> None:
    doc = seed()
    # Without its 款 rows, every 项 rolls up into its 类 directly: still exact.
    table = doc["tables"]["income"]
    table["rows"] = [row for row in table["rows"] if len(row["code"]) != 5]
    answer = screened(doc, "income.rollup")
    assert answer is not None
    agree(doc)
