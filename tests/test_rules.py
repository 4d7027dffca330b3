"""The rule catalogue proves itself: every rule fires somewhere and passes somewhere, kinds, the rule
schema and the docs agree, broken rule files are refused, and rounding alone never raises an error."""

from __future__ import annotations

import copy
import functools
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from budget_disclosure import SpecError, validate
from budget_disclosure import pointer as jp
from budget_disclosure.rules.kinds import EXTERNAL_KINDS, KINDS
from budget_disclosure.spec import Spec

from .support import (
    CLEAN,
    EXAMPLES,
    ROOT,
    SEED,
    all_cases,
    all_examples,
    case_delta,
    load_case,
    load_json,
    load_sidecar,
    spec_copy,
)

# Input rules that only a Python caller can trigger (a float or a non-JSON object in a parsed dict):
# proven by these unit tests instead of an example file.
UNIT_TESTED = {
    "input.inexact-number": "tests/test_reader.py::test_float_that_cannot_be_exact_is_refused",
    "input.invalid-value": "tests/test_reader.py::test_non_json_values_in_a_parsed_document",
    "input.cyclic": "tests/test_hostile_values.py::test_a_dict_that_contains_itself_is_refused",
    "input.too-many-values": (
        "tests/test_hostile_values.py::test_a_list_sharing_one_sub_list_a_million_times_is_refused"
    ),
    # Report limits: triggered with a small cap (the default needs over 1,000 findings of one rule).
    "input.too-many-findings": "tests/test_limits.py::test_a_rule_lists_at_most_its_cap_and_counts_the_rest",
    "input.too-many-schema-findings": (
        "tests/test_limits.py::test_the_schema_layer_explains_at_most_the_cap_and_says_where_it_stopped"
    ),
    # Workbook intake (a JSON example cannot hold a formula or a stray sheet).
    "input.workbook-formula": (
        "tests/test_workbook_bad.py::test_a_formula_uses_its_cached_value_and_one_without_is_a_finding"
    ),
    "input.workbook-layout": "tests/test_workbook_bad.py::test_a_sheet_no_table_matches_is_reported_not_guessed",
}


