"""Semantics of the arithmetic rules that real documents bring (issue 11: no false error, no silent miss).

Each test is named for the principle it proves:

1. one figure printed twice is compared exactly; the envelope counts only the terms that carry rounding;
6. amounts are ≥ 0 unless the schema declares the column signed;
7. a change percentage needs a positive base; a stated change agrees with last year's figure; a written
   zero in the narrative is exactly zero;
8. a cell already condemned by a legality rule draws no finding from the rules that presuppose it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import assume, given, note
from hypothesis import strategies as st

from budget_disclosure import Severity, validate
from budget_disclosure import pointer as jp
from budget_disclosure.amounts import FACTOR, Cell
from budget_disclosure.rules.interval import envelope, verdict
from budget_disclosure.spec import get_spec

from .mutations import move, run_engine, set_at, step_of
from .strategies import Features, documents

SPEC = get_spec()

# ------------------------------------------------------------------------------------------ 1 · rounding
FORMATS = st.sampled_from([("万元", 2), ("万元", 4), ("元", 2), ("元", 0)])
FEN = st.integers(0, 10**11)  # a true amount in fen (0.01 元), up to a billion 元


def printed(ptr: str, fen: int, unit: str, places: int) -> Cell:
    """A true amount rounded once (half up) to its printed precision; zero prints as a blank."""
    if fen == 0:
        return Cell(ptr, Decimal(0), Decimal(0), unit, None, None)
    shown = (Decimal(fen) / 100 / FACTOR[unit]).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return Cell(ptr, shown * FACTOR[unit], Decimal(5).scaleb(-(places + 1)) * FACTOR[unit], unit, shown, places)


def holds(left: list[Cell], op: str, right: list[Cell]) -> tuple[bool, bool]:
    lt = [(c, Decimal(1)) for c in left]
    rt = [(c, Decimal(1)) for c in right]
    diff = sum((c.value for c in left), Decimal(0)) - sum((c.value for c in right), Decimal(0))
    return verdict(diff, envelope(lt, rt, op), op)


@given(parts=st.lists(FEN, min_size=1, max_size=6), fmt=FORMATS)
def test_figures_rounded_once_never_fail_their_sum(parts: list[int], fmt: tuple[str, int]) -> None:
    unit, places = fmt
    total = printed("/t", sum(parts), unit, places)
    cells = [printed(f"/p{i}", fen, unit, places) for i, fen in enumerate(parts)]
    ok, info = holds([total], "eq", cells)
    assert ok or info
    if sum(1 for c in cells if c.half) <= 1:  # one non-blank part at the total's precision: exact
        assert ok


@given(fen=FEN.filter(bool), steps=st.integers(-3, 3).filter(bool), blanks=st.integers(0, 4), fmt=FORMATS)
def test_one_figure_printed_twice_is_compared_exactly(fen: int, steps: int, blanks: int, fmt: tuple[str, int]) -> None:
    """A copy that differs by a single step of its precision is an error, however many blank parts
    stand beside it; the same difference against a sum of two rounded parts would be information."""
    unit, places = fmt
    original = printed("/a", fen, unit, places)
    step = 2 * original.half
    copy = original._replace(pointer="/b", value=original.value + steps * step)
    assume(copy.value > 0)
    zeros = [Cell(f"/z{i}", Decimal(0), Decimal(0), unit, None, None) for i in range(blanks)]
    ok, info = holds([copy], "eq", [original, *zeros])
    assert not ok and not info


@given(x=FEN, y=FEN, fmt=FORMATS)
def test_rounding_never_reverses_an_order(x: int, y: int, fmt: tuple[str, int]) -> None:
    unit, places = fmt
    small, large = printed("/s", min(x, y), unit, places), printed("/l", max(x, y), unit, places)
    assert holds([small], "le", [large])[0] or small.value == large.value
    assert holds([large], "ge", [small]) != (False, False)


@given(data=st.data())
def test_a_blank_part_adds_no_rounding_width(data: Any) -> None:
    """In a generated document, every identity's envelope is the sum of the half-widths of its non-blank
    terms, or zero where it compares one figure with one other on the same grid."""
    doc = data.draw(documents(), label="document")
    for e in run_engine(doc).evaluations:
        rounded = [(c, w) for c, w in [*e.left, *e.right] if c.half]
        width = sum((abs(w) * c.half for c, w in rounded), Decimal(0))
        assert e.envelope in (width, Decimal(0)), e
        if not e.envelope and width:
            assert len(rounded) == 2 and e.op in ("eq", "le", "ge"), e


@given(data=st.data())
def test_moving_a_figure_printed_twice_by_one_step_fires(data: Any) -> None:
    """Where a generated document compares a cell one to one with another printing (envelope zero), moving
    that cell by one step of its precision breaks the identity at the rule's own severity."""
    doc = data.draw(documents(), label="document")
    pairs = [
        (e, p)
        for e in run_engine(doc).evaluations
        if e.op == "eq" and not e.envelope and any(c.half for c, _ in [*e.left, *e.right])
        for p, c in e.coefficients
        if c and p.startswith("/tables/") and jp.resolve(doc, p) not in (None, "-")
    ]
    assume(pairs)
    evaluation, pointer = data.draw(st.sampled_from(pairs), label="pair")
    step, _ = step_of(doc, pointer)
    delta = data.draw(st.sampled_from([step, -step]), label="delta")
    assume(jp.resolve(doc, pointer) + delta > 0)
    report = validate(move(doc, pointer, delta))
    severity = SPEC.rules[evaluation.rule].severity
    note(f"{evaluation.rule}: moved {pointer} by {delta}")
    assert any(
        f.rule == evaluation.rule and f.severity is severity and (f.pointer == pointer or pointer in f.related)
        for f in report.findings
    )


