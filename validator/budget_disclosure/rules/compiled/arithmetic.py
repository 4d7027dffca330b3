"""Screens for the identity kinds of ``rules/kinds/arithmetic.py``: sum, compare, row_sum, column_sum,
group_sum, rollup.

Each screen walks the rows its kind walks, adds up the printed values exactly and compares: an identity
that holds exactly is one the interpreter reports nothing for (``interval.verdict`` calls an identity
holding only when the exact difference satisfies its operator, whatever the envelope). Cells of one
table share one unit (a table overrides the document's unit, a column only the precision), so the
within-table kinds compare printed values as they are; ``sum`` and ``compare``, which cross tables and
the narrative, compare in 元.

Everything the interpreter treats specially makes a screen unsure: a 合计 row the table does not print,
a duplicated key or code, a cell that is not an amount, a format the interpreter cannot read. The
common clean document takes none of these paths, and its rules cost a walk over plain dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from ...amounts import FACTOR
from ...spec import Spec
from ..bind import BoundRef
from ..context import TOTAL_ROW, Compiled, Context
from ..kinds.arithmetic import ColumnSum, GroupSum, Rollup, RowSum, TermRef
from ..refs import Step
from .base import HOLDS, Screen, ScreenFactory, factor, guarded, reach, table

__all__ = ["SCREENS"]

_ZERO = Decimal(0)
_HOLDS = HOLDS


class _Unsure(Exception):
    """Raised inside a screen on anything the interpreter treats specially; the screen answers None."""


def _value(raw: Any) -> Any:
    """A table amount cell's printed value (a blank or a dash is zero); _Unsure for a non-amount."""
    kind = type(raw)
    if kind is Decimal or kind is int:
        return raw
    if raw is None or raw == "-":
        return _ZERO
    raise _Unsure


# ---------------------------------------------------------------------------------------- walking
def _table_rows(obj: dict[str, Any], steps: tuple[Step, ...]) -> list[Any]:
    """What ``Context.table_rows`` finds in a table object; _Unsure where it would report a 合计 row the
    table does not print (the rule is then not verifiable)."""
    out = reach(obj, steps)
    if not out and steps and steps[0].name == TOTAL_ROW and obj.get("empty") is not True and TOTAL_ROW not in obj:
        raise _Unsure
    return out


def _same_unit(ctx: Context, tid: str, columns: Iterable[str]) -> dict[str, Any]:
    """The table object, when every listed column reads as an amount (a unit and a precision the
    interpreter can use); _Unsure otherwise. One table prints all its columns in one unit."""
    obj = table(ctx, tid)
    if obj is None:
        raise _Unsure
    for column in columns:
        if factor(ctx, tid, column) is None:
            raise _Unsure
    return obj


def _field_getter(column: str) -> Callable[[dict[str, Any]], Any]:
    """Reads a row's column or dotted nested field: its raw value, or ``_ABSENT`` when the row does not
    print it (the interpreter then leaves the term out)."""
    if "." not in column:
        return lambda row: row.get(column, _ABSENT)
    parts = column.split(".")

    def nested(row: dict[str, Any]) -> Any:
        node: Any = row
        for part in parts:
            if type(node) is not dict or part not in node:
                return _ABSENT
            node = node[part]
        return node

    return nested


_ABSENT = object()


def _not_a_row(node: Any) -> None:
    """A value where a row object is expected: the kinds skip it (the schema reports it), unless it is a
    mapping of another type, which the kinds would read and a screen does not."""
    if isinstance(node, dict):
        raise _Unsure


def _last(column: str) -> str:
    """The column name the format of a (dotted) field is looked up by: its last token."""
    return column.rsplit(".", 1)[-1]


