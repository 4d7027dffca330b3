"""The compiled engine's screens for rows_match, all_zero, percentage, percentage_base and change.

A screen says a rule is clean (a count of checks) only when the interpreter's kind would report nothing
and note nothing unverifiable; otherwise it is unsure (None) and the interpreter runs the rule. Each test
here changes one thing in a consistent document and asserts three things: both engines give the same
report, the screen of the rule concerned ran, and it said what it must (clean on a clean shape, unsure on
an unusual one). ``test_the_screens_keep_their_promise_on_any_value`` holds each screen to its contract
directly, on values the schema layer would refuse before any rule ran.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, localcontext
from typing import Any

import pytest

from budget_disclosure import validate
from budget_disclosure.amounts import ARITHMETIC
from budget_disclosure.labels import node_at
from budget_disclosure.reader import read
from budget_disclosure.rules.bind import check_path
from budget_disclosure.rules.compiled.engine import CompiledEngine
from budget_disclosure.rules.context import Context
from budget_disclosure.rules.engines import get_engine
from budget_disclosure.rules.kinds import KINDS
from budget_disclosure.spec import get_spec
from budget_disclosure.synth import Features, build_seeded, to_json

FAMILY = frozenset({"rows_match", "all_zero", "percentage", "percentage_base", "change"})
FEATURES = Features(
    profile="hunan-changsha", exact=True, government_fund=True, unit=("万元", 2), project_table=True, year=2024
)
Doc = dict[str, Any]


def _document(features: Features = FEATURES, seed: int = 2) -> Doc:
    return read(to_json(build_seeded(seed, features)).encode()).document  # type: ignore[no-any-return]


BASE = _document()


def _engine() -> CompiledEngine:
    engine = get_engine(get_spec(), "compiled")
    assert isinstance(engine, CompiledEngine)
    return engine


@contextmanager
def _recording(engine: CompiledEngine) -> Iterator[dict[str, int | None]]:
    """The answers of this family's screens while the block runs, by rule id (the engine's own screens
    are put back afterwards)."""
    seen: dict[str, int | None] = {}
    saved = dict(engine.screens)

    def record(rid: str, screen: Callable[[Context], int | None]) -> Callable[[Context], int | None]:
        def run(ctx: Context) -> int | None:
            seen[rid] = answer = screen(ctx)
            return answer

        return run

    try:
        for rid, screen in saved.items():
            if engine.compiled[rid].rule.kind in FAMILY:
                engine.screens[rid] = record(rid, screen)
        yield seen
    finally:
        engine.screens.clear()
        engine.screens.update(saved)


def verdicts(doc: Doc, *, strict: bool = False) -> dict[str, int | None]:
    """Each screened rule's answer on ``doc``, after asserting that both engines report alike."""
    engine = _engine()
    with _recording(engine) as seen:
        compiled = validate(copy.deepcopy(doc), engine="compiled", strict_arithmetic=strict).to_json()
    interpreted = validate(copy.deepcopy(doc), engine="interpreter", strict_arithmetic=strict).to_json()
    assert compiled == interpreted
    return seen


def changed(edit: Callable[[Doc], None]) -> Doc:
    doc = copy.deepcopy(BASE)
    edit(doc)
    return doc


def _tables(doc: Doc) -> dict[str, Any]:
    return doc["tables"]  # type: ignore[no-any-return]


def _narrative(doc: Doc) -> dict[str, Any]:
    return doc["narrative"]  # type: ignore[no-any-return]


def _row(doc: Doc, table: str, code: str) -> dict[str, Any]:
    return next(r for r in _tables(doc)[table]["rows"] if r.get("code") == code)  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------------ clean shapes
CLEAN_RULES = [
    "cross.income-sources",
    "cross.expenditure-nature",
    "cross.function-rows",
    "cross.general-budget-within-expenditure",
    "cross.general-budget-classes",
    "narrative.expenditure-by-function",
    "narrative.general-budget-by-function",
    "narrative.project-amounts",
    "narrative.three-public",
    "project_expenditure.performance-amounts",
    "narrative.general-budget-share",
    "narrative.income-change-rate",
    "narrative.income-change-base",
    "narrative.change-prior",
    "narrative.change-rate",
    "narrative.change-base",
    "narrative.change-direction",
    "narrative.change-base-year",
]


@pytest.mark.parametrize("strict", [False, True])
def test_a_consistent_document_is_clean(strict: bool) -> None:
    seen = verdicts(BASE, strict=strict)
    assert {rid: seen.get(rid, "not run") for rid in CLEAN_RULES if not seen.get(rid)} == {}


