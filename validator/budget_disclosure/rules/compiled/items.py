"""Screens for the kinds of ``rules/kinds/items.py``: allowed_values, pattern, present, numeric_value,
bounds, indicator_levels, coverage and year_in_text.

Each screen finds the items the kind would check (the same references, ``where`` filter, ``needs_columns``
and ``part`` as ``kinds.items.each``) without building a pointer, and applies the kind's own test to each
with the interpreter's readers (``reading_of``, ``text_of``, ``normalise_name``), so that a value reads
alike in both engines. The first item the kind would report, an item that lacks a column the rule needs,
or data the profile lacks for the year (a framework) makes the screen unsure; only a rule that would
report nothing at all is counted here.

Most rules of the family read the same lists (the indicators of both performance tables) with different
``where`` filters. The items a tuple of references reaches are listed once per document (``Rows``, in
``ctx.memo`` under ``("items", "rows", …)``), each field's texts are read once, and each plain condition
of a filter is evaluated once as a set of item indexes that every rule stating it shares
(``compile_select``); the rules then combine sets instead of asking each item again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import Any

from ...codelists import Framework
from ...spec import Spec
from ..bind import BoundRef
from ..context import TOTAL_ROW, Compiled, Context
from ..kinds.items import (
    _YEAR,
    Allowed,
    Bounds,
    Coverage,
    Items,
    Levels,
    Numeric,
    Pattern,
    YearInText,
    _part,
    _years,
    money_factor,
    row_units,
)
from ..refs import Ref, Step
from ..values import Reading, is_blank, reading_of, text_of
from ..where import field_of, has_field
from .base import UNSURE, Screen, ScreenFactory, guarded, reach

__all__ = [
    "SCREENS",
    "Rows",
    "Source",
    "chosen",
    "compile_select",
    "each_text",
    "each_value",
    "resolved",
    "rows_of",
]

_FAMILY = "items"


# ---------------------------------------------------------------------------------------- walking
def resolved(ctx: Context, ref: Ref) -> list[Any]:
    """The values a reference designates in the document (``Ref.resolve`` without pointers), once per
    document for every screen that names the reference."""
    key = (_FAMILY, ref.text)
    found: list[Any] | None = ctx.memo.get(key)
    if found is None:
        node = ref.container(ctx.document)
        found = ctx.memo[key] = [] if node is None else reach(node, ref.steps)
    return found


def _plain(refs: tuple[BoundRef, ...]) -> bool:
    """No reference reaches for a 合计 row (the interpreter may then report the form printing none)."""
    return all(not (b.ref.steps and b.ref.steps[0].name == TOTAL_ROW) for b in refs)


class Rows:
    """The items a rule's references reach in one document, in the interpreter's order: the objects they
    designate, or (with a path) the objects that path reaches under each of them, with the index of the
    object they lie under (``owners``). What screens read of them (a field's values and texts, the items a
    ``where`` condition admits) is kept here, so the rules naming the same lists read each field once."""

    __slots__ = ("every", "items", "memo", "odd", "owners")

    def __init__(self, items: list[dict[str, Any]], owners: list[int], odd: bool) -> None:
        self.items = items
        self.owners = owners
        self.odd = odd  # a mapping that is not a plain dict: the screens leave such a document alone
        self.every = frozenset(range(len(items)))
        self.memo: dict[Any, Any] = {}

    def values(self, field: str) -> list[Any]:
        """Each item's (dotted) field, None where absent (``where.field_of``)."""
        key = ("values", field)
        found: list[Any] | None = self.memo.get(key)
        if found is None:
            if "." in field:
                found = [field_of(item, field) for item in self.items]
            else:
                found = [item.get(field) for item in self.items]
            self.memo[key] = found
        return found

    def texts(self, field: str) -> list[str | None]:
        """Each item's field as trimmed text, None for a blank (``values.text_of``)."""
        key = ("texts", field)
        found: list[str | None] | None = self.memo.get(key)
        if found is None:
            found = self.memo[key] = [text_of(v) for v in self.values(field)]
        return found

    def reading(self, field: str, i: int) -> Reading | None:
        """Item ``i``'s field read as a number with its comparator and unit (``values.reading_of`` with no
        units of money and no unit required: ``_read`` derives what a rule's own reading would be), read
        once per document."""
        known: dict[int, Reading | None] | None = self.memo.get(("reading", field))
        if known is None:
            known = self.memo[("reading", field)] = {}
        if i in known:
            return known[i]
        found = known[i] = reading_of(self.values(field)[i])
        return found

    def lacks(self, needs: tuple[tuple[str, str], ...]) -> bool:
        """Some item lacks a column the rule needs (the interpreter reports the rule not verifiable)."""
        key = ("lacks", needs)
        found: bool | None = self.memo.get(key)
        if found is None:
            found = self.memo[key] = any(column not in item for item in self.items for column, _ in needs)
        return found


