"""Changes against last year in the narrative (the ``change`` kind and the narrative.change-* rules).

1. Real phrasings, transcribed into the model, raise no false finding, and their real slips are found:
   a 2025 Guangxi county text in 元 (per function class, with a rate divided by the current figure and a
   rate rounded the wrong way), the 2025 市级 三公 text of 绵竹市 (prior, amount, rate, 持平), a 2019
   市本级 三公 text (同口径比2018年), and the seed.
2. Properties: figures computed exactly and each rounded once to its printed precision never fail, whatever
   the sign of the change and with a zero base; moving the printed change or rate one step beyond what
   rounding allows fires the rule for it, and only that rule.
"""

from __future__ import annotations

import copy
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from hypothesis import assume, given, note
from hypothesis import strategies as st

from budget_disclosure import Severity, validate

from .support import CLEAN, SEED, load_json

CHANGE_RULES = (
    "narrative.change-prior",
    "narrative.change-rate",
    "narrative.change-base",
    "narrative.change-direction",
    "narrative.change-base-year",
)
# The per-figure rules of the totals, which the real 三公 texts exercise too.
TOTAL_RULES = (
    "narrative.income-change-rate",
    "narrative.income-change-base",
    "narrative.income-change-prior",
    "narrative.expenditure-change-rate",
    "narrative.expenditure-change-base",
    "narrative.expenditure-change-prior",
    "narrative.three-public-change-rate",
    "narrative.three-public-change-base",
    "narrative.three-public-change-prior",
)
D = Decimal


def _base(unit: str = "万元", fiscal_year: int = 2024) -> Any:
    doc = load_json(CLEAN)
    doc["narrative"]["amounts"] = {"unit": unit, "precision": "as_written"}
    doc["metadata"]["fiscal_year"] = fiscal_year
    return doc


def _findings(doc: Any, *, rules: tuple[str, ...] = CHANGE_RULES) -> list[tuple[str, str, Severity]]:
    report = validate(doc, select=list(rules))
    return sorted((f.rule, f.pointer, f.severity) for f in report.findings if f.rule in rules)


def _errors(doc: Any) -> list[tuple[str, str, Severity]]:
    """The findings beyond information (a difference within rounding is information, never more)."""
    return [f for f in _findings(doc) if f[2] is not Severity.INFO]


def _skipped(doc: Any) -> list[str]:
    report = validate(doc, select=list(CHANGE_RULES))
    return sorted(s.rule for s in report.skipped)


# ------------------------------------------------------------------------------------ 1 · real texts
def test_a_county_text_in_yuan_by_function_class() -> None:
    """A 2025 Guangxi county department (梧州 预决算公开平台, 2025 部门预算), amounts in 元:

    文化旅游体育与传媒支出 850088.3元，同比减少54357.12元，下降6.00%  — 54357.12 ÷ 904445.42 is 6.0100%:
        a slip (the same text rounds 4.026% to 4.03, so this is no truncation policy);
    社会保障和就业支出 116433.12元，同比增加16803.36元，增长14.43% — 14.43% is the rise over the *current*
        figure; over last year's 99629.76元 it is 16.87%: a slip;
    卫生健康支出 43897.73元，同比减少6014.46元，下降12.05%; 住房保障支出 74784.48元，同比增加62.16元，增长0.083%;
    一般公共预算支出 1085203.63元，同比减少43506.06元，下降3.85%; 基本支出 1037103.63元，同比减少43506.06元，
    下降4.03%; 项目支出 48100元，同比无增减变化 — all right.
    """
    doc = _base("元", 2025)
    rows = [
        ("207", "文化旅游体育与传媒支出", "850088.3", "-54357.12", "-6.00", "下降"),
        ("208", "社会保障和就业支出", "116433.12", "16803.36", "14.43", "增加"),
        ("210", "卫生健康支出", "43897.73", "-6014.46", "-12.05", "减少"),
        ("221", "住房保障支出", "74784.48", "62.16", "0.083", "增加"),
    ]
    doc["narrative"]["expenditure"]["by_function"] = [
        {"code": c, "name": n, "amount": D(a), "change": {"amount": D(ch), "percent": D(p), "direction": w}}
        for c, n, a, ch, p, w in rows
    ]
    gbe = doc["narrative"]["general_budget_expenditure"]
    gbe.update(
        total=D("1085203.63"),
        change={"amount": D("-43506.06"), "percent": D("-3.85"), "direction": "减少"},
        basic=D("1037103.63"),
        basic_change={"amount": D("-43506.06"), "percent": D("-4.03"), "direction": "减少"},
        project=D("48100"),
        project_change={"direction": "持平"},
    )
    assert _findings(doc) == [
        ("narrative.change-rate", "/narrative/expenditure/by_function/0/change/percent", Severity.ERROR),
        ("narrative.change-rate", "/narrative/expenditure/by_function/1/change/percent", Severity.ERROR),
    ]


