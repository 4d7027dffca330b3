"""Screens for the matching and ratio kinds of ``rules/kinds/arithmetic.py``: rows_match, all_zero,
percentage, percentage_base.

Each screen reads the document as the interpreter's kind does, without pointers or cells, and says clean
only when every comparison the kind would make holds exactly (for rows_match an identity that holds only
within rounding is already information), when no key it matches on is repeated and no 合计 row it reads
is missing. Percentages are judged by the interpreter's own rule (``kinds.arithmetic._agrees``, and the
四舍五入 of strict mode) on the same exact sums, so a screen never has to guess what rounding allows.

The readers here (``reach``, ``resolved``, ``narrative_cell``, the percentage verdicts) are shared with the
``change`` screens (``compiled/change.py``), which read the narrative the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ...amounts import ARITHMETIC, FACTOR, decimals, half_width
from ...names import name_key
from ...spec import Spec
from ..bind import bind_ref, check_path
from ..context import TOTAL_ROW, Compiled, Context
from ..kinds.arithmetic import Percentage, RowsMatch, Stated, _agrees
from ..refs import Ref, Step, parse_path
from .base import HOLDS, UNSURE, Screen, ScreenFactory, factor, guarded, reach

__all__ = [
    "SCREENS",
    "base_holds",
    "narrative_cell",
    "narrative_format",
    "rate_holds",
]

ZERO = Decimal(0)
ONE = Decimal(1)
MEMO = "match"  # the first element of every ctx.memo key this family writes

_HOLDS = HOLDS

# The narrative's unit, factor to 元 and precision: (factor, unit, precision).
NarrativeFormat = tuple[Decimal, str, "int | str"]
# A narrative figure as the interpreter reads it: (value in 元, half-width in 元).
Figure = tuple[Decimal, Decimal]
Reader = Callable[[Any], "Decimal | int | None"]


# ---------------------------------------------------------------------------------------- shared readers
def resolved(ctx: Context, ref: Ref) -> list[Any] | None:
    """What ``ctx.resolve`` gives for the reference (values only), or None where resolving it would report
    a 合计 row the table does not print (the rule is then not verifiable: the interpreter says so)."""
    node = ref.container(ctx.document)
    found = reach(node, ref.steps) if node is not None else []
    if not found and _lacks_total_row(ctx, ref):
        return None
    return found


def _lacks_total_row(ctx: Context, ref: Ref) -> bool:
    """Whether ``Context.no_total_row`` would report the reference: it reads the 合计 row of a table that is
    present with data and prints none."""
    steps = ref.steps
    if not steps or steps[0].name != TOTAL_ROW or ref.table is None:
        return False
    obj = ctx.table(ref.table)
    return isinstance(obj, dict) and obj.get("empty") is not True and TOTAL_ROW not in obj


def narrative_format(ctx: Context) -> NarrativeFormat | None:
    """The narrative's (factor, unit, precision), or None when the interpreter would read its amounts
    otherwise than as numbers in a known unit (a screen is then unsure)."""
    unit, precision = ctx.formats.at("/narrative")
    if unit not in FACTOR or not (precision == "as_written" or type(precision) is int):
        return None
    assert unit is not None and precision is not None
    return FACTOR[unit], unit, precision


def narrative_cell(raw: Any, fmt: NarrativeFormat, *, amount: bool = True, zero_exact: bool = True) -> Figure | None:
    """A narrative figure as ``Context.cell`` reads it: None where the text states none (null, text); a dash
    is an exact zero; a number is an interval of its precision, and a number written as zero is exact
    (``zero_exact``; a change written as zero is a rounding instead, ``change._change_amount``). A figure
    that is not an amount (``amount=False``) is a plain exact number."""
    kind = type(raw)
    if kind is not Decimal and kind is not int:
        return (ZERO, ZERO) if amount and kind is str and raw == "-" else None
    if not amount:
        return Decimal(raw), ZERO
    scale, unit, precision = fmt
    places = precision if type(precision) is int else decimals(Decimal(raw), as_written=True)
    value = ARITHMETIC.multiply(raw, scale)
    half = half_width(unit, places)
    return (value, ZERO) if zero_exact and not value else (value, half)


def _stated(percent: Decimal, places: int, n: Decimal, nh: Decimal, d: Decimal, dh: Decimal) -> Stated:
    return Stated("", percent, places, [], [], n, nh, d, dh)


def rate_holds(ctx: Context, percent: Decimal, places: int, n: Decimal, nh: Decimal, d: Decimal, dh: Decimal) -> bool:
    """Whether ``rate_violation`` finds nothing for a stated rate on a positive base (halves already zero in
    strict mode): strict, the rate rounded half up to its decimals; else the interpreter's intervals."""
    if ctx.strict:
        exact = n / d * 100
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == percent
    return _agrees(_stated(percent, places, n, nh, d, dh))