def _blank_dash_zero(doc: Doc) -> None:
    """One class printed as blank in one table and as a dash or 0 in another: all three are zero."""
    for table, value in (("income", None), ("expenditure", "-"), ("general_budget_expenditure", 0)):
        _row(doc, table, "20805")["total"] = value
    _row(doc, "general_budget_expenditure", "20805")["basic"] = 0
    _row(doc, "expenditure", "20805")["basic"] = None


def _narrative_silent(doc: Doc) -> None:
    """A narrative figure the text does not state (null) is compared with nothing."""
    _narrative(doc)["expenditure"]["by_function"][0]["amount"] = None


def _name_spelled_otherwise(doc: Doc) -> None:
    """Spaces and full-width brackets do not change a name."""
    row = _tables(doc)["general_budget_project_expenditure"]["rows"][0]
    row["name"] = " " + row["name"][:2] + "\u3000" + row["name"][2:]


def _table_in_yuan(doc: Doc) -> None:
    """A table printed in 元 among 万元 tables compares in 元."""
    table = _tables(doc)["expenditure"]
    table["amounts"] = {"unit": "元", "precision": 2}
    for row in [*table["rows"], table["total_row"]]:
        for column, value in row.items():
            if isinstance(value, Decimal) and column != "code":
                row[column] = value * 10000


def _project_missing(doc: Doc) -> None:
    """missing: skip — a narrative project the performance table lacks is not compared."""
    _narrative(doc)["general_budget_expenditure"]["projects"].append({"name": "新增项目", "amount": Decimal("5.00")})


@pytest.mark.parametrize(
    ("edit", "rules"),
    [
        (_blank_dash_zero, ["cross.function-rows", "cross.general-budget-within-expenditure"]),
        (_narrative_silent, ["narrative.expenditure-by-function"]),
        (_name_spelled_otherwise, ["project_expenditure.performance-amounts"]),
        (
            _table_in_yuan,
            ["cross.function-rows", "cross.expenditure-nature", "cross.general-budget-within-expenditure"],
        ),
        (_project_missing, ["narrative.project-amounts"]),
    ],
)
def test_unusual_but_consistent_shapes_are_clean(edit: Callable[[Doc], None], rules: list[str]) -> None:
    seen = verdicts(changed(edit))
    assert {rid: seen.get(rid, "not run") for rid in rules if not seen.get(rid)} == {}


def test_an_empty_fund_table_with_no_fund_money_elsewhere_is_clean() -> None:
    doc = _document(Features(profile="hunan-changsha", exact=True, government_fund=False, year=2024))
    assert _tables(doc)["government_fund_expenditure"].get("empty") is True
    assert verdicts(doc).get("empty.government-fund")


# ------------------------------------------------------------------------------------------ unsure shapes
def _duplicate_code(doc: Doc) -> None:
    rows = _tables(doc)["income"]["rows"]
    rows.append(copy.deepcopy(rows[0]))


def _counterpart_missing(doc: Doc) -> None:
    rows = _tables(doc)["expenditure"]["rows"]
    rows.remove(_row(doc, "expenditure", "2080505"))


def _within_rounding(doc: Doc) -> None:
    _row(doc, "income", "208")["total"] += Decimal("0.01")


def _no_total_row(doc: Doc) -> None:
    del _tables(doc)["income"]["total_row"]


def _expenditure_empty(doc: Doc) -> None:
    _tables(doc)["expenditure"] = {"empty": True, "statement": "本部门无此项支出。"}


def _duplicate_project(doc: Doc) -> None:
    rows = _tables(doc)["general_budget_project_expenditure"]["rows"]
    rows.append(copy.deepcopy(rows[0]))


def _share_off(doc: Doc) -> None:
    _narrative(doc)["general_budget_expenditure"]["by_function"][0]["share_percent"] += Decimal("0.01")


def _rate_from_nothing(doc: Doc) -> None:
    item = _narrative(doc)["general_budget_expenditure"]["by_function"][0]
    item["change"] = {"amount": item["amount"], "prior": Decimal("0.00"), "percent": Decimal(100)}


def _rate_alone(doc: Doc) -> None:
    _narrative(doc)["general_budget_expenditure"]["by_function"][0]["change"] = {"percent": Decimal(5)}


def _wrong_direction(doc: Doc) -> None:
    _narrative(doc)["income"]["change"]["direction"] = "下降"


def _wrong_year(doc: Doc) -> None:
    _narrative(doc)["income"]["change"]["base_year"] = 2020


