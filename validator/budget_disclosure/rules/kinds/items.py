"""Item kinds: checks on each row (each indicator, each classification row) of a list, one at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ... import pointer as jp
from ...names import normalise_name
from ..bind import BoundRef, bind_ref, check_column, check_path
from ..context import Compiled, Context, Violation
from ..refs import Step, parse_path, walk
from ..values import Reading, is_blank, money_factors, reading_of, text_of
from ..where import Filter, compile_where, field_of, has_field

__all__ = [
    "kind_allowed_values",
    "kind_bounds",
    "kind_coverage",
    "kind_indicator_levels",
    "kind_numeric_value",
    "kind_pattern",
    "kind_present",
    "kind_year_in_text",
]


PARTS = ("comparator", "number", "unit")


@dataclass(frozen=True)
class Items:
    refs: tuple[BoundRef, ...]
    field: str
    where: Filter
    tokens: str = ""  # the field as pointer tokens ("/value", "/a/b")
    # The part of the field's reading (``values.reading_of``) the rule checks instead of the whole cell:
    # comparator, number or unit. Items whose field does not read as a number are left out (they are the
    # numeric rules' business); a part not written (no comparator, no unit) is blank.
    part: str | None = None
    # Columns the rule cannot do without: an item that lacks one (the form prints no such column) is not
    # checked, and the rule is reported not verifiable for it, with the column's title.
    needs: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", "".join("/" + jp.escape(t) for t in self.field.split(".")))


def bind_items(spec: Any, params: Mapping[str, Any], field: str | None = None) -> Items:
    refs = tuple(bind_ref(spec.labels, r) for r in params["items"])
    name = field if field is not None else params["field"]
    needs: dict[str, str] = {}
    for bound in refs:
        check_path(bound.node, name, bound.text)
        for column in params.get("needs_columns", ()):
            needs.setdefault(column, check_column(bound.node, column, bound.text).title or column)
    part = params.get("part")
    if part is not None and part not in PARTS:  # pragma: no cover - the rules schema admits no other
        raise ValueError(f"part must be one of {', '.join(PARTS)}")
    return Items(refs, name, compile_where(params.get("where")), part=part, needs=tuple(needs.items()))


def each(ctx: Context, items: Items) -> Iterator[tuple[str, Mapping[str, Any], Any, str]]:
    """(item pointer, item, field value, pointer of the field or of the item when the field is absent).

    With ``part`` the value is that part of the field's reading; items whose field does not read are left
    out. An item without one of the columns the rule ``needs`` is left out and reported not verifiable.
    """
    simple = "." not in items.field
    name, tokens, where, part, needs = items.field, items.tokens, items.where, items.part, items.needs
    for bound in items.refs:
        if not ctx.usable(bound):
            continue
        for ptr, item in ctx.resolve(bound):
            if type(item) is not dict:
                continue
            if needs and _lacks(ctx, bound, item, needs):
                continue
            if not where(item):
                continue
            if simple:
                present = name in item
                value = item.get(name)
            else:
                present = has_field(item, name)
                value = field_of(item, name)
            if part is not None:
                reading = reading_of(value)
                if reading is None:
                    continue
                value = _part(reading, part)
            yield ptr, item, value, (ptr + tokens if present else ptr)


def _part(reading: Reading, part: str) -> Any:
    if part == "comparator":
        return reading.comparator
    if part == "unit":
        return reading.unit.replace("％", "%") or None
    return reading.number


def _lacks(ctx: Context, bound: BoundRef, item: Mapping[str, Any], needs: tuple[tuple[str, str], ...]) -> bool:
    """True (and the rule reported not verifiable) when the item lacks a column the rule needs."""
    missing = [title for column, title in needs if column not in item]
    if not missing:
        return False
    table = bound.table or ""
    shown = ctx.spec.tables[table].title if table in ctx.spec.tables else table
    columns = "、".join(f"「{t}」" for t in missing)
    ctx.not_verifiable(
        f"{shown}的表样未印{columns}列，其中的行无法按本规则核对",
        f"{table} is printed without the {'/'.join(missing)} column, so the rule cannot check its rows",
    )
    return True


# ---------------------------------------------------------------------------------------- values
@dataclass(frozen=True)
class Allowed:
    items: Items
    values: frozenset[str]
    values_from: tuple[BoundRef, ...]
    aliases: Mapping[str, str]
    names: bool  # compare as names (the one normaliser), not as exact text
    ignore_suffixes: tuple[str, ...]

    def key(self, text: str) -> str:
        return normalise_name(text, self.ignore_suffixes) if self.names else text


def prepare_allowed_values(spec: Any, params: Mapping[str, Any]) -> Allowed:
    sources = params.get("values_from") or []
    sources = [sources] if isinstance(sources, str) else sources
    suffixes = tuple(params.get("ignore_suffixes", ()))
    if suffixes and not params.get("names"):
        raise ValueError("ignore_suffixes applies to name comparisons only: add names: true")
    return Allowed(
        bind_items(spec, params),
        frozenset(str(v).strip() for v in params.get("values", ())),
        tuple(bind_ref(spec.labels, s) for s in sources),
        dict(params.get("aliases", {})),
        bool(params.get("names", False)),
        suffixes,
    )


def kind_allowed_values(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A field holds one of the legal values (listed, or read from elsewhere in the document); blanks are
    left to ``present``. Aliases (>= for ≥) are read as the value they stand for. With ``names`` the
    values compare as names (brackets, punctuation, spaces and the rule's ``ignore_suffixes`` aside)."""
    p: Allowed = compiled.prepared
    allowed = set(p.values)
    for bound in p.values_from:
        allowed |= {t for _, v in ctx.resolve(bound) if (t := text_of(v)) is not None}
    if not allowed:
        return
    keys = {p.key(v) for v in allowed}
    shown = sorted(allowed) if len(allowed) <= 12 else [*sorted(allowed)[:12], "…"]
    for _, item, value, here in each(ctx, p.items):
        text = text_of(value)
        if text is None:
            continue
        ctx.checked()
        if p.key(p.aliases.get(text, text)) not in keys:
            yield Violation(here, {"value": text, "allowed": shown, "written": _written(item, p.items)})


