"""Validating many documents: files, folders, standard input and JSON Lines, in one or more processes.

Inputs are expanded lazily and results come back in input order, one at a time, so memory does not grow
with the number of documents. A source that cannot be read (missing, unreadable, a folder without JSON,
a pipe or a device) is a result with an error, and the other documents are still validated.

Nothing is read whole before its size is known to be within the limit: standard input and each JSON
Lines record are read at most ``max_bytes + 1`` bytes at a time, and an over-long record is skipped to
its newline without being kept. An unexpected exception while validating one document (a bug) becomes
that document's result (``internal``), and a worker process that dies takes no other document with it:
the batches it shared a pool with are run again one document at a time, so the one that kills a worker
is known and reported, and every other is validated.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from .errors import BudgetDisclosureError, InputError
from .findings import Report
from .reader import Limits
from .rules import DEFAULT_ENGINE

__all__ = ["DocResult", "Job", "Options", "expand", "run"]

JSONL_SUFFIXES = (".jsonl", ".ndjson")
_CHUNK = 1 << 16  # how much of an over-long record is read at a time while skipping it


@dataclass(frozen=True)
class Options:
    profile: str | None = None
    strict_arithmetic: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    positions: bool = False  # compute line/column of findings (text and SARIF reports)
    engine: str = DEFAULT_ENGINE  # rules/engines.py: "compiled" or "interpreter" (the reference)


@dataclass(frozen=True)
class Job:
    """One document to validate: a path, or bytes read already (standard input, a JSON Lines record)."""

    source: str
    path: str | None = None
    data: bytes | None = None
    first_line: int = 1  # line of the document in its file (JSON Lines)
    file: str | None = None  # the file a record came from
    error: str | None = None  # the source could not be expanded (reported, not validated)
    oversize: bool = False  # longer than the limit: not read, reported as input.too-large


@dataclass(frozen=True)
class DocResult:
    job: Job
    report: Report | None
    positions: dict[str, tuple[int, int]]
    error: str | None = None
    internal: bool = False  # ``error`` is a bug in the validator, not a problem with the input

    @property
    def source(self) -> str:
        return self.job.source


def crashed(job: Job, what: BaseException | str) -> DocResult:
    """The result of a document whose validation failed unexpectedly: its type and message, no traceback."""
    if isinstance(what, BaseException):
        what = exception_text(what)
    return DocResult(job, None, {}, f"{job.source}: internal error ({what})", internal=True)


def exception_text(exc: BaseException) -> str:
    """An unexpected exception as its type and the first line of its message, never a traceback."""
    text = str(exc).strip().splitlines()
    return type(exc).__name__ + (f": {text[0][:500]}" if text else "")


def expand(paths: Iterable[str], stdin: Any = None, max_bytes: int | None = None) -> Iterator[Job]:
    """The documents named by the command line: files, folders (recursively, *.json and JSON Lines),
    ``-`` for standard input, JSON Lines files (one document per line)."""
    limit = max_bytes if max_bytes is not None else Limits().max_bytes
    for raw in paths:
        if raw == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            try:
                data = stream.read(limit + 1)
            except OSError as exc:
                yield Job("<stdin>", error=f"<stdin>: cannot read ({exc.strerror or exc})")
                continue
            if len(data) > limit:
                yield Job("<stdin>", oversize=True)
            else:
                yield Job("<stdin>", data=data)
            continue
        try:
            yield from _path_jobs(raw, limit)
        except OSError as exc:  # a folder that cannot be listed …: reported, and the next path goes on
            yield Job(raw, error=f"{raw}: cannot read ({exc.strerror or exc})")


def _path_jobs(raw: str, limit: int) -> Iterator[Job]:
    path = Path(raw)
    if path.is_dir():
        found = _documents_in(path)
        if not found:
            yield Job(raw, error=f"{raw}: the folder holds no .json or .jsonl file")
        for p in found:
            yield from _file_jobs(str(p), limit)
    elif not path.exists():
        yield Job(raw, error=f"{raw}: no such file or folder")
    else:
        yield from _file_jobs(raw, limit)


def _documents_in(folder: Path) -> list[Path]:
    """The .json and JSON Lines files under a folder, sorted. Anything with such a name that is not a
    folder is kept, so that a broken link, a pipe or an unreadable entry is reported, not skipped."""
    return sorted(p for p in folder.rglob("*") if p.suffix in (".json", *JSONL_SUFFIXES) and not p.is_dir())


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def not_a_file(name: str) -> str | None:
    """Why ``name`` must not be opened (a pipe, socket or device could be read forever), or None.

    ``stat`` does not open the file, so it cannot block; a missing file is left to the reader.
    """
    try:
        mode = os.stat(name).st_mode
    except OSError:
        return None
    for test, kind in _KINDS:
        if test(mode):
            return f"{name}: is {kind}, not a regular file (use - to read standard input)"
    return None


def count_jobs(paths: Iterable[str], max_bytes: int | None = None) -> int:
    """How many documents ``expand`` will yield, without holding any of them (for a progress bar)."""
    limit = max_bytes if max_bytes is not None else Limits().max_bytes
    total = 0
    for raw in paths:
        path = Path(raw)
        files = _documents_in(path) if path.is_dir() else [path]
        for p in files:
            if raw != "-" and p.name.endswith(JSONL_SUFFIXES) and not_a_file(str(p)) is None:
                try:
                    with p.open("rb") as handle:
                        total += max(1, sum(1 for _ in _records(handle, limit)))
                except OSError:
                    total += 1
            else:
                total += 1
    return total


def _records(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """The non-blank lines of a JSON Lines file with their line numbers; ``None`` for a line longer
    than ``limit`` bytes, which is skipped to its newline a chunk at a time, never held whole."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(_CHUNK)
            yield number, None
            continue
        body = line.rstrip(b"\r\n")
        if len(body) > limit:
            yield number, None
        elif body.strip():
            yield number, line


