"""Properties at the corners generated documents do not reach by themselves (issue 16, item 2).

Each property draws a valid corner directly (no ``assume``, no ``filter`` that rejects more than a rare
example) and asserts the exact findings, or their absence:

- documents of every size (``Size``, from one function leaf to the benchmark's large disclosure);
- blanks written as ``null`` and as whitespace-only strings, and the empty string the schema refuses;
- negative amounts where the domain allows them (a change against last year) and where it does not;
- the aliases of the legal 指标值类型 and near-misses that are not aliases;
- fiscal years at and next to each profile's range, and the next year where the fiscal year is required;
- illegal indicator values on every profile that prints performance targets.

The legal values, aliases and findings are written here from the regulations (DOMAIN.md, P-01..P-03,
S-04, S-06), not read from the compiled rules, so that a rule file that weakens them turns a test red.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from hypothesis import given, note
from hypothesis import strategies as st

from budget_disclosure import Severity, validate
from budget_disclosure import pointer as jp
from budget_disclosure.spec import get_spec

from .mutations import set_at
from .strategies import (
    BLANK_TEXT,
    PROFILES,
    Features,
    SeededChooser,
    build,
    documents,
    indicator_rows,
    profiles_with,
    profiles_years,
    shift_year,
    sizes,
)
from .support import leaf_pointers

SPEC = get_spec()
PERFORMANCE = profiles_with("project_performance")
CJK = st.text(alphabet="甲乙丙丁戊己庚辛壬癸天地玄黄宇宙洪荒日月盈昃", min_size=2, max_size=6)

# P-03: the legal 指标值类型 and the other ways the forms write them (ASCII and full-width).
VALUE_TYPES = ("≥", "≤", "=", ">", "<", "定性")
ALIASES = {">=": "≥", "=>": "≥", "<=": "≤", "=<": "≤", "＝": "=", "＞": ">", "＜": "<"}
# Not aliases: the wrong relation signs, a doubled or broken sign, a word. Each is an illegal 指标值类型.
NEAR_MISSES = ("≧", "≦", "≒", "≈", "≠", "==", "=>=", "≥≥", "> =", "》", "大于", "定量", "定性的")
# P-01: the legal 一级指标 (the 成本指标 from 2021: 财预〔2021〕101号).
LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")


def keyed(report: Any) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.pointer, f.severity.value) for f in report.findings)


def above_info(report: Any) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.pointer, f.severity.value) for f in report.findings if f.severity is not Severity.INFO)


def at(report: Any, pointer: str) -> list[tuple[str, str, str]]:
    return [k for k in above_info(report) if k[1] == pointer]


# ------------------------------------------------------------------------------------------ sizes
@given(data=st.data())
def test_documents_of_every_size_raise_nothing_above_info(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    size = data.draw(sizes(), label="size")
    doc = data.draw(documents(features=Features(profile=profile, size=size)), label="document")
    assert above_info(validate(doc)) == []


# ------------------------------------------------------------------------------------------ blanks
def _text_cells(doc: Any) -> list[tuple[str, str]]:
    """(indicator row, field) for every text field a row of the document prints (a key that is present)."""
    return [
        (row, field)
        for row in indicator_rows(doc)
        for field in ("level1", "level2", "level3", "value_type", "value", "unit", "scoring")
        if field in jp.resolve(doc, row)
    ]


@given(data=st.data())
def test_a_whitespace_cell_is_blank_and_an_empty_string_is_refused(data: Any) -> None:
    profile = data.draw(st.sampled_from(PERFORMANCE), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    row, field = data.draw(st.sampled_from(_text_cells(doc)), label="cell")
    here = jp.join(row, field)
    blank = keyed(validate(set_at(doc, here, None)))
    spaces = data.draw(BLANK_TEXT, label="spaces")
    note(f"{here}: null vs {spaces!r}")
    assert keyed(validate(set_at(doc, here, spaces))) == blank
    # An empty string is not a blank (docs/DATA_MODEL.md §2.3): the schema refuses it at its cell, and a
    # document the schema refuses is not checked further.
    assert above_info(validate(set_at(doc, here, ""))) == [("schema.value", here, "error")]


@given(data=st.data())
def test_a_whitespace_string_in_an_amount_cell_is_refused(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    here = data.draw(st.sampled_from(_amount_cells(doc)), label="cell")
    spaces = data.draw(BLANK_TEXT | st.just(""), label="spaces")
    # A blank amount is null; a string, even one of spaces only, is not an amount (schema.amount-type).
    assert above_info(validate(set_at(doc, here, spaces))) == [("schema.amount-type", here, "error")]


def _amount_cells(doc: Any, *, signed: bool = True) -> list[str]:
    """Every amount cell of the tables; without ``signed``, not the changes against last year (x-signed)."""
    from budget_disclosure.labels import node_at

    out = []
    for p in leaf_pointers(doc):
        node = node_at(SPEC.labels, jp.parse(p))
        if node is not None and node.amount and p.startswith("/tables/") and (signed or not node.signed):
            out.append(p)
    return out


# ------------------------------------------------------------------------------------------ negative amounts
@cache
def _seeds_with_changes(profile: str) -> list[int]:
    """Seeds whose document states a change with last year's figure (for a document drawn without one)."""
    return [s for s in range(60) if _stated_changes(build(SeededChooser(s), Features(profile=profile)))][:8]


