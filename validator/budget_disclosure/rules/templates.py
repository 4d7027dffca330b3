"""Message templates: ``{name}`` is replaced by the value of that name, and nothing else happens.

A rule file is data another project may edit, so its messages are not ``str.format`` strings: a format
string can reach attributes (``{value.__class__}``), items (``{value[0]}``), positions (``{0}``) and
format specs (``{value:>300000000}``). Here a placeholder is a plain name, ``{{`` and ``}}`` are
literal braces, and anything else is refused when the spec loads (``template_problem``). ``render``
only ever inserts ``str`` of a named value, so even a template that bypassed the loader can do no more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

__all__ = ["PROVIDES", "compiled", "placeholders", "render", "template_problem"]

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# Escaped braces, a placeholder, or any other use of a brace (which is refused at load).
_TOKEN = re.compile(r"\{\{|\}\}|\{(" + _NAME + r")\}|\{[^{}]*\}?|\}")

_ARITHMETIC = frozenset({"actual", "expected", "difference", "envelope", "unit", "op", "verdict", "verdict_en"})

# The values each kind reports with a violation, that is the placeholders its rules' messages may use.
# A kind that starts reporting a new value is added here; a rule that uses a name its kind never
# reports is refused at load, rather than printing "{name}" in every finding. The external kinds
# (schema, input) are filled by the schema layer and the reader and are not listed.
PROVIDES: Mapping[str, frozenset[str]] = {
    "sum": _ARITHMETIC,
    "compare": _ARITHMETIC,
    "row_sum": _ARITHMETIC,
    "column_sum": _ARITHMETIC,
    "group_sum": _ARITHMETIC,
    "rollup": _ARITHMETIC,
    "rows_match": _ARITHMETIC | {"column", "column_en"},
    "all_zero": frozenset({"actual", "unit"}),
    "percentage": frozenset({"actual", "expected", "numerator", "denominator", "unit"}),
    "percentage_base": frozenset({"actual", "base", "numerator", "unit"}),
    "change": _ARITHMETIC
    | {"numerator", "denominator", "base", "direction", "measure", "measure_en", "figure", "sign", "sign_en"}
    | {"year", "expected_year", "expected_year_en", "fiscal_year"},
    "amount_precision": frozenset({"value", "places", "precision", "unit"}),
    "amount_sign": frozenset({"value", "unit"}),
    "empty_statement": frozenset({"table", "named"}),
    "text_scan": frozenset({"value"}),
    "code_hierarchy": frozenset({"code", "name", "parent", "first", "previous", "level", "level_en", "other", "table"}),
    "code_list": frozenset(
        {
            "code",
            "name",
            "expected",
            "current",
            "former",
            "former_en",
            "funds",
            "list",
            "until",
            "until_en",
            "fiscal_year",
        }
    ),
    "codes_match": frozenset({"code", "other"}),
    "fields_match": frozenset({"name", "field", "field_en", "value", "other"}),
    "allowed_values": frozenset({"value", "allowed", "written"}),
    "pattern": frozenset({"value"}),
    "present": frozenset({"field", "written"}),
    "numeric_value": frozenset({"value", "value_en", "value_type", "unit"}),
    "bounds": frozenset({"value", "bound", "bound_unit", "limit", "limit_en"}),
    "indicator_levels": frozenset({"level1", "level1_en", "level2", "level2_en", "allowed", "framework"}),
    "coverage": frozenset({"name", "missing", "framework"}),
    "year_in_text": frozenset({"years", "years_en", "fiscal_year", "value"}),
    "table_title": frozenset({"title", "table", "table_en", "expected", "expected_en"}),
}


def template_problem(template: str) -> str | None:
    """What is wrong with a template, or None: only ``{name}``, ``{{`` and ``}}`` may use braces."""
    for m in _TOKEN.finditer(template):
        token = m.group(0)
        if token in ("{{", "}}") or m.group(1):
            continue
        if token == "}":
            return "a single '}' (write '}}' for a literal brace)"
        if not token.endswith("}"):
            return "a '{' that is never closed (write '{{' for a literal brace)"
        shown = token if len(token) <= 60 else token[:59] + "…"
        return f"placeholder {shown} is not a plain name; write {{name}} (no attributes, indexes or formats)"
    return None


def placeholders(template: str) -> set[str]:
    """The names a template substitutes."""
    return {m.group(1) for m in _TOKEN.finditer(template) if m.group(1)}


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill a template; a placeholder with no value, and any malformed brace, stays as written."""
    parts = compiled(template)
    if len(parts) == 1 and isinstance(parts[0], str):
        return parts[0]
    return "".join([_fill(part, values) if isinstance(part, _Slot) else part for part in parts])


def _fill(slot: _Slot, values: Mapping[str, Any]) -> str:
    return str(values[slot.name]) if slot.name in values else slot.token


class _Slot:
    """A placeholder of a compiled template: the value's name, and what stays when there is none."""

    __slots__ = ("name", "token")

    def __init__(self, name: str) -> None:
        self.name = name
        self.token = "{" + name + "}"


@lru_cache(maxsize=4096)
def compiled(template: str) -> tuple[str | _Slot, ...]:
    """A template parsed once: its literal text (escaped braces already undone) and its placeholders,
    in order. The rule files hold a few hundred templates; each finding only joins the parts."""
    parts: list[str | _Slot] = []
    literal: list[str] = []
    last = 0
    for m in _TOKEN.finditer(template):
        literal.append(template[last : m.start()])
        token, name = m.group(0), m.group(1)
        if name:
            parts.append("".join(literal))
            parts.append(_Slot(name))
            literal = []
        else:
            literal.append(token[0] if token in ("{{", "}}") else token)
        last = m.end()
    literal.append(template[last:])
    parts.append("".join(literal))
    return tuple(p for p in parts if p != "") or ("",)