class Source:
    """Where a rule's items come from: references, and a path from each object they designate. Built
    once per rule, with the key under which the items are listed once per document (rules that name the
    same references and path share it)."""

    __slots__ = ("key", "path", "refs")

    def __init__(self, refs: tuple[BoundRef, ...], path: tuple[Step, ...] | None = None) -> None:
        self.refs, self.path = refs, path
        texts = tuple(b.ref.text for b in refs)
        self.key = (_FAMILY, "rows", texts, None if path is None else ".".join(str(s) for s in path))


def rows_of(ctx: Context, source: Source) -> Rows:
    """The items of ``refs`` (``kinds.items.each``), or with ``path`` the items under each object the
    references designate (``Context.objects`` then ``refs.walk``); once per document."""
    found: Rows | None = ctx.memo.get(source.key)
    if found is not None:
        return found
    refs, path = source.refs, source.path
    items: list[dict[str, Any]] = []
    owners: list[int] = []
    odd = False
    scopes = [v for b in refs for v in resolved(ctx, b.ref) if isinstance(v, dict)]
    for n, scope in enumerate(scopes):
        if type(scope) is not dict and isinstance(scope, Mapping):
            odd = True
        for item in reach(scope, path) if path is not None else (scope,):
            if type(item) is dict:
                items.append(item)
                owners.append(n)
            elif isinstance(item, Mapping):
                odd = True
    found = ctx.memo[source.key] = Rows(items, owners, odd)
    return found


# ---------------------------------------------------------------------------------------- where
Indexes = AbstractSet[int]
# A condition as a function of the list and the indexes still in question: those of them it admits.
Condition = Callable[[Rows, Indexes], Indexes]
Select = Callable[[Rows], Indexes]


def compile_select(spec: Mapping[str, Any] | None) -> Select:
    """A ``where`` condition (``where.compile_where``) as the set of item indexes it admits.

    A plain condition on a field (in a list, blank, absent) is evaluated once per list and document and
    shared by every rule that states it; a costlier one (a pattern, numeric) only on the items still in
    question, each item once. ``all`` narrows the items from one condition to the next, ``any`` asks each
    alternative only about the items the earlier ones did not admit: the conditions have no side effects,
    so the order in which items are asked does not change what is admitted."""
    condition = _condition(spec)
    return lambda rows: condition(rows, rows.every)


def _condition(spec: Mapping[str, Any] | None) -> Condition:
    if not spec:
        return lambda rows, within: within
    parts: list[Condition] = []
    if "all" in spec:
        subs = [_condition(s) for s in spec["all"]]
        parts.append(lambda rows, within: _all(subs, rows, within))
    if "any" in spec:
        alts = [_condition(s) for s in spec["any"]]
        parts.append(lambda rows, within: _any(alts, rows, within))
    if "not" in spec:
        sub = _condition(spec["not"])
        parts.append(lambda rows, within: within - sub(rows, within))
    if "field" in spec:
        parts.extend(_atom(spec["field"], op, spec[op]) for op in _OPS if op in spec)
    if len(parts) == 1:
        return parts[0]
    return lambda rows, within: _all(parts, rows, within)


def _all(conditions: list[Condition], rows: Rows, within: Indexes) -> Indexes:
    for condition in conditions:
        if not within:
            break
        within = condition(rows, within)
    return within


