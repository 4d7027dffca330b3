"""The compiled engine's screens for the item kinds (``rules/compiled/items.py``) and fields_match
(``rules/compiled/pairs.py``): on small documents, a screen says clean exactly where the interpreter's
kind finds nothing and notes nothing unverifiable (with the same count of checks), and is unsure on each
unusual shape; the reports of both engines agree byte for byte."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from decimal import localcontext
from functools import cache
from typing import Any

import pytest

from budget_disclosure.amounts import ARITHMETIC
from budget_disclosure.api import validate
from budget_disclosure.reader import read
from budget_disclosure.rules.compiled.engine import CompiledEngine
from budget_disclosure.rules.context import Context
from budget_disclosure.rules.engines import get_engine
from budget_disclosure.rules.kinds import KINDS
from budget_disclosure.spec import get_spec
from budget_disclosure.synth import Features, build_seeded, to_json

Doc = dict[str, Any]


@cache
def _engine() -> CompiledEngine:
    engine = get_engine(get_spec(), "compiled")
    assert isinstance(engine, CompiledEngine)
    return engine


@cache
def _built(inline: bool) -> Doc:
    """A Changsha document with project details, unit tables and a department-wide table (or the
    performance forms that print the comparator and unit in the value)."""
    features = (
        Features(profile="hunan-changsha", inline_indicators=True)
        if inline
        else Features(profile="hunan-changsha", unit_tables=True, department_whole=True, project_details=True)
    )
    document: Doc = read(to_json(build_seeded(3, features)).encode()).document
    return document


def _doc(inline: bool = False) -> Doc:
    return copy.deepcopy(_built(inline))


def _screen(doc: Doc, rule: str, strict: bool = False) -> int | None:
    engine = _engine()
    ctx = Context(engine.spec, doc, engine.spec.profiles[doc["profile"]], strict)
    with localcontext(ARITHMETIC):
        return engine.screens[rule](ctx)


def _interpret(doc: Doc, rule: str, strict: bool = False) -> tuple[int, int, int]:
    """(checks, violations, reasons not verifiable) of the interpreter's kind for the rule."""
    engine = _engine()
    compiled = engine.compiled[rule]
    ctx = Context(engine.spec, doc, engine.spec.profiles[doc["profile"]], strict)
    with localcontext(ARITHMETIC):
        found = list(KINDS[compiled.rule.kind].run(ctx, compiled))
    return ctx.checks, len(found), len(ctx.unverifiable)


def _agree(doc: Doc) -> None:
    for strict in (False, True):
        a = validate(copy.deepcopy(doc), engine="interpreter", strict_arithmetic=strict).to_json()
        b = validate(copy.deepcopy(doc), engine="compiled", strict_arithmetic=strict).to_json()
        assert a == b


def _indicators(doc: Doc) -> Iterator[dict[str, Any]]:
    """Every indicator of the performance tables, projects first."""
    tables = doc["tables"]
    for unit in tables.get("project_performance", {}).get("units", []):
        for project in unit["projects"]:
            yield from project["indicators"]
    department = tables.get("department_performance", {})
    yield from department.get("indicators", [])
    for unit in department.get("units", []):
        yield from unit.get("indicators", [])


