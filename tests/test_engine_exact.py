"""The engine's arithmetic, checked against expectations written here, not taken from the engine (issue 16).

Every expected value in this module is computed in the test itself from the rules of the trade: one 万元 is
10,000 元; a printed amount with d decimals stands for ±½·10⁻ᵈ of its unit; an identity holds exactly when
its sides agree, is information when they differ by at most the sum of the half-widths of the rounded terms,
and is an error one step beyond; strict mode has no envelope. So a mutant of the unit factor, of the
envelope or of a comparison operator turns a test here red.

1. the interval semantics of every operator at exactly the envelope and one step beyond (strict: no envelope);
2. the envelope itself (½·10⁻ᵈ per printed non-blank cell, none for two printings of one figure);
3. 万元 and 元 side by side: a table in 元 beside tables in 万元, narrative figures in the other unit;
4. boundaries and strict mode through the whole engine, for every kind that compares numbers;
5. numbers at the length limits of docs/DATA_MODEL.md ("Numbers").
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
from budget_disclosure.amounts import Cell, half_width, out_of_range
from budget_disclosure.reader import Limits
from budget_disclosure.rules.interval import envelope, to_unit, verdict

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "examples" / "clean" / "example-data-center-2024.json"

YUAN_PER_WAN = Decimal(10000)  # 1 万元 = 10,000 元 (the unit every budget table prints)
STEP = Decimal("0.01")  # one step of a table printed with two decimals


def clean() -> dict[str, Any]:
    with CLEAN.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return document


def put(document: dict[str, Any], pointer: str, value: Any) -> None:
    tokens = jp.parse(pointer)
    parent = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    if isinstance(parent, list):
        parent[int(tokens[-1])] = value
    else:
        parent[tokens[-1]] = value


def get(document: dict[str, Any], pointer: str) -> Any:
    return jp.resolve(document, pointer)


def triples(document: Any, **options: Any) -> set[tuple[str, str, str]]:
    report = validate(copy.deepcopy(document), **options)
    return {(f.rule, f.pointer, f.severity.value) for f in report.findings}


def scale(node: Any, factor: Decimal) -> Any:
    """Every number below ``node`` multiplied by ``factor`` (a table re-printed in another unit)."""
    if isinstance(node, dict):
        return {k: (v if k in ("code", "amounts") else scale(v, factor)) for k, v in node.items()}
    if isinstance(node, list):
        return [scale(v, factor) for v in node]
    if isinstance(node, Decimal | int) and not isinstance(node, bool):
        return Decimal(node) * factor
    return node


# ------------------------------------------------------------------------ 1 · operators at the boundary
def cell(pointer: str, printed: str, places: int = 2, unit: str = "万元") -> Cell:
    """A printed amount: its value in 元 and its half-width ½·10⁻ᵈ of its unit, in 元 — computed here."""
    factor = YUAN_PER_WAN if unit == "万元" else Decimal(1)
    value = Decimal(printed) * factor
    half = Decimal(5) * Decimal(10) ** -(places + 1) * factor if value else Decimal(0)
    return Cell(pointer, value, half, unit, Decimal(printed) if value else None, places if value else None)


# (op, difference as a multiple of the envelope's step, expected (holds, information)) with an envelope
# of 2 steps: = and ≤ and ≥ hold exactly at 0, are information up to the envelope and fail one step beyond.
BOUNDARY = [
    ("eq", 0, (True, False)),
    ("eq", 2, (False, True)),
    ("eq", -2, (False, True)),
    ("eq", 3, (False, False)),
    ("eq", -3, (False, False)),
    ("le", -1, (True, False)),
    ("le", 0, (True, False)),
    ("le", 2, (False, True)),
    ("le", 3, (False, False)),
    ("ge", 1, (True, False)),
    ("ge", 0, (True, False)),
    ("ge", -2, (False, True)),
    ("ge", -3, (False, False)),
    ("lt", -1, (True, False)),
    ("lt", 0, (False, True)),
    ("lt", 1, (False, True)),
    ("lt", 2, (False, False)),
    ("gt", 1, (True, False)),
    ("gt", 0, (False, True)),
    ("gt", -1, (False, True)),
    ("gt", -2, (False, False)),
]


@pytest.mark.parametrize(("op", "steps", "expected"), BOUNDARY)
def test_every_operator_at_exactly_the_envelope_and_one_step_beyond(
    op: str, steps: int, expected: tuple[bool, bool]
) -> None:
    unit = Decimal(100)  # one step of 万元 with 2 decimals, in 元
    assert verdict(steps * unit, 2 * unit, op) == expected


@pytest.mark.parametrize("op", ["eq", "le", "ge", "lt", "gt"])
@pytest.mark.parametrize("steps", [-1, 1])
def test_strict_mode_has_no_envelope(op: str, steps: int) -> None:
    """With a zero envelope a difference of one step is never information: it holds or it fails."""
    holds, info = verdict(Decimal(steps) * 100, Decimal(0), op)
    assert not info
    assert holds == {"eq": False, "le": steps < 0, "ge": steps > 0, "lt": steps < 0, "gt": steps > 0}[op]
    assert verdict(Decimal(0), Decimal(0), op) == (op in ("eq", "le", "ge"), False) or op in ("lt", "gt")
    if op in ("lt", "gt"):
        assert verdict(Decimal(0), Decimal(0), op) == (False, False)


# --------------------------------------------------------------------------------------- 2 · envelope
def test_half_widths_follow_the_printed_precision_and_unit() -> None:
    assert half_width("万元", 2) == Decimal(50)  # ½·0.01 万元 = 50 元
    assert half_width("万元", 4) == Decimal("0.5")
    assert half_width("元", 2) == Decimal("0.005")
    assert half_width("元", 0) == Decimal("0.5")
    assert to_unit(Decimal(12345), "万元") == Decimal("1.2345")
    assert to_unit(Decimal(12345), "元") == Decimal(12345)
    assert to_unit(Decimal(12345), None) == Decimal(12345)


def test_the_envelope_is_the_sum_of_the_half_widths_of_the_rounded_terms() -> None:
    total, a, b = cell("/t", "3.00"), cell("/a", "1.00"), cell("/b", "2.00")
    blank = cell("/z", "0")
    one = Decimal(1)
    assert envelope([(total, one)], [(a, one), (b, one), (blank, one)], "eq") == 150
    assert envelope([(total, one)], [(a, Decimal(2)), (b, -one)], "eq") == 200  # |weight| · half
    # two printings of one figure on one grid: no envelope (=, ≤, ≥), but < and > keep theirs
    for op in ("eq", "le", "ge"):
        assert envelope([(total, one)], [(a, one), (blank, one)], op) == 0
    for op in ("lt", "gt"):
        assert envelope([(total, one)], [(a, one)], op) == 100
    # an exact non-zero term (a figure written without rounding) keeps the ordinary envelope
    exact = Cell("/e", Decimal(7), Decimal(0), "元", Decimal(7), None)
    assert envelope([(total, one)], [(a, one), (exact, one)], "eq") == 100
    # the same coefficient on both sides is not two printings of one figure
    assert envelope([(total, one), (a, one)], [], "eq") == 100
    # different precisions are not one grid
    assert envelope([(cell("/p", "1.0", 1), one)], [(a, one)], "eq") == Decimal(550)
    # a figure off its grid (more decimals than its precision) is not a rounding to it
    off = Cell("/o", Decimal(10001), Decimal(50), "万元", Decimal("1.0001"), 2)
    assert envelope([(off, one)], [(a, one)], "eq") == 100


# -------------------------------------------------------------------------------- 3 · 万元 beside 元
def test_a_table_in_yuan_beside_tables_in_wan_yuan_changes_no_finding() -> None:
    document = clean()
    expected = triples(document)
    for table, places in (("summary", 0), ("government_fund_expenditure", 2), ("three_public_expenses", 0)):
        in_yuan = clean()
        in_yuan["tables"][table] = scale(in_yuan["tables"][table], YUAN_PER_WAN)
        in_yuan["tables"][table]["amounts"] = {"unit": "元", "precision": places}
        assert triples(in_yuan) == expected, table


def test_a_table_converted_with_a_wrong_factor_is_found_across_tables() -> None:
    document = clean()
    document["tables"]["summary"] = scale(document["tables"]["summary"], Decimal(1000))
    document["tables"]["summary"]["amounts"] = {"unit": "元", "precision": 0}
    errors = {(rule, ptr) for rule, ptr, sev in triples(document) if sev == "error"}
    # the summary's totals, read as 元, are a tenth of the other tables' (written here from 1 万元 = 10,000 元)
    assert {
        ("cross.income-total", "/tables/income/total_row/total"),
        ("cross.expenditure-total", "/tables/expenditure/total_row/total"),
    } <= errors


def test_narrative_figures_in_yuan_beside_tables_in_wan_yuan_change_no_finding() -> None:
    document = clean()
    expected = triples(document)
    narrative = document["narrative"]
    in_yuan = scale({k: v for k, v in narrative.items() if k != "amounts"}, YUAN_PER_WAN)
    for key, value in in_yuan.items():
        if isinstance(value, dict) and "change" in value and isinstance(value["change"], dict):
            value["change"]["percent"] = narrative[key]["change"]["percent"]  # a percentage has no unit
    document["narrative"] = {**in_yuan, "amounts": {"unit": "元", "precision": "as_written"}}
    assert triples(document) == expected


# ----------------------------------------------------------------- 4 · the engine at the boundary, strict
INCOME = "/tables/summary/income"


def income_of_four_rounded_terms() -> dict[str, Any]:
    """The summary's income of the year as a sum of three printed parts (four rounded terms: envelope 200 元)."""
    document = clean()
    income = document["tables"]["summary"]["income"]
    income["fiscal_appropriation"] -= STEP
    income["other_income"] = STEP
    return document