def base_holds(percent: Decimal, places: int, n: Decimal, nh: Decimal, d: Decimal, dh: Decimal) -> bool:
    """Whether ``base_violation`` finds nothing: a positive base, no change stated as 0%, or a printed zero
    base that rounding could make positive for the stated rate."""
    if d > 0 or (n == 0 and percent == 0):
        return True
    return d + dh > 0 and _agrees(_stated(percent, places, n, nh, d, dh))


def percent_of(raw: Any) -> tuple[Decimal, int] | None:
    """A stated percentage and its written decimals, as the kinds read one (a number, never a bool)."""
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        value = Decimal(raw)
        exp = value.as_tuple().exponent
        return value, max(0, -exp) if isinstance(exp, int) else 0
    return None


# ---------------------------------------------------------------------------------------- amount readers
def _table_figure(raw: Any) -> Decimal | int | None:
    """A table's amount cell as printed: a blank or a dash is zero; None where the interpreter reads none."""
    kind = type(raw)
    if kind is Decimal or kind is int:
        return raw  # type: ignore[no-any-return]
    if raw is None or (kind is str and raw == "-"):
        return ZERO
    return None


def _narrative_figure(raw: Any) -> Decimal | int | None:
    """A narrative amount as printed: null is not stated (no cell), a dash is zero."""
    kind = type(raw)
    if kind is Decimal or kind is int:
        return raw  # type: ignore[no-any-return]
    if kind is str and raw == "-":
        return ZERO
    return None


def _plain(raw: Any) -> Decimal | int | None:
    """A plain number (not an amount): no unit, no blank-as-zero."""
    kind = type(raw)
    return raw if kind is Decimal or kind is int else None


def _reader(ref: Ref, amount: bool) -> Reader:
    if not amount:
        return _plain
    return _narrative_figure if ref.root == "narrative" else _table_figure


def _scale(ctx: Context, ref: Ref, column: str, amount: bool) -> Decimal | None:
    """The factor to 元 of ``column`` under ``ref`` (one for plain numbers), or None: unsure."""
    if not amount:
        return ONE
    if ref.root == "narrative":
        fmt = narrative_format(ctx)
        return None if fmt is None else fmt[0]
    return factor(ctx, ref.table, column) if ref.table is not None else None


def _in_yuan(value: Decimal | int, scale: Decimal) -> Decimal | int:
    return value if scale is ONE else ARITHMETIC.multiply(value, scale)


# ---------------------------------------------------------------------------------------- rows_match
def rows_match_screen(spec: Spec, compiled: Compiled) -> Screen | None:
    """rows_match: by key (codes or names), or two objects column by column."""
    del spec
    p: RowsMatch = compiled.prepared
    holds = _HOLDS.get(p.op)
    if holds is None or "document" in (p.left.ref.root, p.right.ref.root):
        return None
    left, right = p.left.ref, p.right.ref
    # (left column, right column, left is an amount, left reader, right reader)
    columns = tuple(
        (lc, rc, lc in p.amounts, _reader(left, lc in p.amounts), _reader(right, True)) for lc, rc in p.columns
    )
    if p.key is None:
        return guarded(_objects_screen(left, right, columns, holds))
    return guarded(_keyed_screen(p, columns, holds))


