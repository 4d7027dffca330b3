"""The 三公 table in the forms real disclosures print, and the 人员经费/公用经费 columns.

- An aggregate 三公 table (a 部门 or 区本级 without unit rows), a table by unit, either one with columns
  by budget source, last year's budget and the change, or 机关运行经费: built from exact amounts and
  printed by rounding each figure once, it raises nothing above information in any of its forms
  (Hypothesis); moving one printed item beyond its envelope is found at that cell; in strict mode any move
  is found.
- The rules of each form apply only where the form prints what they read.
"""

from __future__ import annotations

import copy
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from budget_disclosure import Severity, validate

from .support import EXAMPLES

FORMS = EXAMPLES / "forms" / "example-aggregate-forms-2024.json"
CLEAN = EXAMPLES / "clean" / "example-data-center-2024.json"
TP = "/tables/three_public_expenses"

# The rules that hold the 三公 table together by itself (the others tie it to other tables and the text).
OWN_RULES = [
    "three_public.composition",
    "three_public.vehicles",
    "three_public.total-row",
    "three_public.by-source",
    "three_public.change",
]
ITEMS = ("reception", "overseas_travel", "vehicle_purchase", "vehicle_operation")
FEN = {"元": 100, "万元": 1_000_000}


def load(path: Any) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


BASE = load(FORMS)


def printed(fen: int, unit: str, precision: int) -> Decimal | None:
    """The printed figure of an exact amount: blank only for an exact zero (a blank is an exact zero)."""
    if fen == 0:
        return None
    return (Decimal(fen) / FEN[unit]).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def column(v: dict[str, int], unit: str, precision: int) -> dict[str, Any]:
    """One column (or row) of 三公 figures from exact item amounts in fen."""
    vehicles = v["vehicle_purchase"] + v["vehicle_operation"]
    out = {
        "subtotal": printed(v["reception"] + v["overseas_travel"] + vehicles, unit, precision),
        "reception": printed(v["reception"], unit, precision),
        "overseas_travel": printed(v["overseas_travel"], unit, precision),
        "vehicles": printed(vehicles, unit, precision),
        "vehicle_purchase": printed(v["vehicle_purchase"], unit, precision),
        "vehicle_operation": printed(v["vehicle_operation"], unit, precision),
    }
    if "operating_expenses" in v:
        out["operating_expenses"] = printed(v["operating_expenses"], unit, precision)
    return out


def add(*columns: dict[str, int]) -> dict[str, int]:
    return {k: sum(c[k] for c in columns) for k in columns[0]}


AMOUNT = st.one_of(st.just(0), st.integers(1, 99), st.integers(1, 5_000_000_000))


@st.composite
def figures(draw: Any, operating: bool) -> dict[str, int]:
    v = {k: draw(AMOUNT) for k in ITEMS}
    if operating:
        v["operating_expenses"] = draw(AMOUNT)
    return v


