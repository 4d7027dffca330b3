"""Validating many documents: files, folders, standard input and JSON Lines, in one or more processes.

Inputs are expanded lazily and results come back in input order, one at a time, so memory does not grow
with the number of documents. A source that cannot be read (missing, unreadable, a folder without JSON)
is a result with an error, and the other documents are still validated.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BudgetDisclosureError, InputError
from .findings import Report
from .reader import Limits

__all__ = ["DocResult", "Job", "Options", "expand", "run"]

JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class Options:
    profile: str | None = None
    strict_arithmetic: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    positions: bool = False  # compute line/column of findings (text and SARIF reports)


@dataclass(frozen=True)
class Job:
    """One document to validate: a path, or bytes read already (standard input, a JSON Lines record)."""

    source: str
    path: str | None = None
    data: bytes | None = None
    first_line: int = 1  # line of the document in its file (JSON Lines)
    file: str | None = None  # the file a record came from
    error: str | None = None  # the source could not be expanded (reported, not validated)


@dataclass(frozen=True)
class DocResult:
    job: Job
    report: Report | None
    positions: dict[str, tuple[int, int]]
    error: str | None = None

    @property
    def source(self) -> str:
        return self.job.source


def expand(paths: Iterable[str], stdin: Any = None) -> Iterator[Job]:
    """The documents named by the command line: files, folders (recursively, *.json and JSON Lines),
    ``-`` for standard input, JSON Lines files (one document per line)."""
    for raw in paths:
        if raw == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield Job("<stdin>", data=stream.read())
            continue
        path = Path(raw)
        if path.is_dir():
            found = _documents_in(path)
            if not found:
                yield Job(raw, error=f"{raw}: the folder holds no .json or .jsonl file")
            for p in found:
                yield from _file_jobs(str(p))
        elif not path.exists():
            yield Job(raw, error=f"{raw}: no such file or folder")
        else:
            yield from _file_jobs(raw)


def _documents_in(folder: Path) -> list[Path]:
    """The .json and JSON Lines files under a folder, sorted. Anything with such a name that is not a
    folder is kept, so that a broken link or an unreadable entry is reported, not silently skipped."""
    return sorted(p for p in folder.rglob("*") if p.suffix in (".json", *JSONL_SUFFIXES) and not p.is_dir())


def count_jobs(paths: Iterable[str]) -> int:
    """How many documents ``expand`` will yield, without holding any of them (for a progress bar)."""
    total = 0
    for raw in paths:
        path = Path(raw)
        files = _documents_in(path) if path.is_dir() else [path]
        for p in files:
            if raw != "-" and p.name.endswith(JSONL_SUFFIXES):
                try:
                    with p.open("rb") as handle:
                        total += sum(1 for line in handle if line.strip())
                except OSError:
                    total += 1
            else:
                total += 1
    return total


def _file_jobs(name: str) -> Iterator[Job]:
    if not name.endswith(JSONL_SUFFIXES):
        yield Job(name, path=name)
        return
    try:
        handle = open(name, "rb")  # noqa: SIM115 - read line by line while yielding
    except OSError as exc:
        yield Job(name, error=f"{name}: cannot read ({exc.strerror or exc})")
        return
    with handle:
        any_line = False
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            any_line = True
            yield Job(f"{name}:{number}", data=line, first_line=number, file=name)
        if not any_line:
            yield Job(name, error=f"{name}: the JSON Lines file holds no document")


def validate_job(job: Job, options: Options) -> DocResult:
    """Validate one job; never raises for a bad document or a bad file."""
    from .api import validate

    if job.error is not None:
        return DocResult(job, None, {}, job.error)
    try:
        report = validate(
            job.path if job.path is not None else job.data,
            name=job.source,
            profile=options.profile,
            strict_arithmetic=options.strict_arithmetic,
            select=options.select or None,
            ignore=options.ignore or None,
            limits=options.limits,
        )
    except InputError as exc:
        return DocResult(job, None, {}, str(exc))
    positions = report.positions() if options.positions else {}
    if job.first_line > 1:
        positions = {k: (line + job.first_line - 1, col) for k, (line, col) in positions.items()}
    from dataclasses import replace

    return DocResult(job, replace(report, text=None), positions)


def _init_worker() -> None:
    # Build the spec, both schema validators and the compiled rules once per worker process.
    from .api import validate
    from .spec import get_spec

    spec = get_spec()
    for profile in spec.profiles.values():
        spec.schema_checker.validator(profile.uri)
        spec.schema_checker.fast_validator(profile.uri)
    del validate


def run(jobs: Iterable[Job], options: Options, workers: int = 1) -> Iterator[DocResult]:
    """Results in input order. With ``workers`` > 1 the documents are validated in worker processes;
    spec errors are raised in the parent before any work starts."""
    from .rules.engine import get_engine
    from .spec import get_spec

    get_engine(get_spec())  # a broken spec fails here, once, with a clear error
    if workers <= 1:
        for job in jobs:
            yield validate_job(job, options)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        yield from _bounded_map(pool, jobs, options, window=workers * 8, batch=8)


def _worker_batch(args: tuple[list[Job], Options]) -> list[DocResult]:
    jobs, options = args
    return [validate_job(job, options) for job in jobs]


def _bounded_map(
    pool: ProcessPoolExecutor, jobs: Iterable[Job], options: Options, *, window: int, batch: int
) -> Iterator[DocResult]:
    """Like pool.map, but with at most ``window`` batches in flight: ``Executor.map`` would submit every
    job up front, and memory would grow with the number of documents."""
    from collections import deque
    from concurrent.futures import Future
    from itertools import islice

    pending: deque[Future[list[DocResult]]] = deque()
    source = iter(jobs)
    while True:
        while len(pending) < window:
            chunk = list(islice(source, batch))
            if not chunk:
                break
            pending.append(pool.submit(_worker_batch, (chunk, options)))
        if not pending:
            return
        yield from pending.popleft().result()


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


__all__ += ["BudgetDisclosureError", "count_jobs", "cpu_count", "validate_job"]