Columns = tuple[tuple[str, str, bool, Reader, Reader], ...]


def _scales(
    ctx: Context, left: Ref | None, right: Ref | None, columns: Columns
) -> list[tuple[str, str, Decimal, Decimal, Reader, Reader]] | None:
    """Each column pair with the factors to 元 of its two sides (a side that is an empty table's zero needs
    none: None for its ref), or None when a factor is unknown."""
    out = []
    for lc, rc, amount, lread, rread in columns:
        ls = _scale(ctx, left, lc, amount) if left is not None else ONE
        rs = _scale(ctx, right, rc, True) if right is not None else ONE
        if ls is None or rs is None:
            return None
        out.append((lc, rc, ls, rs, lread, rread))
    return out


def _objects_screen(left: Ref, right: Ref, columns: Columns, holds: Callable[[Any, Any], bool]) -> Screen:
    """Without a key: the first object each reference designates, column by column; a table declared empty
    is one exact zero; a side that designates nothing otherwise makes the rule compare nothing."""

    def screen(ctx: Context) -> int | None:
        lvals, rvals = resolved(ctx, left), resolved(ctx, right)
        if lvals is None or rvals is None:
            return UNSURE
        lobj, lzero = _object(ctx, left, lvals)
        robj, rzero = _object(ctx, right, rvals)
        if (lobj is None and not lzero) or (robj is None and not rzero) or (lzero and rzero):
            return 0
        scales = _scales(ctx, None if lzero else left, None if rzero else right, columns)
        if scales is None:
            return UNSURE
        checks = 0
        for lc, rc, ls, rs, lread, rread in scales:
            if lobj is None:
                lv: Decimal | int | None = ZERO
            else:
                lv = lread(lobj[lc]) if lc in lobj else None
            if robj is None:
                rv: Decimal | int | None = ZERO
            else:
                rv = rread(robj[rc]) if rc in robj else None
            if lv is None or rv is None:
                continue
            checks += 1
            if not (holds(lv, rv) if ls == rs else holds(_in_yuan(lv, ls), _in_yuan(rv, rs))):
                return UNSURE
        return checks

    return screen


def _object(ctx: Context, ref: Ref, values: list[Any]) -> tuple[dict[str, Any] | None, bool]:
    """(the first object among ``values``, whether the side is instead an empty table's one zero)."""
    for value in values:
        if isinstance(value, dict):
            return value, False
    return None, ref.table is not None and ctx.is_empty(ref.table)


Keyed = tuple[list[tuple["str | None", dict[str, Any]]], dict["str | None", list[dict[str, Any]]]]


def _keyed_screen(p: RowsMatch, columns: Columns, holds: Callable[[Any, Any], bool]) -> Screen:
    """With a key: each left row against the one right row of its key; a repeated key is not verifiable
    (unsure), a missing counterpart is zero or skips the row (``missing``)."""
    left, right = p.left.ref, p.right.ref
    key, names, suffixes, level, skip = p.key, p.names, p.suffixes, frozenset(p.level), p.missing == "skip"
    assert key is not None

    def screen(ctx: Context) -> int | None:
        lrows = _keyed(ctx, left, key, names, suffixes)
        rrows = _keyed(ctx, right, key, names, suffixes)
        if lrows is None or rrows is None:
            return UNSURE
        scales = _scales(ctx, left, right, columns)
        if scales is None:
            return UNSURE
        (lkeyed, lindex), (_, rindex) = lrows, rrows
        checks = 0
        for k, row in lkeyed:
            if k is None or (level and len(k) not in level):
                continue
            matches = rindex.get(k)
            if len(lindex[k]) > 1 or (matches is not None and len(matches) > 1):
                return UNSURE  # a repeated key: ctx.duplicated
            if matches is None and skip:
                continue
            found = _row_holds(row, matches[0] if matches else None, scales, holds)
            if found is None:
                return UNSURE
            checks += found
        return checks

    return screen


