"""The engine checked against an oracle that does not come from it (issue 16).

The expectations here come from two places only:

- the **builder's own account** of a generated document (``synth.build_seeded_with_oracle``): the unit and
  decimals of every printed amount, and the identities it made hold, each with the rule that checks it
  and that rule's severity, written in ``synth/oracle.py`` as data from the forms;
- **constants written in this file** from the regulations (DOMAIN.md) and the documented rounding rule
  (docs/RULE_LANGUAGE.md, "Rounding: what equal means"): 1 万元 = 10,000 元; a printed figure with d
  decimals stands for ± ½·10⁻ᵈ of its unit; a blank is exactly zero; an identity's envelope is the sum of
  the half-widths of its non-blank cells, except that two printings of one figure on the same grid (two
  non-blank cells, the same half-width, opposite coefficients, op = / ≤ / ≥) have none.

Nothing is read from the compiled rules or from the engine's evaluations. A rule file that drops a part,
weakens an operator, lowers a severity, widens a legal set, loosens a limit or drops a word, and an engine
with a wrong unit factor or a wrong envelope, disagree with these expectations.
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from budget_disclosure import Severity, validate
from budget_disclosure import pointer as jp
from budget_disclosure.synth import PROFILES, Features, Identity, Oracle, Ratio, build_seeded_with_oracle

# ------------------------------------------------------------------------------------------ constants
YUAN_PER = {"元": Decimal(1), "万元": Decimal(10_000)}  # DOMAIN.md: 1 万元 = 10,000 元
HALF = Decimal("0.5")
UNITS = (("万元", 2), ("元", 2), ("元", 0))  # the formats real disclosures print in
# The profiles whose documents have a table the oracle lists completely (部门收支总表 or the 三公 table).
ORACLE_PROFILES = tuple(p for p in PROFILES if p != "hunan-performance-standalone")


# ------------------------------------------------------------------------------------------ arithmetic
def value_of(document: dict[str, Any], pointer: str) -> Decimal | None:
    raw = jp.resolve(document, pointer, None)
    return None if raw is None else Decimal(raw)


def in_yuan(document: dict[str, Any], oracle: Oracle, pointer: str) -> Decimal:
    value = value_of(document, pointer)
    return Decimal(0) if value is None else value * YUAN_PER[oracle.formats[pointer].unit]


def half_width(document: dict[str, Any], oracle: Oracle, pointer: str) -> Decimal:
    """½·10⁻ᵈ of the cell's own unit, in 元; zero for a blank and for a narrative figure written as zero."""
    value = value_of(document, pointer)
    if value is None or (pointer.startswith("/narrative/") and value == 0):
        return Decimal(0)
    fmt = oracle.formats[pointer]
    return HALF * Decimal(10) ** -fmt.places * YUAN_PER[fmt.unit]


def difference_and_envelope(document: dict[str, Any], oracle: Oracle, identity: Identity) -> tuple[Decimal, Decimal]:
    """``left − right`` and its envelope, in 元, by the documented rule."""
    difference = sum((c * in_yuan(document, oracle, p) for p, c in identity.terms), Decimal(0))
    rounded = [(c, half_width(document, oracle, p)) for p, c in identity.terms]
    rounded = [(c, h) for c, h in rounded if h]
    envelope = sum((abs(c) * h for c, h in rounded), Decimal(0))
    if identity.op in ("eq", "le", "ge") and len(rounded) == 2:
        (c1, h1), (c2, h2) = rounded
        if h1 == h2 and c1 == -c2:
            envelope = Decimal(0)  # one figure printed twice on one grid: rounding explains no difference
    return difference, envelope


def holds(op: str, difference: Decimal, envelope: Decimal) -> bool:
    if op == "eq":
        return abs(difference) <= envelope
    if op == "le":
        return difference <= envelope
    assert op == "ge", op
    return -difference <= envelope


