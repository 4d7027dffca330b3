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


@dataclass(frozen=True)
class Hierarchy:
    items: tuple[BoundRef, ...]
    levels: tuple[int, ...]
    check: str


def prepare_code_hierarchy(spec: Any, params: Mapping[str, Any]) -> Hierarchy:
    return Hierarchy(
        tuple(bind_ref(spec.labels, r) for r in params["items"]), LEVELS[params["classification"]], params["check"]
    )


def kind_code_hierarchy(ctx: Context, compiled: Compiled) -> Iterator[Violation]:
    """Within one table's rows: every 款/项 has its parent row (check parent), no code repeats (unique),
    and rows come in code order (order)."""
    p: Hierarchy = compiled.prepared
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
    """Codes and names against the profile's code list: the code is listed (known), the name is the
    list's name for the code (name), a name the text uses is not a former name (current_name), the
    code belongs to an allowed budget (fund). ``evidence`` limits name checks to verified (V/S) or
    unverified (K) entries, so an unverified entry can never raise an error."""
    p: ListCheck = compiled.prepared
    codelist = ctx.spec.codelist_for(ctx.profile.id, p.classification)
    if codelist is None:
        if any(True for _ in ctx.objects(p.items)):
            ctx.not_verifiable(
                f"适用规范没有指定{p.classification}分类代码表",
                f"the profile names no {p.classification} code list",
            )
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
        if p.check == "name":
            if not isinstance(name, str):
                continue
            verified = entry.evidence in _VERIFIED
            if (p.evidence == "verified" and not verified) or (p.evidence == "unverified" and verified):
                continue
            ctx.checked()
            if normalise_name(name) != normalise_name(entry.name):
                was = normalise_name(name) in {normalise_name(f) for f in entry.former_names}
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
                yield Violation(
                    jp.join(ptr, "code"), {"code": code, "name": entry.name, "funds": "、".join(sorted(entry.funds))}
                )


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