def _stated_changes(doc: Any) -> list[str]:
    """Changes against last year that state the amount and last year's figure (so the current one is known)."""
    out = []
    for p in leaf_pointers(doc):
        if p.endswith("/prior"):
            change = jp.resolve(doc, p[: -len("/prior")])
            if all(isinstance(change.get(k), (int, Decimal)) for k in ("prior", "amount")) and change["prior"] > 0:
                out.append(p[: -len("/prior")])
    return out


def _places(value: Any) -> int:
    exponent = Decimal(value).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def as_decrease(doc: Any, pointer: str, units: int) -> Any:
    """The same document with the change at ``pointer`` a decrease of ``units`` written steps: the current
    figure (last year's plus the change) stays, last year's is written higher, the rate is recomputed."""
    change = dict(jp.resolve(doc, pointer))
    current = Decimal(change["prior"]) + Decimal(change["amount"])
    step = Decimal(1).scaleb(-_places(change["amount"]))
    amount = -units * step
    prior = current - amount
    change.update(amount=amount, prior=prior, direction="减少")
    if isinstance(change.get("percent"), (int, Decimal)):
        places = Decimal(1).scaleb(-_places(change["percent"]))
        change["percent"] = (amount * 100 / prior).quantize(places, rounding=ROUND_HALF_UP)
    return set_at(doc, pointer, change)


