"""Text the rules read: amounts written in indicator values, placeholders, statements.

Each test is named for the principle it proves. The amount properties draw an exact amount in 元 and
write it in every spelling the reader accepts (元, 千元, 万, 万元, 亿元; ≤, 不超过, 以内, 以下; %, ％, 百分之;
thousands separators; full-width digits), and hold the reader and the rules to one value for all of them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from budget_disclosure import validate
from budget_disclosure.rules.values import money_factors, reading_of
from budget_disclosure.spec import get_spec

from .support import CLEAN, SEED, load_json

MONEY = money_factors(get_spec().rules["indicators.cost-within-money"].params["money_units"])
_WIDE = str.maketrans("0123456789,.%", "０１２３４５６７８９，．％")


def _grouped(number: Decimal) -> str:
    """The number with thousands separators (1,234,567.5)."""
    whole, _, frac = format(number, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        whole, tail = whole[:-3], whole[-3:]
        groups.insert(0, tail)
    text = ",".join([whole, *groups])
    return sign + text + ("." + frac if frac else "")


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")


@st.composite
def amount_spellings(draw: Callable[[st.SearchStrategy[Any]], Any]) -> tuple[Decimal, str]:
    """(amount in 元, one way of writing "at most that amount") — unit, separators, width, comparator."""
    fen = draw(st.integers(1, 10**13))
    yuan = Decimal(fen).scaleb(-2)
    unit = draw(st.sampled_from(sorted(MONEY)))
    number = yuan / MONEY[unit]
    digits = draw(st.sampled_from([_plain, _grouped]))(number)
    if draw(st.booleans()):
        digits = digits.translate(_WIDE)
    blank = draw(st.sampled_from(["", " "]))
    body = f"{digits}{blank}{unit}"
    form = draw(st.sampled_from(["{}", "≤{}", "≤ {}", "<={}", "不超过{}", "{}以内", "{}以下", "不超过{}以内"]))
    return yuan, form.format(body)


@given(amount_spellings())
def test_every_spelling_of_an_amount_reads_to_the_same_yuan(spelled: tuple[Decimal, str]) -> None:
    yuan, text = spelled
    reading = reading_of(text, MONEY)
    assert reading is not None, text
    assert reading.yuan == yuan, (text, reading)
    assert reading.comparator in (None, "≤"), (text, reading)


@given(st.integers(0, 10**6), st.integers(0, 3), st.data())
def test_every_spelling_of_a_percentage_reads_to_the_same_number(units: int, places: int, data: Any) -> None:
    number = Decimal(units).scaleb(-places)
    digits = format(number, "f")
    forms = ["{}%", "{}％", "{} %", "百分之{}", "≥{}%", "{}%以上", "不低于{}%", "不少于百分之{}"]
    form = data.draw(st.sampled_from(forms))
    text = form.format(digits)
    if data.draw(st.booleans()):
        text = text.translate(_WIDE)
    reading = reading_of(text, MONEY)
    assert reading is not None and reading.number == number and reading.unit == "%", (text, reading)
    assert reading.factor is None
    assert reading.comparator in (None, "≥"), (text, reading)


@pytest.mark.parametrize(
    ("text", "comparator"),
    [("50万元以内", "≤"), ("50万元以下", "≤"), ("不超过50万元", "≤"), ("50万元以上", "≥"), ("不低于50万元", "≥"),
     ("不少于50万元", "≥"), ("≥50万元", "≥"), ("＞50万元", ">"), ("＝50万元", "="), ("50万元", None)],
)  # fmt: skip
def test_a_comparator_before_or_after_the_amount_is_read(text: str, comparator: str | None) -> None:
    reading = reading_of(text, MONEY)
    assert reading is not None and reading.comparator == comparator and reading.yuan == Decimal(500000)


@pytest.mark.parametrize("text", ["≥50万元以下", "不超过50万元以上", "五十万元", "50,00万元", "百分之50%"])
def test_text_that_is_not_one_amount_does_not_read(text: str) -> None:
    assert reading_of(text, MONEY) is None


def test_a_unit_outside_the_money_table_reads_as_a_number_but_not_as_money() -> None:
    for text in ("50千万元", "50万元左右以内", "50万美元"):
        reading = reading_of(text, MONEY)
        assert reading is not None and reading.number == 50 and reading.yuan is None, text


def test_the_reader_stays_linear_on_hostile_text() -> None:
    for text in ("不超过" * 30_000, "1" * 20_000 + "以内", "百分之" + "9" * 50_000, "１" * 100_000):
        assert reading_of(text, MONEY) is None


# -------------------------------------------------------------------------------- the rules agree
CLEAN_DOC = load_json(CLEAN)
COST = "/tables/project_performance/units/0/projects/1/indicators/0"  # 项目总成本 ≤ 243.21 万元, money 243.21


def _cost_findings(value: str, unit: str = "万元") -> set[tuple[str, str]]:
    doc = copy.deepcopy(CLEAN_DOC)
    row = doc["tables"]["project_performance"]["units"][0]["projects"][1]["indicators"][0]
    row["value"], row["unit"] = value, unit
    return {(f.rule, f.severity.value) for f in validate(doc).findings if f.pointer.startswith(COST)}


@given(st.sampled_from([Decimal("2432100"), Decimal("2000000"), Decimal("3000000"), Decimal("2500000")]), st.data())
def test_a_cost_target_gets_one_verdict_however_it_is_written(yuan: Decimal, data: Any) -> None:
    """The cost rules see the amount, not its spelling: every spelling of the same amount gets the
    findings the plain figure in the row's own unit (万元) gets, and none says the value is unreadable."""
    unit = data.draw(st.sampled_from(sorted(MONEY)), label="unit")
    digits = data.draw(st.sampled_from([_plain, _grouped]), label="digits")(yuan / MONEY[unit])
    form = data.draw(st.sampled_from(["{}", "不超过{}", "{}以内", "≤{}"]), label="form")
    spelled = form.format(digits + unit)
    if data.draw(st.booleans(), label="wide"):
        spelled = spelled.translate(_WIDE)
    plain = _cost_findings(_plain(yuan / MONEY["万元"]))
    assert _cost_findings(spelled) == plain, spelled
    assert ("indicators.cost-money-readable", "warning") not in plain