def broken(document: dict[str, Any], oracle: Oracle, identities: list[Identity]) -> set[tuple[str, str, str]]:
    out = set()
    for identity in identities:
        difference, envelope = difference_and_envelope(document, oracle, identity)
        if not holds(identity.op, difference, envelope):
            out.add((identity.rule, identity.pointer, identity.severity))
    return out


def slack_up(document: dict[str, Any], oracle: Oracle, identity: Identity, pointer: str) -> Decimal | None:
    """How far (in 元) the cell may rise before the identity fails; None: never."""
    difference, envelope = difference_and_envelope(document, oracle, identity)
    c = sum(w for p, w in identity.terms if p == pointer)
    if c > 0 and identity.op in ("eq", "le"):
        return (envelope - difference) / c
    if c < 0 and identity.op in ("eq", "ge"):
        return (envelope + difference) / -c
    return None


def step_of(oracle: Oracle, pointer: str) -> Decimal:
    """One printed step of the cell, in 元."""
    fmt = oracle.formats[pointer]
    return Decimal(10) ** -fmt.places * YUAN_PER[fmt.unit]


def moved(document: dict[str, Any], oracle: Oracle, pointer: str, yuan: Decimal) -> dict[str, Any]:
    """The document with the cell raised by ``yuan`` 元 (a whole number of its printed steps)."""
    fmt = oracle.formats[pointer]
    out = copy.deepcopy(document)
    value = (value_of(out, pointer) or Decimal(0)) + yuan / YUAN_PER[fmt.unit]
    set_at(out, pointer, value.quantize(Decimal(10) ** -fmt.places))
    return out


def set_at(document: Any, pointer: str, value: Any) -> None:
    *path, last = jp.parse(pointer)
    holder = document
    for token in path:
        holder = holder[int(token)] if isinstance(holder, list) else holder[token]
    if isinstance(holder, list):
        holder[int(last)] = value
    else:
        holder[last] = value


def above_info(report: Any) -> set[tuple[str, str, str]]:
    return {(f.rule, f.pointer, f.severity.value) for f in report.findings if f.severity is not Severity.INFO}


def named(report: Any, pointer: str) -> bool:
    """Every finding above info names the cell: at it, among its related cells, or as its cause."""
    return all(
        f.pointer == pointer or pointer in f.related or f.cause == pointer
        for f in report.findings
        if f.severity is not Severity.INFO
    )


# ------------------------------------------------------------------------------------------ strategy
@st.composite
def generated(draw: st.DrawFn, profiles: tuple[str, ...] = ORACLE_PROFILES) -> tuple[dict[str, Any], Oracle]:
    """A generated document and its oracle: profile, seed, unit and whether tables mix units drawn."""
    profile = draw(st.sampled_from(profiles), label="profile")
    unit = draw(st.sampled_from(UNITS), label="unit")
    mixed = draw(st.booleans(), label="mixed units")
    exact = draw(st.booleans(), label="exact")
    seed = draw(st.integers(0, 2**32 - 1), label="seed")
    features = Features(profile=profile, unit=unit, mixed_units=mixed, exact=exact)
    return build_seeded_with_oracle(seed, features)


def movable(document: dict[str, Any], oracle: Oracle) -> list[tuple[Identity, str]]:
    """(identity, cell) pairs where the cell is printed (not blank) and every identity of it is known."""
    return [
        (identity, pointer)
        for identity in oracle.identities
        for pointer in identity.cells
        if pointer in oracle.complete and value_of(document, pointer) is not None
    ]


# ------------------------------------------------------------------------------------------ properties
@settings(max_examples=25)
@given(generated())
def test_the_builder_states_identities_that_hold(case: tuple[dict[str, Any], Oracle]) -> None:
    """Every identity the builder states holds in its document by the documented rule, and the engine
    agrees: nothing above info (mixed units included)."""
    document, oracle = case
    for identity in oracle.identities:
        difference, envelope = difference_and_envelope(document, oracle, identity)
        assert holds(identity.op, difference, envelope), (identity, difference, envelope)
    report = validate(document)
    assert not above_info(report), sorted(above_info(report))