def _any(conditions: list[Condition], rows: Rows, within: Indexes) -> Indexes:
    admitted: set[int] = set()
    for condition in conditions:
        if not within:
            break
        found = condition(rows, within)
        admitted |= found
        within = within - found
    return admitted


_OPS = ("in", "not_in", "matches", "not_matches", "blank", "absent", "numeric")


def _atom(field: str, op: str, arg: Any) -> Condition:
    """One plain condition on one field."""
    test: Condition
    if op in ("in", "not_in"):
        listed = frozenset(None if v is None else str(v).strip() for v in arg)
        test = _whole(
            ("in", field, listed), lambda rows: frozenset(i for i, t in enumerate(rows.texts(field)) if t in listed)
        )
        inside = op == "in"
    elif op in ("matches", "not_matches"):
        rx = re.compile(arg)

        def search(rows: Rows, i: int) -> bool:
            text = rows.texts(field)[i]
            return text is not None and rx.search(text) is not None

        test, inside = _each(("matches", field, arg), search), op == "matches"
    elif op == "blank":
        test = _whole(
            ("blank", field), lambda rows: frozenset(i for i, v in enumerate(rows.values(field)) if is_blank(v))
        )
        inside = bool(arg)
    elif op == "absent":
        test = _whole(
            ("absent", field),
            lambda rows: frozenset(i for i, item in enumerate(rows.items) if not has_field(item, field)),
        )
        inside = bool(arg)
    else:
        test = _each(("numeric", field), lambda rows, i: rows.reading(field, i) is not None)
        inside = bool(arg)
    return test if inside else (lambda rows, within: within - test(rows, within))


def _whole(key: tuple[Any, ...], evaluate: Callable[[Rows], frozenset[int]]) -> Condition:
    """A cheap condition: evaluated on the whole list once per document."""

    def admitted(rows: Rows, within: Indexes) -> Indexes:
        found: frozenset[int] | None = rows.memo.get(key)
        if found is None:
            found = rows.memo[key] = evaluate(rows)
        return found if within is rows.every else within & found

    return admitted


def _each(key: tuple[Any, ...], test: Callable[[Rows, int], bool]) -> Condition:
    """A costly condition: evaluated on the items in question only, each item once per document."""

    def admitted(rows: Rows, within: Indexes) -> Indexes:
        known: dict[int, bool] | None = rows.memo.get(key)
        if known is None:
            known = rows.memo[key] = {}
        out = set()
        for i in within:
            passed = known.get(i)
            if passed is None:
                passed = known[i] = test(rows, i)
            if passed:
                out.add(i)
        return out

    return admitted


def chosen(ctx: Context, source: Source, items: Items, select: Select) -> tuple[Rows, Collection[int]] | None:
    """The list the items of ``kinds.items.each`` come from, and the indexes of those it yields (before
    ``part``, in no particular order); None when an item lacks a column the rule needs (the interpreter
    reports the rule not verifiable for it) or the document holds a mapping of an unusual type."""
    rows = rows_of(ctx, source)
    if rows.odd or (items.needs and rows.lacks(items.needs)):
        return None
    return rows, select(rows)


def each_value(rows: Rows, items: Items, indexes: Iterable[int]) -> list[Any]:
    """The values ``kinds.items.each`` yields for the items: the field, or the ``part`` of its reading
    (items whose field does not read are left out)."""
    part = items.part
    if part is None:
        values = rows.values(items.field)
        return [values[i] for i in indexes]
    field = items.field
    return [_part(r, part) for i in indexes if (r := rows.reading(field, i)) is not None]


def each_text(rows: Rows, items: Items, indexes: Iterable[int]) -> list[str | None]:
    """``text_of`` of each value ``each_value`` gives."""
    if items.part is None:
        texts = rows.texts(items.field)
        return [texts[i] for i in indexes]
    return [text_of(v) for v in each_value(rows, items, indexes)]


def _read(base: Reading | None, money: Mapping[str, Decimal], units: tuple[str, ...] | None) -> Reading | None:
    """``reading_of(value, money, units)`` from ``reading_of(value)``: the units only refuse a reading whose
    written unit is not one of them, and money only gives the written unit its factor (the screens of
    rules whose ``money_units`` name a blank unit are not compiled)."""
    if base is None or not base.unit:
        return base
    if units is not None and base.unit not in units:
        return None
    factor = money.get(base.unit)
    return base if factor is None else base._replace(factor=factor)


