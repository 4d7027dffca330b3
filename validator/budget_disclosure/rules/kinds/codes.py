"""Classification kinds: the code hierarchy inside a table, code lists, and code sets across tables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ... import pointer as jp
from ...names import normalise_name
from ..bind import BoundRef, bind_ref
from ..context import Compiled, Context, Violation
from .arithmetic import LEVELS

__all__ = ["kind_code_hierarchy", "kind_code_list", "kind_codes_match"]

_CLASS_ZH = {"function": "功能分类", "economic": "经济分类"}


@dataclass(frozen=True)
class Hierarchy:
    items: tuple[BoundRef, ...]
    levels: tuple[int, ...]
    check: str
    classification: str
    depth: int
    ignore_suffixes: tuple[str, ...]


def prepare_code_hierarchy(spec: Any, params: Mapping[str, Any]) -> Hierarchy:
    levels = LEVELS[params["classification"]]
    depth = params.get("depth", levels[-1])
    if depth not in levels:
        raise ValueError(f"depth {depth} is not a code length of the {params['classification']} classification")
    if params["check"] == "children" and depth == levels[0]:
        raise ValueError("check children needs a depth below the first level")
    return Hierarchy(
        tuple(bind_ref(spec.labels, r) for r in params["items"]),
        levels,
        params["check"],
        params["classification"],
        depth,
        tuple(params.get("ignore_suffixes", ())),
    )


def kind_code_hierarchy(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Within one table's rows: every 款/项 has its parent row (check parent), no code repeats (unique),
    rows come in code order (order), and a table published to a depth lists the next level under every
    row above it (children). Across tables: a code is named alike wherever it is printed (names)."""
    p: Hierarchy = compiled.prepared
    if p.check == "children":
        yield from _children(ctx, p)
        return
    if p.check == "names":
        yield from _names(ctx, p)
        return
    for bound in p.items:
        rows = [(ptr, row) for ptr, row in ctx.objects((bound,)) if isinstance(row.get("code"), str)]
        codes = [row["code"] for _, row in rows]
        present = set(codes)
        repeated = {c for c in present if codes.count(c) > 1} if len(present) < len(codes) else set()
        seen: dict[str, str] = {}
        previous: str | None = None  # the last code placed in order (repeated codes are left out)
        for ptr, row in rows:
            code = row["code"]
            ctx.checked()
            here = jp.join(ptr, "code")
            if p.check == "parent" and len(code) > p.levels[0]:
                parent = code[:-2]
                if parent not in present:
                    yield Violation(here, {"code": code, "parent": parent, "name": row.get("name")})
            elif p.check == "unique":
                if code in seen:
                    yield Violation(here, {"code": code, "first": ctx.location(seen[code])}, related=(seen[code],))
                else:
                    seen[code] = here
            elif p.check == "order":
                if code in repeated:
                    continue  # a repeated code is the uniqueness rule's finding, not an ordering one
                if previous is not None and code < previous:
                    yield Violation(here, {"code": code, "previous": previous})
                previous = code


def _children(ctx: Context, p: Hierarchy) -> Iterator[Violation]:
    """A row above the table's depth (a 类, or a 款 of a table published to 项) has rows under it — unless
    the code list gives its code no subdivision, or the row holds no money."""
    codelist = ctx.spec.codelist_for(ctx.profile.id, p.classification, ctx.fiscal_year)
    if codelist is None:
        if any(True for _ in ctx.objects(p.items)):
            ctx.year_data_missing(f"{_CLASS_ZH[p.classification]}代码表", f"{p.classification} code list")
        return
    subdivided = {code[:n] for code in codelist.entries for n in p.levels if n < len(code)}
    for bound in p.items:
        rows = [(ptr, row) for ptr, row in ctx.objects((bound,)) if isinstance(row.get("code"), str)]
        codes = {row["code"] for _, row in rows}
        for ptr, row in rows:
            code = row["code"]
            if len(code) >= p.depth or len(code) not in p.levels:
                continue
            ctx.checked()
            nxt = p.levels[p.levels.index(len(code)) + 1]
            if code not in subdivided or not _holds_money(ctx, ptr, row):
                continue
            # Any row below counts: a 项 whose 款 row is missing is the parent rule's finding, not this one.
            if not any(len(c) > len(code) and c.startswith(code) for c in codes):
                level = "款" if nxt == p.levels[1] else "项"
                yield Violation(
                    jp.join(ptr, "code"),
                    {"code": code, "name": row.get("name"), "level": level, "level_en": _LEVEL_EN[level]},
                )