@given(generated(), st.data())
def test_a_cell_moved_to_the_envelope_and_one_step_beyond(case: tuple[dict[str, Any], Oracle], data: Any) -> None:
    """Raise one printed cell as far as every identity it takes part in allows (to the envelope of the
    tightest one, in whole printed steps): nothing above info. One printed step further: exactly the
    identities the oracle computes as broken fire, each at its own cell with its rule's severity, and
    every finding names the moved cell (at it, related to it, or as its cause).

    The move is bounded by the tightest identity of the cell rather than by the drawn identity alone: a
    cell shared by several identities (a total and a copy of it) cannot move past the narrowest envelope
    without breaking that one, and the expectation must be exact."""
    document, oracle = case
    choices = movable(document, oracle)
    if not choices:  # every cell blank: nothing to move (a 三公 table of an office without 三公 money)
        return
    identity, pointer = choices[data.draw(st.integers(0, len(choices) - 1), label="identity and cell")]
    note(f"{identity.rule} at {pointer}")
    mine = oracle.of(pointer)
    assert identity in mine
    step = step_of(oracle, pointer)
    limits = [s for s in (slack_up(document, oracle, i, pointer) for i in mine) if s is not None]
    assert limits, f"{pointer}: no identity bounds a rise of the cell"
    within = (min(limits) // step) * step
    assert within >= 0
    inside = moved(document, oracle, pointer, within)
    assert not broken(inside, oracle, mine)
    report = validate(inside)
    assert not above_info(report), sorted(above_info(report))
    beyond = moved(document, oracle, pointer, within + step)
    expected = broken(beyond, oracle, mine)
    assert expected, "one step beyond the tightest envelope breaks it"
    report = validate(beyond)
    assert above_info(report) == expected
    assert named(report, pointer)


# ------------------------------------------------------------------------------------------ percentages
def rate_bounds(document: dict[str, Any], oracle: Oracle, ratio: Ratio) -> tuple[Decimal, Decimal] | None:
    """The percentages the printed amounts allow (docs/RULE_LANGUAGE.md, ``percentage``): numerator and
    denominator each an interval (Σ values ± Σ half-widths, in 元), the rate every corner of their
    quotient × 100; None when the denominator's interval reaches zero (no bound on one side)."""
    n = sum((w * in_yuan(document, oracle, p) for p, w in ratio.numerator), Decimal(0))
    nh = sum((half_width(document, oracle, p) for p, _ in ratio.numerator), Decimal(0))
    d = sum((w * in_yuan(document, oracle, p) for p, w in ratio.denominator), Decimal(0))
    dh = sum((half_width(document, oracle, p) for p, _ in ratio.denominator), Decimal(0))
    if d - dh <= 0:
        return None
    corners = [(n + a) / (d + b) * 100 for a in (-nh, nh) for b in (-dh, dh)]
    return min(corners), max(corners)


def rate_ratios(document: dict[str, Any], oracle: Oracle) -> list[Ratio]:
    """Stated rates with every figure non-zero (a change written as zero is a rounding, a figure written as
    zero is none at all: both are left to the constructed cases) on a base bounded away from zero."""
    return [
        r
        for r in oracle.ratios
        if all(value_of(document, p) for p, _ in (*r.numerator, *r.denominator, (r.pointer, 1)))
        and rate_bounds(document, oracle, r) is not None
    ]


@given(generated(profiles=PROFILES), st.data())
def test_a_rate_moved_to_its_bound_and_one_step_beyond(case: tuple[dict[str, Any], Oracle], data: Any) -> None:
    """Move a stated change rate away from zero (its sign, and so every direction word, stays) to the last
    value its amounts allow, and one written step further: nothing above info, then exactly the rule the
    oracle names, at the rate."""
    document, oracle = case
    ratios = rate_ratios(document, oracle)
    if not ratios:  # the text states no rate (drawn half the time) or only on a nil figure
        return
    ratio = ratios[data.draw(st.integers(0, len(ratios) - 1), label="rate")]
    note(f"{ratio.rule} at {ratio.pointer}")
    bounds = rate_bounds(document, oracle, ratio)
    assert bounds is not None
    lo, hi = bounds
    stated = value_of(document, ratio.pointer)
    assert stated is not None
    places = max(0, -int(stated.as_tuple().exponent))
    step = Decimal(10) ** -places
    half = HALF * step
    assert stated - half <= hi and stated + half >= lo, "the builder's rate agrees with its amounts"
    if stated >= 0:  # the last written value whose interval still meets the bounds, then one step more
        last = ((hi + half) / step).to_integral_value(rounding="ROUND_FLOOR") * step
        outside = last + step
    else:
        last = ((lo - half) / step).to_integral_value(rounding="ROUND_CEILING") * step
        outside = last - step
    for value, expected in ((last, set()), (outside, {(ratio.rule, ratio.pointer, ratio.severity)})):
        changed = copy.deepcopy(document)
        set_at(changed, ratio.pointer, value.quantize(step))
        report = validate(changed)
        assert above_info(report) == expected, value


def strictly_wrong(document: dict[str, Any], oracle: Oracle) -> set[tuple[str, str, str]]:
    """The stated rates that are not their printed amounts' quotient rounded half up (四舍五入) to the rate's
    written decimals: what strict mode reports. A base zero or below as printed gives no rate."""
    out = set()
    for ratio in oracle.ratios:
        n = sum((w * in_yuan(document, oracle, p) for p, w in ratio.numerator), Decimal(0))
        d = sum((w * in_yuan(document, oracle, p) for p, w in ratio.denominator), Decimal(0))
        stated = value_of(document, ratio.pointer)
        if d <= 0 or stated is None:
            continue
        places = max(0, -int(stated.as_tuple().exponent))
        if (n / d * 100).quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP) != stated:
            out.add((ratio.rule, ratio.pointer, ratio.severity))
    return out


