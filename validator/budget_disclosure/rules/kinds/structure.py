"""Structural kinds: the declared precision of amounts, statements on empty tables, text anywhere, and
the printed titles of tables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ... import pointer as jp
from ...amounts import decimals
from ...labels import LabelNode
from ..bind import BoundRef, bind_ref
from ..context import Compiled, Context, Violation
from ..values import is_blank

__all__ = [
    "amount_cells",
    "kind_amount_precision",
    "kind_amount_sign",
    "kind_empty_statement",
    "kind_table_title",
    "kind_text_scan",
    "title_matches",
]


def _amount_paths(node: LabelNode, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if node.amount:
        yield prefix
        return
    for name, child in node.props.items():
        yield from _amount_paths(child, (*prefix, name))
    if node.items is not None:
        yield from _amount_paths(node.items, (*prefix, "*"))


Trie = dict[str, "Trie | None"]  # field (or "*" for every item of a list) → the rest; None marks an amount


def _trie(patterns: Iterator[tuple[str, ...]]) -> Trie:
    root: Trie = {}
    for pattern in patterns:
        node = root
        for head in pattern[:-1]:
            child = node.setdefault(head, {})
            assert child is not None
            node = child
        node[pattern[-1]] = None
    return root


def _amounts(document: Any, trie: Trie) -> Iterator[tuple[str, Any]]:
    """(pointer, value) of every amount cell the schemas declare, in one walk over the document."""
    stack: list[tuple[Any, str, Trie]] = [(document, "", trie)]
    while stack:
        node, ptr, here = stack.pop()
        if type(node) is dict:
            for key, rest in here.items():
                if key in node:
                    value = node[key]
                    if rest is None:
                        yield f"{ptr}/{key}", value
                    else:
                        stack.append((value, f"{ptr}/{key}", rest))
        elif type(node) is list and "*" in here:
            rest = here["*"]
            for i, item in enumerate(node):
                if rest is None:
                    yield f"{ptr}/{i}", item
                else:
                    stack.append((item, f"{ptr}/{i}", rest))


def prepare_amount_precision(spec: Any, params: Any) -> Trie:
    return _trie(_amount_paths(spec.labels))


_TRIES: dict[int, tuple[LabelNode, Trie]] = {}


def amount_cells(labels: LabelNode, document: Any) -> list[tuple[str, Any]]:
    """(pointer, value) of every cell of a document that the schemas declare an amount, whatever its value."""
    found = _TRIES.get(id(labels))
    if found is None:
        found = _TRIES[id(labels)] = (labels, _trie(_amount_paths(labels)))
    return list(_amounts(document, found[1]))


def kind_amount_precision(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Every amount has at most the decimals its declared precision allows (trailing zeros aside)."""
    formats = ctx.formats
    for ptr, raw in _amounts(ctx.document, compiled.prepared):
        if type(raw) is not Decimal:
            continue  # integers have no decimals; other types are the schema's business
        unit, precision = formats.at(ptr)
        if type(precision) is not int:
            continue
        ctx.checks += 1
        exponent = raw.as_tuple().exponent
        if not isinstance(exponent, int) or -exponent <= precision:
            continue  # as many decimals as the precision allows, or fewer
        places = decimals(raw)
        if places > precision:
            yield Violation(ptr, {"value": raw, "places": places, "precision": precision, "unit": unit})


