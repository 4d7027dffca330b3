"""Properties of matching semantics (issue 11): what rules do with the cases real documents bring.

1. a key that occurs twice is one finding (uniqueness) and causes no other finding;
2. a table declared empty is zero for every rule that reads it: emptying a table whose money the other
   tables and the narrative state makes a rule fire outside it, and the narrative's figure is named;
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from budget_disclosure import Severity, validate
from budget_disclosure import pointer as jp

from .strategies import documents

# Tables (and their row lists) whose rows carry a classification code, with the rule that keeps the
# code unique there.
CODED_ROWS = {
    "/tables/income/rows": "classification.function-unique",
    "/tables/expenditure/rows": "classification.function-unique",
    "/tables/general_budget_expenditure/rows": "classification.function-unique",
    "/tables/government_fund_expenditure/rows": "classification.function-unique",
    "/tables/state_capital_expenditure/rows": "classification.function-unique",
    "/tables/fiscal_summary/expenditure/rows": "classification.function-unique",
    "/tables/basic_expenditure/rows": "classification.economic-unique",
}


def keyed(report: Any) -> set[tuple[str, str, str]]:
    return {(f.rule, f.pointer, f.severity.value) for f in report.findings}


# ------------------------------------------------------------------------------------------ 1
@given(data=st.data())
def test_a_reprinted_row_is_one_uniqueness_finding_and_nothing_else(data: Any) -> None:
    """A coded row printed again (appended at the end of its table, as a repeated page row) adds exactly
    the uniqueness finding at the copy: no roll-up, cross-table, ordering or narrative finding. (The
    copy's own row identity may repeat the original's rounding information, at the copy.)"""
    doc = data.draw(documents(), label="document")
    lists = [p for p in CODED_ROWS if isinstance(jp.resolve(doc, p, None), list) and jp.resolve(doc, p)]
    where = data.draw(st.sampled_from(lists), label="table")
    rows = jp.resolve(doc, where)
    row = data.draw(st.sampled_from(rows), label="row")
    reprinted = copy.deepcopy(doc)
    jp.resolve(reprinted, where).append(copy.deepcopy(row))
    added = keyed(validate(reprinted)) - keyed(validate(doc))
    copy_at = f"{where}/{len(rows)}"
    above_info = {f for f in added if f[2] != Severity.INFO.value}
    assert above_info == {(CODED_ROWS[where], f"{copy_at}/code", Severity.ERROR.value)}, sorted(added)
    assert all(f[1].startswith(copy_at + "/") for f in added), sorted(added)


# ------------------------------------------------------------------------------------------ 2
# Tables whose money other tables and the narrative restate, with the narrative figure that restates it.
RESTATED = {
    "three_public_expenses": "/narrative/three_public/total",
    "government_fund_expenditure": "/narrative/government_fund_expenditure/total",
    "general_budget_expenditure": "/narrative/general_budget_expenditure/total",
}


@given(data=st.data())
def test_a_table_declared_empty_is_zero_for_every_rule_that_reads_it(data: Any) -> None:
    """Replacing a table that holds money by its empty form never silences the rules that read it: the
    narrative figure that states its money is reported against the empty table's zero."""
    doc = data.draw(documents(), label="document")
    tables = [
        t
        for t, ptr in RESTATED.items()
        if not doc["tables"][t].get("empty") and jp.resolve(doc, ptr, 0) not in (0, None)
    ]
    table = data.draw(st.sampled_from(tables), label="table")
    emptied = copy.deepcopy(doc)
    emptied["tables"][table] = {"empty": True, "statement": "本部门无相关收支情况"}
    errors = [f for f in validate(emptied).findings if f.severity is Severity.ERROR]
    assert any(f.pointer == RESTATED[table] for f in errors), sorted((f.rule, f.pointer) for f in errors)