def _wrong_change(doc: Doc) -> None:
    _narrative(doc)["three_public"]["item_changes"]["vehicle_purchase"]["amount"] = Decimal("1.00")


def _fund_table_emptied(doc: Doc) -> None:
    _tables(doc)["government_fund_expenditure"] = {"empty": True, "statement": "本部门无政府性基金预算支出。"}


@pytest.mark.parametrize(
    ("edit", "rule"),
    [
        (_duplicate_code, "cross.function-rows"),
        (_counterpart_missing, "cross.function-rows"),
        (_within_rounding, "cross.function-rows"),
        (_no_total_row, "cross.income-sources"),
        (_expenditure_empty, "cross.expenditure-nature"),
        (_expenditure_empty, "cross.function-rows"),
        (_duplicate_project, "project_expenditure.performance-amounts"),
        (_share_off, "narrative.general-budget-share"),
        (_rate_from_nothing, "narrative.change-base"),
        (_rate_alone, "narrative.change-rate"),
        (_wrong_direction, "narrative.change-direction"),
        (_wrong_year, "narrative.change-base-year"),
        (_wrong_change, "narrative.change-prior"),
        (_fund_table_emptied, "empty.government-fund"),
    ],
)
@pytest.mark.parametrize("strict", [False, True])
def test_unusual_shapes_are_unsure(edit: Callable[[Doc], None], rule: str, strict: bool) -> None:
    seen = verdicts(changed(edit), strict=strict)
    assert rule in seen, "the screen did not run"
    assert seen[rule] is None


# ------------------------------------------------------------------------------------------ the contract
GARBAGE: list[Any] = ["abc", "-", None, True, [], {}, 0, Decimal("-0"), Decimal("1E+3"), Decimal("0.004"), -7]


def _places(doc: Doc) -> Iterator[tuple[dict[str, Any], str]]:
    """Every (object, key) of the tables and the narrative whose value is a number or null."""
    todo: list[Any] = [_tables(doc), _narrative(doc)]
    while todo:
        node = todo.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, (dict, list)):
                todo.append(value)
            elif isinstance(node, dict) and (value is None or isinstance(value, (int, Decimal))):
                yield node, key


def _keeps_promise(doc: Doc, strict: bool) -> None:
    """Every screen of the family on ``doc``: unsure, or the interpreter's kind finds and notes nothing
    and checks something exactly when the screen counted something."""
    spec, engine = get_spec(), _engine()
    profile = spec.profiles[doc["profile"]]
    for rid, screen in engine.screens.items():
        compiled = engine.compiled[rid]
        if compiled.rule.kind not in FAMILY:
            continue
        with localcontext(ARITHMETIC):
            answer = screen(Context(spec, doc, profile, strict))
            ctx = Context(spec, doc, profile, strict)
            found = list(KINDS[compiled.rule.kind].run(ctx, compiled))
        if answer is not None:
            assert (found, ctx.unverifiable, ctx.absent_totals) == ([], [], 0), rid
            assert (answer > 0) == (ctx.checks > 0), rid


@pytest.mark.parametrize("value", GARBAGE, ids=repr)
def test_the_screens_keep_their_promise_on_any_value(value: Any) -> None:
    """Values the schema layer refuses (so no rule would run) in every numeric place in turn, a few
    places at a time: no screen raises, and a clean answer is always the interpreter's."""
    places = list(_places(BASE))
    for start in range(0, len(places), 7):
        doc = copy.deepcopy(BASE)
        for obj, key in list(_places(doc))[start : start + 7]:
            obj[key] = value
        for strict in (False, True):
            _keeps_promise(doc, strict)


def test_a_percentage_term_is_an_amount_where_the_interpreter_reads_one() -> None:
    """The screens take a field's amount-ness from the schema once; the interpreter asks per cell."""
    spec = get_spec()
    engine = _engine()
    for compiled in engine.compiled.values():
        if compiled.rule.kind not in ("percentage", "percentage_base") or compiled.prepared.scope is None:
            continue
        scope = compiled.prepared.scope
        for ptr, _ in scope.ref.resolve(BASE):
            for text in (*compiled.prepared.numerator, *(t for t, _ in compiled.prepared.denominator)):
                if ":" in text:
                    continue
                tokens = [*ptr.strip("/").split("/"), *text.split(".")]
                node = node_at(spec.labels, tokens)
                assert node is not None
                assert check_path(scope.node, text, text).amount == node.amount, (compiled.rule.id, text)
