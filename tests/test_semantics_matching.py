"""Properties of matching semantics (issue 11): what rules do with the cases real documents bring.

1. a key that occurs twice is one finding (uniqueness) and causes no other finding;
2. a table declared empty is zero for every rule that reads it: emptying a table whose money the other
   tables and the narrative state makes a rule fire outside it, and the narrative's figure is named;
3. names compare as people read them: writing any name with other brackets, spaces, line breaks or
   其它 for 其他 changes no finding, and a real difference in a compared name is still found;
4. a known table beyond the profile is checked like a required one: a document validated under a
   profile that does not require one of its tables gets the same findings, and a defect in that table
   is still found; declared empty, it adds nothing;
5. classification completeness: leaving out the rows under a 类 or 款 that holds money (where the code
   list subdivides it) is found at that row, wherever the table prints it;
6. no rule is skipped silently: every rule that reads a missing table is listed in ``skipped``.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from budget_disclosure import Severity, validate
from budget_disclosure import pointer as jp
from budget_disclosure.spec import get_spec

from .strategies import Features, documents

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
    assume(lists)  # a stand-alone 三公 document has no coded rows
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
        if t in doc["tables"] and not doc["tables"][t].get("empty") and jp.resolve(doc, ptr, 0) not in (0, None)
    ]
    assume(tables)  # a stand-alone 三公 document restates none of them
    table = data.draw(st.sampled_from(tables), label="table")
    emptied = copy.deepcopy(doc)
    emptied["tables"][table] = {"empty": True, "statement": "本部门无相关收支情况"}
    errors = [f for f in validate(emptied).findings if f.severity is Severity.ERROR]
    assert any(f.pointer == RESTATED[table] for f in errors), sorted((f.rule, f.pointer) for f in errors)


# ------------------------------------------------------------------------------------------ 3
NAME_FIELDS = {"name", "unit_name"}


def _name_pointers(value: Any, ptr: str = "") -> list[str]:
    """Every text field of the document called ``name`` or ``unit_name``."""
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            here = jp.join(ptr, k)
            if k in NAME_FIELDS and isinstance(v, str) and len(v) > 1:
                out.append(here)
            else:
                out.extend(_name_pointers(v, here))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_name_pointers(v, jp.join(ptr, i)))
    return out


_WIDTH = str.maketrans({"(": "（", ")": "）", "（": "(", "）": ")", ",": "，", "，": ","})


@st.composite
def as_read(draw: Any, name: str) -> str:
    """The same name as a reader takes it: other bracket widths, a space or line break inside, 其它."""
    variant = name.translate(_WIDTH) if draw(st.booleans()) else name
    if draw(st.booleans()):
        variant = variant.replace("其他", "其它")
    at = draw(st.integers(1, len(variant) - 1))
    return variant[:at] + draw(st.sampled_from([" ", "\n", "\u3000", " \n"])) + variant[at:]


@given(data=st.data())
def test_names_written_as_read_change_no_finding(data: Any) -> None:
    doc = data.draw(documents(), label="document")
    pointers = _name_pointers(doc)
    chosen = data.draw(st.lists(st.sampled_from(pointers), min_size=1, max_size=8, unique=True), label="names")
    written = copy.deepcopy(doc)
    for ptr in chosen:
        tokens = jp.parse(ptr)
        parent = jp.resolve(written, jp.join("", *tokens[:-1])) if len(tokens) > 1 else written
        key: Any = int(tokens[-1]) if isinstance(parent, list) else tokens[-1]
        parent[key] = data.draw(as_read(parent[key]), label=ptr)
    assert keyed(validate(written)) == keyed(validate(doc))


@given(data=st.data())
def test_a_different_project_name_is_still_found(data: Any) -> None:
    """Normalising never hides a real difference: a narrative project renamed to a name no project of
    the table has (beyond the declared suffixes) is reported."""
    doc = data.draw(documents(features=Features(profile="hunan-changsha")), label="document")
    projects = doc["narrative"]["general_budget_expenditure"].get("projects") or []
    assume(projects)
    index = data.draw(st.integers(0, len(projects) - 1), label="project")
    renamed = copy.deepcopy(doc)
    renamed["narrative"]["general_budget_expenditure"]["projects"][index]["name"] = "另一个从未列示的" + "项目经费支出"
    pointer = f"/narrative/general_budget_expenditure/projects/{index}/name"
    assert ("narrative.project-names", pointer, "warning") in keyed(validate(renamed))


# ------------------------------------------------------------------------------------------ 4
@given(data=st.data())
def test_a_table_beyond_the_profile_is_checked_like_a_required_one(data: Any) -> None:
    doc = data.draw(documents(features=Features(profile="central-2021", state_capital=True)), label="document")
    beyond = copy.deepcopy(doc)
    beyond["profile"] = "mof-143-2016"  # requires no 国有资本经营预算支出表
    assert keyed(validate(beyond)) == keyed(validate(doc))
    beyond["tables"]["state_capital_expenditure"]["total_row"]["total"] += 1000
    errors = [f for f in validate(beyond).findings if f.severity is Severity.ERROR]
    assert any(f.pointer.startswith("/tables/state_capital_expenditure/") for f in errors)


@given(data=st.data())
def test_an_empty_table_beyond_the_profile_adds_nothing(data: Any) -> None:
    doc = data.draw(documents(features=Features(profile="hunan-changsha")), label="document")
    extended = copy.deepcopy(doc)
    extended["tables"]["state_capital_expenditure"] = {"empty": True, "statement": "本部门无相关收支情况"}
    assert keyed(validate(extended)) == keyed(validate(doc))


# ------------------------------------------------------------------------------------------ 5
DETAILED = {  # row lists published to 项 (function) or 款 (economic), with the depth and the rule
    "/tables/income/rows": (7, "classification.function-children"),
    "/tables/expenditure/rows": (7, "classification.function-children"),
    "/tables/general_budget_expenditure/rows": (7, "classification.function-children"),
    "/tables/government_fund_expenditure/rows": (7, "classification.function-children"),
    "/tables/basic_expenditure/rows": (5, "classification.economic-children"),
}


@given(data=st.data())
def test_a_class_without_its_detail_is_found(data: Any) -> None:
    """Removing every row under one 类 or 款 with money (its code list subdivides it) is found at that row,
    in whichever table published to that depth it happens."""
    doc = data.draw(documents(), label="document")
    spec = get_spec()
    candidates = []
    for where, (depth, rule) in DETAILED.items():
        rows = jp.resolve(doc, where, None)
        if not isinstance(rows, list):
            continue
        codelist = spec.codelist_for(
            doc["profile"], "economic" if depth == 5 else "function", doc["metadata"]["fiscal_year"]
        )
        if codelist is None:  # a year no code list covers: the rule is skipped, nothing to find
            continue
        subdivided = {c[:n] for c in codelist.entries for n in (3, 5) if n < len(c)}
        for i, row in enumerate(rows):
            money = any(isinstance(v, (int, Decimal)) and not isinstance(v, bool) and v for v in row.values())
            if len(row["code"]) < depth and row["code"] in subdivided and money:
                candidates.append((where, i, depth, rule))
    assume(candidates)
    where, index, depth, rule = data.draw(st.sampled_from(candidates), label="row")
    detail = len(jp.resolve(doc, where)[index]["code"]) + 2
    cut = copy.deepcopy(doc)
    rows = jp.resolve(cut, where)
    code = rows[index]["code"]
    rows[:] = [r for r in rows if not (r["code"].startswith(code) and len(r["code"]) >= detail)]
    report = validate(cut)
    fired = {(f.rule, f.pointer) for f in report.findings if f.severity is Severity.ERROR}
    assert (rule, f"{where}/{index}/code") in fired, sorted(fired)


# ------------------------------------------------------------------------------------------ 6
@given(data=st.data())
def test_no_rule_that_reads_a_missing_table_is_skipped_silently(data: Any) -> None:
    """Remove one table the profile requires: every rule of the profile that reads it and whose
    conditions hold is listed in ``skipped`` with a reason (whole, or for the items it left out) —
    unless it also reads an optional table the document lacks, and so does not apply."""
    from budget_disclosure.rules.context import Context
    from budget_disclosure.rules.engines import get_engine
    from budget_disclosure.rules.kinds import KINDS

    spec = get_spec()
    doc = data.draw(documents(), label="document")
    profile = spec.profiles[doc["profile"]]
    table = data.draw(st.sampled_from([t for t in profile.tables if t in doc["tables"]]), label="table")
    cut = copy.deepcopy(doc)
    del cut["tables"][table]
    report = validate(cut)
    skipped = {s.rule: s.reason for s in report.skipped}
    assert all(skipped.values())
    ctx = Context(spec, cut, profile, False)
    # Rules that need every table they read and also read an optional table the document does not have
    # do not apply at all; item-wise rules check what they can and report the rest.
    optional_absent = {t for t in spec.tables if t not in profile.tables and t not in cut["tables"]}
    reading = [
        c.rule.id
        for c in get_engine(spec).rules_for(profile.id)
        if table in c.needs and c.when(ctx) and (KINDS[c.rule.kind].partial or not c.needs & optional_absent)
    ]
    assert reading
    assert [r for r in reading if r not in skipped] == []