_LEVEL_EN = {"款": "款 (item)", "项": "项 (sub-item)"}


def _holds_money(ctx: Context, ptr: str, row: Mapping[str, Any]) -> bool:
    """Some amount of the row is not zero (a printed but empty class needs no detail)."""
    for column, raw in row.items():
        if column in ("code", "name") or isinstance(raw, str):
            continue
        cell = ctx.cell(jp.join(ptr, column), raw)
        if cell is not None and cell.value != 0:
            return True
    return False


def _names(ctx: Context, p: Hierarchy) -> Iterator[Violation]:
    """Every table that prints a code names it alike (as names compare); the first table in the rule's
    list that prints the code sets the name the others are held to. A code the profile's code list
    names is left to ``code_list`` (check name), which says which table is right: one wrong name is
    one finding."""
    codelist = ctx.spec.codelist_for(ctx.profile.id, p.classification, ctx.fiscal_year)
    listed = codelist.entries if codelist is not None else {}
    first: dict[str, tuple[str, str, str | None]] = {}  # code → (name key, name, table)
    for bound in p.items:
        for ptr, row in ctx.objects((bound,)):
            code, name = row.get("code"), row.get("name")
            if not isinstance(code, str) or not isinstance(name, str):
                continue
            if code in listed:
                ctx.checked()  # examined: the code list, not the other tables, decides its name
                continue
            key = normalise_name(name, p.ignore_suffixes)
            if code not in first:
                first[code] = (key, name, bound.table)
                continue
            ref_key, ref_name, ref_table = first[code]
            if ref_table == bound.table:
                continue  # a repeat within one table is the uniqueness rule's business
            ctx.checked()
            if key != ref_key:
                title = ctx.spec.tables[ref_table].title if ref_table in ctx.spec.tables else str(ref_table)
                yield Violation(jp.join(ptr, "name"), {"code": code, "name": name, "other": ref_name, "table": title})


@dataclass(frozen=True)
class ListCheck:
    items: tuple[BoundRef, ...]
    classification: str
    check: str
    evidence: str | None
    field: str
    funds: frozenset[str]


def prepare_code_list(spec: Any, params: Mapping[str, Any]) -> ListCheck:
    return ListCheck(
        tuple(bind_ref(spec.labels, r) for r in params["items"]),
        params["classification"],
        params["check"],
        params.get("evidence"),
        params.get("field", "name"),
        frozenset(params.get("funds", ())),
    )


_VERIFIED = {"V", "S"}


