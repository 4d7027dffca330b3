"""What a worker process does with one request: validate the body and render the report, so that the
event loop only passes bytes in and out.

The JSON report is the library's ``Report.to_json()`` for the same body and options (a JSON body is
validated as ``validate(body, ...)``, with no name). The other formats are written by the command line's
reporters, one document per run.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..batch import DocResult, Job, Options, exception_text
from ..errors import InputError
from ..findings import Report, Severity

__all__ = ["MEDIA_TYPES", "Answer", "Work", "answer", "unreadable"]

WORKBOOK_SOURCE = "<request>.xlsx"  # the name a workbook body goes by in its report
MEDIA_TYPES = {
    "json": "application/json",
    "sarif": "application/sarif+json",
    "junit": "application/xml",
    "html": "text/html; charset=utf-8",
}
# Input findings about a document that was read all the same (the others mean it could not be read).
_READ_ANYWAY = frozenset(
    {"input.too-many-findings", "input.too-many-schema-findings", "input.workbook-formula", "input.workbook-layout"}
)


@dataclass(frozen=True)
class Work:
    """One validation: the body, whether it is a workbook, the options, the report format and language."""

    body: bytes
    workbook: bool
    options: Options
    fmt: str = "json"
    lang: str = "zh"


@dataclass(frozen=True)
class Answer:
    """The HTTP answer: 200 with the report, 422 when the document could not be read (with the report of
    its input findings, or an error for a workbook that is not one)."""

    status: int
    media_type: str
    body: bytes
    error: str | None = None  # set instead of a report: the reason the workbook could not be read


def unreadable(report: Report) -> bool:
    """True when the reader could not make a document of the body (its findings say why)."""
    return any(f.rule.startswith("input.") and f.rule not in _READ_ANYWAY for f in report.findings)


def answer(work: Work) -> Answer:
    """Validate and render; never raises (an unexpected error is a 500 answer naming it)."""
    with _job(work) as job:
        try:
            result = _validate(job, work)
        except InputError as exc:
            return Answer(422, MEDIA_TYPES["json"], b"", error=str(exc))
        except Exception as exc:  # a bug: its type and message, never a traceback
            return Answer(500, MEDIA_TYPES["json"], b"", error=exception_text(exc))
        assert result.report is not None
        status = 422 if unreadable(result.report) else 200
        if work.fmt == "json":
            return Answer(status, MEDIA_TYPES["json"], (result.report.to_json() + "\n").encode("utf-8"))
        return Answer(status, MEDIA_TYPES[work.fmt], _render(result, work).encode("utf-8"))


@contextmanager
def _job(work: Work) -> Iterator[Job]:
    """A JSON body is validated from its bytes; a workbook is read from a file (the reader needs one),
    which is removed afterwards."""
    if not work.workbook:
        yield Job("<request>", data=work.body)
        return
    handle, path = tempfile.mkstemp(prefix="budget-disclosure-", suffix=".xlsx")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(work.body)
        yield Job(WORKBOOK_SOURCE, path=path)
    finally:
        os.unlink(path)


def _validate(job: Job, work: Work) -> DocResult:
    from ..api import validate

    opts = work.options
    common: dict[str, Any] = {
        "profile": opts.profile,
        "strict_arithmetic": opts.strict_arithmetic,
        "engine": opts.engine,
        "select": opts.select or None,
        "ignore": opts.ignore or None,
        "limits": opts.limits,
    }
    if job.path is not None:
        from ..workbook import validate_workbook

        return DocResult(job, validate_workbook(job.path, name=job.source, **common), {})
    report = validate(job.data, **common)
    positions = report.positions() if work.fmt in ("sarif", "junit", "html") else {}
    return DocResult(job, report, positions)


def _render(result: DocResult, work: Work) -> str:
    from .._version import __version__
    from ..reporters import REPORTERS, RunInfo, Summary
    from ..spec import get_spec

    buffer = io.StringIO()
    info = RunInfo(get_spec(), work.options, Severity.ERROR, work.lang, False, __version__)
    reporter = REPORTERS[work.fmt](buffer, info)
    summary = Summary()
    reporter.begin()
    summary.add(reporter.report(result), info.fail_on)
    reporter.end(summary)
    return buffer.getvalue()


def ready() -> int:
    """Run once in each worker when the pool starts (the worker's initializer has built the spec)."""
    return os.getpid()