@pytest.mark.parametrize(
    ("steps", "severity"), [(0, None), (1, "info"), (2, "info"), (3, "error"), (-2, "info"), (-3, "error")]
)
def test_a_sum_at_exactly_its_envelope_is_information_and_one_step_beyond_an_error(
    steps: int, severity: str | None
) -> None:
    document = income_of_four_rounded_terms()
    document["tables"]["summary"]["income"]["current_year_total"] += steps * STEP
    found = triples(document, select=["summary.income-current-year"])
    expected = (
        set() if severity is None else {("summary.income-current-year", f"{INCOME}/current_year_total", severity)}
    )
    assert found == expected
    strict = triples(document, select=["summary.income-current-year"], strict_arithmetic=True)
    expected_strict = (
        set() if steps == 0 else {("summary.income-current-year", f"{INCOME}/current_year_total", "error")}
    )
    assert strict == expected_strict


def test_one_figure_printed_twice_is_compared_exactly() -> None:
    """The summary's income of the year has one non-blank part: one step off is an error, not information."""
    document = clean()
    income = document["tables"]["summary"]["income"]
    income["other_income"], income["service_income"] = income["service_income"], None
    assert triples(document, select=["summary.income-current-year"]) == set()
    income["current_year_total"] = income["fiscal_appropriation"] + income["other_income"] + STEP
    found = triples(document, select=["summary.income-current-year"])
    assert found == {("summary.income-current-year", f"{INCOME}/current_year_total", "info")}
    income["service_income"] = income.pop("other_income")
    income["other_income"] = None
    income["fiscal_appropriation"] = None
    income["current_year_total"] = income["service_income"] + STEP
    found = triples(document, select=["summary.income-current-year"])
    assert found == {("summary.income-current-year", f"{INCOME}/current_year_total", "error")}


