"""Property-based proof that the rules are sound (Hypothesis).

1. every internally consistent document, for every profile, gets no finding above info;
2. moving an amount an identity covers by more than the identity's rounding envelope makes that rule
   fire at the amount or its identity; moving it within every envelope raises nothing above info; in
   strict mode any move fires;
3. for every indicator and value-type rule, a generated illegal value makes it fire;
4. permuting rows, reordering JSON keys and changing the unit (元 ↔ 万元, precision adjusted) leave the
   findings unchanged;
5. every finding's pointer resolves in the document, and reports are deterministic;
6. the validator never raises on arbitrary bytes or JSON, nor on documents with garbage in a cell.

The kill matrix (``test_every_rule_is_killed``) makes every rule in rules/ fire by a generated mutation.
"""

from __future__ import annotations

import copy
import json
import random
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.errors import UnsatisfiedAssumption

from budget_disclosure import Severity, validate
from budget_disclosure import pointer as jp
from budget_disclosure.spec import get_spec

from .conftest import KILL_EXAMPLES
from .mutations import ARITHMETIC, breaks, dumps_exact, move, moves_beyond, mutate, run_engine, set_at, step_of
from .strategies import PROFILES, UNITS, Features, SeededChooser, build, documents, profiles_with, sizes
from .support import leaf_pointers

SPEC = get_spec()
FULL_FORMS = [p for p in PROFILES if "summary" in SPEC.profiles[p].tables]


def above_info(report: Any) -> list[Any]:
    return [f for f in report.findings if f.severity is not Severity.INFO]


def keyed(report: Any) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.pointer, f.severity.value) for f in report.findings)


def table_cells(document: Any, evaluations: list[Any]) -> list[str]:
    """Printed amounts under /tables that some identity covers."""
    cells = set()
    for e in evaluations:
        for p, c in e.coefficients:
            if c and p.startswith("/tables/") and len(jp.parse(p)) > 2:
                value = jp.resolve(document, p, None)
                if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
                    cells.add(p)
    return sorted(cells)