def _file_jobs(name: str, limit: int) -> Iterator[Job]:
    refused = not_a_file(name)
    if refused is not None:
        yield Job(name, error=refused)
        return
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
        try:
            for number, line in _records(handle, limit):
                any_line = True
                source = f"{name}:{number}"
                if line is None:
                    yield Job(source, first_line=number, file=name, oversize=True)
                else:
                    yield Job(source, data=line, first_line=number, file=name)
        except OSError as exc:
            yield Job(name, error=f"{name}: cannot read ({exc.strerror or exc})")
            return
        if not any_line:
            yield Job(name, error=f"{name}: the JSON Lines file holds no document")


def validate_job(job: Job, options: Options) -> DocResult:
    """Validate one job; never raises: a bad document or file is a result, and so is a bug."""
    if job.error is not None:
        return DocResult(job, None, {}, job.error)
    try:
        return _validate(job, options)
    except InputError as exc:
        return DocResult(job, None, {}, str(exc))
    except Exception as exc:  # a bug must not take the batch down: it is this document's result
        return crashed(job, exc)


def _validate(job: Job, options: Options) -> DocResult:
    from .api import validate

    if job.oversize:
        return DocResult(job, _too_large(job, options), {})
    if job.path is not None:
        refused = not_a_file(job.path)  # checked again just before opening: it may have changed
        if refused is not None:
            return DocResult(job, None, {}, refused)
    if job.path is not None and job.path.lower().endswith((".xlsx", ".xlsm", ".xls")):
        from .workbook import validate_workbook

        if os.path.getsize(job.path) > options.limits.max_bytes:
            return DocResult(job, _too_large(job, options), {})

        workbook_report = validate_workbook(
            job.path,
            name=job.source,
            profile=options.profile,
            strict_arithmetic=options.strict_arithmetic,
            select=options.select or None,
            ignore=options.ignore or None,
            limits=options.limits,
            engine=options.engine,
        )
        return DocResult(job, workbook_report, {})
    report = validate(
        job.path if job.path is not None else job.data,
        name=job.source,
        profile=options.profile,
        strict_arithmetic=options.strict_arithmetic,
        select=options.select or None,
        ignore=options.ignore or None,
        limits=options.limits,
        engine=options.engine,
    )
    positions = report.positions() if options.positions else {}
    if job.first_line > 1:
        positions = {k: (line + job.first_line - 1, col) for k, (line, col) in positions.items()}
    return DocResult(job, replace(report, text=None), positions)


def _too_large(job: Job, options: Options) -> Report:
    """The report of a record or standard input longer than the limit, which was never read whole."""
    from .api import Selector
    from .emit import emit
    from .spec import get_spec

    spec = get_spec()
    limit = options.limits.max_bytes
    finding = emit(
        spec,
        None,
        "input.too-large",
        "",
        {"size": f"> {limit}", "limit": limit},
        location="文件",
    )
    keep = Selector(options.select or None, options.ignore or None)
    return Report(
        (finding,) if keep(finding.rule) else (),
        source=job.source,
        policy="strict" if options.strict_arithmetic else "rounding-aware",
        spec_version=spec.version,
        engine_version=_engine_version(),
    )


def _engine_version() -> str:
    from ._version import __version__

    return __version__


