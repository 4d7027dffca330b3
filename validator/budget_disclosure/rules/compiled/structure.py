"""Screens for the kinds of ``rules/kinds/structure.py``: text residue, the decimals and sign of amounts,
statements on empty tables and table titles.

The amount screens walk the kind's own trie of amount paths (``prepared``) without building pointers,
gathering each leaf's values; a leaf's unit and precision depend only on its table and column, so they
are looked up once per leaf through ``ctx.formats`` (the interpreter's own per-document cache). The text
screen gathers every string under its references and, when the rule's pattern cannot match without one
of a few characters, asks first whether any of them occurs at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from typing import Any

from ...amounts import decimals
from ...spec import Spec
from ..bind import BoundRef
from ..context import Compiled, Context
from ..kinds.structure import TableTitle, TextScan, prepare_amount_precision, title_matches
from ..values import is_blank
from .base import UNSURE, Screen, ScreenFactory
from .codes import reached

try:  # the parsed form of a rule's pattern: which characters a match must begin with
    import re._parser as sre  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - another Python: no pre-filter, every string is searched
    sre = None

__all__ = ["SCREENS", "first_characters"]

_FAMILY = "structure"


# -------------------------------------------------------------------------------------------- text_scan
_ZERO_WIDTH = frozenset({sre.AT, sre.ASSERT, sre.ASSERT_NOT}) if sre else frozenset()
_REPEATS = frozenset({sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}) if sre else frozenset()
_WIDEST_RANGE = 256  # a class wider than this is no use as a pre-filter


def _class(items: Any) -> set[str] | None:
    """The characters of a character class ``[...]``, or None for a negated, categorised or wide one."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < _WIDEST_RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return chars


def _first(seq: Any) -> set[str] | None:
    """The characters a match of the sequence can begin with, or None when that cannot be told (an empty
    match, a wildcard, a case-folding flag, a back reference …)."""
    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the next item begins the match
        if op is sre.LITERAL:
            return {chr(av)}
        if op is sre.IN:
            return _class(av)
        if op is sre.BRANCH:
            found: set[str] = set()
            for alternative in av[1]:
                chars = _first(alternative)
                if chars is None:
                    return None
                found |= chars
            return found
        if op is sre.SUBPATTERN:
            return None if av[1] or av[2] else _first(av[3])
        if op is sre.ATOMIC_GROUP:
            return _first(av)
        if op in _REPEATS:
            return _first(av[2]) if av[0] >= 1 else None
        return None
    return None