# ------------------------------------------------------------------------------------------ 1
@given(data=st.data())
def test_consistent_documents_raise_nothing_above_info(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    size = data.draw(sizes(), label="size")
    doc = data.draw(documents(features=Features(profile=profile, size=size)), label="document")
    report = validate(doc)
    assert not above_info(report), [(f.rule, f.pointer, f.message) for f in above_info(report)]
    exact = data.draw(documents(features=Features(profile=profile, size=size, exact=True)), label="exact document")
    strict = validate(exact, strict_arithmetic=True)
    assert not above_info(strict), [(f.rule, f.pointer, f.message) for f in above_info(strict)]


# ------------------------------------------------------------------------------------------ 2
@given(data=st.data())
def test_moving_beyond_the_envelope_fires_that_rule(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    # Every (identity, cell) pair a move can break, listed first and one drawn (rather than drawing any and
    # rejecting those that cannot break, as a count that cannot go below zero).
    pairs = [
        (e, p, c)
        for e in run_engine(doc).evaluations
        for p, c in e.coefficients
        if c and len(jp.parse(p)) > 2 and _breakable(doc, e, p, c)
    ]
    evaluation, pointer, coefficient = data.draw(st.sampled_from(pairs), label="identity and cell")
    moved = moves_beyond(doc, evaluation, pointer, coefficient, data)
    report = validate(moved)
    severity = SPEC.rules[evaluation.rule].severity
    hits = [
        f
        for f in report.findings
        if f.rule == evaluation.rule
        and f.severity is severity
        and (f.pointer in (pointer, evaluation.pointer) or pointer in f.related)
    ]
    note(f"moved {pointer} in {evaluation.rule}")
    assert hits


def _breakable(document: Any, evaluation: Any, pointer: str, coefficient: Decimal) -> bool:
    """Whether a move of ``pointer`` can break the identity: a count moved down stops at zero."""
    raw = jp.resolve(document, pointer)
    if not isinstance(raw, int) or isinstance(raw, bool) or evaluation.op == "eq":
        return True
    down = (evaluation.op in ("le", "lt")) == (coefficient < 0)
    if not down:
        return True
    _, factor = step_of(document, pointer)
    return raw != 0 and breaks(evaluation, coefficient * Decimal(-raw) * factor)


def _coefficients_by_cell(evaluations: list[Any]) -> dict[str, list[tuple[Any, Decimal]]]:
    """cell → [(identity, the cell's total coefficient in it)], for the identities where that is not zero."""
    out: dict[str, list[tuple[Any, Decimal]]] = {}
    for e in evaluations:
        totals: dict[str, Decimal] = {}
        for p, c in e.coefficients:
            totals[p] = totals.get(p, Decimal(0)) + c
        for p, c in totals.items():
            if c:
                out.setdefault(p, []).append((e, c))
    return out


def _within_every_envelope(document: Any, involved: list[tuple[Any, Decimal]], pointer: str, delta: Decimal) -> bool:
    """Moving ``pointer`` by ``delta`` keeps every identity it takes part in (``involved``) within its envelope."""
    _, factor = step_of(document, pointer)
    for e, coefficient in involved:
        diff = e.difference + coefficient * delta * factor
        if e.op == "eq" and abs(diff) > e.envelope:
            return False
        if e.op in ("le", "lt") and diff > e.envelope:
            return False
        if e.op in ("ge", "gt") and -diff > e.envelope:
            return False
    return True


@given(data=st.data())
def test_moving_within_every_envelope_raises_nothing_above_info(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    evaluations = run_engine(doc).evaluations
    involved = _coefficients_by_cell(evaluations)
    # Only moves by one printed step that stay within every envelope the cell takes part in. A move that
    # makes a printed figure zero, or starts from zero, changes what the document states (whether there
    # is such money at all, which conditions such as `zero` read): not rounding alone. The admissible
    # moves are listed first and one is drawn, rather than drawing any and rejecting most of them.
    moves = []
    for pointer in table_cells(doc, evaluations):
        step, _ = step_of(doc, pointer)
        value = jp.resolve(doc, pointer)
        for delta in (step, -step):
            if (
                value != 0
                and value + delta != 0
                and _within_every_envelope(doc, involved.get(pointer, []), pointer, delta)
            ):
                moves.append((pointer, delta))
    assume(moves)
    pointer, delta = data.draw(st.sampled_from(moves), label="move")
    before = {(f.rule, f.pointer, f.severity) for f in validate(doc).findings}
    after = validate(move(doc, pointer, delta))
    new = [f for f in after.findings if (f.rule, f.pointer, f.severity) not in before]
    assert all(f.severity is Severity.INFO for f in new), [(f.rule, f.pointer, f.message) for f in new]


@given(data=st.data())
def test_in_strict_mode_any_move_fires(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    doc = data.draw(documents(features=Features(profile=profile, exact=True)), label="exact document")
    # Only an equality fixes a cell: an inequality (a period's total at least the year's money, 上级资金
    # at most the fiscal money) has slack that a move of one step may stay within, even in strict mode.
    evaluations = [e for e in run_engine(doc, strict=True).evaluations if e.op == "eq"]
    pointer = data.draw(st.sampled_from(table_cells(doc, evaluations)), label="cell")
    step, _ = step_of(doc, pointer)
    delta = data.draw(st.sampled_from([step, -step]), label="delta")
    report = validate(move(doc, pointer, delta), strict_arithmetic=True)
    assert any(f.severity is Severity.ERROR and (f.pointer == pointer or pointer in f.related) for f in report.findings)


# ------------------------------------------------------------------------------------------ 3
INDICATOR_RULES = sorted(r.id for r in SPEC.rules.values() if r.group == "indicators")


PERFORMANCE = profiles_with("project_performance")


@given(data=st.data())
def test_illegal_indicator_values_fire(data: Any) -> None:
    # Every profile that prints performance targets, and only the rules this document exercises (a rule
    # with nothing to check here, such as a department table's on a project-only form, is not drawn: a
    # mutation of it would be rejected, not tested).
    profile = data.draw(st.sampled_from(PERFORMANCE), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    applied = run_engine(doc).applied
    rule = data.draw(st.sampled_from([r for r in INDICATOR_RULES if r in applied]), label="rule")
    mutation = mutate(rule, doc, data)
    report = validate(mutation.document)
    assert any(f.rule == rule and mutation.check(f) for f in report.findings)


# ------------------------------------------------------------------------------------------ 4
MUTABLE_RULES = sorted(r.id for r in SPEC.rules.values() if r.kind not in ("schema", "input"))


def _some_defects(doc: Any, data: Any) -> Any:
    """A document with (usually) a defect, so the metamorphic properties compare real findings."""
    rule = data.draw(st.sampled_from(MUTABLE_RULES), label="defect")
    try:
        return mutate(rule, doc, data).document
    except UnsatisfiedAssumption:  # a rule that cannot be broken on this document: keep it clean
        return doc


def _permuted(doc: Any, rng: random.Random) -> Any:
    doc = copy.deepcopy(doc)
    tables = doc["tables"]
    if "project_performance" in tables:
        for unit in tables["project_performance"]["units"]:
            rng.shuffle(unit["projects"])
            for project in unit["projects"]:
                rng.shuffle(project["indicators"])
    dp = tables.get("department_performance", {})
    rng.shuffle(dp.get("indicators", []))
    for unit in dp.get("units", []):  # a department printed as its units' tables
        rng.shuffle(unit["indicators"])
    rng.shuffle(tables.get("three_public_expenses", {}).get("rows", []))  # aggregate or not printed: no rows
    gbe = doc.get("narrative", {}).get("general_budget_expenditure", {})  # a stand-alone page states none
    for key in ("projects", "by_function"):
        if key in gbe:
            rng.shuffle(gbe[key])
    return doc


def _by_place(report: Any) -> list[tuple[str, str, str, str]]:
    return sorted((f.rule, f.severity.value, f.location, f.message) for f in report.findings)


@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_permuting_rows_changes_no_finding(data: Any, seed: int) -> None:
    doc = _some_defects(data.draw(documents(), label="document"), data)
    assert _by_place(validate(doc)) == _by_place(validate(_permuted(doc, random.Random(seed))))


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed_keys(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [_reversed_keys(v) for v in value]
    return value


@given(data=st.data())
def test_reordering_json_keys_changes_no_finding(data: Any) -> None:
    doc = _some_defects(data.draw(documents(), label="document"), data)
    first, second = validate(doc), validate(_reversed_keys(doc))
    assert [f.to_dict() for f in first.findings] == [f.to_dict() for f in second.findings]


def _in_wan(doc: Any) -> Any:
    """The same document in 万元: every amount divided by 10,000, every precision four places finer."""
    from budget_disclosure.rules.kinds.structure import amount_cells

    out = copy.deepcopy(doc)
    for ptr, value in amount_cells(SPEC.labels, out):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            # scaleb keeps the written digits (45000 → 4.5000), so an "as_written" figure keeps its precision
            out = set_at(out, ptr, Decimal(value).scaleb(-4))
    out["amounts"] = {**out["amounts"], "unit": "万元", "precision": out["amounts"]["precision"] + 4}
    narrative = out["narrative"]["amounts"]
    narrative["unit"] = "万元"
    if isinstance(narrative.get("precision"), int):
        narrative["precision"] += 4
    for table in out["tables"].values():
        columns = table.get("amounts", {}).get("columns") if isinstance(table, dict) else None
        if columns:
            table["amounts"]["columns"] = {k: v + 4 for k, v in columns.items()}
    return out


@given(data=st.data())
def test_changing_the_unit_changes_no_finding(data: Any) -> None:
    unit = data.draw(st.sampled_from([u for u in UNITS if u[0] == "元"]), label="unit")
    doc = _some_defects(data.draw(documents(features=Features(unit=unit)), label="document"), data)
    assert keyed(validate(doc)) == keyed(validate(_in_wan(doc)))


# ------------------------------------------------------------------------------------------ 5
@given(data=st.data())
def test_pointers_resolve_and_reports_are_deterministic(data: Any) -> None:
    doc = _some_defects(data.draw(documents(), label="document"), data)
    report = validate(doc)
    for f in report.findings:
        jp.resolve(doc, f.pointer)
        for related in f.related:
            jp.resolve(doc, related)
    assert report.to_json() == validate(copy.deepcopy(doc)).to_json()
    assert report.to_json() == validate(dumps_exact(doc)).to_json().replace('"source": "<string>",\n  ', "")


# ------------------------------------------------------------------------------------------ 6
def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    _containers,
    max_leaves=20,
)


@given(raw=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    assert validate(raw).findings


@given(value=JSON)
def test_arbitrary_json_never_raises(value: Any) -> None:
    report = validate(json.dumps(value).encode())
    assert report.valid is False or isinstance(value, dict)
    if isinstance(value, (dict, list)):
        validate(value)


@given(data=st.data())
def test_garbage_in_any_cell_never_raises(data: Any) -> None:
    doc = data.draw(documents(), label="document")
    target = data.draw(st.sampled_from([p for p in leaf_pointers(doc) if p]), label="cell")
    garbage = data.draw(JSON, label="garbage")
    broken = set_at(doc, target, garbage)
    report = validate(broken)
    for f in report.findings:
        if not f.rule.startswith("input."):
            jp.resolve(broken, f.pointer)


# ------------------------------------------------------------------------------------------ kill matrix
@cache
def applicable_features() -> dict[str, list[tuple[Features, int]]]:
    """For each rule, feature sets (and the seed of a document built with them) under which generated
    documents exercise it (found from seeds)."""
    out: dict[str, list[tuple[Features, int]]] = {}
    rng = random.Random(20241127)
    for seed in range(12 * len(PROFILES)):
        features = Features(
            profile=PROFILES[seed % len(PROFILES)],
            layout=rng.choice(["nature", "function"]),
            unit=rng.choice(UNITS),
            carryover=rng.random() < 0.5,
            government_fund=rng.random() < 0.5,
            state_capital=rng.random() < 0.5,
            admin=rng.random() < 0.5,
            purchase=rng.random() < 0.5,
            exact=False,
            two_units=rng.random() < 0.3,
            # Performance forms without the 指标值类型/unit/scoring columns (no draw: the other choices stay).
            inline_indicators=seed % 5 == 4,
        )
        report = validate(build(SeededChooser(seed), features))
        for rule in report.applied:
            out.setdefault(rule, []).append((features, seed))
    return out


@pytest.mark.parametrize("rule_id", sorted(SPEC.rules))
def test_every_rule_is_killed(rule_id: str) -> None:
    """Every rule in rules/ is made to fire by a generated mutation: no rule lands without a soundness test."""
    rule = SPEC.rules[rule_id]
    if rule.kind in ("schema", "input"):
        # The whole 部门预算 forms: a page of one table (stand-alone 三公, one project) has no coded rows,
        # no second table and no 部门收支总表 for a structural mutation to reach.
        features = [(Features(profile=p), seed) for seed, p in enumerate(FULL_FORMS)]
    else:
        features = applicable_features().get(rule_id, [])
        assert features, f"{rule_id}: no generated document exercises this rule; extend tests/strategies.py"

    @settings(max_examples=KILL_EXAMPLES)
    @given(data=st.data())
    def killed(data: Any) -> None:
        chosen, seed = data.draw(st.sampled_from(features), label="features")
        doc = data.draw(documents(features=chosen), label="document")
        try:
            mutation = mutate(rule_id, doc, data)
        except UnsatisfiedAssumption:
            # The features do not decide every choice: this draw may give the rule nothing to break (no
            # vehicle purchase, no unit table). Rather than reject the example, break the document built
            # from the seed on which the rule was found to apply (a valid choice drawn directly).
            note("the drawn document gives the rule nothing to break: the seeded one")
            doc = build(SeededChooser(seed), chosen)
            mutation = mutate(rule_id, doc, data)
        source = mutation.raw if mutation.raw is not None else mutation.document
        report = validate(source, **(mutation.options or {}))
        fired = [f for f in report.findings if f.rule == rule_id]
        note(f"{rule_id} fired at {[f.pointer for f in fired]}")
        assert any(mutation.check(f) for f in fired)

    killed()


def test_the_kill_matrix_knows_every_arithmetic_kind() -> None:
    kinds = {r.kind for r in SPEC.rules.values()}
    from .mutations import KIND_MUTATIONS

    assert kinds <= set(KIND_MUTATIONS) | ARITHMETIC | {"schema", "input"}