# ---------------------------------------------------------------------------------------- row_sum
def screen_row_sum(spec: Spec, compiled: Compiled) -> Screen | None:
    """In every listed row, ``total op Σ weight·part`` holds exactly (rows printing no part are skipped)."""
    del spec
    p: RowSum = compiled.prepared
    if p.op not in _HOLDS:
        return None
    holds = _HOLDS[p.op]
    total = _field_getter(p.total)
    parts = tuple((_field_getter(column), weight, weight == 1) for column, weight in p.parts)
    columns = tuple({_last(p.total), *(_last(column) for column, _ in p.parts)})

    def body(ctx: Context) -> int:
        obj = _same_unit(ctx, p.table, columns)
        checks = 0
        for steps in p.rows:
            for row in _table_rows(obj, steps):
                if type(row) is not dict:
                    _not_a_row(row)
                    continue
                raw = total(row)
                if raw is _ABSENT:
                    continue
                left = _value(raw)
                right: Any = _ZERO
                seen = False
                for get, weight, plain in parts:
                    raw = get(row)
                    if raw is not _ABSENT:
                        seen = True
                        right += _value(raw) if plain else weight * _value(raw)
                if not seen:
                    continue
                if not holds(left - right, 0):
                    raise _Unsure
                checks += 1
        return checks

    return guarded(body)


# ---------------------------------------------------------------------------------------- rollup, column_sum
def _rows_by_code(obj: dict[str, Any], steps: tuple[Step, ...]) -> dict[str, dict[str, Any]]:
    """The coded rows of a table by code, in printed order; _Unsure when a code occurs twice (the
    interpreter then reports the roll-ups it blocks as not verifiable)."""
    index: dict[str, dict[str, Any]] = {}
    for row in _table_rows(obj, steps):
        if type(row) is not dict:
            _not_a_row(row)
            continue
        code = row.get("code")
        if type(code) is not str:
            if isinstance(code, str):
                raise _Unsure
            continue
        if code in index:
            raise _Unsure
        index[code] = row
    return index


def _roll(groups: list[tuple[dict[str, Any], list[dict[str, Any]]]], columns: tuple[str, ...]) -> int:
    """``Σ kids = parent`` in every column, for every (parent, kids) group, exactly as ``kinds._roll``
    would find it: a parent or kid that does not print the column takes no part; no kid, no check."""
    checks = 0
    for column in columns:
        for parent, kids in groups:
            raw = parent.get(column, _ABSENT)
            if raw is _ABSENT:
                continue
            total = _value(raw)
            right: Any = _ZERO
            seen = False
            for kid in kids:
                raw = kid.get(column, _ABSENT)
                if raw is not _ABSENT:
                    right += _value(raw)
                    seen = True
            if not seen:
                continue
            if total != right:
                raise _Unsure
            checks += 1
    return checks


def screen_rollup(spec: Spec, compiled: Compiled) -> Screen | None:
    """Every printed parent code equals the sum of its nearest printed descendants, the 合计 row the sum
    of the rows without a printed ancestor, in every amount column."""
    del spec
    p: Rollup = compiled.prepared
    levels = tuple(reversed(p.levels))

    def body(ctx: Context) -> int:
        obj = _same_unit(ctx, p.table, p.columns)
        index = _rows_by_code(obj, p.rows)
        children: dict[str, list[dict[str, Any]]] = {}
        roots: list[dict[str, Any]] = []
        for code, row in index.items():
            parent = _parent(code, index, levels)
            if parent is None:
                roots.append(row)
            else:
                children.setdefault(parent, []).append(row)
        groups = [(index[code], kids) for code, kids in children.items()]
        if p.total_row is not None:
            totals = _table_rows(obj, p.total_row)
            if totals and type(totals[0]) is dict:
                groups.append((totals[0], roots))
            elif totals:
                _not_a_row(totals[0])
        return _roll(groups, p.columns)

    return guarded(body)


def _parent(code: str, index: dict[str, Any], levels: tuple[int, ...]) -> str | None:
    """``kinds.arithmetic.parent_of`` with the levels already reversed (longest first)."""
    size = len(code)
    for length in levels:
        if length < size and code[:length] in index:
            return code[:length]
    return None