@dataclass(frozen=True)
class Pattern:
    items: Items
    must_match: re.Pattern[str] | None
    must_not_match: re.Pattern[str] | None


def prepare_pattern(spec: Any, params: Mapping[str, Any]) -> Pattern:
    mm, mn = params.get("must_match"), params.get("must_not_match")
    return Pattern(bind_items(spec, params), re.compile(mm) if mm else None, re.compile(mn) if mn else None)


def kind_pattern(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A text field matches (or does not match) a regular expression; blanks are not checked."""
    p: Pattern = compiled.prepared
    for _, _, value, here in each(ctx, p.items):
        text = text_of(value)
        if text is None:
            continue
        ctx.checked()
        if (p.must_match and not p.must_match.search(text)) or (p.must_not_match and p.must_not_match.search(text)):
            yield Violation(here, {"value": text})


def prepare_present(spec: Any, params: Mapping[str, Any]) -> Items:
    return bind_items(spec, params)


def kind_present(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A field is not blank on the items the filter admits."""
    p: Items = compiled.prepared
    for _, item, value, here in each(ctx, p):
        ctx.checked()
        if is_blank(value):
            yield Violation(here, {"field": p.field, "written": _written(item, p)})


def _written(item: Mapping[str, Any], items: Items) -> str:
    """The checked cell as written (for a rule on a ``part``, the whole cell the part was read from)."""
    return text_of(field_of(item, items.field)) or "（空白）"


@dataclass(frozen=True)
class Numeric:
    items: Items
    unit_field: str | None
    exclude: re.Pattern[str] | None
    money_units: Mapping[str, Decimal]
    money: bool


def prepare_numeric_value(spec: Any, params: Mapping[str, Any]) -> Numeric:
    items = bind_items(spec, params)
    if params.get("unit_field"):
        for bound in items.refs:
            check_column(bound.node, params["unit_field"], bound.text)
    if params.get("money") and not params.get("money_units"):
        raise ValueError("money: true needs money_units, the units of money and their factors to 元")
    return Numeric(
        items,
        params.get("unit_field"),
        re.compile(params["exclude"]) if params.get("exclude") else None,
        money_factors(params.get("money_units")),
        bool(params.get("money")),
    )


NO_UNIT = {None, "-", "—", "/", "无"}


def row_units(
    item: Mapping[str, Any], unit_field: str | None, money: Mapping[str, Decimal] | None = None
) -> tuple[str, ...] | None:
    """The units a value may be followed by: the row's own unit and %, and every unit of money when the
    row's unit is money (50万元 on a 元 row is the same amount in another scale); None when the row has
    no unit (any short unit may follow)."""
    unit = text_of(item.get(unit_field)) if unit_field else None
    if unit in NO_UNIT:
        return None
    scales = tuple(money) if money and unit in money else ()
    return (unit, "%", "％", *scales) if unit else None


def money_factor(reading: Reading, row_unit: str | None, money: Mapping[str, Decimal]) -> Decimal | None:
    """元 per unit of a reading: its written unit's factor, else (no unit written) the row unit's."""
    if reading.unit:
        return reading.factor
    return money.get(row_unit) if row_unit is not None else None


def kind_numeric_value(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A field reads as a number, optionally followed by the row's own unit (or by any short unit when
    the row has none); text that only looks numeric (``exclude``, for example a year "2024年") is not.
    With ``money``, the number must also be an amount of money the rules can convert to 元: its written
    unit, or the row's unit when none is written, is one of ``money_units``."""
    p: Numeric = compiled.prepared
    for _, item, value, here in each(ctx, p.items):
        ctx.checked()
        text = text_of(value)
        excluded = text is not None and p.exclude is not None and p.exclude.search(text) is not None
        reading = reading_of(value, p.money_units, row_units(item, p.unit_field, p.money_units))
        row_unit = text_of(item.get(p.unit_field)) if p.unit_field else None
        unreadable = reading is None or (p.money and money_factor(reading, row_unit, p.money_units) is None)
        if excluded or unreadable:
            yield Violation(
                here,
                {
                    "value": text if text is not None else "（空白）",
                    "value_en": text if text is not None else "(blank)",
                    "value_type": text_of(item.get("value_type")) or "",
                    "unit": row_unit or "",
                },
            )


# ---------------------------------------------------------------------------------------- bounds
@dataclass(frozen=True)
class Bounds:
    scope: tuple[BoundRef, ...]
    items: tuple[Step, ...] | None
    field: str
    unit_field: str | None
    min: Any
    max: Any
    where: Filter
    money_units: Mapping[str, Decimal]


def prepare_bounds(spec: Any, params: Mapping[str, Any]) -> Bounds:
    scope = tuple(bind_ref(spec.labels, r) for r in params["scope"])
    for bound in scope:
        item_node = check_path(bound.node, params["items"], bound.text) if params.get("items") else bound.node
        check_column(item_node, params["field"], bound.text)
        for key in ("min", "max"):
            if isinstance(params.get(key), Mapping):
                check_path(bound.node, params[key]["field"], bound.text)
                if not params.get("money_units"):
                    raise ValueError(f"{bound.text}: a bound by an amount needs money_units to convert the value")
    return Bounds(
        scope,
        parse_path(params["items"]) if params.get("items") else None,
        params["field"],
        params.get("unit_field"),
        params.get("min"),
        params.get("max"),
        compile_where(params.get("where")),
        money_factors(params.get("money_units")),
    )


def kind_bounds(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A numeric field lies within bounds: numbers (a percentage within 0–100) or an amount of the enclosing
    scope object (a cost indicator within its project's money; a dotted field names a nested amount),
    converting the value's unit of money (``money_units``) to 元 and allowing for the rounding of both
    figures. Values that are not numbers, or not money where an amount bounds them, are left to
    ``numeric_value``."""
    p: Bounds = compiled.prepared
    for sptr, scope in ctx.objects(p.scope):
        items = walk(scope, sptr, p.items) if p.items else iter([(sptr, scope)])
        for iptr, item in items:
            if not isinstance(item, Mapping) or not p.where(item):
                continue
            parsed = reading_of(item.get(p.field), p.money_units)
            if parsed is None:
                continue
            ctx.checked()
            yield from _check_bounds(ctx, p, sptr, scope, iptr, item, parsed)


def _check_bounds(
    ctx: Context,
    p: Bounds,
    sptr: str,
    scope: Mapping[str, Any],
    iptr: str,
    item: Mapping[str, Any],
    parsed: Reading,
) -> Iterator[Violation]:
    number, places = parsed.number, parsed.places
    half = Decimal(5).scaleb(-(places + 1))
    row_unit = text_of(item.get(p.unit_field)) if p.unit_field else None
    unit = parsed.unit or row_unit
    here = jp.join(iptr, p.field)
    for key, sign in (("min", -1), ("max", 1)):
        limit = p.min if key == "min" else p.max
        if limit is None:
            continue
        if isinstance(limit, Mapping):
            field = limit["field"]
            cell = ctx.cell(sptr + "".join("/" + jp.escape(t) for t in field.split(".")), field_of(scope, field))
            factor = money_factor(parsed, row_unit, p.money_units)
            if cell is None or factor is None:
                continue
            value, vhalf = number * factor, half * factor
            bound_value, bound_half = cell.value, cell.half
            related: tuple[str, ...] = (cell.pointer,)
            shown_bound = cell.printed if cell.printed is not None else Decimal(0)
            shown_unit = cell.unit
        else:
            value, vhalf, bound_value, bound_half = number, half, Decimal(limit), Decimal(0)
            related = ()
            shown_bound, shown_unit = Decimal(limit), unit or ""
        envelope = Decimal(0) if ctx.strict else vhalf + bound_half
        excess = (value - bound_value) * sign
        if excess > envelope:
            yield Violation(
                here,
                {
                    "value": text_of(item.get(p.field)),
                    "bound": format(shown_bound, "f"),
                    "bound_unit": shown_unit,
                    "limit": "上限" if key == "max" else "下限",
                    "limit_en": "maximum" if key == "max" else "minimum",
                },
                related=related,
            )


# ---------------------------------------------------------------------------------------- indicators
@dataclass(frozen=True)
class Levels:
    items: Items
    check: str


def prepare_indicator_levels(spec: Any, params: Mapping[str, Any]) -> Levels:
    return Levels(
        bind_items(spec, params, field="level1" if params["check"] == "level1" else "level2"), params["check"]
    )


def kind_indicator_levels(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """一级 indicators belong to the profile's framework (check level1), and each 二级 belongs to its 一级
    (check pair); a blank level on a row that has an indicator is not legal either."""
    p: Levels = compiled.prepared
    framework = ctx.spec.framework_for(ctx.profile.id, ctx.fiscal_year)
    if framework is None:
        if any(True for _ in each(ctx, p.items)):
            _no_framework(ctx)
        return
    for _, item, _, here in each(ctx, p.items):
        level1, level2 = text_of(item.get("level1")), text_of(item.get("level2"))
        if p.check == "level1":
            ctx.checked()
            if level1 not in framework.level1:
                yield Violation(
                    here,
                    {
                        "level1": level1 or "（空白）",
                        "level1_en": level1 or "(blank)",
                        "allowed": list(framework.level1),
                        "framework": framework.title,
                    },
                )
        elif level1 is not None and level1 in framework.level1:
            ctx.checked()
            if level2 not in framework.level1[level1]:
                yield Violation(
                    here,
                    {
                        "level1": level1,
                        "level2": level2 or "（空白）",
                        "level2_en": level2 or "(blank)",
                        "allowed": list(framework.level1[level1]),
                        "framework": framework.title,
                    },
                )


def _no_framework(ctx: Context) -> None:
    ctx.year_data_missing("绩效指标体系", "indicator framework")


@dataclass(frozen=True)
class Coverage:
    scope: tuple[BoundRef, ...]
    items: tuple[Step, ...]
    field: str
    where: Filter


def prepare_coverage(spec: Any, params: Mapping[str, Any]) -> Coverage:
    scope = tuple(bind_ref(spec.labels, r) for r in params["scope"])
    for bound in scope:
        check_column(check_path(bound.node, params["items"], bound.text), params["field"], bound.text)
    return Coverage(scope, parse_path(params["items"]), params["field"], compile_where(params.get("where")))


def kind_coverage(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Every scope object (each project, the department table) has at least one real indicator under each
    first-level indicator its framework requires."""
    p: Coverage = compiled.prepared
    framework = ctx.spec.framework_for(ctx.profile.id, ctx.fiscal_year)
    if framework is None:
        if any(True for _ in ctx.objects(p.scope)):
            _no_framework(ctx)
        return
    for sptr, scope in ctx.objects(p.scope):
        if p.items and p.items[0].name not in scope:
            continue  # no indicator list at all: a department printed only as its units' tables
        ctx.checked()
        present = {
            text_of(item.get(p.field))
            for _, item in walk(scope, sptr, p.items)
            if isinstance(item, Mapping) and p.where(item)
        }
        name = text_of(scope.get("name")) or text_of(scope.get("unit_name")) or ""
        for level1 in framework.required:
            if level1 not in present:
                yield Violation(sptr, {"missing": level1, "name": name, "framework": framework.title})


@dataclass(frozen=True)
class YearInText:
    items: Items
    span: bool = False
    end: Items | None = None


_YEAR = re.compile(r"((?:19|20)\d{2})\s*+年")  # possessive: one pass over any run of blanks
_PERIOD_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")  # 2024-2026年: the first year has no 年


def prepare_year_in_text(spec: Any, params: Mapping[str, Any]) -> YearInText:
    span = params.get("check", "equal") == "span"
    end = bind_items(spec, params, params["end_field"]) if span and params.get("end_field") else None
    return YearInText(bind_items(spec, params), span, end)


def _years(value: Any) -> list[int]:
    """The years a period cell names: a year as a number, or every four-digit year in its text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    text = text_of(value)
    return [int(y) for y in _PERIOD_YEAR.findall(text)] if text is not None else []


def _span(ctx: Context, p: YearInText, year: int) -> Iterator[Violation]:
    """A period (its first and last year, or the years its text names) contains the fiscal year. The
    finding points at the bound the fiscal year lies beyond."""
    last_years = {ptr: (value, here) for ptr, _, value, here in each(ctx, p.end)} if p.end is not None else {}
    for ptr, _, value, here in each(ctx, p.items):
        first: int | None
        last: int | None
        end_here = here
        if p.end is None:
            years = _years(value)
            first, last = (min(years), max(years)) if years else (None, None)
            shown = text_of(value) or ""
        else:
            end_value, end_here = last_years.get(ptr, (None, ptr))
            starts, ends = _years(value), _years(end_value)
            first = starts[0] if starts else None
            last = ends[0] if ends else None
            shown = f"{first or ''}-{last or ''}"
        if first is None and last is None:
            continue  # a duration (1年) or a blank names no year: nothing to place the fiscal year in
        ctx.checked()
        if (first is not None and year < first) or (last is not None and year > last):
            at = here if first is not None and year < first else end_here
            span = f"{first or '…'}—{last or '…'}"
            values = {"years": f"{span}年", "years_en": span, "fiscal_year": year, "value": shown}
            yield Violation(at, values)


def kind_year_in_text(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Every year a text field names ("2024年") is the document's fiscal year; with ``check: span``, the
    period a field names (2024-2026年, or a first and a last year) contains the fiscal year. A fiscal year
    outside the profile's years is schema.profile-year's one finding: the texts are then not compared."""
    year = ctx.fiscal_year
    if year is None:
        return
    if not ctx.year_in_profile:
        if any(True for _ in each(ctx, compiled.prepared.items)):
            ctx.year_data_missing("可比对的预算年度", "fiscal year to compare with")
        return
    if compiled.prepared.span:
        yield from _span(ctx, compiled.prepared, year)
        return
    for _, _, value, here in each(ctx, compiled.prepared.items):
        text = text_of(value)
        if text is None:
            continue
        ctx.checked()
        others = sorted({int(m) for m in _YEAR.findall(text)} - {year})
        if others:
            values = {"years": [f"{y}年" for y in others], "years_en": others, "fiscal_year": year, "value": text}
            yield Violation(here, values)