# One cell per kind that compares numbers, moved by one step: rounding-aware, the rule reports information
# at the cell named; strict, the same rule reports an error. (rule, cell moved, step, finding's cell)
STRICT_CASES = [
    ("summary.income-current-year", f"{INCOME}/fiscal_appropriation", "0.01", f"{INCOME}/current_year_total"),
    ("income.rollup", "/tables/income/rows/1/total", "0.01", "/tables/income/rows/1/total"),
    ("income.row-total", "/tables/income/rows/10/total", "0.01", "/tables/income/rows/10/total"),
]


@pytest.mark.parametrize(("rule", "moved", "step", "at"), STRICT_CASES, ids=[c[0] for c in STRICT_CASES])
def test_strict_mode_turns_rounding_into_an_error_for_every_kind(rule: str, moved: str, step: str, at: str) -> None:
    document = clean()
    put(document, moved, get(document, moved) + Decimal(step))
    aware = {(r, p, s) for r, p, s in triples(document, select=[rule]) if r == rule}
    assert (rule, at, "info") in aware
    strict = {(r, p, s) for r, p, s in triples(document, select=[rule], strict_arithmetic=True) if r == rule}
    assert (rule, at, "error") in strict
    assert not any(s == "info" for _, _, s in strict)


def test_strict_mode_turns_every_rounding_information_of_the_clean_example_into_an_error() -> None:
    document = clean()
    aware = triples(document)
    assert aware and all(sev == "info" for _, _, sev in aware)
    strict = triples(document, strict_arithmetic=True)
    # each becomes a finding at the rule's own severity (an error, or a warning for a warning rule)
    assert {(r, p) for r, p, _ in strict} == {(r, p) for r, p, _ in aware}
    assert not any(s == "info" for _, _, s in strict)
    assert sum(s == "error" for _, _, s in strict) == len(strict) - 1  # basic.personnel-classes warns