def _unsigned_paths(node: LabelNode, percent: bool, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Paths of the amounts (or percentages) the schemas do not declare signed (``x-signed``)."""
    if node.amount or node.percent:
        if not node.signed and node.percent == percent:
            yield prefix
        return
    for name, child in node.props.items():
        yield from _unsigned_paths(child, percent, (*prefix, name))
    if node.items is not None:
        yield from _unsigned_paths(node.items, percent, (*prefix, "*"))


def prepare_amount_sign(spec: Any, params: Any) -> tuple[Trie, Trie]:
    return _trie(_unsigned_paths(spec.labels, False)), _trie(_unsigned_paths(spec.labels, True))


def kind_amount_sign(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Budget amounts and percentages are not negative, unless the schema annotates the property
    ``x-signed`` (a change against last year); a negative one is reported at its cell."""
    amounts, percents = compiled.prepared
    for trie, percent in ((amounts, False), (percents, True)):
        for ptr, raw in _amounts(ctx.document, trie):
            if type(raw) is not Decimal and type(raw) is not int:
                continue  # blanks, dashes and values of the wrong type are not negative numbers
            ctx.checks += 1
            if raw < 0:
                unit = "%" if percent else ctx.formats.at(ptr)[0]
                yield Violation(ptr, {"value": raw, "unit": unit or ""})


def prepare_empty_statement(spec: Any, params: Mapping[str, Any] | None) -> str:
    return str((params or {}).get("check", "present"))


def kind_empty_statement(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """A table declared empty says so: its own statement or note, or the document's blanket statement
    (check ``present``); and what it says names no other table (check ``names``: 国有资本经营预算支出表 in
    the statement of an empty 政府性基金预算支出表)."""
    if compiled.prepared == "names":
        yield from _names_other_tables(ctx)
        return
    blanket = ctx.metadata.get("empty_table_statement")
    for tid in ctx.spec.tables:  # every known table the document has, required by the profile or not
        if not ctx.is_empty(tid):
            continue
        ctx.checked()
        table = ctx.table(tid)
        if is_blank(table.get("statement")) and is_blank(table.get("note")) and is_blank(blanket):
            yield Violation(jp.join("/tables", tid), {"table": ctx.spec.tables[tid].title})


def _names_other_tables(ctx: Context) -> Iterator[Violation]:
    tables = ctx.spec.tables
    # Longest first, then in code-point order: never the order of a set, which varies with the hash seed.
    titles = {tid: sorted({info.title, *info.titles}, key=lambda t: (-len(t), t)) for tid, info in tables.items()}
    for tid in ctx.profile.tables:
        if not ctx.is_empty(tid):
            continue
        table = ctx.table(tid)
        for field in ("statement", "note"):
            text = table.get(field)
            if type(text) is not str or is_blank(text):
                continue
            ctx.checked()
            for own in titles[tid]:  # the table's own names, longest first, are not "another table"
                text = text.replace(own, "\0")
            named = [tables[o].title for o in tables if o != tid and any(t in text for t in titles[o])]
            if named:
                yield Violation(jp.join("/tables", tid, field), {"table": tables[tid].title, "named": named})


@dataclass(frozen=True)
class TextScan:
    within: tuple[BoundRef, ...]
    must_not_match: re.Pattern[str]


def prepare_text_scan(spec: Any, params: Mapping[str, Any]) -> TextScan:
    return TextScan(tuple(bind_ref(spec.labels, r) for r in params["within"]), re.compile(params["must_not_match"]))


def kind_text_scan(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """No text anywhere under the references (every string, however deep) matches ``must_not_match``:
    template residue such as XX, ××, 某某 or 此处填写 left in a published document."""
    p: TextScan = compiled.prepared
    for bound in p.within:
        if not ctx.usable(bound):
            continue
        for ptr, node in ctx.resolve(bound):
            stack: list[tuple[str, Any]] = [(ptr, node)]
            while stack:  # depth-first, in document order
                here, value = stack.pop()
                if type(value) is str:
                    ctx.checked()
                    if p.must_not_match.search(value):
                        yield Violation(here, {"value": value.strip()})
                elif type(value) is dict:
                    stack.extend((jp.join(here, k), v) for k, v in reversed(value.items()))
                elif type(value) is list:
                    stack.extend((jp.join(here, i), v) for i, v in reversed(list(enumerate(value))))


# ---------------------------------------------------------------------------------------- table titles
@dataclass(frozen=True)
class TableTitle:
    items: tuple[BoundRef, ...]


def prepare_table_title(spec: Any, params: Mapping[str, Any]) -> TableTitle:
    items = tuple(bind_ref(spec.labels, r) for r in params["items"])
    for bound in items:
        if bound.table not in spec.tables:
            raise ValueError(f"{bound.text}: table_title checks tables, not {bound.table!r}")
    return TableTitle(items)


# Quotation marks of every kind compare alike ("三公", “三公”, ‘三公’, 「三公」), as do full- and half-width
# brackets; blanks (a line break inside a printed title) are not content.
_TITLE_FOLD = str.maketrans({c: '"' for c in "“”‘’「」『』'＂"} | {"（": "(", "）": ")"})
_BLANKS = re.compile(r"\s+")
UNIT = "{unit}"
YEAR = "{year}"


def title_key(text: str) -> str:
    return _BLANKS.sub("", text).translate(_TITLE_FOLD)


def title_matches(pattern: str, title: str, year: int) -> bool:
    """``title`` is what ``pattern`` prints in ``year``: {year} is the year, {unit} any text (the unit's
    name, or nothing) — a prefix, or inside the title where the form prints the name after the year."""
    parts = title_key(pattern).replace(YEAR, str(year)).split(UNIT)
    return re.fullmatch(".*".join(re.escape(part) for part in parts), title_key(title)) is not None


def _render(pattern: str, year: int, unit: str) -> str:
    return pattern.replace(UNIT, unit).replace(YEAR, str(year))


def kind_table_title(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Each table's printed title is one its profile gives for the table (rules/profiles.yaml ``titles``),
    with the document's fiscal year. A table whose title was not transcribed, a table the profile gives no
    title for, and a document whose fiscal year lies outside the profile's years are reported as not
    verifiable."""
    p: TableTitle = compiled.prepared
    year = ctx.fiscal_year
    for bound in p.items:
        tid = bound.table
        assert tid is not None  # checked by prepare
        for ptr, table in ctx.objects((bound,)):
            title = table.get("title")
            name = ctx.spec.tables[tid].title
            if not isinstance(title, str) or not title.strip():
                ctx.not_verifiable(f"{name}的表名没有转录", f"the title of {tid} was not transcribed")
                continue
            if year is None or not ctx.year_in_profile:
                ctx.year_data_missing("表名格式", "title patterns")
                continue
            patterns = ctx.profile.titles.get(tid)
            if not patterns:
                ctx.not_verifiable(f"适用规范没有给出{name}的表名格式", f"the profile gives no title for {tid}")
                continue
            ctx.checked()
            if not any(title_matches(pattern, title, year) for pattern in patterns):
                yield Violation(
                    jp.join(ptr, "title"),
                    {
                        "title": title,
                        "table": name,
                        "table_en": tid,
                        "expected": "」或「".join(_render(x, year, "（单位名称）") for x in patterns),
                        "expected_en": '" or "'.join(_render(x, year, "(unit name)") for x in patterns),
                    },
                )
