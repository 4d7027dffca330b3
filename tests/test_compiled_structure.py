"""The compiled engine's screens for the structure and code kinds (rules/compiled/structure.py, codes.py).

Each case takes a clean generated document, changes one thing and asks two questions: do both engines
report the same, and does the rule's screen give the answer it must (a count on a clean shape, None —
unsure — on an unusual one, where the interpreter then runs the rule)?
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import pytest

from budget_disclosure.amounts import ARITHMETIC
from budget_disclosure.api import validate
from budget_disclosure.reader import read
from budget_disclosure.rules.compiled.structure import first_characters
from budget_disclosure.rules.context import Context
from budget_disclosure.rules.engines import get_engine
from budget_disclosure.spec import get_spec
from budget_disclosure.synth import Features, build_seeded, to_json

KINDS = ("text_scan", "amount_precision", "amount_sign", "empty_statement", "table_title")
CODE_KINDS = ("code_hierarchy", "code_list", "codes_match")


@pytest.fixture(scope="module")
def clean() -> dict[str, Any]:
    built = build_seeded(1, Features(profile="hunan-changsha"))
    return read(to_json(built).encode()).document  # type: ignore[no-any-return]


def verdict(document: dict[str, Any], rule: str) -> int | None:
    """What the rule's screen says about the document (as the engine asks it: nothing excluded yet)."""
    spec = get_spec()
    engine = get_engine(spec, "compiled")
    with localcontext(ARITHMETIC):
        ctx = Context(spec, document, spec.profiles[document["profile"]], False)
        return engine.screens[rule](ctx)  # type: ignore[attr-defined,no-any-return]


def agree(document: dict[str, Any]) -> None:
    for strict in (False, True):
        a = validate(copy.deepcopy(document), engine="interpreter", strict_arithmetic=strict).to_json()
        b = validate(copy.deepcopy(document), engine="compiled", strict_arithmetic=strict).to_json()
        assert a == b


