"""Properties of matching semantics (issue 11): what rules do with the cases real documents bring.

1. a key that occurs twice is one finding (uniqueness) and causes no other finding;
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
