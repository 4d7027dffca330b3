"""Which table a sheet holds: by the sheet's name or its title row, never by position."""

from __future__ import annotations

import re

from ..spec import Spec
from .layout import sheet_name

__all__ = ["match_sheet"]

_NOISE = re.compile(r"[\s\"'“”‘’「」『』()（）\[\]【】]")


def _norm(text: str) -> str:
    return _NOISE.sub("", text)


def _names(spec: Spec, tid: str, profile: str | None) -> list[str]:
    info = spec.tables[tid]
    names = [sheet_name(spec, tid), info.title, *info.titles]
    profiles = [profile] if profile in spec.profiles else list(spec.profiles)
    for pid in profiles:
        for pattern in spec.profiles[pid].titles.get(tid, ()):
            names.append(re.sub(r"\{[a-z]+\}", "", pattern))
    return [_norm(n) for n in names if n]


def match_sheet(spec: Spec, name: str, title: str | None, profile: str | None) -> str | None:
    """The table whose sheet name equals ``name``, else the table whose longest known title ends the
    title row (``2024年一般公共预算支出情况表`` → ``general_budget_expenditure``). None when no table
    or more than one fits equally well."""
    for tid in spec.tables:
        if _norm(name) == _norm(sheet_name(spec, tid)):
            return tid
    if not title:
        return None
    text = _norm(title)
    best: list[tuple[int, str]] = []
    for tid in spec.tables:
        fits = [len(n) for n in _names(spec, tid, profile) if n and text.endswith(n)]
        if fits:
            best.append((max(fits), tid))
    best.sort(reverse=True)
    if not best or (len(best) > 1 and best[0][0] == best[1][0] and best[0][1] != best[1][1]):
        return None
    return best[0][1]