def test_a_three_public_text_with_last_years_figure() -> None:
    """绵竹市 2025 市级“三公”经费预算 (绵竹市财政局): 总额1969万元，较2024年的2190万元减少221万元，下降10.1%；
    因公出国（境）经费40万元，较上年持平；公务接待费242万元，较上年减少12万元，下降4.7%；
    公务用车购置及运行维护费1687万元，较上年减少209万元，下降11%. Every figure is right."""
    doc = _base("万元", 2025)
    doc["narrative"]["three_public"] = {
        "total": D(1969),
        "reception": D(242),
        "overseas_travel": D(40),
        "vehicles": D(1687),
        "change": {"prior": D(2190), "amount": D(-221), "percent": D("-10.1"), "direction": "减少", "base_year": 2024},
        "item_changes": {
            "overseas_travel": {"direction": "持平"},
            "reception": {"amount": D(-12), "percent": D("-4.7"), "direction": "减少"},
            "vehicles": {"amount": D(-209), "percent": D(-11), "direction": "减少"},
        },
    }
    assert _findings(doc, rules=CHANGE_RULES + TOTAL_RULES) == []


def test_a_like_for_like_comparison_with_a_named_year() -> None:
    """A 2019 市本级 三公 text: 3328万元，同口径比2018年减少830万元，下降20%；因公出国（境）费50万元，减少9万元，
    下降15.3%；公务接待费478万元，减少38万元，下降7.4%. Right, with the year compared with printed. The
    same text left over in a 2020 document names the wrong year."""
    doc = _base("万元", 2019)
    doc["narrative"]["three_public"] = {
        "total": D(3328),
        "reception": D(478),
        "overseas_travel": D(50),
        "vehicles": D(2800),
        "change": {"amount": D(-830), "percent": D(-20), "direction": "减少", "base_year": 2018},
        "item_changes": {
            "overseas_travel": {"amount": D(-9), "percent": D("-15.3"), "direction": "减少", "base_year": 2018},
            "reception": {"amount": D(-38), "percent": D("-7.4"), "direction": "减少", "base_year": 2018},
        },
    }
    assert _findings(doc, rules=CHANGE_RULES + TOTAL_RULES) == []
    doc["metadata"]["fiscal_year"] = 2020
    assert [(r, p) for r, p, _ in _findings(doc)] == [
        ("narrative.change-base-year", "/narrative/three_public/change/base_year"),
        ("narrative.change-base-year", "/narrative/three_public/item_changes/overseas_travel/base_year"),
        ("narrative.change-base-year", "/narrative/three_public/item_changes/reception/base_year"),
    ]


def test_the_seed_states_its_changes_without_a_defect() -> None:
    """收入较去年减少198.10万元，下降7.88%；支出同；“三公”经费预算较2023年减少0.10万元: all consistent."""
    doc = load_json(SEED)
    assert doc["narrative"]["three_public"]["change"]["base_year"] == 2023
    assert _findings(doc, rules=CHANGE_RULES + TOTAL_RULES) == []


def test_a_rate_stated_alone_is_not_verifiable() -> None:
    doc = _base()
    doc["narrative"]["training_expenses_change"] = {"percent": D(5), "direction": "增长"}
    assert _findings(doc) == []
    assert _skipped(doc) == ["narrative.change-rate"]


def test_outturn_and_final_accounts_are_told_apart() -> None:
    """比2022年决算数 in a 2024 budget is right (the latest closed accounts); 比2022年预算数 is not."""
    doc = _base()
    by_function = doc["narrative"]["expenditure"]["by_function"]
    by_function[0]["change"] = {"amount": D("5.19"), "base_year": 2022, "compared_with": "决算数"}
    by_function[1]["change"] = {"amount": D("5.68"), "base_year": 2023, "compared_with": "执行数"}
    assert _findings(doc) == []
    by_function[0]["change"]["compared_with"] = "预算数"
    assert [p for _, p, _ in _findings(doc)] == ["/narrative/expenditure/by_function/0/change/base_year"]


