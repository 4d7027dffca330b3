"""The ``change`` kind: a figure's change against last year as the narrative states it.

A text compares a figure with last year's in parts — last year's figure (``prior``), the change as an
amount and as a percentage, the direction word, the year compared with — and states any of them. Each
``check`` is one relation between the parts, for every subject (a figure and its change object) the rule
lists; the arithmetic is that of ``compare``, ``percentage`` and ``percentage_base`` (rounding-aware).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...amounts import Cell
from ..bind import BoundRef, bind_ref, check_path
from ..context import Compiled, Context, Violation
from ..interval import envelope, to_unit
from ..refs import Step, parse_path, walk
from .arithmetic import Stated, Terms, base_violation, identity, rate_violation

ZERO = Decimal(0)
ONE = Decimal(1)

# The sign each direction word states: a rise, a fall, no change.
DIRECTIONS: Mapping[str, int] = {"增加": 1, "增长": 1, "上升": 1, "减少": -1, "下降": -1, "降低": -1, "持平": 0}
_SIGN_ZH = {1: "增加", -1: "减少", 0: "无变化"}
_SIGN_EN = {1: "a rise", -1: "a fall", 0: "no change"}


@dataclass(frozen=True)
class Subject:
    scope: BoundRef
    current: tuple[Step, ...]
    change: tuple[Step, ...]
    from_prior_only: bool


@dataclass(frozen=True)
class Change:
    check: str
    subjects: tuple[Subject, ...]


def prepare_change(spec: Any, params: Mapping[str, Any]) -> Change:
    subjects = []
    for item in params["subjects"]:
        scope = bind_ref(spec.labels, item["scope"])
        check_path(scope.node, item["current"], f"{item['scope']} {item['current']}")
        change = item.get("change", "change")
        node = check_path(scope.node, change, f"{item['scope']} {change}")
        for part in ("prior", "amount", "percent", "direction", "base_year", "compared_with"):
            check_path(node, part, f"{item['scope']} {change}.{part}")
        subjects.append(
            Subject(scope, parse_path(item["current"]), parse_path(change), bool(item.get("from_prior_only", False)))
        )
    return Change(params["check"], tuple(subjects))


@dataclass(frozen=True)
class Figures:
    """One subject's figures as the text states them (None: not stated)."""

    current: Cell | None
    pointer: str  # of the change object
    parts: Mapping[str, Any]
    prior: Cell | None
    amount: Cell | None
    from_prior_only: bool


def _one(ctx: Context, ptr: str, obj: Any, steps: tuple[Step, ...], *, amount: bool = True) -> Cell | None:
    for p, raw in walk(obj, ptr, steps):
        return ctx.cell(p, raw, amount=amount)
    return None


def _change_amount(ctx: Context, ptr: str, raw: Any) -> Cell | None:
    """The stated change. Unlike a figure written as zero ("机关运行经费0万元": none at all), a change written
    as zero ("增加0.00万元", 持平 with 0) is a rounding: a change of less than half a step prints so."""
    cell = ctx.cell(ptr, raw)
    if cell is not None and not cell.value and not cell.half:
        rounded = ctx.formats.cell(ptr, raw)
        if rounded is not None:
            return rounded
    return cell


def _subjects(ctx: Context, p: Change) -> Iterator[Figures]:
    for subject in p.subjects:
        if not ctx.usable(subject.scope):
            continue
        for ptr, obj in ctx.resolve(subject.scope):
            if not isinstance(obj, dict):
                continue
            for cptr, change in walk(obj, ptr, subject.change):
                if not isinstance(change, dict):
                    continue
                yield Figures(
                    _one(ctx, ptr, obj, subject.current),
                    cptr,
                    change,
                    ctx.cell(f"{cptr}/prior", change.get("prior")) if "prior" in change else None,
                    _change_amount(ctx, f"{cptr}/amount", change["amount"]) if "amount" in change else None,
                    subject.from_prior_only,
                )


def _percent(s: Figures) -> tuple[Decimal, int] | None:
    raw = s.parts.get("percent")
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        value = Decimal(raw)
        exp = value.as_tuple().exponent
        return value, max(0, -exp) if isinstance(exp, int) else 0
    return None


def _ratio(ctx: Context, s: Figures) -> Stated | None:
    """The stated rate with its numerator (the change) and base (last year's figure) as intervals.

    The change is the stated amount, else the current figure less the stated prior; the base is the
    current figure less the stated amount, else the stated prior — the same reading as the rules that
    check the amount itself, so that one wrong figure is one finding.
    """
    stated = _percent(s)
    if stated is None:
        return None
    num: Terms
    den: Terms
    if s.amount is not None:
        num = [(s.amount, ONE)]
    elif s.current is not None and s.prior is not None:
        num = [(s.current, ONE), (s.prior, -ONE)]
    else:
        return None
    if s.current is not None and s.amount is not None:
        den = [(s.current, ONE), (s.amount, -ONE)]
    elif s.prior is not None:
        den = [(s.prior, ONE)]
    else:
        return None
    n = sum((w * c.value for c, w in num), ZERO)
    nh = sum((c.half for c, _ in num), ZERO)
    d = sum((w * c.value for c, w in den), ZERO)
    dh = sum((c.half for c, _ in den), ZERO)
    if ctx.strict:
        nh = dh = ZERO
    return Stated(f"{s.pointer}/percent", stated[0], stated[1], [c for c, _ in num], den, n, nh, d, dh)