# ------------------------------------------------------------------------------ 5 · numbers at the limit
# docs/DATA_MODEL.md, "Numbers": at most 30 significant digits, a magnitude below 10^21, at most 20 places.
@pytest.mark.parametrize(
    ("token", "finding"),
    [
        ("1" * 20 + "." + "1" * 10, None),  # 30 digits
        ("1" * 20 + "." + "1" * 11, "input.number-too-long"),  # 31 digits
        ("0." + "1" * 20, None),  # 20 places
        ("0." + "1" * 21, "input.number-out-of-range"),  # 21 places
        ("1" + "0" * 20, None),  # 10^20
        ("1" + "0" * 21, "input.number-out-of-range"),  # 10^21
        ("9" * 21, None),  # 10^21 − 1: still below 10^21
        ("1e20", None),
        ("1e21", "input.number-out-of-range"),
        ("1e-20", None),
        ("1e-21", "input.number-out-of-range"),
    ],
)
def test_numbers_at_the_length_limits(token: str, finding: str | None) -> None:
    found = {(f.rule, f.pointer) for f in validate(f'{{"a": {token}}}').findings if f.rule.startswith("input.")}
    assert found == (set() if finding is None else {(finding, "/a")})


def test_the_range_check_counts_digits_places_and_magnitude_exactly() -> None:
    assert out_of_range(Decimal("1" * 30)) == "magnitude"
    assert out_of_range(Decimal("1" * 30), exponent=29) is None
    assert out_of_range(Decimal("1" * 31), exponent=40) == "digits"
    assert out_of_range(Decimal("0." + "1" * 20), digits=40) is None
    assert out_of_range(Decimal("0." + "1" * 21), digits=40) == "places"
    assert out_of_range(Decimal("1E+20")) is None
    assert out_of_range(Decimal("10E+20")) == "magnitude"
    assert out_of_range(Decimal("1"), digits=1, exponent=0, places=0) is None
    assert out_of_range(Decimal("10"), digits=2, exponent=0) == "magnitude"