# ---------------------------------------------------------------------------------------- values
def _allowed_values(spec: Spec, compiled: Compiled) -> Screen | None:
    p: Allowed = compiled.prepared
    if not (_plain(p.items.refs) and _plain(p.values_from)):
        return None
    select = compile_select(compiled.rule.params.get("where"))
    source = Source(p.items.refs)
    fixed = {p.key(v) for v in p.values}
    aliases = p.aliases
    keyed: dict[str, str] = {}  # a text → its key (a name's normal form), kept across documents

    def key(text: str) -> str:
        found = keyed.get(text)
        if found is None:
            if len(keyed) > 4096:
                keyed.clear()
            found = keyed[text] = p.key(text)
        return found

    def screen(ctx: Context) -> int | None:
        keys = fixed
        if p.values_from:
            found = {t for b in p.values_from for v in resolved(ctx, b.ref) if (t := text_of(v)) is not None}
            if found - p.values:
                keys = fixed | {key(v) for v in found}
        if not keys:
            return 0
        picked = chosen(ctx, source, p.items, select)
        if picked is None:
            return UNSURE
        texts = [t for t in each_text(picked[0], p.items, picked[1]) if t is not None]
        if any(key(aliases.get(t, t)) not in keys for t in texts):
            return UNSURE
        return len(texts)

    return screen


def _pattern(spec: Spec, compiled: Compiled) -> Screen | None:
    p: Pattern = compiled.prepared
    if not _plain(p.items.refs):
        return None
    select = compile_select(compiled.rule.params.get("where"))
    source = Source(p.items.refs)
    must, must_not = p.must_match, p.must_not_match

    def screen(ctx: Context) -> int | None:
        picked = chosen(ctx, source, p.items, select)
        if picked is None:
            return UNSURE
        texts = [t for t in each_text(picked[0], p.items, picked[1]) if t is not None]
        if must is not None and not all(must.search(t) for t in texts):
            return UNSURE
        if must_not is not None and any(must_not.search(t) for t in texts):
            return UNSURE
        return len(texts)

    return screen


def _present(spec: Spec, compiled: Compiled) -> Screen | None:
    p: Items = compiled.prepared
    if not _plain(p.refs):
        return None
    select = compile_select(compiled.rule.params.get("where"))
    source = Source(p.refs)

    def screen(ctx: Context) -> int | None:
        picked = chosen(ctx, source, p, select)
        if picked is None:
            return UNSURE
        values = each_value(picked[0], p, picked[1])
        return UNSURE if any(is_blank(v) for v in values) else len(values)

    return screen


def _numeric_value(spec: Spec, compiled: Compiled) -> Screen | None:
    p: Numeric = compiled.prepared
    if not _plain(p.items.refs) or p.items.part is not None or "" in p.money_units or "." in (p.unit_field or ""):
        return None  # the row's unit is read with item.get: a dotted unit field is the interpreter's
    select = compile_select(compiled.rule.params.get("where"))
    source = Source(p.items.refs)
    exclude, money, money_units, unit_field = p.exclude, p.money, p.money_units, p.unit_field
    units_of: dict[str | None, tuple[str, ...] | None] = {}  # a row's unit → the units its value may take

    def allowed_units(row_unit: str | None) -> tuple[str, ...] | None:
        found = units_of.get(row_unit, ())
        if found == ():
            if len(units_of) > 256:
                units_of.clear()
            found = units_of[row_unit] = row_units({"unit": row_unit}, "unit" if unit_field else None, money_units)
        return found

    def readable(text: str | None, base: Reading | None, row_unit: str | None) -> bool:
        """The kind's test of one item: the value reads (as money, when the rule asks) and is not excluded."""
        if text is not None and exclude is not None and exclude.search(text) is not None:
            return False
        reading = _read(base, money_units, allowed_units(row_unit))
        if reading is None:
            return False
        return not money or money_factor(reading, row_unit, money_units) is not None

    def screen(ctx: Context) -> int | None:
        picked = chosen(ctx, source, p.items, select)
        if picked is None:
            return UNSURE
        rows, indexes = picked
        field, texts = p.items.field, rows.texts(p.items.field)
        row_unit_texts = rows.texts(unit_field) if unit_field else None
        checks = 0
        for i in indexes:
            checks += 1
            row_unit = row_unit_texts[i] if row_unit_texts is not None else None
            if not readable(texts[i], rows.reading(field, i), row_unit):
                return UNSURE
        return checks

    return screen