def first_characters(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters one of which every match of ``pattern`` begins with (so a text holding none of them
    cannot match), or None when the pattern does not say."""
    if sre is None or pattern.flags & ~re.UNICODE:
        return None
    try:
        found = _first(sre.parse(pattern.pattern))
    except Exception:  # an unusual pattern: no pre-filter, every string is searched
        return None
    return frozenset(found) if found else None


def _strings(node: Any, out: list[str]) -> None:
    """Every string under ``node`` (the values of objects and items of lists, however deep), in no
    particular order; without recursion, so no depth of nesting stops it."""
    kind = type(node)
    if kind is str:
        out.append(node)
        return
    if kind is not dict and kind is not list:
        return
    stack = [node]
    pop, push, add = stack.pop, stack.append, out.append
    while stack:
        here = pop()
        for value in here.values() if type(here) is dict else here:
            kind = type(value)
            if kind is str:
                add(value)
            elif kind is dict or kind is list:
                push(value)


def _matches_any(texts: list[str], search: Callable[[str], Any], prefilter: Callable[..., Any] | None) -> bool:
    """Some text matches. With a pre-filter (characters one of which begins every match), only the texts
    holding one of them are searched, found in one pass over all texts joined."""
    if prefilter is None:
        return any(search(text) for text in texts)
    joined = "\0".join(texts)
    hit = prefilter(joined)
    if hit is None:
        return False
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    while hit is not None:
        i = bisect_right(starts, hit.start()) - 1
        if search(texts[i]):
            return True
        hit = prefilter(joined, starts[i + 1])
    return False


def _text_scan(spec: Spec, compiled: Compiled) -> Screen | None:
    p: TextScan = compiled.prepared
    within: tuple[BoundRef, ...] = p.within
    if any(b.ref.steps and b.ref.steps[0].name == "total_row" for b in within):
        return None
    search = p.must_not_match.search
    chars = first_characters(p.must_not_match)
    prefilter = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]").search if chars else None

    def screen(ctx: Context) -> int | None:
        texts: list[str] = []
        for bound in within:
            if bound.table is None or bound.table not in ctx.excluded:
                for node in reached(ctx, bound.ref):
                    _strings(node, texts)
        return UNSURE if _matches_any(texts, search, prefilter) else len(texts)

    return screen


# ----------------------------------------------------------------------------------------- amount paths
Trie = dict[str, Any]


class _Paths:
    """A kind's trie of amount paths, numbered leaf by leaf, with the pointer of a cell of each leaf (its
    format is that of every cell of the leaf)."""

    def __init__(self, trie: Trie) -> None:
        self.samples: list[str] = []
        self.leaves: dict[tuple[str, ...], int] = {}
        self.root = self._number(trie, ())
        # The table of each leaf in a table (None elsewhere).
        self.tables = [path[1] if len(path) > 2 and path[0] == "tables" else None for path in self.leaves]

    def _number(self, trie: Trie, path: tuple[str, ...]) -> dict[str, Any]:
        node: dict[str, Any] = {}
        for key, rest in trie.items():
            here = (*path, key)
            if rest is None:
                node[key] = self.leaves[here] = len(self.samples)
                self.samples.append("/" + "/".join("0" if k == "*" else k for k in here))
            else:
                node[key] = self._number(rest, here)
        return node

    @property
    def regular(self) -> bool:
        """No leaf is an item of a list (whose format would depend on its index)."""
        return not any(path[-1] == "*" for path in self.leaves)

    def gather(self, document: Any) -> list[list[Any]]:
        """The values at each leaf, walked as ``kinds.structure._amounts`` walks (without pointers)."""
        found: list[list[Any]] = [[] for _ in self.samples]
        stack: list[tuple[Any, dict[str, Any]]] = [(document, self.root)]
        while stack:
            node, here = stack.pop()
            if type(node) is dict:
                for key, rest in here.items():
                    if key in node:
                        if type(rest) is int:
                            found[rest].append(node[key])
                        else:
                            stack.append((node[key], rest))
            elif type(node) is list and "*" in here:
                rest = here["*"]
                if type(rest) is int:
                    found[rest].extend(node)
                else:
                    stack.extend((item, rest) for item in node)
        return found


_AMOUNTS: dict[int, tuple[Spec, _Paths]] = {}


def _amount_paths(spec: Spec) -> _Paths:
    """Every amount path of the spec's schemas (``amount_precision``'s trie), numbered once per spec."""
    found = _AMOUNTS.get(id(spec))
    if found is None or found[0] is not spec:
        found = _AMOUNTS[id(spec)] = (spec, _Paths(prepare_amount_precision(spec, None)))
    return found[1]


def _amounts(ctx: Context, paths: _Paths) -> list[list[Any]]:
    """The values at every amount path, gathered once per document for both amount screens."""
    key = (_FAMILY, "amounts", id(paths))
    found: list[list[Any]] | None = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = paths.gather(ctx.document)
    return found


@lru_cache(maxsize=16)
def _places(precision: int) -> re.Pattern[str]:
    """More than ``precision`` decimals written, in plain decimals joined as text."""
    return re.compile(r"\.[0-9]{" + str(precision + 1) + "}")


def _within_precision(values: list[Decimal], precision: int) -> bool:
    """No value has more significant decimals than ``precision``: read off their text when every value
    is written plainly with few enough decimals, else the interpreter's test cell by cell."""
    text = " ".join(map(str, values))
    if "E" not in text and "N" not in text and "n" not in text and _places(precision).search(text) is None:
        return True  # no exponent, infinity or NaN: each value's text shows all its decimals
    for raw in values:
        exponent = raw.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > precision and decimals(raw) > precision:
            return False
    return True


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _precisions(ctx: Context, paths: _Paths) -> Callable[[int], Any]:
    """The precision in force at each leaf's cells. In a table that declares no format of its own, when
    the document declares none by column, every amount has the document's precision: looked up once."""
    document = ctx.document
    at, samples = ctx.formats.at, paths.samples
    tables = _dict(document.get("tables"))
    plain: dict[str, bool] | None = None if _dict(_dict(document.get("amounts")).get("columns")) else {}
    default: list[Any] = []

    def precision(leaf: int) -> Any:
        tid = paths.tables[leaf]
        if plain is None or tid is None:
            return at(samples[leaf])[1]
        own = plain.get(tid)
        if own is None:
            own = plain[tid] = bool(_dict(_dict(tables.get(tid)).get("amounts")))
        if own:
            return at(samples[leaf])[1]
        if not default:
            default.append(at(samples[leaf])[1])
        return default[0]

    return precision


