"""Screens for the kinds of ``rules/kinds/codes.py``: code hierarchies, code lists and code sets.

Every screen reads the rows a reference designates once per document (``reached``, shared through
``ctx.memo`` by every rule naming the reference) and the codes and names on them; the code list of the
document's year, and what each screen derives from it (the codes that have a lower level, the list's
names as names compare), is looked up once per list. A screen is sure only when every row it reads is
plainly in order: a missing parent, a repeated or misplaced code, an unlisted code, a name that differs
from the list's, a class without its detail, or a year without a list hand the rule to the interpreter.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from ...codelists import CodeList
from ...names import normalise_name
from ...spec import Spec
from ..bind import BoundRef
from ..context import TOTAL_ROW, Compiled, Context
from ..kinds.codes import Hierarchy, ListCheck
from ..refs import Ref
from .base import UNSURE, Screen, ScreenFactory, reach

__all__ = ["SCREENS", "reached"]

_FAMILY = "codes"
_VERIFIED = frozenset({"V", "S"})


# ------------------------------------------------------------------------------------ what refs reach
def reached(ctx: Context, ref: Ref) -> list[Any]:
    """Every value ``ref`` designates in the document (what ``ctx.resolve`` gives, without pointers),
    computed once per document for all the screens of the family."""
    key = (_FAMILY, "reach", ref.text)
    found: list[Any] | None = ctx.memo.get(key)
    if found is None:
        node = ref.container(ctx.document)
        found = ctx.memo[key] = reach(node, ref.steps) if node is not None else []
    return found


def _plain(bounds: tuple[BoundRef, ...]) -> bool:
    """No reference reaches for a 合计 row (whose absence the interpreter would report)."""
    return all(not (b.ref.steps and b.ref.steps[0].name == TOTAL_ROW) for b in bounds)


def _usable(ctx: Context, bound: BoundRef) -> bool:
    return bound.table is None or bound.table not in ctx.excluded


def _rows(ctx: Context, bound: BoundRef) -> list[dict[str, Any]]:
    """The objects a reference designates (``ctx.objects`` for one reference)."""
    if not _usable(ctx, bound):
        return []
    return [row for row in reached(ctx, bound.ref) if isinstance(row, dict)]


def _codes(ctx: Context, bound: BoundRef) -> list[str]:
    """The text codes of the rows a reference designates, in document order."""
    if not _usable(ctx, bound):
        return []
    key = (_FAMILY, "codes", bound.ref.text)
    found: list[str] | None = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = [code for row in _rows(ctx, bound) if isinstance(code := row.get("code"), str)]
    return found


def _key(ctx: Context, name: str) -> str:
    """``normalise_name(name)``, once per document and name."""
    keys: dict[str, str] = ctx.memo.setdefault((_FAMILY, "names"), {})
    found = keys.get(name)
    if found is None:
        found = keys[name] = normalise_name(name)
    return found


def _codelist(ctx: Context, classification: str) -> CodeList | None:
    return ctx.spec.codelist_for(ctx.profile.id, classification, ctx.fiscal_year)


def _any_row(ctx: Context, bounds: tuple[BoundRef, ...]) -> bool:
    return any(_rows(ctx, b) for b in bounds)


# ------------------------------------------------------------------------------------- code_hierarchy
def _within(check: str, levels: tuple[int, ...], codes: list[str]) -> bool:
    """One reference's codes pass ``check`` (parent, unique or order) without a finding."""
    if check == "parent":
        present = set(codes)
        first = levels[0]
        return all(len(c) <= first or c[:-2] in present for c in codes)
    if len(set(codes)) != len(codes):
        return False  # a repeat: the uniqueness rule's finding, and the order rule leaves codes out
    if check == "unique":
        return True
    return all(a < b for a, b in pairwise(codes))


def _hierarchy_within(p: Hierarchy) -> Screen:
    def screen(ctx: Context) -> int | None:
        checked = 0
        for bound in p.items:
            codes = _codes(ctx, bound)
            if not _within(p.check, p.levels, codes):
                return UNSURE
            checked += len(codes)
        return checked

    return screen