def _first(doc: Doc, test: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    return next(i for i in _indicators(doc) if test(i))


def _real(i: dict[str, Any]) -> bool:
    return bool(i.get("level3")) and i["level3"] not in ("无", "-", "/")


def _numeric(i: dict[str, Any]) -> bool:
    return _real(i) and i.get("value_type") in ("≥", "≤", "=") and i.get("unit") not in ("%", "万元")


def _percent(i: dict[str, Any]) -> bool:
    return _real(i) and i.get("unit") == "%"


def _total_cost(i: dict[str, Any]) -> bool:
    return i.get("level3") == "项目总成本"


def _output(i: dict[str, Any]) -> bool:
    return _real(i) and i["level1"] == "产出指标"


def _set(test: Callable[[dict[str, Any]], bool], field: str, value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        _first(doc, test)[field] = value

    return change


def _drop(test: Callable[[dict[str, Any]], bool], field: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        del _first(doc, test)[field]

    return change


def _title(doc: Doc) -> None:
    doc["tables"]["summary"]["title"] = doc["tables"]["summary"]["title"].replace("2024", "2023")


def _unit_name(suffix: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc["tables"]["income"]["unit_name"] = doc["metadata"]["unit_name"] + suffix

    return change


def _start_year(doc: Doc) -> None:
    project = doc["tables"]["project_performance"]["units"][0]["projects"][0]
    project["period"]["start_year"] = 2025


def _no_output(doc: Doc) -> None:
    project = doc["tables"]["project_performance"]["units"][0]["projects"][0]
    project["indicators"] = [i for i in project["indicators"] if i["level1"] != "产出指标"]


def _department_value(doc: Doc) -> None:
    """The department-wide indicator that has a project namesake states another value."""
    names = {
        i["level3"]
        for u in doc["tables"]["project_performance"]["units"]
        for p in u["projects"]
        for i in p["indicators"]
    }
    for indicator in doc["tables"]["department_performance"]["indicators"]:
        if indicator["level1"] == "产出指标" and indicator["level3"] in names:
            indicator["value"] = "12345"
            return
    raise AssertionError("no department indicator with a project namesake")


def _year(year: int) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc["metadata"]["fiscal_year"] = year

    return change


def _nothing(doc: Doc) -> None:
    pass


_FULL = "\u3000"  # a full-width space: a blank, like null

# (rule, change, the screen's expected answer, the inline form)
CASES: list[tuple[str, Callable[[Doc], None], str, bool]] = [
    ("indicators.value-type", _nothing, "clean", False),
    ("indicators.value-type", _set(_numeric, "value_type", ">="), "clean", False),
    ("indicators.value-type", _set(_numeric, "value_type", "=>"), "clean", False),
    ("indicators.value-type", _set(_numeric, "value_type", f" ≥{_FULL}"), "clean", False),
    ("indicators.value-type", _set(_numeric, "value_type", _FULL), "clean", False),
    ("indicators.value-type", _set(_numeric, "value_type", "≧"), "unsure", False),
    ("indicators.value-type", _set(_numeric, "value_type", "定 性"), "unsure", False),
    ("indicators.value-type-missing", _nothing, "clean", False),
    ("indicators.value-type-missing", _set(_numeric, "value_type", _FULL), "unsure", False),
    ("indicators.value-type-missing", _set(_numeric, "value_type", None), "unsure", False),
    ("indicators.value-type-missing", _drop(_numeric, "value_type"), "unsure", False),
    ("indicators.value-type-missing", _set(_numeric, "level3", _FULL), "clean", False),
    ("indicators.comparator-numeric", _nothing, "clean", False),
    ("indicators.comparator-numeric", _set(_numeric, "value", "９５"), "clean", False),
    ("indicators.comparator-numeric", _set(_numeric, "value", "1,000"), "clean", False),
    ("indicators.comparator-numeric", _set(_numeric, "value", "1,00"), "unsure", False),
    ("indicators.comparator-numeric", _set(_numeric, "value", "abc"), "unsure", False),
    ("indicators.comparator-numeric", _set(_numeric, "value", "2024年"), "unsure", False),
    ("indicators.comparator-numeric", _set(_numeric, "value", _FULL), "unsure", False),
    ("indicators.comparator-numeric", _set(_numeric, "value", "95%"), "clean", False),
    ("indicators.comparator-numeric", _set(_numeric, "value", "95公斤"), "unsure", False),
    ("indicators.percent-range", _nothing, "clean", False),
    ("indicators.percent-range", _set(_percent, "value", "100"), "clean", False),
    ("indicators.percent-range", _set(_percent, "value", "100.04"), "unsure", False),
    ("indicators.percent-range", _set(_percent, "value", "101"), "unsure", False),
    ("indicators.percent-range", _set(_percent, "value", "-1"), "unsure", False),
    ("indicators.cost-within-money", _nothing, "clean", False),
    (
        "indicators.cost-within-money",
        _set(_total_cost, "value", "1.5亿元"),
        "unsure",
        False,
    ),
    (
        "indicators.cost-money-readable",
        _set(_total_cost, "value", "12公斤"),
        "unsure",
        False,
    ),
    ("indicators.level1", _nothing, "clean", False),
    ("indicators.level1", _set(_real, "level1", f"产出指标{_FULL}"), "clean", False),
    ("indicators.level1", _set(_real, "level1", "产出"), "unsure", False),
    ("indicators.level1", _year(1999), "unsure", False),
    (
        "indicators.level2",
        _set(_output, "level2", "不存在指标"),
        "unsure",
        False,
    ),
    ("indicators.coverage", _nothing, "clean", False),
    ("indicators.coverage", _no_output, "unsure", False),
    ("indicators.placeholder", _nothing, "clean", False),
    ("indicators.placeholder", _set(_real, "level3", " 无 "), "unsure", False),
    ("indicators.level3-looks-like-value", _set(_real, "level3", "95%"), "unsure", False),
    ("indicators.scoring-present", _set(_real, "scoring", _FULL), "unsure", False),
    ("indicators.direction", _set(lambda i: _real(i) and "满意度" in i["level3"], "value_type", "≤"), "unsure", False),
    ("structure.title-year", _nothing, "clean", False),
    ("structure.title-year", _title, "unsure", False),
    ("structure.unit-name", _unit_name("本级"), "clean", False),
    ("structure.unit-name", _unit_name("分局"), "unsure", False),
    ("performance.project-period-years", _nothing, "clean", False),
    ("performance.project-period-years", _start_year, "unsure", False),
    ("indicators.department-matches-project", _nothing, "clean", False),
    ("indicators.department-matches-project", _department_value, "unsure", False),
    ("indicators.inline-comparator", _nothing, "clean", True),
    ("indicators.inline-comparator", _set(lambda i: "value_type" not in i and _real(i), "value", "≈5"), "unsure", True),
    ("indicators.inline-numeric", _nothing, "clean", True),
    ("indicators.inline-direction", _nothing, "clean", True),
    (
        "indicators.inline-direction",
        _set(lambda i: "value_type" not in i and "满意度" in (i.get("level3") or ""), "value", "≤90%"),
        "unsure",
        True,
    ),
    ("indicators.inline-rate-unit", _nothing, "clean", True),
]


@pytest.mark.parametrize(("rule", "change", "expected", "inline"), CASES)
def test_screen(rule: str, change: Callable[[Doc], None], expected: str, inline: bool) -> None:
    doc = _doc(inline)
    change(doc)
    for strict in (False, True):
        checks, violations, unverifiable = _interpret(doc, rule, strict)
        found = _screen(doc, rule, strict)
        if expected == "clean":
            assert (checks, violations, unverifiable) == (found, 0, 0)
            assert found, "a clean case that checks nothing proves little"
        else:
            assert found is None
            assert violations or unverifiable
    _agree(doc)


def test_the_screens_are_compiled() -> None:
    """Every rule of the family has a screen (none is left to the interpreter by its parameters)."""
    engine = _engine()
    kinds = {"allowed_values", "numeric_value", "bounds", "present", "pattern"}
    kinds |= {"indicator_levels", "coverage", "year_in_text", "fields_match"}
    missing = [rid for rid, c in engine.compiled.items() if c.rule.kind in kinds and rid not in engine.screens]
    assert missing == []


def test_a_surprise_is_unsure() -> None:
    """A value no reader foresaw (an integer too long to print as text) makes the screen unsure: it never
    raises (whatever the interpreter then makes of it)."""
    doc = _doc()
    _first(doc, _numeric)["value"] = 10**5000
    assert _screen(doc, "indicators.comparator-numeric") is None