def screen_column_sum(spec: Spec, compiled: Compiled) -> Screen | None:
    """In every listed column, the total row equals the sum of the listed rows."""
    del spec
    p: ColumnSum = compiled.prepared

    def body(ctx: Context) -> int:
        obj = _same_unit(ctx, p.table, p.columns)
        totals = _table_rows(obj, p.total_row)
        if not totals or type(totals[0]) is not dict:
            if totals:
                _not_a_row(totals[0])
            return 0
        rows = []
        for steps in p.rows:
            for row in _table_rows(obj, steps):
                if type(row) is dict:
                    rows.append(row)
                else:
                    _not_a_row(row)
        return _roll([(totals[0], rows)], p.columns)

    return guarded(body)


# ---------------------------------------------------------------------------------------- references
def _resolve(ctx: Context, bound: BoundRef) -> list[Any]:
    """The raw values a reference designates (``Context.resolve`` without pointers); _Unsure where the
    interpreter would report a 合计 row the table does not print. (Callers keep what they derive from it
    per document: ``_cells``.)"""
    ref = bound.ref
    node = ref.container(ctx.document)
    found = reach(node, ref.steps) if node is not None else []
    if not found and ref.steps and ref.steps[0].name == TOTAL_ROW and ref.table is not None:
        obj = table(ctx, ref.table)
        if obj is not None and obj.get("empty") is not True and TOTAL_ROW not in obj:
            raise _Unsure
    return found


def _usable_ref(bound: BoundRef) -> bool:
    """Whether a reference is one the screens read: into a table or the narrative, ending at a named field
    (whose last token names the column the format is looked up by)."""
    ref = bound.ref
    return ref.root != "document" and bool(ref.steps) and not ref.steps[-1].selects


def _cells(ctx: Context, bound: BoundRef) -> list[Any]:
    """``_read_cells`` once per document and reference (many rules name the same 合计 cells)."""
    key = ("arith.cells", bound.ref.text)
    memo = ctx.memo
    if key in memo:
        found: list[Any] | None = memo[key]
    else:
        try:
            found = _read_cells(ctx, bound)
        except _Unsure:
            found = None
        memo[key] = found
    if found is None:
        raise _Unsure
    return found


def _read_cells(ctx: Context, bound: BoundRef) -> list[Any]:
    """The values (in 元 for amounts) of the cells ``Context.cells`` would build for a reference: a blank
    table amount is zero, a narrative figure not stated (null) and a blank count are absent, and a
    reference into a table declared empty that finds nothing is one exact zero."""
    raws = _resolve(ctx, bound)
    ref = bound.ref
    out: list[Any] = []
    if raws and bound.amount:
        narrative = ref.root == "narrative"
        scale = _ref_factor(ctx, bound)
        for raw in raws:
            if raw is None and narrative:
                continue
            out.append(_value(raw) * scale)
    elif raws:
        for raw in raws:
            kind = type(raw)
            if kind is int or kind is Decimal:
                out.append(raw)
            elif raw is not None:
                raise _Unsure
    elif ref.table is not None:
        obj = ctx.table(ref.table)
        if type(obj) is dict and obj.get("empty") is True:
            out.append(_ZERO)
    return out


def _ref_factor(ctx: Context, bound: BoundRef) -> Decimal:
    """The factor to 元 of the amounts a reference designates; _Unsure when the interpreter reads none."""
    ref = bound.ref
    if ref.root == "narrative":
        unit, precision = ctx.formats.at("/narrative")
        usable = unit in FACTOR and (precision == "as_written" or type(precision) is int)
        found = FACTOR[unit] if usable else None  # type: ignore[index]
    else:
        found = factor(ctx, ref.root, ref.steps[-1].name)
    if found is None:
        raise _Unsure
    return found


