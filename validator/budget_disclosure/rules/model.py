"""Rule definitions as loaded from the YAML rule files: frozen, validated at load (``loadcheck``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import SpecError
from ..findings import Severity
from .loadcheck import check_rule

__all__ = ["RuleDef", "RuleGroup", "rule_from_yaml", "split_basis"]


@dataclass(frozen=True)
class RuleDef:
    """One rule as written in a rule file."""

    id: str
    group: str
    severity: Severity
    kind: str
    title: str
    title_en: str
    message: str
    message_en: str
    basis: str
    basis_en: str = ""  # empty when the rule file gives the basis as a plain (Chinese) string
    description: str = ""
    description_en: str = ""
    refs: tuple[str, ...] = ()
    when: tuple[Mapping[str, Any], ...] = ()
    requires: tuple[str, ...] = ()  # rules whose condemned cells this rule does not judge
    params: Mapping[str, Any] = field(default_factory=dict)
    file: str = ""
    line: int = 0

    def basis_in(self, lang: str) -> str:
        """The basis in ``lang``; in English, empty when the rule file gives only the Chinese."""
        return self.basis if lang == "zh" else self.basis_en

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class RuleGroup:
    """The rules of one file."""

    id: str
    title: str
    title_en: str
    description: str
    description_en: str
    file: str
    rules: tuple[RuleDef, ...]


def split_basis(raw: Any) -> tuple[str, str]:
    """The basis as (zh, en): ``{zh, en}`` as written, or a plain string, which is Chinese only.

    A plain string is the form of rule files written before the basis became bilingual; it is still
    accepted so that vendored rule files keep loading, and reports in English then have no basis to show
    in English (they say so rather than print the Chinese)."""
    if isinstance(raw, Mapping):
        return str(raw["zh"]), str(raw.get("en") or "")
    return str(raw), ""


def rule_from_yaml(raw: Mapping[str, Any], group: str, file: str) -> RuleDef:
    line = getattr(raw, "line", 0)
    rid = raw["id"]
    if not rid.startswith(group + "."):
        raise SpecError(f"rule id must start with the group name {group!r}.", file=file, line=line, rule=rid)
    check_rule(raw, rid, file)
    desc = raw.get("description") or {}
    basis_zh, basis_en = split_basis(raw["basis"])
    return RuleDef(
        id=rid,
        group=group,
        severity=Severity(raw["severity"]),
        kind=raw["kind"],
        title=raw["title"]["zh"],
        title_en=raw["title"]["en"],
        message=raw["message"]["zh"],
        message_en=raw["message"]["en"],
        basis=basis_zh,
        basis_en=basis_en,
        description=desc.get("zh", ""),
        description_en=desc.get("en", ""),
        refs=tuple(raw.get("refs", ())),
        when=tuple(raw.get("when", ())),
        requires=tuple(raw.get("requires", ())),
        params=raw.get("params", {}),
        file=file,
        line=line,
    )
