"""What a rule kind sees while it runs: the document, the spec, the profile and the policy."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..amounts import Cell, cell_at
from ..findings import Severity
from ..spec import ProfileInfo, Spec
from .model import RuleDef
from .refs import Ref

__all__ = ["Compiled", "Context", "Violation"]


@dataclass(frozen=True)
class Compiled:
    """A rule ready to run: its definition, its kind's prepared parameters and the tables it reads."""

    rule: RuleDef
    prepared: Any
    needs: frozenset[str]
    when: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Violation:
    """What a kind reports; the engine stamps rule id, severity, messages and location on it."""

    pointer: str
    values: Mapping[str, Any] = field(default_factory=dict)
    related: tuple[str, ...] = ()
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None
    envelope: Decimal | None = None
    unit: str | None = None
    severity: Severity | None = None
    location: str | None = None


@dataclass
class Context:
    spec: Spec
    document: dict[str, Any]
    profile: ProfileInfo
    strict: bool

    def cells(self, ref: Ref) -> Iterator[Cell]:
        """Amount cells a reference designates (non-amount values are skipped: the schema reported them)."""
        for ptr, raw in ref.resolve(self.document):
            cell = cell_at(self.document, ptr, raw)
            if cell is not None:
                yield cell

    def table(self, tid: str) -> Any:
        tables = self.document.get("tables")
        return tables.get(tid) if isinstance(tables, dict) else None

    def is_empty(self, tid: str) -> bool:
        table = self.table(tid)
        return isinstance(table, dict) and table.get("empty") is True

    def location(self, pointer: str) -> str:
        return self.spec.location(self.document, pointer)