def _amount_precision(spec: Spec, compiled: Compiled) -> Screen | None:
    paths = _amount_paths(spec)
    if not paths.regular or paths.leaves != _Paths(compiled.prepared).leaves:
        return None

    def screen(ctx: Context) -> int | None:
        precision_of = _precisions(ctx, paths)
        by_precision: dict[int, list[Decimal]] = {}
        for leaf, values in enumerate(_amounts(ctx, paths)):
            if values:
                precision = precision_of(leaf)
                if type(precision) is int:
                    by_precision.setdefault(precision, []).extend(v for v in values if type(v) is Decimal)
        try:
            if not all(_within_precision(values, p) for p, values in by_precision.items()):
                return UNSURE
        except Exception:  # a value the interpreter may not read either: its business
            return UNSURE
        return sum(map(len, by_precision.values()))

    return screen


def _amount_sign(spec: Spec, compiled: Compiled) -> Screen | None:
    """The unsigned amounts are read from the values gathered for every amount (when the schemas' signed
    amounts are among those, as they are), the unsigned percentages by a walk of their own."""
    amounts, percents = (_Paths(trie) for trie in compiled.prepared)
    shared = _amount_paths(spec)
    if not all(path in shared.leaves for path in amounts.leaves):
        return None
    leaves = [shared.leaves[path] for path in amounts.leaves]

    def screen(ctx: Context) -> int | None:
        gathered = _amounts(ctx, shared)
        values = [v for leaf in leaves for v in gathered[leaf]]
        values += [v for found in percents.gather(ctx.document) for v in found]
        numbers = [v for v in values if type(v) is Decimal or type(v) is int]
        try:
            if any(v < 0 for v in numbers):
                return UNSURE
        except Exception:  # NaN: no order
            return UNSURE
        return len(numbers)

    return screen


# --------------------------------------------------------------------------------------------- tables
def _empty_tables(ctx: Context, ids: Any) -> list[dict[str, Any]]:
    """The tables among ``ids`` the document declares empty (``ctx.is_empty``)."""
    tables = ctx.document.get("tables")
    if not isinstance(tables, dict):
        return []
    found = []
    for tid in ids:
        table = tables.get(tid)
        if isinstance(table, dict) and table.get("empty") is True:
            found.append(table)
    return found


def _names_no_other(spec: Spec) -> Screen:
    """check names: the statement and note of each empty table name no other table (the interpreter's
    reading: the table's own names taken out first, longest first)."""
    tables = spec.tables
    # Longest first, then in code-point order: never the order of a set, which varies with the hash seed.
    titles = {tid: sorted({info.title, *info.titles}, key=lambda t: (-len(t), t)) for tid, info in tables.items()}
    others = {tid: [t for o in tables if o != tid for t in titles[o]] for tid in tables}

    def screen(ctx: Context) -> int | None:
        checked = 0
        for tid in ctx.profile.tables:
            if not _empty_tables(ctx, (tid,)):
                continue
            if tid not in titles:
                return UNSURE
            table = ctx.table(tid)
            for field in ("statement", "note"):
                text = table.get(field)
                if type(text) is not str or is_blank(text):
                    continue
                checked += 1
                for own in titles[tid]:
                    text = text.replace(own, "\0")
                if any(t in text for t in others[tid]):
                    return UNSURE
        return checked

    return screen


def _empty_statement(spec: Spec, compiled: Compiled) -> Screen | None:
    if compiled.prepared == "names":
        return _names_no_other(spec)

    def screen(ctx: Context) -> int | None:
        empty = _empty_tables(ctx, ctx.spec.tables)
        if not empty:
            return 0
        if not is_blank(ctx.metadata.get("empty_table_statement")):
            return len(empty)
        if any(is_blank(t.get("statement")) and is_blank(t.get("note")) for t in empty):
            return UNSURE
        return len(empty)

    return screen


@lru_cache(maxsize=4096)
def _title_fits(patterns: tuple[str, ...], title: str, year: int) -> bool:
    return any(title_matches(pattern, title, year) for pattern in patterns)


def _table_title(spec: Spec, compiled: Compiled) -> Screen | None:
    p: TableTitle = compiled.prepared
    if any(b.ref.steps and b.ref.steps[0].name == "total_row" for b in p.items):
        return None

    def screen(ctx: Context) -> int | None:
        year = ctx.fiscal_year
        checked = 0
        for bound in p.items:
            if bound.table in ctx.excluded:
                continue
            for table in reached(ctx, bound.ref):
                if not isinstance(table, dict):
                    continue
                title = table.get("title")
                patterns = ctx.profile.titles.get(bound.table or "")
                if not isinstance(title, str) or not title.strip() or year is None or not ctx.year_in_profile:
                    return UNSURE
                if not patterns or not _title_fits(tuple(patterns), title, year):
                    return UNSURE
                checked += 1
        return checked

    return screen


SCREENS: dict[str, ScreenFactory] = {
    "text_scan": _text_scan,
    "amount_precision": _amount_precision,
    "amount_sign": _amount_sign,
    "empty_statement": _empty_statement,
    "table_title": _table_title,
}