# ------------------------------------------------------------------------------------------ processes
def _init_worker() -> None:
    # The parent decides when the run stops: a worker ignores Ctrl-C (the terminal sends it to the
    # whole process group) and dies quietly on SIGTERM, so no worker ever prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Build the spec, both schema validators and the compiled rules once per worker process.
    from . import api  # noqa: F401 - imported once here rather than on the first document
    from .spec import get_spec

    spec = get_spec()
    for profile in spec.profiles.values():
        spec.schema_checker.validator(profile.uri)
        spec.schema_checker.fast_validator(profile.uri)


def run(jobs: Iterable[Job], options: Options, workers: int = 1) -> Iterator[DocResult]:
    """Results in input order. With ``workers`` > 1 the documents are validated in worker processes
    (never more than there are documents); spec errors are raised in the parent before any work starts.
    Closing the iterator early (or an exception in the consumer) ends every worker."""
    from .rules.engines import get_engine
    from .spec import get_spec

    get_engine(get_spec(), options.engine)  # a broken spec fails here, once, with a clear error
    source = iter(jobs)
    if workers <= 1:
        for job in source:
            yield validate_job(job, options)
        return
    batch = 8
    # The first few jobs say whether the batch is small: then no more workers than documents, and
    # batches small enough to keep every worker busy.
    head = list(islice(source, workers * batch + 1))
    if len(head) <= workers * batch:
        workers = min(workers, len(head))
        batch = max(1, -(-len(head) // max(workers, 1)))
    if workers <= 1:
        for job in _chain(head, source):
            yield validate_job(job, options)
        return
    pool = _Pool(workers)
    try:
        yield from _bounded_map(pool, _chain(head, source), options, window=workers * 8, batch=batch)
    finally:
        pool.stop()


def _chain(head: list[Job], rest: Iterator[Job]) -> Iterator[Job]:
    yield from head
    yield from rest


def _worker_batch(args: tuple[list[Job], Options]) -> list[DocResult]:
    jobs, options = args
    return [validate_job(job, options) for job in jobs]


class _Pool:
    """A process pool that can be replaced when a worker dies, and stopped for good at once."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker)

    def submit(self, jobs: list[Job], options: Options) -> Future[list[DocResult]]:
        return self.executor.submit(_worker_batch, (jobs, options))

    def restart(self) -> None:
        self.stop()
        self.executor = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker)

    def stop(self) -> None:
        """End every worker now (on an interruption nothing they do is wanted any more)."""
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        for process in processes:
            if process.is_alive():
                process.terminate()
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(1)


def _bounded_map(pool: _Pool, jobs: Iterable[Job], options: Options, *, window: int, batch: int) -> Iterator[DocResult]:
    """Like pool.map, but with at most ``window`` batches in flight: ``Executor.map`` would submit every
    job up front, and memory would grow with the number of documents."""
    pending: deque[tuple[list[Job], Future[list[DocResult]] | None]] = deque()
    source = iter(jobs)
    while True:
        while len(pending) < window:
            chunk = list(islice(source, batch))
            if not chunk:
                break
            try:
                pending.append((chunk, pool.submit(chunk, options)))
            except BrokenProcessPool:
                pending.append((chunk, None))
        if not pending:
            return
        chunk, future = pending.popleft()
        try:
            if future is None:
                raise BrokenProcessPool("the pool was broken before this batch could start")
            results = future.result()
        except BrokenProcessPool:
            pass
        except Exception:  # a result that could not come back (not picklable …): find which one
            yield from _one_by_one(pool, chunk, options)
            continue
        else:
            yield from results
            continue
        # A worker died, and every batch in flight went down with the pool. Batches that had
        # finished keep their results; the others run again one document at a time in a new pool,
        # so a document that kills its worker is reported alone and no other is lost.
        pool.restart()
        yield from _one_by_one(pool, chunk, options)
        while pending:
            chunk, future = pending.popleft()
            if future is not None and future.done() and not future.cancelled() and future.exception() is None:
                yield from future.result()
            else:
                yield from _one_by_one(pool, chunk, options)


def _one_by_one(pool: _Pool, jobs: list[Job], options: Options) -> Iterator[DocResult]:
    for job in jobs:
        try:
            yield pool.submit([job], options).result()[0]
        except BrokenProcessPool:
            pool.restart()
            yield crashed(job, "the worker process validating it died")
        except Exception as exc:
            yield crashed(job, exc)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


__all__ += [
    "BudgetDisclosureError",
    "count_jobs",
    "cpu_count",
    "crashed",
    "exception_text",
    "not_a_file",
    "validate_job",
]