def changed(clean: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    document = copy.deepcopy(clean)
    change(document)
    return document


def test_every_screen_passes_the_clean_document(clean: dict[str, Any]) -> None:
    spec = get_spec()
    engine = get_engine(spec, "compiled")
    ours = [
        c.rule.id
        for c in engine.rules_for(clean["profile"])  # type: ignore[attr-defined]
        if c.rule.kind in KINDS + CODE_KINDS
    ]
    assert ours
    unsure = [rule for rule in ours if verdict(clean, rule) is None]
    assert unsure == []
    assert verdict(clean, "structure.placeholder-text")
    assert verdict(clean, "structure.amount-precision")
    agree(clean)


def _tables(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["tables"]  # type: ignore[no-any-return]


def _rows(doc: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return _tables(doc)[table]["rows"]  # type: ignore[no-any-return]


def _set(table: str, i: int, column: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        _rows(doc, table)[i][column] = value

    return change


CASES: list[tuple[str, str, Callable[[dict[str, Any]], Any], bool]] = [
    # (rule, what, change, the screen is sure)
    ("structure.placeholder-text", "residue in a name", _set("expenditure", 1, "name", "XX事务"), False),
    (
        "structure.placeholder-text",
        "residue deep in the narrative",
        lambda d: d["narrative"].update(x=[[{"y": "某某"}]]),
        False,
    ),
    (
        "structure.placeholder-text",
        "residue in the metadata",
        lambda d: d["metadata"].update(unit_name="此处填写"),
        False,
    ),
    ("structure.placeholder-text", "XX inside a word", _set("expenditure", 1, "name", "ABXXC事务"), True),
    (
        "structure.placeholder-text",
        "a character of a residue alone",
        _set("expenditure", 1, "name", "待分配事务"),
        True,
    ),
    ("structure.amount-precision", "three decimals", _set("expenditure", 0, "total", Decimal("658.995")), False),
    ("structure.amount-precision", "a trailing zero", _set("expenditure", 0, "total", Decimal("658.990")), True),
    ("structure.amount-precision", "an exponent", _set("expenditure", 0, "total", Decimal("6E+2")), True),
    ("structure.amount-precision", "a tiny exponent", _set("expenditure", 0, "total", Decimal("6E-9")), False),
    ("structure.amount-precision", "a text in an amount cell", _set("expenditure", 0, "total", "658.995"), True),
    (
        "structure.amount-precision",
        "a table's own precision",
        lambda d: (
            _tables(d)["expenditure"].update(amounts={"precision": 3}),
            _set("expenditure", 0, "total", Decimal("658.995"))(d),
        ),
        True,
    ),
    (
        "structure.amount-precision",
        "another table's own precision",
        lambda d: (
            _tables(d)["income"].update(amounts={"precision": 3}),
            _set("expenditure", 0, "total", Decimal("658.995"))(d),
        ),
        False,
    ),
    (
        "structure.amount-precision",
        "a column's precision",
        lambda d: (d["amounts"].update(columns={"total": 3}), _set("expenditure", 0, "total", Decimal("658.995"))(d)),
        True,
    ),
    (
        "structure.amount-precision",
        "beyond a column's precision",
        lambda d: (d["amounts"].update(columns={"total": 3}), _set("expenditure", 0, "basic", Decimal("658.995"))(d)),
        False,
    ),
    ("structure.amount-sign", "a negative amount", _set("expenditure", 0, "total", Decimal("-1")), False),
    ("structure.amount-sign", "a negative integer", _set("expenditure", 0, "basic", -1), False),
    ("structure.amount-sign", "minus zero", _set("expenditure", 0, "total", Decimal("-0.00")), True),
    ("structure.amount-sign", "a boolean", _set("expenditure", 0, "total", True), True),
    (
        "classification.function-unique",
        "a repeated row",
        lambda d: _rows(d, "expenditure").append(_rows(d, "expenditure")[-1]),
        False,
    ),
    ("classification.function-order", "rows swapped", lambda d: _rows(d, "expenditure").reverse(), False),
    ("classification.function-parent", "a 款 row dropped", lambda d: _rows(d, "expenditure").pop(1), False),
    ("classification.function-parent", "a code that is a number", _set("expenditure", 2, "code", 2011301), True),
    ("classification.function-children", "the 项 rows dropped", lambda d: _rows(d, "expenditure").pop(2), False),
    ("classification.function-known", "an unknown code", _set("expenditure", 2, "code", "2011388"), False),
    ("classification.function-name", "a wrong name", _set("expenditure", 0, "name", "一般公共服务"), False),
    (
        "classification.function-name",
        "a name as names compare",
        _set("expenditure", 0, "name", "一般公共服务支出 "),
        True,
    ),
    ("classification.former-name", "a wrong name", _set("expenditure", 0, "name", "一般公共服务"), False),
    ("classification.function-known", "no fiscal year", lambda d: d["metadata"].pop("fiscal_year"), False),
    ("cross.function-codes", "a code in one table only", lambda d: _rows(d, "income").pop(2), False),
    (
        "empty.statement",
        "an empty table without a statement",
        lambda d: (
            _tables(d).update(government_fund_expenditure={"empty": True}),
            d["metadata"].pop("empty_table_statement"),
        ),
        False,
    ),
    (
        "empty.statement",
        "an empty table and the blanket statement",
        lambda d: _tables(d).update(government_fund_expenditure={"empty": True}),
        True,
    ),
    (
        "empty.statement-names-table",
        "a statement naming another table",
        lambda d: _tables(d).update(
            government_fund_expenditure={"empty": True, "statement": "本部门无国有资本经营预算支出表数据"}
        ),
        False,
    ),
    (
        "empty.statement-names-table",
        "a statement naming its own table",
        lambda d: _tables(d).update(
            government_fund_expenditure={"empty": True, "statement": "本部门无政府性基金预算支出"}
        ),
        True,
    ),
    ("structure.table-title", "a title not transcribed", lambda d: _tables(d)["income"].update(title=" "), False),
    ("structure.table-title", "another title", lambda d: _tables(d)["income"].update(title="2024年部门收入表"), False),
    (
        "structure.table-title",
        "a title broken over lines",
        lambda d: _tables(d)["income"].update(title="2024年部门收入\n总体情况表"),
        True,
    ),
]


@pytest.mark.parametrize(("rule", "what", "change", "sure"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_screen(
    clean: dict[str, Any], rule: str, what: str, change: Callable[[dict[str, Any]], Any], sure: bool
) -> None:
    document = changed(clean, change)
    assert (verdict(document, rule) is not None) is sure, what
    agree(document)


@pytest.mark.parametrize(
    ("pattern", "chars"),
    [
        (r"(?<![A-Za-z])[XＸ×]{2,}+(?![A-Za-z])|某某|此处填写", set("XＸ×某此")),
        (r"(?:ab|c)d", set("ac")),
        (r"\bfoo", {"f"}),
        (r"x*y", None),  # may begin with y or x: not told
        (r".x", None),
        (r"(?i)abc", None),
        (r"[^a]b", None),
        (r"[a-c]x|某", set("abc某")),  # a range gives every character in it, both ends included
        ("[\x01-\u0100]", {chr(c) for c in range(1, 257)}),  # 256 characters: still a pre-filter
        ("[\x00-\u0100]", None),  # 257: wider than _WIDEST_RANGE, no use as a pre-filter
    ],
)
def test_first_characters(pattern: str, chars: set[str] | None) -> None:
    found = first_characters(re.compile(pattern))
    assert (set(found) if found is not None else None) == chars