def test_documents_rounded_once_pass_in_every_profile_shape() -> None:
    """A fixed spread of generated documents (seeded, so the same every run) has nothing above info."""
    from budget_disclosure.synth import build_seeded

    for seed in range(12):
        report = validate(build_seeded(seed, Features()))
        assert not [f for f in report.findings if f.severity is not Severity.INFO], seed


# ------------------------------------------------------------------------------------------ 6 · signs
def _figures(doc: Any, signed: bool) -> list[tuple[str, Any]]:
    """Non-zero figures (amounts, percentages) the schemas declare signed, or not."""
    from budget_disclosure.labels import LabelNode
    from budget_disclosure.rules.kinds.structure import _amounts, _trie

    def paths(node: LabelNode, prefix: tuple[str, ...] = ()) -> Any:
        if node.amount or node.percent:
            if node.signed == signed:
                yield prefix
            return
        for name, child in node.props.items():
            yield from paths(child, (*prefix, name))
        if node.items is not None:
            yield from paths(node.items, (*prefix, "*"))

    return sorted(
        (p, v)
        for p, v in _amounts(doc, _trie(paths(SPEC.labels)))
        if isinstance(v, (int, Decimal)) and not isinstance(v, bool) and v != 0
    )


@given(data=st.data())
def test_a_negative_amount_is_reported_at_its_cell_unless_the_schema_signs_it(data: Any) -> None:
    doc = data.draw(documents(), label="document")
    unsigned = _figures(doc, signed=False)
    assume(unsigned)  # a document whose every figure is blank or zero (rare) has nothing to negate
    here, value = data.draw(st.sampled_from(unsigned), label="figure")
    report = validate(set_at(doc, here, -abs(value)))
    assert [f.pointer for f in report.findings if f.rule == "structure.amount-sign"] == [here]
    signed = _figures(doc, signed=True)
    assume(signed)
    there, value = data.draw(st.sampled_from(signed), label="signed figure")
    report = validate(set_at(doc, there, -value))
    assert not [f for f in report.findings if f.rule == "structure.amount-sign"]


# ------------------------------------------------------------------------------------------ 7 · changes
SCOPES = ("income", "expenditure", "three_public")


@given(data=st.data(), rate=st.decimals(1, 100, places=2))
def test_a_change_rate_from_a_zero_base_is_one_finding(data: Any, rate: Decimal) -> None:
    """A rise stated as the whole current figure ("增长100%" of something new) has no rate: exactly one
    finding, at the stated rate, by the base rule, never by the rate rule. (A current figure of a step or
    two could stand on a base that rounding hides, with a rate of 50% and up; three steps or more cannot
    give 100% or less.)"""
    doc = data.draw(documents(), label="document")
    scopes = [s for s in SCOPES if "change" in doc["narrative"].get(s, {})]
    assume(scopes)
    scope = data.draw(st.sampled_from(scopes), label="scope")
    narrative = doc["narrative"][scope]
    step, _ = step_of(doc, f"/narrative/{scope}/total")
    assume(narrative["total"] >= 3 * step)
    changed = {"amount": narrative["total"], "percent": rate}
    if "prior" in narrative["change"]:
        changed["prior"] = narrative["total"] - narrative["total"]
    here = f"/narrative/{scope}/change/percent"
    found = [f for f in validate(set_at(doc, f"/narrative/{scope}/change", changed)).findings if f.pointer == here]
    rule = f"narrative.{scope.replace('_', '-')}-change-base"
    assert [(f.rule, f.severity) for f in found] == [(rule, Severity.ERROR)]


@given(data=st.data(), steps=st.integers(2, 500))
def test_a_stated_prior_agrees_with_the_change_or_is_reported(data: Any, steps: int) -> None:
    doc = data.draw(documents(), label="document")
    scopes = [s for s in SCOPES if "change" in doc["narrative"].get(s, {})]
    assume(scopes)
    scope = data.draw(st.sampled_from(scopes), label="scope")
    narrative = doc["narrative"][scope]
    prior = narrative["total"] - narrative["change"]["amount"]
    ptr = f"/narrative/{scope}/change/prior"
    rule = f"narrative.{scope.replace('_', '-')}-change-prior"
    assert not [f for f in validate(set_at(doc, ptr, prior)).findings if f.rule == rule]
    step, _ = step_of(doc, f"/narrative/{scope}/total")
    sign = data.draw(st.sampled_from([1, -1]), label="direction")
    moved = validate(set_at(doc, ptr, prior + sign * steps * step))
    assert [(f.rule, f.severity) for f in moved.findings if f.rule == rule] == [(rule, Severity.ERROR)]