_SUBDIVIDED: dict[tuple[int, tuple[int, ...]], tuple[CodeList, frozenset[str]]] = {}


def _subdivided(codelist: CodeList, levels: tuple[int, ...]) -> frozenset[str]:
    """The codes the list gives a lower level, by the levels of the classification (once per list)."""
    key = (id(codelist), levels)
    found = _SUBDIVIDED.get(key)
    if found is None or found[0] is not codelist:
        found = _SUBDIVIDED[key] = (
            codelist,
            frozenset(code[:n] for code in codelist.entries for n in levels if n < len(code)),
        )
    return found[1]


def _hierarchy_children(p: Hierarchy) -> Screen:
    """Every row above the depth that the list subdivides has a row under it (the screen does not weigh
    whether a row without detail holds money: such a row is the interpreter's)."""

    def screen(ctx: Context) -> int | None:
        codelist = _codelist(ctx, p.classification)
        if codelist is None:
            return UNSURE if _any_row(ctx, p.items) else 0
        subdivided = _subdivided(codelist, p.levels)
        checked = 0
        for bound in p.items:
            codes = _codes(ctx, bound)
            above = [c for c in codes if len(c) < p.depth and len(c) in p.levels]
            if not above:
                continue
            checked += len(above)
            detailed = {c[:n] for c in codes for n in p.levels if n < len(c)}
            if any(c in subdivided and c not in detailed for c in above):
                return UNSURE
        return checked

    return screen


def _hierarchy_names(p: Hierarchy) -> Screen:
    """A code the list lacks is named alike (as names compare) in every table that prints it."""

    def screen(ctx: Context) -> int | None:
        codelist = _codelist(ctx, p.classification)
        listed = codelist.entries if codelist is not None else {}
        first: dict[str, tuple[str, str | None]] = {}  # code → (name key, table)
        checked = 0
        for bound in p.items:
            for row in _rows(ctx, bound):
                code, name = row.get("code"), row.get("name")
                if not isinstance(code, str) or not isinstance(name, str):
                    continue
                if code in listed:
                    checked += 1
                    continue
                key = normalise_name(name, p.ignore_suffixes) if p.ignore_suffixes else _key(ctx, name)
                seen = first.get(code)
                if seen is None:
                    first[code] = (key, bound.table)
                elif seen[1] != bound.table:
                    checked += 1
                    if key != seen[0]:
                        return UNSURE
        return checked

    return screen


def _code_hierarchy(spec: Spec, compiled: Compiled) -> Screen | None:
    p: Hierarchy = compiled.prepared
    if not _plain(p.items):
        return None
    if p.check in ("parent", "unique", "order"):
        return _hierarchy_within(p)
    if p.check == "children":
        return _hierarchy_children(p)
    if p.check == "names":
        return _hierarchy_names(p)
    return None


# ------------------------------------------------------------------------------------------ code_list
_LIST_NAMES: dict[int, tuple[CodeList, dict[str, str]]] = {}


def _list_names(codelist: CodeList) -> dict[str, str]:
    """Each listed code's name as names compare (once per list)."""
    found = _LIST_NAMES.get(id(codelist))
    if found is None or found[0] is not codelist:
        names = {code: normalise_name(entry.name) for code, entry in codelist.entries.items()}
        found = _LIST_NAMES[id(codelist)] = (codelist, names)
    return found[1]


Row = dict[str, Any]
# One row against the list: None when the row is not examined, True when it passes, False when the
# interpreter would (or might) report it.
RowCheck = Callable[[Context, CodeList, Row], "bool | None"]


def _current_name(p: ListCheck) -> RowCheck:
    def check(ctx: Context, codelist: CodeList, row: Row) -> bool | None:
        name = row.get(p.field)
        if not isinstance(name, str):
            return None
        key = _key(ctx, name)
        return key in codelist.by_name or key not in codelist.by_former_name

    return check


def _known(p: ListCheck) -> RowCheck:
    def check(ctx: Context, codelist: CodeList, row: Row) -> bool | None:
        code = row.get("code")
        if not isinstance(code, str):
            return None
        return code in codelist.entries

    return check


