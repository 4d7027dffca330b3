"""Screens for the kinds of ``rules/kinds/change.py``.

A ``change`` rule checks one relation (``check``) between the parts of every change the narrative states
against last year. The screen reads each subject's figures once per document (shared by the five change
rules through ``ctx.memo``) as the kind reads them, and says clean only when every relation holds as the
interpreter judges it: the amount exactly current − prior, the rate and the base by the percentage
verdicts the interpreter uses, the direction word within the interval of its figure, the year compared
with the year before. A relation the kind would call not verifiable (a rate with neither an amount nor a
prior, no fiscal year) makes it unsure.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from ...amounts import Cell
from ...spec import Spec
from ..context import Compiled, Context
from ..interval import envelope
from ..kinds.change import DIRECTIONS, Change
from ..refs import Step
from .base import UNSURE, Screen, ScreenFactory, guarded, reach
from .matching import (
    Figure,
    NarrativeFormat,
    base_holds,
    narrative_cell,
    narrative_format,
    percent_of,
    rate_holds,
)

__all__ = ["SCREENS"]

ZERO = Decimal(0)
ONE = Decimal(1)
MEMO = "change"


class Figures(NamedTuple):
    """One subject's figures as the kind reads them (None: not stated)."""

    current: Figure | None
    prior: Figure | None
    amount: Figure | None  # a change written as zero is a rounding, not an exact zero
    parts: dict[str, Any]


# A check: (context, figures, from_prior_only) → identities counted, or None (unsure).
Check = Callable[[Context, Figures, bool], "int | None"]


def change_screen(spec: Spec, compiled: Compiled) -> Screen | None:
    """The screen of one change rule, for subjects in the narrative (the only ones the rules have)."""
    del spec
    p: Change = compiled.prepared
    if any(s.scope.ref.root != "narrative" for s in p.subjects):
        return None
    check = CHECKS.get(p.check)
    if check is None:
        return None
    subjects = tuple(
        (
            (MEMO, _path_text(s.scope.ref.text, s.current, s.change)),
            s.scope.ref.steps,
            s.current,
            s.change,
            s.from_prior_only,
        )
        for s in p.subjects
    )

    def screen(ctx: Context) -> int | None:
        fmt = narrative_format(ctx)
        if fmt is None:
            return UNSURE
        checks = 0
        for memo_key, scope, current, change, from_prior_only in subjects:
            for stated in _figures(ctx, fmt, memo_key, scope, current, change):
                found = check(ctx, stated, from_prior_only)
                if found is None:
                    return UNSURE
                checks += found
        return checks

    return guarded(screen)


def _path_text(scope: str, current: tuple[Step, ...], change: tuple[Step, ...]) -> str:
    """A subject's memo key: its scope, current figure and change object, as text (cheap to hash)."""
    return " ".join((scope, ".".join(map(str, current)), ".".join(map(str, change))))


def _figures(
    ctx: Context,
    fmt: NarrativeFormat,
    memo_key: tuple[Any, ...],
    scope: tuple[Step, ...],
    current: tuple[Step, ...],
    change: tuple[Step, ...],
) -> list[Figures]:
    """Every change object of the subject with its figures, read once per document (as ``_subjects``)."""
    found: list[Figures] | None = ctx.memo.get(memo_key)
    if found is not None:
        return found
    narrative = ctx.document.get("narrative")
    out = []
    for obj in reach(narrative, scope) if narrative is not None else ():
        if not isinstance(obj, dict):
            continue
        for parts in reach(obj, change):
            if not isinstance(parts, dict):
                continue
            now = reach(obj, current)
            out.append(
                Figures(
                    narrative_cell(now[0], fmt) if now else None,
                    narrative_cell(parts.get("prior"), fmt) if "prior" in parts else None,
                    narrative_cell(parts["amount"], fmt, zero_exact=False) if "amount" in parts else None,
                    parts,
                )
            )
    ctx.memo[memo_key] = out
    return out