@functools.cache
def evidence() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(rule → where it fires, rule → where it runs without firing) over all examples and cases."""
    fires: dict[str, list[str]] = {}
    passes: dict[str, list[str]] = {}

    def note(where: str, report: Any, fired: set[str]) -> None:
        for rule in fired:
            fires.setdefault(rule, []).append(where)
        for rule in report.applied - {f.rule for f in report.findings}:
            passes.setdefault(rule, []).append(where)

    for example in all_examples():
        options, expected = load_sidecar(example)
        note(str(example.relative_to(EXAMPLES)), validate(example, **options), {r for r, _, _ in expected})
    for path in all_cases():
        case = load_case(path)
        added, _, report = case_delta(case)
        note(str(path.relative_to(EXAMPLES)), report, {r for r, _, _ in added})
    return fires, passes


@functools.cache
def directions() -> dict[str, set[int]]:
    """rule → the signs of ``left − right`` with which it fires (errors and warnings) in examples and cases."""
    out: dict[str, set[int]] = {}

    rules = Spec().rules

    def note(findings: Any, keep: set[tuple[str, str, str]]) -> None:
        for f in findings:
            own = f.rule in rules and f.severity is rules[f.rule].severity  # not a rounding-only information
            if (f.rule, f.pointer, f.severity.value) in keep and own and f.difference:
                out.setdefault(f.rule, set()).add(1 if f.difference > 0 else -1)

    for example in all_examples():
        options, expected = load_sidecar(example)
        note(validate(example, **options).findings, set(expected))
    for path in all_cases():
        added, _, report = case_delta(load_case(path))
        note(report.findings, set(added))
    return out


def all_rules(spec: Spec) -> list[str]:
    return sorted(spec.rules)


@pytest.mark.parametrize("rule_id", all_rules(Spec()))
def test_every_rule_has_a_triggering_example(spec: Spec, rule_id: str) -> None:
    fires, _ = evidence()
    if rule_id in UNIT_TESTED:
        file, name = UNIT_TESTED[rule_id].split("::")
        assert re.search(rf"^def {name}\(", (ROOT / file).read_text(), re.M), UNIT_TESTED[rule_id]
        return
    assert fires.get(rule_id), (
        f"{rule_id} has no example or case that makes it fire; add "
        f"examples/cases/{rule_id.split('.')[0]}/{rule_id.split('.', 1)[1]}.yaml"
    )


@pytest.mark.parametrize("rule_id", [r for r in all_rules(Spec()) if Spec().rules[r].kind not in EXTERNAL_KINDS])
def test_every_rule_has_a_passing_example(rule_id: str) -> None:
    _, passes = evidence()
    assert passes.get(rule_id), (
        f"{rule_id} never runs on a document without firing; add a passing case "
        f"(…/{rule_id.split('.', 1)[1]}-passes.yaml)"
    )


def _equalities(spec: Spec) -> list[str]:
    return sorted(
        r.id
        for r in spec.rules.values()
        if r.kind in ("compare", "rows_match", "row_sum") and r.params.get("op", "eq") == "eq"
    )


# Equalities that can break one way only: the other way is impossible by the schema.
ONE_WAY = {"narrative.vehicles-no-purchase": "a vehicle count (≥ 0 by the schema) against zero"}


@pytest.mark.parametrize("rule_id", _equalities(Spec()))
def test_every_equality_fires_in_both_directions(rule_id: str) -> None:
    """An equality (``op: eq``) is caught breaking both ways, so weakening it to ``le`` or ``ge`` in the rule
    file fails a test: the cases, not the rule, say which way it must fire."""
    signs = directions().get(rule_id, set())
    if rule_id in ONE_WAY:
        assert signs, f"{rule_id} never fires"
        return
    missing = [name for sign, name in ((1, "left above right"), (-1, "left below right")) if sign not in signs]
    assert not missing, f"{rule_id}: no example or case makes it fire with {' or '.join(missing)}"


def test_cases_name_real_rules_and_fire_them(spec: Spec) -> None:
    for path in all_cases():
        case = load_case(path)
        if case.rule is None:
            continue
        assert case.rule in spec.rules, f"{path}: names unknown rule {case.rule}"
        added, _, report = case_delta(case)
        if path.name.endswith("-passes.yaml"):
            assert case.rule in report.applied and case.rule not in {f.rule for f in report.findings}, path
        else:
            assert case.rule in {r for r, _, _ in added}, f"{path}: does not make {case.rule} fire"


def test_kinds_agree_with_the_rule_schema_and_the_docs(spec: Spec) -> None:
    schema = spec.schemas[spec.base_uri + "rules.schema.json"]
    enum = set(schema["$defs"]["rule"]["properties"]["kind"]["enum"])
    assert enum == set(KINDS) | EXTERNAL_KINDS
    used = {r.kind for r in spec.rules.values()}
    assert used == enum, f"kinds no rule uses: {sorted(enum - used)}"
    doc = (ROOT / "docs" / "RULE_LANGUAGE.md").read_text(encoding="utf-8")
    for name, kind in KINDS.items():
        assert f"### `{name}`" in doc, f"docs/RULE_LANGUAGE.md has no section for kind {name}"
        assert kind.doc, f"kind {name} has no docstring"


def test_rule_groups_are_selected_by_some_profile(spec: Spec) -> None:
    selected = {g for p in spec.profiles.values() for g in p.rule_groups}
    assert set(spec.groups) == selected, f"groups no profile applies: {sorted(set(spec.groups) - selected)}"


# ---------------------------------------------------------------------------------------- broken spec files
BROKEN = {
    "yaml syntax": ("    params:\n      table: income\n", "    params:\n      table: [income\n", "YAML syntax"),
    "unknown kind": ("    kind: row_sum\n", "    kind: row_summ\n", "kind"),
    "unknown table": ("      table: income\n", "      table: incomes\n", "unknown table 'incomes'"),
    "unknown column": ("      total: total\n", "      total: totl\n", "no column 'totl'"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_rule_file_is_refused_with_file_line_and_rule(tmp_path: Path, name: str) -> None:
    old, new, message = BROKEN[name]
    root = spec_copy(tmp_path / "spec")
    path = root / "rules" / "income.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        from budget_disclosure.rules.engine import Engine

        Engine(Spec(root))
    error = info.value
    assert error.file == "rules/income.yaml" and isinstance(error.line, int) and error.line > 1
    assert message in str(error)
    if name != "yaml syntax":
        assert error.rule == "income.row-total"


def test_a_bad_reference_is_refused_at_load(tmp_path: Path) -> None:
    root = spec_copy(tmp_path / "spec")
    path = root / "rules" / "summary.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("summary:income.other_income]", "summary:income.others_income]", 1),
        encoding="utf-8",
    )
    from budget_disclosure.rules.engine import Engine

    with pytest.raises(SpecError, match=r"rules/summary.yaml:\d+: rule summary.income-current-year: .*others_income"):
        Engine(Spec(root))


def test_a_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    root = spec_copy(tmp_path / "spec")
    path = root / "rules" / "basic.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("id: basic.public-classes", "id: basic.personnel-classes"),
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="duplicate rule id"):
        Spec(root)


def test_the_framework_is_chosen_by_the_profile(tmp_path: Path) -> None:
    root = spec_copy(tmp_path / "spec")
    path = root / "rules" / "profiles.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "{years: {from: 2022, to: 2024}, framework: post-2021}",
            "{years: {from: 2022, to: 2024}, framework: pre-2021}",
        ),
        encoding="utf-8",
    )
    report = validate(CLEAN, spec=Spec(root))
    level1 = [f for f in report.findings if f.rule == "indicators.level1"]
    # Under the pre-2021 framework 成本指标 is not a first-level indicator.
    assert level1 and all("成本指标" in f.message for f in level1)


# ---------------------------------------------------------------------------------------- arithmetic semantics
def _amount_cells(doc: dict[str, Any]) -> list[str]:
    from budget_disclosure.rules.kinds.structure import amount_cells
    from budget_disclosure.spec import get_spec

    return sorted(
        ptr
        for ptr, raw in amount_cells(get_spec().labels, doc)
        if isinstance(raw, (Decimal, int)) and not isinstance(raw, bool)
    )


def _set(doc: dict[str, Any], ptr: str, value: Decimal) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    tokens = jp.parse(ptr)
    node: Any = doc
    for t in tokens[:-1]:
        node = node[int(t)] if isinstance(node, list) else node[t]
    node[tokens[-1]] = value
    return doc


def _touching(report: Any, ptr: str) -> list[Any]:
    return [
        f
        for f in report.findings
        if f.severity.value == "error" and (f.pointer == ptr or ptr in f.related or f.cause == ptr)
    ]


SEED_DOC = load_json(SEED)
SEED_TABLE_CELLS = [p for p in _amount_cells(SEED_DOC) if p.startswith("/tables/")]


def test_the_seed_holds_exactly() -> None:
    strict = validate(SEED_DOC, strict_arithmetic=True)
    rounding = validate(SEED_DOC)
    assert {(f.rule, f.pointer) for f in strict.findings} == {(f.rule, f.pointer) for f in rounding.findings}


def _pairs_of(doc: dict[str, Any], ptr: str, ops: tuple[str, ...]) -> set[str]:
    """Rules in which ``ptr`` is compared one to one with another printing at its precision (no envelope)."""
    from budget_disclosure.rules.engines import get_engine
    from budget_disclosure.spec import get_spec

    run = get_engine(get_spec(), "interpreter").run(doc, doc["profile"])
    return {
        e.rule for e in run.evaluations if not e.envelope and e.op in ops and any(p == ptr for p, _ in e.coefficients)
    }


@pytest.mark.parametrize("ptr", SEED_TABLE_CELLS)
def test_moving_a_seed_amount_by_one_unit(ptr: str) -> None:
    """One unit in the last printed place (0.01 万元) is within the envelope of every identity that adds
    parts: there it is information at most. Where the moved figure is compared one to one with another
    printing at its precision (a total carried into another table, a row whose only non-blank part is
    its total), rounding explains nothing and the move is a finding of the rule's own severity. In strict mode the
    same move is an error at that amount or its identity."""
    base = {(f.rule, f.pointer, f.severity) for f in validate(SEED_DOC).findings}
    moved = _set(SEED_DOC, ptr, jp.resolve(SEED_DOC, ptr) + Decimal("0.01"))
    report = validate(moved)
    new = [f for f in report.findings if (f.rule, f.pointer, f.severity) not in base]
    above = [f for f in new if f.severity.value != "info"]
    assert all(f.envelope == 0 for f in above), [(f.rule, f.message) for f in above]
    fired = {f.rule for f in above}
    assert _pairs_of(SEED_DOC, ptr, ("eq",)) <= fired <= _pairs_of(SEED_DOC, ptr, ("eq", "le", "ge"))
    assert _touching(validate(moved, strict_arithmetic=True), ptr), "strict mode must flag any move"


CLEAN_DOC = load_json(CLEAN)


# 机关运行经费 is tied to the tables only for administrative units (the clean example is a public
# institution, for which any figure is legitimate); the central example covers the administrative case.
UNCONSTRAINED = {"/narrative/operating_expenses"}


@pytest.mark.parametrize("ptr", [p for p in _amount_cells(CLEAN_DOC) if p not in UNCONSTRAINED])
def test_moving_a_clean_amount_beyond_its_envelope(ptr: str) -> None:
    """Moving a printed amount by 1.00 (far beyond any rounding envelope) makes some identity fail at that
    amount or names it among the cells involved, in one direction or the other."""
    value = jp.resolve(CLEAN_DOC, ptr)
    step = Decimal(1) if not isinstance(value, int) else 1
    hits = [_touching(validate(_set(CLEAN_DOC, ptr, value + d * step)), ptr) for d in (1, -1)]
    assert any(hits), f"no identity covers {ptr}"


def test_rounding_differences_are_information_only() -> None:
    report = validate(CLEAN)
    assert report.valid and report.counts()["info"] > 0
    for f in report.findings:
        assert abs(f.difference or 0) <= (f.envelope or 0), f
    strict = validate(CLEAN, strict_arithmetic=True)
    assert not strict.valid and strict.policy == "strict"
    assert {(f.rule, f.pointer) for f in strict.findings} == {(f.rule, f.pointer) for f in report.findings}


def test_arithmetic_findings_carry_their_figures_and_cells() -> None:
    doc = _set(CLEAN_DOC, "/tables/summary/income/current_year_total", Decimal("2079.38"))
    (f,) = [f for f in validate(doc).findings if f.rule == "summary.income-current-year"]
    assert (f.expected, f.actual, f.difference, f.envelope, f.unit) == (
        Decimal("2069.38"),
        Decimal("2079.38"),
        Decimal("10"),
        Decimal("0.015"),
        "万元",
    )
    assert f.pointer == "/tables/summary/income/current_year_total"
    # Every cell that took part, the blank lines (which count as zero) included.
    assert {
        "/tables/summary/income/fiscal_appropriation",
        "/tables/summary/income/service_income",
        "/tables/summary/income/other_income",
    } <= set(f.related)
    assert f.location == "部门收支总表 › 收入 › 本年收入合计"


def test_one_bad_cell_is_named_as_the_cause_of_its_derived_errors() -> None:
    doc = _set(CLEAN_DOC, "/tables/summary/income/current_year_total", Decimal("2079.38"))
    errors = [f for f in validate(doc).findings if f.severity.value == "error"]
    assert len(errors) == 2
    assert {f.cause for f in errors} == {"/tables/summary/income/current_year_total"}


def test_rules_on_a_malformed_table_are_skipped_and_say_so() -> None:
    doc = copy.deepcopy(CLEAN_DOC)
    doc["tables"]["income"]["rows"][2]["total"] = "123.46"
    report = validate(doc)
    skipped = {s.rule: s.reason for s in report.skipped}
    assert "income.rollup" in skipped and "部门收入总表" in skipped["income.rollup"]
    assert not [f for f in report.findings if f.rule.startswith("income.")]
    assert [f.rule for f in report.findings if f.severity.value == "error"] == ["schema.amount-type"]


def test_the_rule_reference_is_generated_from_the_rule_files(spec: Spec) -> None:
    from budget_disclosure.docgen import render_rules_md

    current = (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8")
    assert current == render_rules_md(spec, ROOT), "docs/RULES.md is stale: run python -m budget_disclosure.docgen"