@given(data=st.data())
def test_a_decrease_against_last_year_is_a_legitimate_negative(data: Any) -> None:
    profile = data.draw(st.sampled_from([p for p in PROFILES if _seeds_with_changes(p)]), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    if not _stated_changes(doc):  # this draw states no such change: one of the profile's documents that does
        seed = data.draw(st.sampled_from(_seeds_with_changes(profile)), label="seed")
        doc = build(SeededChooser(seed), Features(profile=profile))
    pointer = data.draw(st.sampled_from(_stated_changes(doc)), label="change")
    units = data.draw(st.integers(1, 10_000), label="units")
    decreased = as_decrease(doc, pointer, units)
    note(f"{pointer}: {jp.resolve(decreased, pointer)}")
    assert jp.resolve(decreased, pointer + "/amount") < 0
    assert above_info(validate(decreased)) == []


@given(data=st.data())
def test_a_negative_budget_amount_is_caught_once_at_its_cell(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    here = data.draw(st.sampled_from(_amount_cells(doc, signed=False)), label="cell")
    value = -data.draw(st.integers(1, 10**9), label="amount")
    report = validate(set_at(doc, here, Decimal(value)))
    # S-06: budget amounts are not negative (only a change against last year is signed; none is drawn here).
    assert [k for k in keyed(report) if k[0] == "structure.amount-sign"] == [("structure.amount-sign", here, "error")]


# ------------------------------------------------------------------------------------------ aliases
def _typed_rows(doc: Any) -> list[str]:
    return [r for r in indicator_rows(doc) if isinstance(jp.resolve(doc, r).get("value_type"), str)]


@given(data=st.data())
def test_every_alias_of_a_value_type_is_read_as_its_value(data: Any) -> None:
    profile = data.draw(st.sampled_from(PERFORMANCE), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    here = jp.join(data.draw(st.sampled_from(_typed_rows(doc)), label="row"), "value_type")
    alias, canonical = data.draw(st.sampled_from(sorted(ALIASES.items())), label="alias")
    pad = data.draw(st.sampled_from(["", " ", "　"]), label="padding")
    note(f"{here}: {alias!r} for {canonical!r}")
    expected = keyed(validate(set_at(doc, here, canonical)))
    assert keyed(validate(set_at(doc, here, alias))) == expected
    assert keyed(validate(set_at(doc, here, pad + canonical + pad))) == expected


@given(data=st.data())
def test_a_near_miss_of_a_value_type_is_refused_once(data: Any) -> None:
    profile = data.draw(st.sampled_from(PERFORMANCE), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    here = jp.join(data.draw(st.sampled_from(_typed_rows(doc)), label="row"), "value_type")
    value = data.draw(st.sampled_from(NEAR_MISSES), label="value")
    assert at(validate(set_at(doc, here, value)), here) == [("indicators.value-type", here, "error")]


# ------------------------------------------------------------------------------------------ fiscal years
YEARS = profiles_years()


@given(data=st.data())
def test_each_end_of_a_profile_s_years_is_accepted(data: Any) -> None:
    profile, first, last = data.draw(st.sampled_from(YEARS), label="profile")
    year = data.draw(st.sampled_from([first] if last is None else [first, last]), label="year")
    doc = data.draw(documents(features=Features(profile=profile, year=year)), label="document")
    assert doc["metadata"]["fiscal_year"] == year
    assert above_info(validate(doc)) == []


@given(data=st.data())
def test_a_year_next_to_a_profile_s_years_is_refused_once(data: Any) -> None:
    profile, first, last = data.draw(st.sampled_from(YEARS), label="profile")
    ends = [(first, first - 1)] + ([] if last is None else [(last, last + 1)])
    edge, outside = data.draw(st.sampled_from(ends), label="years")
    doc = data.draw(documents(features=Features(profile=profile, year=edge)), label="document")
    # The same document, every year in it moved to the year outside the profile's range.
    moved = shift_year(doc, edge, outside)
    report = validate(moved)
    assert [k for k in above_info(report) if k[0].startswith("schema.")] == [
        ("schema.profile-year", "/metadata/fiscal_year", "error")
    ]


@given(data=st.data())
def test_the_year_next_to_the_fiscal_year_in_a_title_is_caught(data: Any) -> None:
    profile = data.draw(st.sampled_from(PROFILES), label="profile")
    doc = data.draw(documents(features=Features(profile=profile)), label="document")
    year = doc["metadata"]["fiscal_year"]
    titled = [
        jp.join("/tables", t, "title")
        for t, table in doc["tables"].items()
        if isinstance(table, dict) and f"{year}年" in str(table.get("title"))
    ]
    here = data.draw(st.sampled_from(titled), label="title")
    other = year + data.draw(st.sampled_from([1, -1]), label="offset")
    title = jp.resolve(doc, here).replace(f"{year}年", f"{other}年")
    before = set(above_info(validate(doc)))
    after = set(above_info(validate(set_at(doc, here, title))))
    # S-04: the year in every table title is the fiscal year; the next (or last) year is not tolerated.
    assert sorted(after - before) == [("structure.title-year", here, "error")]


# ------------------------------------------------------------------------------------------ illegal values
@given(data=st.data())
def test_an_illegal_indicator_value_is_caught_once_on_every_profile(data: Any) -> None:
    profile = data.draw(st.sampled_from(PERFORMANCE), label="profile")
    size = data.draw(st.none() | st.builds(_small_size, st.integers(1, 6)), label="size")
    doc = data.draw(documents(features=Features(profile=profile, size=size)), label="document")
    row = data.draw(st.sampled_from(_typed_rows(doc)), label="row")
    field = data.draw(st.sampled_from(["value_type", "level1", "level2"]), label="field")
    here = jp.join(row, field)
    # Illegal by construction: the words are drawn from an alphabet no legal value uses, the signs are
    # near-misses; a level1 must be one of P-01's, a value type one of P-03's.
    value = data.draw(CJK | st.sampled_from(NEAR_MISSES), label="value")
    assert value not in LEVEL1 and value not in VALUE_TYPES and value not in ALIASES
    rule = {"value_type": "indicators.value-type", "level1": "indicators.level1", "level2": "indicators.level2"}[field]
    assert at(validate(set_at(doc, here, value)), here) == [(rule, here, "error")]


def _small_size(n: int) -> Any:
    from .strategies import Size

    return Size(n, n, n)


# ------------------------------------------------------------------ a table with schema findings is not read
# Found by the whitespace properties above (ci profile): a rule went on reading a table the schema had refused.
def _seed() -> Any:
    import json

    from .support import SEED

    return json.loads(SEED.read_text(encoding="utf-8"))


def test_a_condition_on_a_refused_table_skips_its_rule() -> None:
    """``narrative.vehicles-no-purchase`` applies when the 三公 purchase is zero; a purchase cell the schema
    refuses ("") decides nothing: the rule is skipped and says why, it never reads "" as zero."""
    doc = _seed()
    doc["tables"]["three_public_expenses"]["total_row"]["vehicle_purchase"] = ""
    report = validate(doc)
    assert not [f for f in report.findings if f.rule.startswith("narrative.vehicles")]
    reasons = {s.rule: s.reason_en for s in report.skipped}
    assert "its condition reads table(s) with schema findings: three_public_expenses" in reasons.get(
        "narrative.vehicles-no-purchase", ""
    )


def test_a_pair_with_a_refused_side_is_not_compared() -> None:
    """``indicators.department-matches-project`` compares two tables; with every project value type refused
    (""), no department indicator is said to differ from it."""
    doc = _seed()
    for unit in doc["tables"]["project_performance"]["units"]:
        for project in unit["projects"]:
            for indicator in project["indicators"]:
                indicator["value_type"] = ""
    report = validate(doc)
    assert {f.rule for f in report.findings if f.pointer.startswith("/tables/department_performance")} & {
        "indicators.department-matches-project"
    } == set()
    assert "indicators.department-matches-project" not in report.applied
