"""Findings and reports: frozen values, serialised deterministically."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

__all__ = ["Finding", "Report", "Severity", "Skipped"]


class Severity(StrEnum):
    """How serious a finding is. ``error`` makes a document invalid."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    @property
    def zh(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


def _dec(value: Decimal | None) -> str | None:
    """Money goes into reports as decimal strings: exact, and safe for consumers with binary floats."""
    if value is None:
        return None
    text = format(value, "f")
    return "0" if text in ("-0", "-0.0") else text


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong (or worth knowing) about one place in a document.

    ``pointer`` is a JSON Pointer that resolves in the submitted document; ``related`` holds the
    pointers of the other cells involved. Numeric findings carry ``expected``, ``actual``,
    ``difference`` and the rounding ``envelope`` in ``unit``. ``cell`` names the workbook cell
    (sheet and address) of a document read from a workbook.
    """

    rule: str
    severity: Severity
    pointer: str
    location: str
    message: str
    message_en: str
    related: tuple[str, ...] = ()
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None
    envelope: Decimal | None = None
    unit: str | None = None
    cause: str | None = None
    cause_location: str | None = None
    line: int | None = None
    column: int | None = None
    cell: str | None = None  # the workbook cell (``一般公共预算支出表!D12``) of a document read from Excel

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "pointer": self.pointer,
            "location": self.location,
            "message": self.message,
            "message_en": self.message_en,
        }
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column
        if self.cell is not None:
            out["cell"] = self.cell
        if self.related:
            out["related"] = list(self.related)
        if self.expected is not None or self.actual is not None:
            out["expected"] = _dec(self.expected)
            out["actual"] = _dec(self.actual)
            out["difference"] = _dec(self.difference)
            out["envelope"] = _dec(self.envelope)
            out["unit"] = self.unit
        if self.cause is not None:
            out["cause"] = self.cause
            out["cause_location"] = self.cause_location
        return out


@dataclass(frozen=True, slots=True)
class Skipped:
    """A rule that could not run on this document, and why (never counted as passed)."""

    rule: str
    reason: str
    reason_en: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "reason": self.reason, "reason_en": self.reason_en}


@dataclass(frozen=True)
class Report:
    """The result of validating one document."""

    findings: tuple[Finding, ...]
    source: str | None = None
    profile: str | None = None
    policy: str = "rounding-aware"
    skipped: tuple[Skipped, ...] = ()
    spec_version: str | None = None
    engine_version: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    text: str | None = field(default=None, repr=False, compare=False)
    applied: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @property
    def valid(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"valid": self.valid}
        if self.source is not None:
            out["source"] = self.source
        out["profile"] = self.profile
        out["policy"] = {"arithmetic": self.policy}
        out["counts"] = self.counts()
        out["findings"] = [f.to_dict() for f in self.findings]
        out["skipped"] = [s.to_dict() for s in self.skipped]
        out.update(self.extra)
        return out

    def positions(self) -> dict[str, tuple[int, int]]:
        """Line and column of each finding's pointer (and root cause) in the submitted text (empty for
        parsed input): one walk of the text for all of them, however many findings there are."""
        if self.text is None:
            return {}
        from .locate import positions

        out: dict[str, tuple[int, int]] = {}
        wanted: set[str] = set()
        for f in self.findings:
            if f.line is not None and f.column is not None:
                out.setdefault(f.pointer, (f.line, f.column))
            else:
                wanted.add(f.pointer)
            if f.cause is not None:
                wanted.add(f.cause)
        found = positions(self.text, wanted - out.keys()) if wanted - out.keys() else {}
        return {**found, **out}

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text: byte-identical for the same input, Chinese kept readable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, sort_keys=False)