def test_smaller_limits_are_kept_at_their_edge() -> None:
    limits = Limits(max_digits=5, max_exponent=4, max_places=2)
    ok = {(f.rule, f.pointer) for f in validate('{"a": 123.45}', limits=limits).findings if f.rule.startswith("input.")}
    assert ok == set()
    for token in ("123.456", "123456", "12345.6"):
        bad = {f.rule for f in validate(f'{{"a": {token}}}', limits=limits).findings if f.rule.startswith("input.")}
        assert bad & {"input.number-too-long", "input.number-out-of-range"}, token


def test_severity_values_are_the_three_of_the_report_schema() -> None:
    assert {s.value for s in Severity} == {"error", "warning", "info"}


# ------------------------------------------------------------------------------------- 6 · schema layer
def test_extra_fields_are_named_without_those_a_pattern_admits() -> None:
    """``patternProperties`` admit names by pattern: only the fields neither listed nor matched are extras."""
    from jsonschema import Draft202012Validator

    from budget_disclosure.schemacheck import SchemaChecker

    schema = {
        "type": "object",
        "properties": {"a": {}},
        "patternProperties": {"^x-": {}},
        "additionalProperties": False,
    }
    instance = {"a": 1, "x-note": 2, "zzz": 3, "y-x-": 4}
    (error,) = Draft202012Validator(schema).iter_errors(instance)
    assert SchemaChecker._extras(error) == ["zzz", "y-x-"]
    (plain,) = Draft202012Validator({"properties": {"a": {}}, "additionalProperties": False}).iter_errors(instance)
    assert SchemaChecker._extras(plain) == ["x-note", "zzz", "y-x-"]
    (wrong,) = Draft202012Validator({"type": "string"}).iter_errors(instance)
    assert SchemaChecker._extras(wrong) == []


@pytest.mark.parametrize(
    ("number", "finding"),
    [
        (10**21 - 1, None),  # below 10^21
        (10**21, "input.number-out-of-range"),
        (-(10**21), "input.number-out-of-range"),
        (10**30 - 1, "input.number-out-of-range"),  # 30 digits: the magnitude, not the length, is wrong
        (10**30, "input.number-too-long"),  # 31 digits
        (Decimal("0." + "1" * 20), None),
        (Decimal("0." + "1" * 21), "input.number-out-of-range"),
    ],
)
def test_numbers_of_a_parsed_document_at_the_limits(number: int | Decimal, finding: str | None) -> None:
    """A dict passed by a Python caller is bounded like JSON text (its ints and Decimals are not parsed)."""
    found = {(f.rule, f.pointer) for f in validate({"a": number}).findings if f.rule.startswith("input.")}
    assert found == (set() if finding is None else {(finding, "/a")})


@pytest.mark.parametrize("value", [True, False, None])
def test_literals_of_a_parsed_document_are_kept(value: bool | None) -> None:
    report = validate({"a": value, "b": "x\u0000y"})
    assert {(f.rule, f.pointer) for f in report.findings if f.rule.startswith("input.")} == {
        ("input.control-character", "/b")
    }


def test_a_shared_part_of_a_parsed_document_is_read_each_time() -> None:
    shared = [Decimal(1), Decimal(2)]
    from budget_disclosure.reader import read

    result = read({"a": shared, "b": {"c": shared}})
    assert result.problems == ()
    assert result.document == {"a": [1, 2], "b": {"c": [1, 2]}}


@pytest.mark.parametrize("depth", [3, 4, 5, 10])
def test_a_parsed_document_deeper_than_its_limit_is_one_finding(depth: int) -> None:
    document: dict[str, Any] = {}
    inner = document
    for _ in range(depth):
        inner["a"] = {}
        inner = inner["a"]
    report = validate(document, limits=Limits(max_depth=5))
    found = [(f.rule, f.pointer) for f in report.findings if f.rule.startswith("input.")]
    assert found == ([] if depth < 5 else [("input.too-deep", "/a/a/a/a/a")])
