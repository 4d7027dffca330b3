"""Classification code lists and indicator frameworks: data files in rules/, loaded once per spec."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SpecError
from .metacheck import check_spec_file
from .names import normalise_name
from .yamlload import load_yaml

__all__ = [
    "CodeList",
    "Entry",
    "FormerName",
    "Framework",
    "YearRange",
    "load_codelist",
    "load_framework",
    "normalise_name",
]


@dataclass(frozen=True)
class YearRange:
    """A range of fiscal years; ``last`` is None while the range is open (still in force)."""

    first: int
    last: int | None

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> YearRange:
        return cls(int(raw["from"]), None if raw.get("to") is None else int(raw["to"]))

    def __contains__(self, year: object) -> bool:
        return (
            isinstance(year, int)
            and not isinstance(year, bool)
            and year >= self.first
            and (self.last is None or year <= self.last)
        )

    def within(self, other: YearRange) -> bool:
        if self.first < other.first:
            return False
        if other.last is None:
            return True
        return self.last is not None and self.last <= other.last

    def overlaps(self, other: YearRange) -> bool:
        return (self.last is None or other.first <= self.last) and (other.last is None or self.first <= other.last)

    @property
    def text(self) -> str:
        """``2022—2024年``, ``2024年``, ``2021年起``."""
        if self.last is None:
            return f"{self.first}年起"
        return f"{self.first}年" if self.first == self.last else f"{self.first}—{self.last}年"

    @property
    def text_en(self) -> str:
        if self.last is None:
            return f"{self.first} onwards"
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


@dataclass(frozen=True)
class FormerName:
    """A name a code carried before: ``last`` is the last fiscal year it was the official name (None:
    not recorded, known only to be out of use in every year the list covers)."""

    name: str
    last: int | None
    basis: str

    def outdated_in(self, year: object) -> bool:
        """The name is no longer official in fiscal ``year``."""
        return isinstance(year, int) and (self.last is None or year > self.last)


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    former_names: tuple[FormerName, ...]
    funds: frozenset[str]
    evidence: str


@dataclass(frozen=True)
class CodeList:
    id: str
    classification: str
    title: str
    levels: tuple[int, ...]
    years: YearRange
    entries: Mapping[str, Entry]
    by_name: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    by_former_name: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def load_codelist(path: Path, rel: str, schemas: Mapping[str, Any], base_uri: str) -> CodeList:
    raw = load_yaml(path, display=rel)
    check_spec_file(raw, base_uri + "codelist.schema.json", schemas, rel)
    default_evidence = raw["evidence"]
    entries: dict[str, Entry] = {}
    by_name: dict[str, list[str]] = {}
    by_former: dict[str, list[str]] = {}
    levels = tuple(raw["levels"])
    if list(levels) != sorted(set(levels)):
        raise SpecError(f"levels {list(levels)} are not in increasing order", file=rel, line=raw.line_of("levels"))
    for item in raw["codes"]:
        code = item["code"]
        line = getattr(item, "line", None)
        if len(code) not in levels:
            raise SpecError(f"code {code} has a length outside the levels {levels}", file=rel, line=line)
        if code in entries:
            raise SpecError(f"code {code} is listed twice", file=rel, line=line)
        parent = next((code[:n] for n in reversed(levels) if n < len(code) and code[:n] in entries), None)
        if len(code) > levels[0] and parent is None:
            raise SpecError(f"code {code} has no parent in the list", file=rel, line=line)
        funds = frozenset(item.get("funds") or (entries[parent].funds if parent else ()))
        formers = tuple(_former(f, raw["basis"]) for f in item.get("former_names", ()))
        entry = Entry(code, item["name"], formers, funds, item.get("evidence", default_evidence))
        entries[code] = entry
        by_name.setdefault(normalise_name(entry.name), []).append(code)
        for former in entry.former_names:
            by_former.setdefault(normalise_name(former.name), []).append(code)
    return CodeList(
        raw["id"],
        raw["classification"],
        raw["title"]["zh"],
        levels,
        YearRange.of(raw["years"]),
        entries,
        {k: tuple(v) for k, v in by_name.items()},
        {k: tuple(v) for k, v in by_former.items()},
    )


def _former(raw: Any, default_basis: str) -> FormerName:
    """A former name as written in the list: a plain name, or {name, until, basis}."""
    if isinstance(raw, str):
        return FormerName(raw, None, default_basis)
    return FormerName(raw["name"], raw.get("until"), raw.get("basis", default_basis))


@dataclass(frozen=True)
class Framework:
    """A performance-indicator framework: the legal 一级 indicators, their 二级, and which are required."""

    id: str
    title: str
    basis: str
    level1: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]


def load_framework(path: Path, rel: str, schemas: Mapping[str, Any], base_uri: str) -> Framework:
    raw = load_yaml(path, display=rel)
    check_spec_file(raw, base_uri + "framework.schema.json", schemas, rel)
    level1 = {item["name"]: tuple(item["level2"]) for item in raw["level1"]}
    required = tuple(item["name"] for item in raw["level1"] if item.get("required", False))
    return Framework(raw["id"], raw["title"]["zh"], raw["basis"], level1, required)