def test_a_cost_target_in_a_unit_the_table_lacks_is_reported_not_passed() -> None:
    assert _cost_findings("30", unit="千万元") == {("indicators.cost-money-readable", "warning")}
    # Written in the value on a 万元 row, 千万元 is not the row's unit: comparator-numeric says so, and
    # cost-money-readable, which presupposes a number (requires), adds no second finding on that cell.
    found = {rule for rule, _ in _cost_findings("30千万元")}
    assert "indicators.comparator-numeric" in found and "indicators.cost-money-readable" not in found


# -------------------------------------------------------------------------------- statements, placeholders
SEED_DOC = load_json(SEED)
EMPTY = "/tables/government_fund_expenditure/statement"  # the seed's one empty table
TABLES = get_spec().tables


def _statement_findings(statement: str) -> set[str]:
    doc = copy.deepcopy(SEED_DOC)
    doc["tables"]["government_fund_expenditure"]["statement"] = statement
    return {f.rule for f in validate(doc).findings if f.pointer == EMPTY}


@pytest.mark.parametrize(
    "title",
    sorted(
        {t for tid, info in TABLES.items() if tid != "government_fund_expenditure" for t in (info.title, *info.titles)}
    ),
)
def test_an_empty_statement_naming_any_title_of_another_table_is_reported(title: str) -> None:
    assert _statement_findings(f"本部门无{title}所列收支，故本表为空表。") == {"empty.statement-names-table"}


