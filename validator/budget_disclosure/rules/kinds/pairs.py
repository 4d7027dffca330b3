"""Pair kinds: an item of one list and its namesake in another agree field by field."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ... import pointer as jp
from ..bind import BoundRef, bind_ref, check_column
from ..context import Compiled, Context, Violation
from ..values import reading_of, text_of
from ..where import Filter, compile_where

__all__ = ["kind_fields_match"]

_NO_UNIT = {None, "-", "—", "/", "无"}  # every way of printing "no unit" is the same unit


@dataclass(frozen=True)
class FieldsMatch:
    left: BoundRef
    right: BoundRef
    key: str
    fields: tuple[str, ...]
    unit_field: str | None
    aliases: Mapping[str, str]
    where: Filter
    titles: Mapping[str, str]  # field → its column title (指标值类型), for the message
    comparator_field: str | None = None  # where a form prints the comparator (指标值类型) apart from the value


def prepare_fields_match(spec: Any, params: Mapping[str, Any]) -> FieldsMatch:
    left, right = bind_ref(spec.labels, params["left"]), bind_ref(spec.labels, params["right"])
    named = [
        params["key"],
        *params["fields"],
        *([params["unit_field"]] if params.get("unit_field") else []),
        *([params["comparator_field"]] if params.get("comparator_field") else []),
    ]
    for bound in (left, right):
        for name in named:
            check_column(bound.node, name, bound.text)
    return FieldsMatch(
        left,
        right,
        params["key"],
        tuple(params["fields"]),
        params.get("unit_field"),
        dict(params.get("aliases", {})),
        compile_where(params.get("where")),
        {f: left.node.props[f].title or f for f in params["fields"]},
        params.get("comparator_field"),
    )


def _unit(p: FieldsMatch, row: Mapping[str, Any]) -> str | None:
    unit = text_of(row.get(p.unit_field)) if p.unit_field else None
    return None if unit in _NO_UNIT else unit.replace("％", "%") if unit else None


def _measure(p: FieldsMatch, row: Mapping[str, Any], field: str) -> tuple[Any, ...] | None:
    """A field read as a quantity: comparator, number, and its unit (written after it, else the row's)."""
    reading = reading_of(row.get(field))
    return None if reading is None else (reading.comparator, reading.number, reading.unit or _unit(p, row))


def _stated(p: FieldsMatch, row: Mapping[str, Any], field: str) -> tuple[Any, ...]:
    """What a row states in ``field`` with the columns its form prints folded in: a number as (comparator,
    number, unit), the comparator and unit taken from their own columns where the value does not write
    them; any other text as itself (after ``aliases``)."""
    reading = reading_of(row.get(field))
    if reading is None:
        text = text_of(row.get(field))
        return ("text", p.aliases.get(text or "", text))
    comparator = reading.comparator
    if comparator is None and p.comparator_field:
        kind = text_of(row.get(p.comparator_field))
        comparator = p.aliases.get(kind or "", kind)
        comparator = comparator if comparator in ("≥", "≤", "=", ">", "<") else None
    return ("number", comparator, reading.number, reading.unit.replace("％", "%") or _unit(p, row))


def _mixed(p: FieldsMatch, mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    """The two rows come from forms that print different columns (one has 指标值类型 or a unit column, the
    other writes them in the value)."""
    return any((f in mine) != (f in theirs) for f in (*p.fields, p.comparator_field, p.unit_field) if f)


def _same(p: FieldsMatch, field: str, mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    if _mixed(p, mine, theirs):
        if field in (p.comparator_field, p.unit_field):
            return True  # written in the value on one side: compared there, with the value
        return _stated(p, mine, field) == _stated(p, theirs, field)
    if field == p.unit_field:
        if _unit(p, mine) == _unit(p, theirs):
            return True
        # 100% with no unit is 100 with unit %: the unit went into the value, and the quantities agree.
        return any(
            (m := _measure(p, mine, f)) is not None and m == _measure(p, theirs, f) for f in p.fields if f != field
        )
    a, b = text_of(mine.get(field)), text_of(theirs.get(field))
    if p.aliases.get(a or "", a) == p.aliases.get(b or "", b):
        return True
    # Numbers as numbers (1 and 1.0, ９０ and 90, 100% and 100 on a % row).
    m = _measure(p, mine, field)
    return m is not None and m == _measure(p, theirs, field)


def kind_fields_match(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """An item of one list and the item of another with the same ``key`` (an indicator of the department
    table and the project indicator of the same name) agree in each of ``fields``: texts after ``aliases``,
    numbers as numbers in their unit (written after them, else the row's ``unit_field``), and every
    "no unit" alike. A key that the other list holds more than once, with
    differing fields, names no single namesake and is not compared."""
    p: FieldsMatch = compiled.prepared
    if not (ctx.usable(p.left) and ctx.usable(p.right)):
        return  # one side is a table with schema findings: there is nothing sound to compare
    rights: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for ptr, row in ctx.resolve(p.right):
        if type(row) is dict and p.where(row) and (key := text_of(row.get(p.key))) is not None:
            rights.setdefault(key, []).append((ptr, row))
    for ptr, row in ctx.resolve(p.left):
        if type(row) is not dict or not p.where(row):
            continue
        key = text_of(row.get(p.key))
        matches = rights.get(key or "", [])
        if not matches:
            continue
        first_ptr, first = matches[0]
        if any(not all(_same(p, f, first, other) for f in p.fields) for _, other in matches[1:]):
            continue  # namesakes that disagree among themselves: no single one to compare with
        ctx.checked()
        for field in p.fields:
            if not _same(p, field, row, first):
                yield Violation(
                    jp.join(ptr, field) if field in row else ptr,  # an absent field: the row, which exists
                    {
                        "name": key,
                        "field": p.titles[field],
                        "field_en": field,
                        "value": text_of(row.get(field)) or "（空白）",
                        "other": text_of(first.get(field)) or "（空白）",
                    },
                    related=(jp.join(first_ptr, field) if field in first else first_ptr,),
                )