def kind_change(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A change against last year agrees with itself (``check``): the amount is the current figure less
    last year's (``prior``), the rate is the change over last year's figure (``rate``) on a positive base
    (``base``), the direction word has the sign of the change (``direction``), and the year compared with
    is the year before the fiscal year (``base_year``)."""
    p: Change = compiled.prepared
    run = {"prior": _prior, "rate": _rate, "base": _base, "direction": _direction, "base_year": _base_year}[p.check]
    for s in _subjects(ctx, p):
        yield from run(ctx, compiled, s)


def _prior(ctx: Context, compiled: Compiled, s: Figures) -> Iterator[Violation]:
    if s.amount is None or s.prior is None or s.from_prior_only:
        return
    if s.current is None:
        ctx.not_verifiable(
            "说明给出了上年数和增减额，但没有给出本年数，无法核对增减额",
            "the text states last year's figure and the change but not the current figure: "
            "the change cannot be checked",
        )
        return
    yield from identity(ctx, compiled, [(s.amount, ONE)], "eq", [(s.current, ONE), (s.prior, -ONE)])


def _rate(ctx: Context, compiled: Compiled, s: Figures) -> Iterator[Violation]:
    if s.from_prior_only and s.amount is not None:
        return
    ratio = _ratio(ctx, s)
    if ratio is None:
        if _percent(s) is not None:
            ctx.not_verifiable(
                "说明只给出增减率，没有给出增减额或上年数，无法核对增减率",
                "the text states a change rate without the change or last year's figure: the rate cannot be checked",
            )
        return
    if ratio.d <= 0:
        return  # no rate from a zero or negative base: the base check speaks
    ctx.checked()
    found = rate_violation(ctx, ratio)
    if found is not None:
        yield found


def _base(ctx: Context, compiled: Compiled, s: Figures) -> Iterator[Violation]:
    if s.from_prior_only and s.amount is not None:
        return
    ratio = _ratio(ctx, s)
    if ratio is None:
        return
    ctx.checked()
    found = base_violation(ratio)
    if found is not None:
        yield found


def _direction(ctx: Context, compiled: Compiled, s: Figures) -> Iterator[Violation]:
    word = s.parts.get("direction")
    if not isinstance(word, str) or word not in DIRECTIONS:
        return
    want = DIRECTIONS[word]
    here = f"{s.pointer}/direction"
    stated = _percent(s)
    if s.amount is not None or stated is not None:
        # A stated figure is signed by the text: the printed number, negated after 减少/下降/降低. It stands
        # for the interval of its written decimals, so a change printed as zero fits any word.
        if s.amount is not None:
            value, half = s.amount.value, s.amount.half
            shown, unit = to_unit(value, s.amount.unit), s.amount.unit or ""
            measure, measure_en = "增减额", "the change"
        else:
            assert stated is not None
            value = shown = stated[0]
            half = ZERO if ctx.strict else Decimal(5).scaleb(-(stated[1] + 1))
            unit, measure, measure_en = "%", "增减率", "the change rate"
    elif s.current is not None and s.prior is not None:
        # Two figures: they may stand for a rise or a fall anywhere their intervals allow, but for no change
        # only when they print alike on one grid (rounding prints one quantity the same way twice).
        value = s.current.value - s.prior.value
        half = envelope([(s.current, ONE)], [(s.prior, ONE)], "eq") if not want else s.current.half + s.prior.half
        shown, unit = to_unit(value, s.current.unit), s.current.unit or ""
        measure, measure_en = "本年数减上年数", "the current figure less last year's"
    else:
        return
    if ctx.strict:
        half = ZERO
    ctx.checked()
    fits = value + half > 0 if want > 0 else value - half < 0 if want < 0 else value.copy_abs() <= half
    if not fits:
        sign = (value > 0) - (value < 0)
        yield _violation(here, word, measure, measure_en, format(shown, "f"), unit, sign, s)


def _violation(
    here: str, word: str, measure: str, measure_en: str, figure: str, unit: str, sign: int, s: Figures
) -> Violation:
    related = tuple(c.pointer for c in (s.amount, s.current, s.prior) if c is not None)
    return Violation(
        here,
        {
            "direction": word,
            "measure": measure,
            "measure_en": measure_en,
            "figure": figure,
            "unit": unit,
            "sign": _SIGN_ZH[sign],
            "sign_en": _SIGN_EN[sign],
        },
        related=related,
    )


def _base_year(ctx: Context, compiled: Compiled, s: Figures) -> Iterator[Violation]:
    year = s.parts.get("base_year")
    if not isinstance(year, int) or isinstance(year, bool):
        return
    fiscal = ctx.metadata.get("fiscal_year")
    if not isinstance(fiscal, int) or isinstance(fiscal, bool):
        ctx.not_verifiable(
            "文档没有可用的预算年度，无法核对比较年度",
            "the document has no usable fiscal year: the year compared with cannot be checked",
        )
        return
    # Last year's budget or outturn is of the year before; a comparison with final accounts (决算数) may
    # use the latest closed year, which when the budget is drawn up is the year before that.
    allowed = (fiscal - 1, fiscal - 2) if s.parts.get("compared_with") == "决算数" else (fiscal - 1,)
    ctx.checked()
    if year not in allowed:
        yield Violation(
            f"{s.pointer}/base_year",
            {
                "year": year,
                "expected_year": "或".join(str(y) for y in allowed),
                "expected_year_en": " or ".join(str(y) for y in allowed),
                "fiscal_year": fiscal,
            },
            related=(f"{s.pointer}/amount",) if s.amount is not None else (),
        )