@pytest.mark.parametrize(
    "title", sorted({TABLES["government_fund_expenditure"].title, *TABLES["government_fund_expenditure"].titles})
)
def test_an_empty_statement_naming_its_own_table_by_any_title_is_silent(title: str) -> None:
    assert _statement_findings(f"本部门无{title}所列收支，故本表为空表。") == set()


PLACEHOLDERS = ["XX", "XXX", "ＸＸ", "××", "×××", "某某", "此处填写", "请填写", "待填写"]
GOAL = "/tables/project_performance/units/0/projects/0/goal"


def _goal_findings(goal: str) -> set[str]:
    doc = copy.deepcopy(CLEAN_DOC)
    doc["tables"]["project_performance"]["units"][0]["projects"][0]["goal"] = goal
    return {f.rule for f in validate(doc).findings if f.pointer == GOAL}


@given(
    st.sampled_from(PLACEHOLDERS),
    st.text(alphabet="保障平台运行完成年度任务，。", max_size=8),
    st.text(alphabet="保障平台运行完成年度任务，。0123456789", max_size=8),
)
def test_a_placeholder_anywhere_in_a_text_is_reported(word: str, before: str, after: str) -> None:
    assert _goal_findings(before + word + after) == {"structure.placeholder-text"}


@given(st.text(alphabet="保障平台运行完成年度任务，。0123456789XL×", max_size=20))
def test_text_without_placeholder_residue_is_silent(text: str) -> None:
    """Words, a single X or ×, and an X run inside a Latin word (XXL) are not template residue."""
    assume(text.strip() and not re.search(r"(?<![A-Za-z])[X×]{2,}(?![A-Za-z])", text))
    assert _goal_findings(text) == set()


# -------------------------------------------------------------------------------- the same indicator twice
DEPT_ROWS = "/tables/department_performance/indicators"


def _shared_findings(value: str, unit: str | None, value_type: str = "≥") -> set[tuple[str, str]]:
    """The department table repeats 系统可用率 (≥ 99 % in the project table) as written here."""
    doc = copy.deepcopy(CLEAN_DOC)
    rows = doc["tables"]["department_performance"]["indicators"]
    rows.append(
        {"level1": "产出指标", "level2": "质量指标", "level3": "系统可用率", "value_type": value_type, "value": value,
         "unit": unit, "explanation": "平台系统全年可用", "scoring": "按完成比例计分", "remark": "5"}
    )  # fmt: skip
    here = f"{DEPT_ROWS}/{len(rows) - 1}/"
    return {
        (f.rule, f.pointer.rsplit("/", 1)[-1])
        for f in validate(doc).findings
        if f.pointer.startswith(here) and f.rule == "indicators.department-matches-project"
    }


@given(st.data())
def test_the_same_indicator_written_another_way_agrees(data: Any) -> None:
    """99 on a % row, 99% with no unit, ９９％, 99.0 and >= for ≥ are all the project's ≥ 99 %."""
    number = data.draw(st.sampled_from(["99", "99.0", "99.00"]), label="number")
    value, unit = data.draw(
        st.sampled_from(
            [(number, "%"), (number, "％"), (number + "%", "-"), (number + "%", None), (number + "％", "—")]
        ),
        label="spelling",
    )
    if data.draw(st.booleans(), label="wide"):
        value = value.translate(_WIDE)
    value_type = data.draw(st.sampled_from(["≥", ">="]), label="type")
    assert _shared_findings(value, unit, value_type) == set()


@given(st.integers(0, 100).filter(lambda n: n != 99), st.sampled_from(["≤", "=", "定性"]))
def test_the_same_indicator_with_another_value_or_type_is_reported(number: int, value_type: str) -> None:
    assert _shared_findings(str(number), "%") == {("indicators.department-matches-project", "value")}
    assert _shared_findings("99", "%", value_type) == {("indicators.department-matches-project", "value_type")}
    assert _shared_findings("99", "次") == {("indicators.department-matches-project", "unit")}