def _row_holds(
    row: dict[str, Any],
    match: dict[str, Any] | None,
    scales: list[tuple[str, str, Decimal, Decimal, Reader, Reader]],
    holds: Callable[[Any, Any], bool],
) -> int | None:
    """The identities one left row takes part in (None when one fails): each column against its
    counterpart's, or against zero when there is no counterpart."""
    checks = 0
    for lc, rc, ls, rs, lread, rread in scales:
        if lc not in row:
            continue
        lv = lread(row[lc])
        if lv is None:
            continue
        rv = ZERO if match is None else rread(match[rc]) if rc in match else None
        if rv is None:
            continue
        checks += 1
        if not (holds(lv, rv) if ls == rs else holds(_in_yuan(lv, ls), _in_yuan(rv, rs))):
            return None
    return checks


def _keyed(ctx: Context, ref: Ref, column: str, names: bool, suffixes: tuple[str, ...]) -> Keyed | None:
    """The rows a reference designates with their keys, and the rows by key; once per document for every
    rule that matches on the same rows (None: the reference reads a 合计 row the table does not print)."""
    memo_key = (MEMO, "keyed", ref.text, column, names, suffixes)
    found: Keyed | None = ctx.memo.get(memo_key)
    if found is None:
        values = resolved(ctx, ref)
        if values is None:
            return None
        keyed: list[tuple[str | None, dict[str, Any]]] = []
        index: dict[str | None, list[dict[str, Any]]] = {}
        for row in values:
            if isinstance(row, dict):
                raw = row.get(column)
                k = name_key(raw, suffixes) if names else None if raw is None else str(raw)
                keyed.append((k, row))
                index.setdefault(k, []).append(row)
        found = ctx.memo[memo_key] = (keyed, index)
    return found


# ---------------------------------------------------------------------------------------- all_zero
def all_zero_screen(spec: Spec, compiled: Compiled) -> Screen | None:
    """all_zero: every referenced amount is zero (a blank, a dash, an empty table's zero)."""
    del spec
    items = []
    for bound in compiled.prepared:
        ref = bound.ref
        if ref.root == "document" or not ref.steps:
            return None
        items.append((ref, bound.amount, ref.steps[-1].token, _reader(ref, bound.amount)))

    def screen(ctx: Context) -> int | None:
        checks = 0
        for ref, amount, column, read in items:
            values = resolved(ctx, ref)
            if values is None:
                return UNSURE
            if not values:
                if ref.table is not None and ctx.is_empty(ref.table):
                    checks += 1  # the one exact zero of a table declared empty
                continue
            if _scale(ctx, ref, column, amount) is None:
                return UNSURE
            for raw in values:
                value = read(raw)
                if value is None:
                    continue
                checks += 1
                if value != 0:
                    return UNSURE
        return checks

    return guarded(screen)


# ---------------------------------------------------------------------------------------- percentages
# One term of a percentage: (steps within the scope, or None) and (a reference, or None), and whether the
# field is an amount.
Term = tuple["tuple[Step, ...] | None", "Ref | None", bool]
Ratio = tuple[Decimal, int, Decimal, Decimal, Decimal, Decimal]  # percent, places, n, nh, d, dh


class _Declined(Exception):
    """The rule's parameters take a form the screen does not read (a table where the narrative is read)."""