@st.composite
def three_public_tables(draw: Any) -> dict[str, Any]:
    """A consistent 三公 table in one of its forms, printed by rounding each exact figure once."""
    unit, precision = draw(st.sampled_from([("元", 2), ("元", 0), ("万元", 2), ("万元", 4), ("万元", 0)]))
    operating = draw(st.booleans())
    aggregate = draw(st.booleans())
    units = [draw(figures(operating)) for _ in range(1 if aggregate else draw(st.integers(1, 4)))]
    total = add(*units)
    table: dict[str, Any] = {
        "title": "2024年“三公”经费预算表",
        "amounts": {"unit": unit, "precision": precision},
        "total_row": column(total, unit, precision),
    }
    if aggregate:
        table["aggregate"] = True
    else:
        names = ["示例市数据服务中心"] + [f"示例市数据服务中心{n}分中心" for n in range(1, len(units))]
        table["rows"] = [{"name": n, **column(u, unit, precision)} for n, u in zip(names, units, strict=True)]
    if draw(st.booleans()):  # columns by budget source: each exact item split three ways
        shares = [draw(st.integers(0, 100)) for _ in range(2)]
        gf = {k: x * shares[0] // 100 for k, x in total.items()}
        sc = {k: (x - gf[k]) * shares[1] // 100 for k, x in total.items()}
        gb = {k: x - gf[k] - sc[k] for k, x in total.items()}
        table["sources"] = {
            "general_budget": column(gb, unit, precision),
            "government_fund": column(gf, unit, precision),
            "state_capital": column(sc, unit, precision),
        }
    if draw(st.booleans()):  # last year's budget and the change, each the rounding of its exact figure
        prior = draw(figures(operating))
        table["prior_year"] = column(prior, unit, precision)
        change = {k: total[k] - prior[k] for k in total}
        table["change"] = column(change, unit, precision)  # signed: a fall prints as a negative figure
    return table


def with_table(table: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc["tables"]["three_public_expenses"] = table
    return doc


def above_info(report: Any) -> list[Any]:
    return [f for f in report.findings if f.severity is not Severity.INFO]


def item_cells(table: dict[str, Any]) -> list[str]:
    """Pointers of the printed 三公 items that some identity of the table covers."""
    paths = [("total_row",)]
    paths += [("rows", str(i)) for i in range(len(table.get("rows", [])))]
    paths += [("sources", s) for s in table.get("sources", {})]
    paths += [(k,) for k in ("prior_year", "change") if k in table]
    out = []
    for path in paths:
        obj: Any = table
        for step in path:
            obj = obj[int(step)] if isinstance(obj, list) else obj[step]
        for key in ("subtotal", "reception", "overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation"):
            if key in obj:
                out.append("/".join((TP, *path, key)))
    return out


# ------------------------------------------------------------------------------------------ properties
@settings(max_examples=60, deadline=None)
@given(table=three_public_tables())
def test_a_consistent_three_public_table_passes_in_any_form(table: dict[str, Any]) -> None:
    report = validate(with_table(table), select=OWN_RULES)
    assert not above_info(report), [(f.rule, f.pointer, f.message_en) for f in above_info(report)]
    assert "three_public.composition" in report.applied
    assert ("three_public.total-row" in report.applied) == ("rows" in table and len(table["rows"]) > 0)


@settings(max_examples=60, deadline=None)
@given(table=three_public_tables(), data=st.data())
def test_breaking_one_item_is_found_at_that_cell(table: dict[str, Any], data: Any) -> None:
    ptr = data.draw(st.sampled_from(item_cells(table)), label="cell")
    unit, precision = table["amounts"]["unit"], table["amounts"]["precision"]
    jump = Decimal(1000).quantize(Decimal(1).scaleb(-precision))  # far beyond any envelope (a few half-steps)
    doc = with_table(table)
    node: Any = doc
    parts = ptr.split("/")[1:]
    for step in parts[:-1]:
        node = node[int(step)] if isinstance(node, list) else node[step]
    node[parts[-1]] = (node[parts[-1]] or Decimal(0)) + jump
    report = validate(doc, select=OWN_RULES)
    found = [f for f in above_info(report) if ptr == f.pointer or ptr in f.related]
    assert found, (unit, precision, ptr, [(f.rule, f.pointer) for f in report.findings])


@settings(max_examples=40, deadline=None)
@given(table=three_public_tables())
def test_rounding_alone_is_never_an_error_and_strict_mode_sees_it(table: dict[str, Any]) -> None:
    lenient = validate(with_table(table), select=OWN_RULES)
    strict = validate(with_table(table), select=OWN_RULES, strict_arithmetic=True)
    assert all(f.severity is Severity.INFO for f in lenient.findings)
    # Strict mode reports exactly the differences the lenient mode explained by rounding, as errors.
    assert {(f.rule, f.pointer) for f in strict.findings} == {(f.rule, f.pointer) for f in lenient.findings}
    assert all(f.severity is Severity.ERROR for f in strict.findings)


# ------------------------------------------------------------------------------------------ forms
def test_the_aggregate_form_has_no_unit_rules_and_keeps_the_others() -> None:
    report = validate(FORMS)
    assert not above_info(report)
    applied = set(report.applied)
    assert {"three_public.total-row", "three_public.unit-names"}.isdisjoint(applied)
    assert {
        "three_public.composition",
        "three_public.vehicles",
        "three_public.by-source",
        "three_public.change",
        "three_public.operating-expenses-narrative",
        "three_public.operating-expenses-within-public",
        "general_budget.basic-split",
        "general_budget.split-matches-basic",
    } <= applied


def test_an_aggregate_table_with_unit_rows_is_a_schema_finding_at_the_rows() -> None:
    doc = load(FORMS)
    doc["tables"]["three_public_expenses"]["rows"] = [{"name": "示例市数据服务中心", "subtotal": Decimal("53.00")}]
    report = validate(doc)
    assert [(f.rule, f.pointer) for f in report.findings if f.rule.startswith("schema.")] == [
        ("schema.value", f"{TP}/rows")
    ]


def test_a_table_by_unit_still_needs_its_rows() -> None:
    doc = load(CLEAN)
    del doc["tables"]["three_public_expenses"]["rows"]
    report = validate(doc)
    assert ("schema.required", TP) in [(f.rule, f.pointer) for f in report.findings]


def test_the_source_equality_needs_all_three_sources() -> None:
    doc = load(FORMS)
    sources = doc["tables"]["three_public_expenses"]["sources"]
    del sources["state_capital"]
    sources["general_budget"]["reception"] = Decimal("4.00")
    sources["general_budget"]["subtotal"] = Decimal("52.00")
    report = validate(doc)
    assert "three_public.by-source" not in report.applied
    assert not above_info(report)


def test_the_change_needs_last_year_and_the_change() -> None:
    doc = load(FORMS)
    del doc["tables"]["three_public_expenses"]["prior_year"]
    doc["tables"]["three_public_expenses"]["change"]["reception"] = Decimal("7.00")  # nothing to check it against
    report = validate(doc)
    assert "three_public.change" not in report.applied
    # … but the change column still adds up by itself.
    assert [(f.rule, f.pointer) for f in above_info(report)] == [("three_public.composition", f"{TP}/change/subtotal")]


def test_a_change_may_be_negative() -> None:
    report = validate(FORMS, select=["structure.amount-sign"])
    assert "structure.amount-sign" in report.applied and not report.findings


def test_operating_expenses_the_text_does_not_state_are_not_compared() -> None:
    doc = load(FORMS)
    doc["narrative"]["operating_expenses"] = None
    report = validate(doc)
    assert "three_public.operating-expenses-narrative" not in report.applied
    assert "three_public.operating-expenses-within-public" in report.applied


def test_operating_expenses_stated_as_zero_against_a_printed_figure() -> None:
    doc = load(FORMS)
    doc["narrative"]["operating_expenses"] = Decimal("0")
    report = validate(doc, select=["three_public.operating-expenses-narrative"])
    assert [(f.rule, f.pointer, f.severity) for f in report.findings] == [
        ("three_public.operating-expenses-narrative", f"{TP}/total_row/operating_expenses", Severity.ERROR)
    ]


def test_the_personnel_and_public_rules_need_the_columns() -> None:
    report = validate(CLEAN)
    assert "general_budget.basic-split" not in report.applied
    assert "general_budget.split-matches-basic" not in report.applied
    assert "general_budget.basic-split" in validate(FORMS).applied


def test_the_personnel_and_public_columns_roll_up_within_rounding() -> None:
    # The forms example prints 215 with personnel 713.51, its total row 1043.14 against rows adding to
    # 1043.15: a rounding difference, information only.
    report = validate(FORMS, select=["general_budget.rollup", "general_budget.basic-split"])
    assert [(f.pointer, f.severity) for f in report.findings if "personnel" in f.pointer] == [
        ("/tables/general_budget_expenditure/total_row/personnel", Severity.INFO)
    ]


def test_a_split_column_missing_beside_the_total_row_is_not_compared_with_the_basic_table() -> None:
    doc = load(FORMS)
    del doc["tables"]["general_budget_expenditure"]["total_row"]["public"]
    report = validate(doc, select=["general_budget.split-matches-basic"])
    assert "general_budget.split-matches-basic" in report.applied and not report.findings