def _name_summary(ctx: Context, codelist: CodeList, bound: BoundRef, field: str) -> tuple[int, int, bool, bool]:
    """For the rows of one reference whose code the list has and whose ``field`` is a text, by the list's
    evidence for the code (verified, unverified): how many there are and whether one is named otherwise
    than the list names it. Once per document for the former-name and both name rules."""
    key = (_FAMILY, "named", bound.ref.text, field, id(codelist))
    found: tuple[int, int, bool, bool] | None = ctx.memo.get(key)
    if found is None:
        entries, names = codelist.entries, _list_names(codelist)
        counts, wrong = [0, 0], [False, False]
        for row in _rows(ctx, bound):
            code, name = row.get("code"), row.get(field)
            if not isinstance(code, str) or not isinstance(name, str) or code not in entries:
                continue
            entry = entries[code]
            side = 0 if entry.evidence in _VERIFIED else 1
            counts[side] += 1
            if not wrong[side] and _key(ctx, name) != names[code]:
                wrong[side] = True
        found = ctx.memo[key] = (counts[0], counts[1], wrong[0], wrong[1])
    return found


def _named(p: ListCheck) -> Screen:
    """former_name and name: each row's name is the list's own name for its code (any other name, former
    or wrong, is the interpreter's to judge); ``evidence`` picks the rows of verified or unverified
    entries."""
    sides = (0, 1) if p.check == "former_name" or p.evidence is None else (0,) if p.evidence == "verified" else (1,)

    def screen(ctx: Context) -> int | None:
        codelist = _codelist(ctx, p.classification)
        if codelist is None:
            return UNSURE if _any_row(ctx, p.items) else 0
        checked = 0
        for bound in p.items:
            if not _usable(ctx, bound):
                continue
            summary = _name_summary(ctx, codelist, bound, p.field)
            for side in sides:
                if summary[2 + side]:
                    return UNSURE
                checked += summary[side]
        return checked

    return screen


def _fund(p: ListCheck) -> RowCheck:
    def check(ctx: Context, codelist: CodeList, row: Row) -> bool | None:
        code = row.get("code")
        entry = codelist.entries.get(code) if isinstance(code, str) else None
        if entry is None:
            return None
        return not entry.funds or bool(entry.funds & p.funds)

    return check


_ROW_CHECKS: dict[str, Callable[[ListCheck], RowCheck]] = {
    "current_name": _current_name,
    "known": _known,
    "fund": _fund,
}


def _code_list(spec: Spec, compiled: Compiled) -> Screen | None:
    p: ListCheck = compiled.prepared
    if not _plain(p.items) or (p.check == "name" and p.evidence not in (None, "verified", "unverified")):
        return None
    if p.check in ("former_name", "name"):
        return _named(p)
    make = _ROW_CHECKS.get(p.check)
    if make is None:
        return None
    row_check = make(p)

    def screen(ctx: Context) -> int | None:
        codelist = _codelist(ctx, p.classification)
        if codelist is None:
            return UNSURE if _any_row(ctx, p.items) else 0
        checked = 0
        for bound in p.items:
            for row in _rows(ctx, bound):
                verdict = row_check(ctx, codelist, row)
                if verdict is None:
                    continue
                if not verdict:
                    return UNSURE
                checked += 1
        return checked

    return screen


# ---------------------------------------------------------------------------------------- codes_match
def _codes_match(spec: Spec, compiled: Compiled) -> Screen | None:
    p = compiled.prepared
    if not _plain((p.left, p.right)):
        return None
    level = frozenset(p.level)

    def codes(ctx: Context, bound: BoundRef) -> set[str]:
        found = _codes(ctx, bound)
        return {c for c in found if len(c) in level} if level else set(found)

    def screen(ctx: Context) -> int | None:
        left, right = codes(ctx, p.left), codes(ctx, p.right)
        if not left and not right:
            return 0
        if not left <= right or (p.relation == "equal" and not right <= left):
            return UNSURE
        return 1

    return screen


SCREENS: dict[str, ScreenFactory] = {
    "code_hierarchy": _code_hierarchy,
    "code_list": _code_list,
    "codes_match": _codes_match,
}