@given(generated(profiles=PROFILES), st.data())
def test_a_rate_in_strict_mode_is_the_rounded_quotient(case: tuple[dict[str, Any], Oracle], data: Any) -> None:
    """In strict mode a rate must be its printed amounts' quotient rounded to its decimals: exactly the rates
    that are not fire, before and after one rate is moved by one written step."""
    document, oracle = case
    if not oracle.ratios:
        return
    rules = sorted({r.rule for r in oracle.ratios})
    report = validate(document, strict_arithmetic=True, select=rules)
    assert above_info(report) == strictly_wrong(document, oracle)
    ratio = oracle.ratios[data.draw(st.integers(0, len(oracle.ratios) - 1), label="rate")]
    stated = value_of(document, ratio.pointer)
    assert stated is not None
    step = Decimal(10) ** -max(0, -int(stated.as_tuple().exponent))
    changed = copy.deepcopy(document)
    set_at(changed, ratio.pointer, stated + step if stated >= 0 else stated - step)
    report = validate(changed, strict_arithmetic=True, select=rules)
    assert above_info(report) == strictly_wrong(changed, oracle)


# ------------------------------------------------------------------------------------------ every part
# One document of each form of 部门收支总表 (by nature, Hunan; by function class, MoF) and a 三公 table.
RAISE = Decimal(100_000)  # 元: far beyond any envelope of these tables (ten 万元)
# Documents with every line of the 三公 table (unit rows, last year, the change, the budget sources) and
# every economic item its bounds read (30217, 30212, 30231, 31013 or 30913), for each form of 部门收支总表,
# in each unit, two with tables in mixed units; and a stand-alone 三公 table. The seeds are the first that
# build such a document (found by a search over seeds 0–999; ``case`` checks that they still do).
CASES = (
    (Features(profile="hunan-changsha", layout="nature", unit=("万元", 2)), 472),
    (Features(profile="mof-143-2016", layout="function", unit=("元", 2)), 35),
    (Features(profile="central-2021", layout="function", unit=("万元", 2), mixed_units=True), 767),
    (Features(profile="shanghai-district", layout="nature", unit=("元", 0), mixed_units=True), 20),
    (Features(profile="three-public-standalone", unit=("万元", 2)), 1),
)
BOUND_ITEMS = ("30217", "30212", "30231")
VEHICLE_PURCHASE_ITEMS = ("31013", "30913")