# ------------------------------------------------------------------------------------ 2 · properties
# Where a change can stand: (pointer of the current figure, pointer of its change object).
SUBJECTS = (
    ("/narrative/expenditure/by_function/0/amount", "/narrative/expenditure/by_function/0/change"),
    ("/narrative/general_budget_expenditure/project", "/narrative/general_budget_expenditure/project_change"),
    ("/narrative/three_public/reception", "/narrative/three_public/item_changes/reception"),
    ("/narrative/operating_expenses", "/narrative/operating_expenses_change"),
)
WORDS = {1: ("增加", "增长", "上升"), -1: ("减少", "下降", "降低"), 0: ("持平",)}


def _put(doc: Any, pointer: str, value: Any) -> None:
    *path, last = pointer.strip("/").split("/")
    node = doc
    for token in path:
        node = node[int(token)] if isinstance(node, list) else node.setdefault(token, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _print(value: Fraction, places: int) -> Decimal:
    """The value rounded once to ``places`` decimals, 四舍五入, as printed."""
    exact = D(value.numerator) / D(value.denominator)
    return exact.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


@st.composite
def changes(draw: Any, require: frozenset[str] = frozenset()) -> dict[str, Any]:
    """True figures in 元 (as 万元 fractions), each printed once at its own precision. A figure written as
    zero means none at all in the narrative, so a true current or prior figure is zero or prints non-zero;
    a change may round to zero (it is then a rounding). ``require`` names the statements (``prior``,
    ``amount``, ``percent``) every drawn example makes, and ``apart`` asks for a current figure apart from a
    prior one above zero: a test that needs them draws them, never filters them (a rate needs a prior
    figure above zero)."""
    places = draw(st.integers(0, 2), label="places of the amounts")
    pct_places = draw(st.integers(0, 3), label="places of the rate")
    step = Fraction(1, 10**places)

    def figure(label: str, nonzero: bool = False) -> Fraction:
        zero = not nonzero and draw(st.booleans(), label=f"{label} is zero")
        if zero:
            return Fraction(0)
        return draw(st.integers(int(step * 10000 / 2) + 1, 10**9), label=label) * Fraction(1, 10000)

    current, prior = figure("current (元)"), figure("prior (元)", nonzero=bool(require & {"percent", "apart"}))
    relations = ["apart"] if "apart" in require else ["apart", "equal", "within a step"]
    relation = draw(st.sampled_from(relations), label="current against prior")
    if relation == "equal":
        current = prior
    elif relation == "within a step" and prior > 2 * step:
        # A change smaller than a step: the two figures may print alike, or a step apart either way.
        tenth_mils = int(step * 10000)
        current = prior + draw(st.integers(-tenth_mils + 1, tenth_mils - 1), label="change (元)") * Fraction(1, 10000)
    change = current - prior
    out: dict[str, Any] = {
        "places": places,
        "pct_places": pct_places,
        "current": _print(current, places),
        "true": (current, prior),
    }
    stated: dict[str, Any] = {}
    if "prior" in require or draw(st.booleans(), label="prior stated"):
        stated["prior"] = _print(prior, places)
    if "amount" in require or draw(st.booleans(), label="amount stated"):
        stated["amount"] = _print(change, places)
    if prior > 0 and ("percent" in require or draw(st.booleans(), label="rate stated")):
        stated["percent"] = _print(change / prior * 100, pct_places)
    elif prior == 0 and change == 0 and draw(st.booleans(), label="0% stated"):
        stated["percent"] = D(0).quantize(D(1).scaleb(-pct_places))
    sign = (change > 0) - (change < 0)
    if draw(st.booleans(), label="direction stated"):
        stated["direction"] = draw(st.sampled_from(WORDS[sign]), label="word")
    if draw(st.booleans(), label="year stated"):
        stated["base_year"] = 2023
    out["stated"] = stated
    return out


def _document(subject: tuple[str, str], figures: dict[str, Any]) -> Any:
    doc = _base()
    current, at = subject
    _put(doc, current, figures["current"])
    _put(doc, at, copy.deepcopy(figures["stated"]))
    return doc


def test_a_change_smaller_than_a_step_may_print_alike() -> None:
    """97.3万元 against 97.0万元, or 96.9 against 97.2, prints 97 and 97: 增加, 减少 and 持平 are all right
    (rounding may hide a rise or a fall, and one quantity prints alike). 97 against 96 is a rise: rounding
    never reverses an order, so 减少 is wrong there, and 持平 too (one quantity never prints apart)."""
    for subject in SUBJECTS:
        for prior, word, found in (
            (97, "增加", []),
            (97, "减少", []),
            (97, "持平", []),
            (96, "增加", []),
            (96, "减少", ["narrative.change-direction"]),
            (96, "持平", ["narrative.change-direction"]),
        ):
            doc = _document(subject, {"current": D(97), "stated": {"prior": D(prior), "direction": word}})
            assert [r for r, _, _ in _findings(doc)] == found, (subject, prior, word)


@given(subject=st.sampled_from(SUBJECTS), figures=changes())
def test_changes_rounded_once_never_fail(subject: tuple[str, str], figures: dict[str, Any]) -> None:
    note(repr(figures))
    assert _errors(_document(subject, figures)) == []


@given(
    subject=st.sampled_from(SUBJECTS),
    figures=changes(frozenset({"prior", "amount"})),
    steps=st.integers(2, 50),
    sign=st.sampled_from([1, -1]),
)
def test_a_change_moved_beyond_rounding_fires(
    subject: tuple[str, str], figures: dict[str, Any], steps: int, sign: int
) -> None:
    """Current, prior and change carry half a step each: 1.5 steps; two steps or more is beyond them."""
    stated = figures["stated"]
    stated.pop("percent", None)
    stated.pop("direction", None)
    stated["amount"] += sign * steps * D(1).scaleb(-figures["places"])
    at = subject[1] + "/amount"
    assert _errors(_document(subject, figures)) == [("narrative.change-prior", at, Severity.ERROR)]


@given(
    subject=st.sampled_from(SUBJECTS), figures=changes(frozenset({"prior", "percent"})), sign=st.sampled_from([1, -1])
)
def test_a_rate_moved_beyond_rounding_fires(subject: tuple[str, str], figures: dict[str, Any], sign: int) -> None:
    """The rate the printed figures allow is bounded by the corners of their intervals (a positive base);
    a rate one step of its own precision beyond them, and beyond its own rounding, is an error."""
    stated = figures["stated"]
    places, q = figures["places"], figures["pct_places"]
    half = Fraction(1, 2 * 10**places)
    current = Fraction(figures["current"])
    cur_half = half if current else Fraction(0)  # a current figure written as zero is exact
    if "amount" in stated:
        n, nh = Fraction(stated["amount"]), half
        d, dh = current - n, cur_half + half
    else:
        prior = Fraction(stated["prior"])
        prior_half = half if prior else Fraction(0)
        n, nh = current - prior, cur_half + prior_half
        d, dh = prior, prior_half
    assume(d - dh > 0)
    corners = [(n + a) / (d + b) * 100 for a in (-nh, nh) for b in (-dh, dh)]
    pct_step = D(1).scaleb(-q)
    pct_half = Fraction(1, 2 * 10**q)
    if sign > 0:
        edge = max(corners) + pct_half
        moved = (D(edge.numerator) / D(edge.denominator)).quantize(pct_step, rounding=ROUND_CEILING) + pct_step
    else:
        edge = min(corners) - pct_half
        moved = (D(edge.numerator) / D(edge.denominator)).quantize(pct_step, rounding=ROUND_FLOOR) - pct_step
    stated["percent"] = moved
    stated.pop("direction", None)
    note(f"rate moved to {moved} beyond {[float(c) for c in corners]}")
    at = subject[1] + "/percent"
    assert _errors(_document(subject, figures)) == [("narrative.change-rate", at, Severity.ERROR)]


@given(
    subject=st.sampled_from(SUBJECTS),
    figures=st.sampled_from(["amount", "percent", "prior"]).flatmap(lambda k: changes(frozenset({k, "apart"}))),
)
def test_a_word_against_the_figures_fires(subject: tuple[str, str], figures: dict[str, Any]) -> None:
    """The opposite word of a change that the printed figures show beyond rounding is one finding."""
    stated = figures["stated"]
    places = figures["places"]
    step = D(1).scaleb(-places)
    if "amount" in stated:
        shown = stated["amount"]
    elif "percent" in stated:
        shown = stated["percent"] * (1 if abs(stated["percent"]) >= D(1).scaleb(-figures["pct_places"]) else 0)
    elif "prior" in stated:
        diff = figures["current"] - stated["prior"]
        shown = diff if abs(diff) >= 2 * step else D(0)
    else:
        shown = D(0)
    assume(shown != 0)
    sign = 1 if shown > 0 else -1
    stated["direction"] = WORDS[-sign][0]
    at = subject[1] + "/direction"
    assert _errors(_document(subject, figures)) == [("narrative.change-direction", at, Severity.ERROR)]