def _prior(ctx: Context, s: Figures, from_prior_only: bool) -> int | None:
    """amount = current − prior, exactly (any difference is at least information)."""
    if s.amount is None or s.prior is None or from_prior_only:
        return 0
    if s.current is None:
        return UNSURE  # not verifiable: no current figure
    return 1 if s.amount[0] == s.current[0] - s.prior[0] else UNSURE


def _ratio(ctx: Context, s: Figures) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """(change, its half-width, last year's figure, its half-width) as ``change._ratio`` takes them."""
    a, c, p = s.amount, s.current, s.prior
    if a is not None:
        n, nh = a
    elif c is not None and p is not None:
        n, nh = c[0] - p[0], c[1] + p[1]
    else:
        return None
    if c is not None and a is not None:
        d, dh = c[0] - a[0], c[1] + a[1]
    elif p is not None:
        d, dh = p
    else:
        return None
    return (n, ZERO, d, ZERO) if ctx.strict else (n, nh, d, dh)


def _rate(ctx: Context, s: Figures, from_prior_only: bool) -> int | None:
    """A stated rate on a positive base agrees with change ÷ last year × 100."""
    if from_prior_only and s.amount is not None:
        return 0
    stated = percent_of(s.parts.get("percent"))
    if stated is None:
        return 0
    ratio = _ratio(ctx, s)
    if ratio is None:
        return UNSURE  # not verifiable: a rate with neither an amount nor a prior
    n, nh, d, dh = ratio
    if d <= 0:
        return 0
    return 1 if rate_holds(ctx, stated[0], stated[1], n, nh, d, dh) else UNSURE


def _base(ctx: Context, s: Figures, from_prior_only: bool) -> int | None:
    """A stated rate has a positive base (or fits one rounding allows, or is 0% of no change)."""
    if from_prior_only and s.amount is not None:
        return 0
    stated = percent_of(s.parts.get("percent"))
    ratio = _ratio(ctx, s) if stated is not None else None
    if stated is None or ratio is None:
        return 0
    return 1 if base_holds(stated[0], stated[1], *ratio) else UNSURE


def _direction(ctx: Context, s: Figures, from_prior_only: bool) -> int | None:
    """The direction word has the sign of the amount, else the rate, else current − prior (intervals)."""
    del from_prior_only
    word = s.parts.get("direction")
    if not isinstance(word, str) or word not in DIRECTIONS:
        return 0
    want = DIRECTIONS[word]
    stated = percent_of(s.parts.get("percent"))
    c, p = s.current, s.prior
    if s.amount is not None:
        value, half = s.amount
    elif stated is not None:
        value, half = stated[0], Decimal(5).scaleb(-(stated[1] + 1))
    elif c is not None and p is not None:
        value = c[0] - p[0]
        half = c[1] + p[1] if want else _two_printings(c, p)
    else:
        return 0
    if ctx.strict:
        half = ZERO
    fits = value + half > 0 if want > 0 else value - half < 0 if want < 0 else value.copy_abs() <= half
    return 1 if fits else UNSURE


def _two_printings(c: Figure, p: Figure) -> Decimal:
    """The envelope of current = prior (zero for two printings on one grid), by the interpreter's rule."""
    return envelope([(Cell("", c[0], c[1], "", None, None), ONE)], [(Cell("", p[0], p[1], "", None, None), ONE)], "eq")


def _base_year(ctx: Context, s: Figures, from_prior_only: bool) -> int | None:
    """The year compared with is the year before the fiscal year (or the one before that, for 决算数)."""
    del from_prior_only
    year = s.parts.get("base_year")
    if not isinstance(year, int) or isinstance(year, bool):
        return 0
    fiscal = ctx.metadata.get("fiscal_year")
    if not isinstance(fiscal, int) or isinstance(fiscal, bool):
        return UNSURE  # not verifiable: no fiscal year
    allowed = (fiscal - 1, fiscal - 2) if s.parts.get("compared_with") == "决算数" else (fiscal - 1,)
    return 1 if year in allowed else UNSURE


CHECKS: dict[str, Check] = {
    "prior": _prior,
    "rate": _rate,
    "base": _base,
    "direction": _direction,
    "base_year": _base_year,
}

SCREENS: dict[str, ScreenFactory] = {"change": change_screen}