# ---------------------------------------------------------------------------------------- bounds
def _bounds(spec: Spec, compiled: Compiled) -> Screen | None:
    p: Bounds = compiled.prepared
    if not _plain(p.scope) or "" in p.money_units:
        return None
    limits: list[tuple[Any, int]] = []
    for limit, sign in ((p.min, -1), (p.max, 1)):
        if limit is None:
            continue
        if isinstance(limit, Mapping):
            if any(b.table is None for b in p.scope) or not isinstance(limit.get("field"), str):
                return None  # an amount outside the tables: the interpreter reads it
            limits.append((limit["field"], sign))
        elif type(limit) in (int, float, Decimal):
            limits.append((Decimal(limit), sign))
        else:
            return None
    select = compile_select(compiled.rule.params.get("where"))
    source = Source(p.scope, p.items)

    def screen(ctx: Context) -> int | None:
        rows = rows_of(ctx, source)
        if rows.odd:
            return UNSURE
        owners, items = rows.owners, rows.items
        scopes: list[tuple[str, dict[str, Any]]] | None = None
        checks = 0
        for i in select(rows):
            parsed = _read(rows.reading(p.field, i), p.money_units, None)
            if parsed is None:
                continue
            checks += 1
            if scopes is None:
                scopes = _scopes(ctx, p)
            tid, scope = scopes[owners[i]]
            if not _within(ctx, p, limits, tid, scope, items[i], parsed):
                return UNSURE
        return checks

    return screen


def _scopes(ctx: Context, p: Bounds) -> list[tuple[str, dict[str, Any]]]:
    """(table, object) of every scope object, in the order of ``rows_of``'s owners."""
    return [(b.table or "", v) for b in p.scope for v in resolved(ctx, b.ref) if isinstance(v, dict)]


def _within(
    ctx: Context,
    p: Bounds,
    limits: list[tuple[Any, int]],
    tid: str,
    scope: dict[str, Any],
    item: dict[str, Any],
    parsed: Reading,
) -> bool:
    """True when ``kinds.items._check_bounds`` reports nothing for the item: every limit holds within the
    rounding of both figures (none at all in strict mode)."""
    number = parsed.number
    half = Decimal(5).scaleb(-(parsed.places + 1))
    for limit, sign in limits:
        if type(limit) is str:
            row_unit = text_of(item.get(p.unit_field)) if p.unit_field else None
            factor = money_factor(parsed, row_unit, p.money_units)
            # The format of an amount depends on its table and column only (``Formats.at``).
            cell = ctx.formats.cell(f"/tables/{tid}/{limit.rsplit('.', 1)[-1]}", field_of(scope, limit))
            if cell is None or factor is None:
                continue
            value, envelope, bound_value = number * factor, half * factor + cell.half, cell.value
        else:
            value, envelope, bound_value = number, half, limit
        if ctx.strict:
            envelope = Decimal(0)
        if (value - bound_value) * sign > envelope:
            return False
    return True


# ---------------------------------------------------------------------------------------- indicators
def _framework(ctx: Context) -> Framework | None:
    return ctx.spec.framework_for(ctx.profile.id, ctx.fiscal_year)


def _indicator_levels(spec: Spec, compiled: Compiled) -> Screen | None:
    p: Levels = compiled.prepared
    if not _plain(p.items.refs):
        return None
    select = compile_select(compiled.rule.params.get("where"))
    source = Source(p.items.refs)
    by_level1 = p.check == "level1"

    def screen(ctx: Context) -> int | None:
        picked = chosen(ctx, source, p.items, select)
        if picked is None:
            return UNSURE
        rows, indexes = picked
        framework = _framework(ctx)
        if framework is None:
            return UNSURE if indexes else 0
        legal = framework.level1
        firsts = rows.texts("level1")
        if by_level1:
            return UNSURE if any(firsts[i] not in legal for i in indexes) else len(indexes)
        seconds = rows.texts("level2")
        checks = 0
        for i in indexes:
            level1 = firsts[i]
            if level1 is not None and level1 in legal:
                checks += 1
                if seconds[i] not in legal[level1]:
                    return UNSURE
        return checks

    return screen