def _term(spec: Spec, scope: Any, text: str) -> Term:
    """A numerator, denominator or percent term: a field of the scope object or a reference, with whether
    it is an amount (the interpreter asks the schemas per cell; the answer is the field's)."""
    if ":" in text:
        bound = bind_ref(spec.labels, text)
        if bound.ref.root != "narrative":
            raise _Declined(text)
        return None, bound.ref, bound.amount
    return parse_path(text), None, check_path(scope.node, text, text).amount


def percentage_factory(base: bool) -> ScreenFactory:
    """The factory of ``percentage`` (``base`` False) or ``percentage_base`` screens, on narrative figures."""

    def make(spec: Spec, compiled: Compiled) -> Screen | None:
        p: Percentage = compiled.prepared
        if p.scope is not None and p.scope.ref.root != "narrative":
            return None
        try:
            num = tuple(_term(spec, p.scope, t) for t in p.numerator)
            den = tuple((_term(spec, p.scope, t), w) for t, w in p.denominator)
            pct = _term(spec, p.scope, p.percent)
        except _Declined:
            return None
        scope = p.scope.ref.steps if p.scope is not None else None
        return guarded(_percentage_screen(scope, num, den, pct, base))

    return make


def _percentage_screen(
    scope: tuple[Step, ...] | None, num: tuple[Term, ...], den: tuple[tuple[Term, Decimal], ...], pct: Term, base: bool
) -> Screen:
    def screen(ctx: Context) -> int | None:
        fmt = narrative_format(ctx)
        if fmt is None:
            return UNSURE
        checks = 0
        for percent, places, n, nh, d, dh in _ratios(ctx, fmt, scope, num, den, pct):
            if ctx.strict:
                nh = dh = ZERO
            if base:
                checks += 1
                if not base_holds(percent, places, n, nh, d, dh):
                    return UNSURE
            elif d > 0:
                checks += 1
                if not rate_holds(ctx, percent, places, n, nh, d, dh):
                    return UNSURE
        return checks

    return screen


def _ratios(
    ctx: Context,
    fmt: NarrativeFormat,
    scope: tuple[Step, ...] | None,
    num: tuple[Term, ...],
    den: tuple[tuple[Term, Decimal], ...],
    pct: Term,
) -> list[Ratio]:
    """Each stated percentage with its numerator and base as exact sums and half-widths (as ``_stated``)."""
    narrative = ctx.document.get("narrative")
    scopes: list[Any] = [None] if scope is None else reach(narrative, scope) if narrative is not None else []
    out: list[Ratio] = []
    for obj in scopes:
        stated = None
        for raw in _term_values(ctx, obj, pct):
            stated = percent_of(raw)
            if stated is not None:
                break
        if stated is None:
            continue
        n = nh = d = dh = ZERO
        some = False
        for term in num:
            for cell in _term_cells(ctx, fmt, obj, term):
                n, nh, some = n + cell[0], nh + cell[1], True
        if not some:
            continue
        some = False
        for term, weight in den:
            for value, half in _term_cells(ctx, fmt, obj, term):
                d += value if weight == 1 else weight * value
                dh += half if weight == 1 else weight.copy_abs() * half
                some = True
        if some:
            out.append((stated[0], stated[1], n, nh, d, dh))
    return out


def _term_values(ctx: Context, obj: Any, term: Term) -> list[Any]:
    steps, ref, _ = term
    if ref is not None:
        node = ref.container(ctx.document)
        return reach(node, ref.steps) if node is not None else []
    assert steps is not None
    return reach(obj, steps)


def _term_cells(ctx: Context, fmt: NarrativeFormat, obj: Any, term: Term) -> list[Figure]:
    cells = []
    for raw in _term_values(ctx, obj, term):
        cell = narrative_cell(raw, fmt, amount=term[2])
        if cell is not None:
            cells.append(cell)
    return cells


SCREENS: dict[str, ScreenFactory] = {
    "rows_match": rows_match_screen,
    "all_zero": all_zero_screen,
    "percentage": percentage_factory(base=False),
    "percentage_base": percentage_factory(base=True),
}
