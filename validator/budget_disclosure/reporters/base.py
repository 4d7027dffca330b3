"""What every reporter shares: the run's settings and the running summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from ..batch import DocResult, Options
from ..findings import Severity
from ..spec import Spec

__all__ = ["Reporter", "RunInfo", "Summary"]


@dataclass(frozen=True)
class RunInfo:
    spec: Spec
    options: Options
    fail_on: Severity
    lang: str = "zh"
    color: bool = False
    engine_version: str = ""

    @property
    def policy(self) -> str:
        return "strict" if self.options.strict_arithmetic else "rounding-aware"


@dataclass
class Summary:
    documents: int = 0
    valid: int = 0
    invalid: int = 0
    unreadable: int = 0
    failing: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})

    def add(self, result: DocResult, fail_on: Severity) -> None:
        self.documents += 1
        report = result.report
        if report is None:
            self.unreadable += 1
            return
        if report.valid:
            self.valid += 1
        else:
            self.invalid += 1
        for key, value in report.counts().items():
            self.counts[key] += value
        if any(f.severity.rank >= fail_on.rank for f in report.findings):
            self.failing += 1

    def to_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "valid": self.valid,
            "invalid": self.invalid,
            "unreadable": self.unreadable,
            "failing": self.failing,
            **self.counts,
        }


class Reporter:
    """Receives the run's documents in order; writes its format to ``stream``."""

    def __init__(self, stream: TextIO, info: RunInfo) -> None:
        self.stream = stream
        self.info = info

    def begin(self) -> None:
        pass

    def document(self, result: DocResult) -> None:
        raise NotImplementedError

    def end(self, summary: Summary) -> None:
        pass
