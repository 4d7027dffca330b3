"""What every reporter shares: the run's settings and the running summary."""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from typing import Protocol

from ..batch import DocResult, Options, crashed
from ..findings import Severity
from ..spec import Spec

__all__ = ["Reporter", "RunInfo", "Stream", "Summary"]


class Stream(Protocol):
    """Where a reporter writes: a text file, standard output, or a buffer."""

    def write(self, text: str, /) -> object: ...


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
    internal: int = 0
    failing: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})

    def add(self, result: DocResult, fail_on: Severity) -> None:
        self.documents += 1
        report = result.report
        if report is None:
            if result.internal:
                self.internal += 1
            else:
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
            "internal": self.internal,
            "failing": self.failing,
            **self.counts,
        }


class Reporter:
    """Receives the run's documents in order; writes its format to ``stream``."""

    def __init__(self, stream: Stream, info: RunInfo) -> None:
        self.stream = stream
        self.info = info

    def report(self, result: DocResult) -> DocResult:
        """Write one document whole or not at all: a reporter that fails on a document (a bug) leaves
        no half of it behind, and that document is reported as an internal error instead. Returns
        the result that was written."""
        out, state = self.stream, {k: copy.copy(v) for k, v in vars(self).items() if k != "stream"}
        buffer = io.StringIO()
        self.stream = buffer
        try:
            try:
                self.document(result)
            except Exception as exc:
                vars(self).update(state)
                result = crashed(result.job, exc)
                buffer = io.StringIO()
                self.stream = buffer
                self.document(result)
        finally:
            self.stream = out
        out.write(buffer.getvalue())
        return result

    def begin(self) -> None:
        pass

    def document(self, result: DocResult) -> None:
        raise NotImplementedError

    def end(self, summary: Summary) -> None:
        pass