def kind_code_list(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Codes and names against the profile's code list for the document's fiscal year: the code is listed
    (known), the name is the list's name for the code (name), the name is not a former name of the code
    no longer official that year (former_name), a name the text uses is not a former name of any code
    (current_name), the code belongs to an allowed budget (fund). ``evidence`` limits name checks to verified (V/S) or
    unverified (K) entries, so an unverified entry can never raise an error."""
    p: ListCheck = compiled.prepared
    codelist = ctx.spec.codelist_for(ctx.profile.id, p.classification, ctx.fiscal_year)
    if codelist is None:
        if any(True for _ in ctx.objects(p.items)):
            ctx.year_data_missing(f"{_CLASS_ZH[p.classification]}代码表", f"{p.classification} code list")
        return
    for ptr, row in ctx.objects(p.items):
        code = row.get("code")
        name = row.get(p.field)
        if p.check == "current_name":
            if not isinstance(name, str):
                continue
            ctx.checked()
            key = normalise_name(name)
            if key not in codelist.by_name and key in codelist.by_former_name:
                former = codelist.entries[codelist.by_former_name[key][0]]
                yield Violation(jp.join(ptr, p.field), {"name": name, "code": former.code, "current": former.name})
            continue
        if not isinstance(code, str):
            continue
        entry = codelist.entries.get(code)
        if p.check == "known":
            ctx.checked()
            if entry is None:
                yield Violation(jp.join(ptr, "code"), {"code": code, "name": name, "list": codelist.title})
            continue
        if entry is None:
            continue
        if p.check == "former_name":
            if not isinstance(name, str):
                continue
            ctx.checked()
            key = normalise_name(name)
            if key == normalise_name(entry.name):
                continue
            old = next((f for f in entry.former_names if normalise_name(f.name) == key), None)
            if old is not None and old.outdated_in(ctx.fiscal_year):
                yield Violation(
                    jp.join(ptr, p.field),
                    {
                        "code": code,
                        "name": name,
                        "current": entry.name,
                        "fiscal_year": ctx.fiscal_year,
                        "until": "" if old.last is None else f"（{old.last}年及以前的名称）",
                        "until_en": "" if old.last is None else f" (official until {old.last})",
                    },
                )
            continue
        if p.check == "name":
            if not isinstance(name, str):
                continue
            verified = entry.evidence in _VERIFIED
            if (p.evidence == "verified" and not verified) or (p.evidence == "unverified" and verified):
                continue
            ctx.checked()
            if normalise_name(name) != normalise_name(entry.name):
                was = normalise_name(name) in {normalise_name(f.name) for f in entry.former_names}
                yield Violation(
                    jp.join(ptr, p.field),
                    {
                        "code": code,
                        "name": name,
                        "expected": entry.name,
                        "former": "（这是该科目的旧名称）" if was else "",
                        "former_en": " (a former name of the code)" if was else "",
                    },
                )
        elif p.check == "fund":
            ctx.checked()
            if entry.funds and not entry.funds & p.funds:
                yield Violation(jp.join(ptr, "code"), {"code": code, "name": entry.name, "funds": sorted(entry.funds)})


@dataclass(frozen=True)
class CodesMatch:
    left: BoundRef
    right: BoundRef
    relation: str
    level: tuple[int, ...]


def prepare_codes_match(spec: Any, params: Mapping[str, Any]) -> CodesMatch:
    return CodesMatch(
        bind_ref(spec.labels, params["left"]),
        bind_ref(spec.labels, params["right"]),
        params["relation"],
        tuple(params.get("level", ())),
    )


def kind_codes_match(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """The codes of one table's rows are a subset of (or equal to) the codes of another's."""
    p: CodesMatch = compiled.prepared

    def codes(bound: BoundRef) -> dict[str, str]:
        out: dict[str, str] = {}
        for ptr, row in ctx.objects((bound,)):
            code = row.get("code")
            if isinstance(code, str) and (not p.level or len(code) in p.level):
                out.setdefault(code, jp.join(ptr, "code"))
        return out

    left, right = codes(p.left), codes(p.right)
    if not left and not right:
        return
    ctx.checked()
    table_right = ctx.spec.tables[p.right.table].title if p.right.table in ctx.spec.tables else p.right.text
    table_left = ctx.spec.tables[p.left.table].title if p.left.table in ctx.spec.tables else p.left.text
    for code, ptr in left.items():
        if code not in right:
            yield Violation(ptr, {"code": code, "other": table_right})
    if p.relation == "equal":
        for code, ptr in right.items():
            if code not in left:
                yield Violation(ptr, {"code": code, "other": table_left})