def _rich(document: dict[str, Any]) -> bool:
    three = document["tables"]["three_public_expenses"]
    if not all(k in three for k in ("rows", "prior_year", "sources")):
        return False
    basic = document["tables"].get("basic_expenditure")
    if basic is None:
        return True
    codes = {row.get("code") for row in basic["rows"]}
    return set(BOUND_ITEMS) <= codes and bool(codes & set(VEHICLE_PURCHASE_ITEMS))


@cache
def case(index: int) -> tuple[dict[str, Any], Oracle]:
    features, seed = CASES[index]
    document, oracle = build_seeded_with_oracle(seed, features)
    assert _rich(document), f"seed {seed} no longer builds every 三公 line and item for {features}: search again"
    return document, oracle


@pytest.mark.parametrize("index", range(len(CASES)))
def test_every_cell_of_every_identity_at_its_own_envelope(index: int) -> None:
    """Each printed cell of each identity the builder made — in any table, also outside the tables the oracle
    lists completely — raised to the edge of that identity's own envelope, in whole printed steps: its
    rule (alone, ``select``) reports nothing above info; one printed step more: exactly the identities of
    that rule the oracle computes as broken, at their cells, with the rule's severity. A rule that drops a
    part, weakens = to ≤ or ≥, widens its envelope or lowers its severity fails here."""
    document, oracle = case(index)
    for identity in oracle.identities:
        same_rule = [i for i in oracle.identities if i.rule == identity.rule]
        for pointer in identity.cells:
            if value_of(document, pointer) is None:
                continue  # a blank: it would gain a half-width (below, with the unprinted parts)
            slack = slack_up(document, oracle, identity, pointer)
            if slack is None:
                continue  # raising a cell on the wide side of a bound never breaks it
            step = step_of(oracle, pointer)
            within = (slack // step) * step
            mine = [i for i in same_rule if pointer in i.cells]
            inside = moved(document, oracle, pointer, within)
            report = validate(inside, select=[identity.rule])
            assert above_info(report) == broken(inside, oracle, mine), (identity, pointer, within)
            beyond = moved(document, oracle, pointer, within + step)
            expected = broken(beyond, oracle, mine)
            assert (identity.rule, identity.pointer, identity.severity) in expected
            report = validate(beyond, select=[identity.rule])
            assert above_info(report) == expected, (identity, pointer, within + step)


@pytest.mark.parametrize("index", range(len(CASES)))
def test_every_part_of_a_sum_counts(index: int) -> None:
    """Each blank part of each total the builder made, and each column the form has that this document does
    not print, given a value far beyond the envelope, breaks its total: a rule that leaves a part out
    (rules/*.yaml edited) no longer fires."""
    document, oracle = case(index)
    for identity in oracle.identities:
        if identity.kind != "sum":
            continue
        for part, c in (*identity.terms, *identity.unprinted):
            if c > 0 or value_of(document, part) is not None:
                continue
            # A blank has its table's format; an unprinted column would be printed in its total's table.
            fmt = oracle.formats.get(part, oracle.formats[identity.pointer])
            changed = copy.deepcopy(document)
            set_at(changed, part, (RAISE / YUAN_PER[fmt.unit]).quantize(Decimal(10) ** -fmt.places))
            report = validate(changed, select=[identity.rule])
            assert (identity.rule, identity.pointer, identity.severity) in above_info(report), (identity, part)


# ------------------------------------------------------------------------------------------ legal values
# DOMAIN.md P-03: 指标值类型 ∈ {≥, ≤, =, >, <, 定性}; the forms also print the ASCII and full-width spellings.
LEGAL_VALUE_TYPES = ("≥", "≤", "=", ">", "<", "定性", ">=", "<=", "＝", "＞", "＜")
ILLEGAL_VALUE_TYPES = ("定量", "≈", "约等于", "~", "≠", "大于", "%")
# DOMAIN.md P-07: an indicator in % lies between 0 and 100.
PERCENT_WITHIN = ("0", "60", "99.99", "100", "100.00")
PERCENT_BEYOND = ("100.01", "101", "105", "110", "120", "-1")
# DOMAIN.md S-10: current terms, not 公共财政拨款 / 预算 / 收入 / 支出 (一般公共预算 since the 2015 budget law).
OUTDATED_TERMS = ("公共财政拨款", "公共财政预算", "公共财政收入", "公共财政支出")
CURRENT_TERMS = ("一般公共预算拨款", "一般公共预算收入", "公共服务支出")
PERFORMANCE_PROFILES = tuple(
    p for p in PROFILES if p in ("hunan-changsha", "guizhou-county", "hunan-pre-2021", "hunan-performance-standalone")
)


def indicator_rows(document: dict[str, Any]) -> list[str]:
    """Pointers of the project indicator rows of a generated document."""
    table = document["tables"].get("project_performance", {})
    out = []
    for u, unit in enumerate(table.get("units", [])):
        for p, project in enumerate(unit.get("projects", [])):
            for i, _ in enumerate(project.get("indicators", [])):
                out.append(f"/tables/project_performance/units/{u}/projects/{p}/indicators/{i}")
    return out


@cache
def performance_document(profile: str) -> tuple[dict[str, Any], str]:
    """A generated document of the profile and the pointer of one of its project indicator rows."""
    document, _ = build_seeded_with_oracle(PERFORMANCE_PROFILES.index(profile), Features(profile=profile))
    rows = indicator_rows(document)
    return document, rows[len(rows) // 2]


def fired(report: Any, rule: str, row: str) -> bool:
    return any(f.rule == rule and f.pointer.startswith(row + "/") for f in report.findings)


def with_row(profile: str, **fields: Any) -> tuple[dict[str, Any], str]:
    document, row = performance_document(profile)
    out = copy.deepcopy(document)
    for key, value in fields.items():
        set_at(out, f"{row}/{key}", value)
    return out, row


# Deterministic on purpose: a weakened rule file must fail here at once, not after a long shrink.
@pytest.mark.parametrize("profile", PERFORMANCE_PROFILES)
@pytest.mark.parametrize("value_type", LEGAL_VALUE_TYPES + ILLEGAL_VALUE_TYPES)
def test_only_the_legal_value_types_pass(profile: str, value_type: str) -> None:
    document, row = with_row(profile, value_type=value_type)
    report = validate(document, select=["indicators.value-type"])
    assert fired(report, "indicators.value-type", row) is (value_type in ILLEGAL_VALUE_TYPES)


@pytest.mark.parametrize("profile", PERFORMANCE_PROFILES)
@pytest.mark.parametrize("value", PERCENT_WITHIN + PERCENT_BEYOND)
def test_a_percentage_lies_between_0_and_100(profile: str, value: str) -> None:
    document, row = with_row(profile, value_type="≥", unit="%", value=value)
    report = validate(document, select=["indicators.percent-range"])
    assert fired(report, "indicators.percent-range", row) is (value in PERCENT_BEYOND)


@pytest.mark.parametrize("profile", ["hunan-changsha", "three-public-standalone"])
@pytest.mark.parametrize("term", OUTDATED_TERMS + CURRENT_TERMS)
def test_an_outdated_term_in_a_note_is_named(profile: str, term: str) -> None:
    document, _ = build_seeded_with_oracle(0, Features(profile=profile))
    table = sorted(document["tables"])[-1]
    document["tables"][table]["note"] = f"注：本表所列{term}按年初预算填列。"
    report = validate(document, select=["structure.outdated-term"])
    found = {(f.rule, f.pointer, f.severity.value) for f in report.findings}
    expected = {("structure.outdated-term", f"/tables/{table}/note", "warning")}
    assert found == (expected if term in OUTDATED_TERMS else set())