def _coverage(spec: Spec, compiled: Compiled) -> Screen | None:
    p: Coverage = compiled.prepared
    if not _plain(p.scope) or not p.items:
        return None
    select = compile_select(compiled.rule.params.get("where"))
    source = Source(p.scope, p.items)
    first = p.items[0].name

    def screen(ctx: Context) -> int | None:
        scopes = [v for b in p.scope for v in resolved(ctx, b.ref) if isinstance(v, dict)]
        framework = _framework(ctx)
        if framework is None:
            return UNSURE if scopes else 0
        rows = rows_of(ctx, source)
        if rows.odd:
            return UNSURE
        present: list[set[str | None]] = [set() for _ in scopes]
        texts, owners = rows.texts(p.field), rows.owners
        for i in select(rows):
            present[owners[i]].add(texts[i])
        required = framework.required
        checks = 0
        for scope, found in zip(scopes, present, strict=True):
            if first not in scope:
                continue
            checks += 1
            if any(level1 not in found for level1 in required):
                return UNSURE
        return checks

    return screen


def _year_in_text(spec: Spec, compiled: Compiled) -> Screen | None:
    p: YearInText = compiled.prepared
    if not _plain(p.items.refs) or p.items.part is not None:
        return None
    select = compile_select(compiled.rule.params.get("where"))
    source = Source(p.items.refs)
    check = _span if p.span else _no_other_year

    def screen(ctx: Context) -> int | None:
        year = ctx.fiscal_year
        if year is None:
            return 0
        picked = chosen(ctx, source, p.items, select)
        if picked is None:
            return UNSURE
        rows, indexes = picked
        if not ctx.year_in_profile:
            return UNSURE if indexes else 0
        return check(p, rows, indexes, year)

    return screen


def _no_other_year(p: YearInText, rows: Rows, indexes: Iterable[int], year: int) -> int | None:
    """Every year the texts name ("2024年") is the fiscal year."""
    texts = [t for t in each_text(rows, p.items, indexes) if t is not None]
    if any(int(y) != year for t in texts for y in _YEAR.findall(t)):
        return UNSURE
    return len(texts)


def _span(p: YearInText, rows: Rows, indexes: Iterable[int], year: int) -> int | None:
    """Every period (the years one text names, or a first and a last year) contains the fiscal year."""
    starts = rows.values(p.items.field)
    ends = rows.values(p.end.field) if p.end is not None else None
    checks = 0
    for i in indexes:
        if ends is None:
            years = _years(starts[i])
            first, last = (min(years), max(years)) if years else (None, None)
        else:
            named, closing = _years(starts[i]), _years(ends[i])
            first, last = (named[0] if named else None), (closing[0] if closing else None)
        if first is None and last is None:
            continue
        checks += 1
        if (first is not None and year < first) or (last is not None and year > last):
            return UNSURE
    return checks


def _screens(factories: dict[str, ScreenFactory]) -> dict[str, ScreenFactory]:
    """Each factory with its screens guarded (``guarded``)."""

    def guard(factory: ScreenFactory) -> ScreenFactory:
        def build(spec: Spec, compiled: Compiled) -> Screen | None:
            screen = factory(spec, compiled)
            return None if screen is None else guarded(screen)

        return build

    return {kind: guard(f) for kind, f in factories.items()}


SCREENS: dict[str, ScreenFactory] = _screens(
    {
        "allowed_values": _allowed_values,
        "pattern": _pattern,
        "present": _present,
        "numeric_value": _numeric_value,
        "bounds": _bounds,
        "indicator_levels": _indicator_levels,
        "coverage": _coverage,
        "year_in_text": _year_in_text,
    }
)