@given(data=st.data())
def test_a_zero_written_in_the_narrative_is_exactly_zero(data: Any) -> None:
    """Procurement written as goods + services + "0" works: a total that differs from goods + services by
    more than their own rounding is an error, whatever precision the zero is written with."""
    doc = data.draw(documents(), label="document")
    assume("procurement" in doc["narrative"])  # a stand-alone 三公 text states none
    proc = doc["narrative"]["procurement"]
    step, _ = step_of(doc, "/narrative/procurement/total")
    zero = data.draw(st.sampled_from([Decimal(0), Decimal("0.0"), Decimal("0.00")]), label="zero")
    # total, goods and services carry half a step each: 1.5 steps; two steps is beyond them.
    total = proc["goods"] + proc["services"] + 2 * step
    broken = set_at(set_at(doc, "/narrative/procurement/works", zero), "/narrative/procurement/total", total)
    found = [f for f in validate(broken).findings if f.rule == "narrative.procurement"]
    assert [f.severity for f in found] == [Severity.ERROR]


# ------------------------------------------------------------------------------------------ 8 · root causes
ILLEGAL_TYPES = st.sampled_from(["6.00", "5", "无", "10分", "高"]) | st.text(
    alphabet="甲乙丙丁", min_size=1, max_size=3
)


def _indicators(doc: Any) -> list[str]:
    tables = doc["tables"]
    dp = tables["department_performance"]
    out = [f"/tables/department_performance/indicators/{i}" for i in range(len(dp.get("indicators", [])))]
    for u, unit in enumerate(dp.get("units", [])):  # a department printed as its units' tables
        out += [f"/tables/department_performance/units/{u}/indicators/{i}" for i in range(len(unit["indicators"]))]
    for u, unit in enumerate(tables["project_performance"]["units"]):
        for p, project in enumerate(unit["projects"]):
            out += [
                f"/tables/project_performance/units/{u}/projects/{p}/indicators/{i}"
                for i in range(len(project["indicators"]))
            ]
    return out


CHANGSHA = Features(profile="hunan-changsha")


@given(data=st.data(), value_type=ILLEGAL_TYPES)
def test_an_illegal_value_type_is_one_finding(data: Any, value_type: str) -> None:
    """Whatever the row (a rate, a satisfaction target …), an illegal 指标值类型 is reported once, by
    indicators.value-type: the rules that judge a legal type's direction stay silent on it, also when
    only they are selected."""
    doc = data.draw(documents(features=CHANGSHA), label="document")
    row = data.draw(st.sampled_from(_indicators(doc)), label="row")
    assume(jp.resolve(doc, row)["level3"] is not None)
    here = f"{row}/value_type"
    broken = set_at(doc, here, value_type)
    assert [f.rule for f in validate(broken).findings if f.pointer == here] == ["indicators.value-type"]
    dependents = [r.id for r in SPEC.rules.values() if "indicators.value-type" in r.requires]
    assert not [f for f in validate(broken, select=dependents).findings if f.pointer == here]


@given(data=st.data(), value=st.sampled_from(["2024年", "2025年", "全年", "年内"]))
def test_a_value_that_is_not_a_number_is_one_finding(data: Any, value: str) -> None:
    doc = data.draw(documents(features=CHANGSHA), label="document")
    rows = [r for r in _indicators(doc) if jp.resolve(doc, r)["value_type"] in ("≥", "≤", "=", ">", "<")]
    row = data.draw(st.sampled_from(rows), label="row")
    unit = data.draw(st.sampled_from(["%", "万元", "次"]), label="unit")
    broken = set_at(set_at(doc, f"{row}/value", value), f"{row}/unit", unit)
    here = f"{row}/value"
    assert [f.rule for f in validate(broken).findings if f.pointer == here] == ["indicators.comparator-numeric"]


def test_requires_names_a_known_rule_and_closes_no_cycle(tmp_path: Any) -> None:
    import pytest

    from budget_disclosure import SpecError
    from budget_disclosure.rules.engine import Engine
    from budget_disclosure.spec import Spec

    from .support import spec_copy

    for old, new, message in (
        ("requires: [indicators.value-type]", "requires: [indicators.value-typ]", "requires unknown rule"),
        (
            "    kind: allowed_values\n    refs: [P-03]\n",
            "    kind: allowed_values\n    refs: [P-03]\n    requires: [indicators.direction]\n",
            "cycle",
        ),
    ):
        root = spec_copy(tmp_path / message.replace(" ", "-"))
        path = root / "rules" / "indicators.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(SpecError, match=message) as info:
            Engine(Spec(root))
        assert info.value.file == "rules/indicators.yaml" and info.value.rule