def _side(ctx: Context, terms: tuple[TermRef, ...]) -> tuple[Any, bool]:
    """``kinds.arithmetic.side`` as one exact sum: Σ weight·value over the cells of the terms (a term that
    designates no cell takes its stand-ins), and whether any cell took part."""
    total: Any = _ZERO
    seen = False
    for term in terms:
        values = _cells(ctx, term.bound)
        if not values and term.otherwise:
            values = [v for bound in term.otherwise for v in _cells(ctx, bound)]
        if values:
            seen = True
            part = sum(values, _ZERO)
            total += part if term.weight == 1 else term.weight * part
    return total, seen


def _keyed(terms: tuple[TermRef, ...]) -> tuple[BoundRef, ...]:
    """The references ``Context.ambiguous`` examines: selecting by key, with no wildcard."""
    out = []
    for term in terms:
        steps = term.bound.ref.steps
        if any(s.key is not None for s in steps) and not any(s.all for s in steps):
            out.append(term.bound)
    return tuple(out)


def _check_terms(terms: tuple[TermRef, ...]) -> bool:
    """Whether the screens read every reference of the terms (stand-ins included)."""
    return all(_usable_ref(b) for t in terms for b in (t.bound, *t.otherwise))


def _relation(
    left_terms: tuple[TermRef, ...], op: str, right_terms: tuple[TermRef, ...], *, both: bool
) -> Screen | None:
    """The screen of ``Σ left op Σ right``. ``both``: the identity needs a cell on each side (``sum``);
    otherwise, as in ``compare``, each listed side needs one and an empty side is zero."""
    if op not in _HOLDS or not _check_terms(left_terms + right_terms):
        return None
    holds = _HOLDS[op]
    keyed = _keyed(left_terms + right_terms)

    def body(ctx: Context) -> int:
        for bound in keyed:
            if len(_resolve(ctx, bound)) > 1:
                raise _Unsure  # a duplicated key: the interpreter reports the rule not verifiable
        left, has_left = _side(ctx, left_terms)
        right, has_right = _side(ctx, right_terms)
        if both and not (has_left and has_right):
            return 0
        if (left_terms and not has_left) or (right_terms and not has_right) or not (has_left or has_right):
            return 0
        if not holds(left - right, 0):
            raise _Unsure
        return 1

    return guarded(body)


def screen_sum(spec: Spec, compiled: Compiled) -> Screen | None:
    """``total = Σ weight·part`` across tables and the narrative, in 元."""
    del spec
    total_terms, part_terms = compiled.prepared
    return _relation(total_terms, "eq", part_terms, both=True)


def screen_compare(spec: Spec, compiled: Compiled) -> Screen | None:
    """``Σ left op Σ right`` across tables and the narrative, in 元."""
    del spec
    left_terms, op, right_terms = compiled.prepared
    return _relation(left_terms, op, right_terms, both=False)


# ---------------------------------------------------------------------------------------- group_sum
def screen_group_sum(spec: Spec, compiled: Compiled) -> Screen | None:
    """For every scope object printing the items: its total equals the sum of its items' field."""
    del spec
    p: GroupSum = compiled.prepared
    tid = p.scope.table
    if tid is None or not p.items:
        return None
    first = p.items[0].name

    def body(ctx: Context) -> int:
        _same_unit(ctx, tid, (p.total, p.field))
        checks = 0
        for obj in _resolve(ctx, p.scope):
            if type(obj) is not dict:
                _not_a_row(obj)
                continue
            if first not in obj:
                continue
            if p.total not in obj:
                raise _Unsure  # the form prints no subtotal: the interpreter reports it not verifiable
            items = reach(obj, p.items)
            right: Any = _ZERO
            for item in items:
                if type(item) is not dict:
                    _not_a_row(item)
                    continue
                raw = item.get(p.field, _ABSENT)
                if raw is not _ABSENT:
                    right += _value(raw)
            if _value(obj[p.total]) != right:
                raise _Unsure
            checks += 1
        return checks

    return guarded(body)


SCREENS: dict[str, ScreenFactory] = {
    "row_sum": screen_row_sum,
    "rollup": screen_rollup,
    "column_sum": screen_column_sum,
    "group_sum": screen_group_sum,
    "sum": screen_sum,
    "compare": screen_compare,
}
