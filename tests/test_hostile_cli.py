"""The command line under hostile conditions: never crash, never hang, never lose a document.

A bug while validating one document is that document's result (exit 3) and every other document is
still reported, in one process or several, even when a worker process dies; the report goes whole to
its place or the run says plainly why it could not; pipes, devices and over-long input are refused
before they are read; an interrupted run ends every worker without a traceback; and placing findings
by line costs one walk of the text however many findings and however deep the nesting.

Faults are injected into the real engine, in worker processes too, by a ``sitecustomize`` module on
the ``PYTHONPATH`` of a subprocess (``FAULT_HOOK`` below): nothing in the package knows about it.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator, Draft202012Validator

from budget_disclosure import locate
from budget_disclosure.batch import Job, Options, _records, expand, run
from budget_disclosure.cli import main
from budget_disclosure.findings import Finding, Report, Severity
from budget_disclosure.spec import Spec

from .support import CLEAN, ROOT

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))

# Loaded at start-up by every Python process of a subprocess run (the CLI and each worker): the
# engine raises, or the process dies, or it dawdles, on a document whose unit name says so.
FAULT_HOOK = """
import os, time
from budget_disclosure.rules import engine

_run = engine.Engine.run

def run(self, document, *args, **kwargs):
    name = (document.get("metadata") or {}).get("unit_name")
    if name == "FAULT-RAISE":
        raise RuntimeError("injected fault")
    if name == "FAULT-EXIT":
        os._exit(7)
    if name == "FAULT-SLOW":
        time.sleep(0.5)
    return _run(self, document, *args, **kwargs)

engine.Engine.run = run
"""


def _cli(*args: str, input: bytes | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=input)


def _document(path: Path, unit_name: str | None = None) -> Path:
    doc = json.loads(CLEAN.read_text(encoding="utf-8"))
    if unit_name is not None:
        doc["metadata"]["unit_name"] = unit_name
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _batch(folder: Path, markers: dict[int, str], size: int = 6) -> list[Path]:
    folder.mkdir(exist_ok=True)
    return [_document(folder / f"doc-{i}.json", markers.get(i)) for i in range(size)]


def _env(tmp_path: Path) -> dict[str, str]:
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(FAULT_HOOK, encoding="utf-8")
    path = os.pathsep.join([str(hook), str(ROOT / "validator")])
    return {**os.environ, "PYTHONPATH": path, "NO_COLOR": "1"}


def _subprocess(tmp_path: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "budget_disclosure", *args],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _report_validator(spec: Spec) -> Draft202012Validator:
    return Draft202012Validator(spec.schemas[spec.base_uri + "report.schema.json"])


# ------------------------------------------------------------------------------------------ internal errors
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_internal_error_is_that_documents_result_and_loses_no_other(tmp_path: Path, spec: Spec, jobs: str) -> None:
    paths = _batch(tmp_path / "in", {2: "FAULT-RAISE"})
    proc = _subprocess(tmp_path, "validate", "--format", "json", "--jobs", jobs, *map(str, paths))
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert not list(_report_validator(spec).iter_errors(data))
    docs = data["documents"]
    assert [d["source"] for d in docs] == [str(p) for p in paths]
    assert [d["valid"] for d in docs] == [True, True, False, True, True, True]
    assert docs[2]["internal"] is True and "RuntimeError: injected fault" in docs[2]["error"]
    assert data["summary"]["internal"] == 1 and data["summary"]["unreadable"] == 0


def test_a_worker_that_dies_takes_no_other_document_with_it(tmp_path: Path) -> None:
    paths = _batch(tmp_path / "in", {3: "FAULT-EXIT"}, size=12)
    proc = _subprocess(tmp_path, "validate", "--format", "json", "--jobs", "2", *map(str, paths))
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    docs = json.loads(proc.stdout)["documents"]
    assert [d["source"] for d in docs] == [str(p) for p in paths]
    assert [d["valid"] for d in docs] == [i != 3 for i in range(12)]
    assert "worker process" in docs[3]["error"] and docs[3]["internal"] is True


def test_unreadable_input_outranks_an_internal_error(tmp_path: Path) -> None:
    paths = _batch(tmp_path / "in", {0: "FAULT-RAISE"}, size=2)
    proc = _subprocess(tmp_path, "validate", str(tmp_path / "missing.json"), *map(str, paths))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "内部错误" in proc.stdout and "文件或文件夹不存在" in proc.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_every_format_stays_valid_with_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: Spec, fmt: str
) -> None:
    from budget_disclosure.rules import engine

    real = engine.Engine.run

    def faulty(self: Any, document: Any, *args: Any, **kwargs: Any) -> Any:
        if document["metadata"].get("unit_name") == "FAULT-RAISE":
            raise ValueError("injected\nover two lines")
        return real(self, document, *args, **kwargs)

    monkeypatch.setattr(engine.Engine, "run", faulty)
    paths = _batch(tmp_path, {1: "FAULT-RAISE"}, size=3)
    result = _cli("validate", "--format", fmt, *map(str, paths))
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    out = result.stdout
    if fmt == "text":
        assert "内部错误" in out and "ValueError: injected" in out
        assert out.count("通过") >= 2
    elif fmt == "json":
        data = json.loads(out)
        assert not list(_report_validator(spec).iter_errors(data))
        assert [d["valid"] for d in data["documents"]] == [True, False, True]
    elif fmt == "sarif":
        data = json.loads(out)
        assert not list(Draft4Validator(SARIF_SCHEMA).iter_errors(data))
        (note,) = data["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        assert "ValueError: injected" in note["message"]["text"] and note["properties"] == {"internal": True}
    else:
        root = ET.fromstring(out)
        errors = root.findall("testsuite/testcase/error")
        assert [e.get("type") for e in errors] == ["internal"]


def test_a_reporter_that_fails_on_one_document_writes_none_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: Spec
) -> None:
    from budget_disclosure.reporters import json_report

    real = json_report.document_dict

    def faulty(result: Any) -> Any:
        if result.report is not None and result.source.endswith("doc-1.json"):
            raise KeyError("broken reporter")
        return real(result)

    monkeypatch.setattr(json_report, "document_dict", faulty)
    paths = _batch(tmp_path, {}, size=3)
    result = _cli("validate", "--format", "json", *map(str, paths))
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert not list(_report_validator(spec).iter_errors(data))
    assert [d.get("internal", False) for d in data["documents"]] == [False, True, False]
    assert data["summary"]["documents"] == 3


def test_a_bug_outside_any_document_still_closes_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: Spec
) -> None:
    from budget_disclosure import batch

    real = batch._path_jobs

    def faulty(raw: str, limit: int) -> Any:
        if raw.endswith("doc-1.json"):
            raise RuntimeError("injected expansion fault")
        return real(raw, limit)

    monkeypatch.setattr(batch, "_path_jobs", faulty)
    paths = _batch(tmp_path, {}, size=2)
    result = _cli("validate", "--format", "json", *map(str, paths))
    assert result.exit_code == 3 and isinstance(result.exception, SystemExit)
    assert "internal error: RuntimeError: injected expansion fault" in result.stderr
    data = json.loads(result.stdout)
    assert not list(_report_validator(spec).iter_errors(data))
    assert [d["valid"] for d in data["documents"]] == [True]


# ------------------------------------------------------------------------------------------ output
def test_output_onto_an_input_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    target = _document(tmp_path / "a.json")
    before = target.read_bytes()
    result = _cli("validate", "--format", "json", "--output", str(target), str(target))
    assert result.exit_code == 2 and "would overwrite it" in result.output
    assert target.read_bytes() == before
    os.link(target, tmp_path / "b.json")  # the same file under another name
    result = _cli("validate", "--output", str(tmp_path / "b.json"), str(target))
    assert result.exit_code == 2 and target.read_bytes() == before


def test_output_into_an_input_folder_is_refused(tmp_path: Path) -> None:
    _document(tmp_path / "a.json")
    result = _cli("validate", "--format", "json", "--output", str(tmp_path / "report.json"), str(tmp_path))
    assert result.exit_code == 2 and "would be read as a document" in result.output
    assert not (tmp_path / "report.json").exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_a_clear_error() -> None:
    result = _cli("validate", "--format", "json", "--output", "/dev/full", str(CLEAN))
    assert result.exit_code == 2
    assert "cannot write /dev/full" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_an_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    result = _cli("validate", "--output", str(tmp_path / "no" / "such" / "dir.json"), str(CLEAN))
    assert result.exit_code == 2 and "cannot write" in result.output and "Traceback" not in result.output


def test_a_closed_standard_output_is_a_clear_error(tmp_path: Path) -> None:
    paths = _batch(tmp_path / "in", {}, size=3)
    proc = subprocess.Popen(
        [sys.executable, "-m", "budget_disclosure", "validate", "--format", "json", *map(str, paths)],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # the reader went away (`| head`)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(60) in (0, 2)  # 0 when the whole report fit into the pipe before it closed
    assert "Traceback" not in err and "Exception ignored" not in err


# ------------------------------------------------------------------------------------------ special files
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_not_read_forever(tmp_path: Path) -> None:
    good = _document(tmp_path / "good.json")
    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("pipe.json", "pipe.jsonl"):
        os.mkfifo(folder / name)
    os.mkfifo(tmp_path / "given.json")
    proc = _subprocess(
        tmp_path, "validate", "--format", "json", str(tmp_path / "given.json"), str(folder), str(good), timeout=60
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    docs = json.loads(proc.stdout)["documents"]
    assert [Path(d["source"]).name for d in docs] == ["given.json", "pipe.json", "pipe.jsonl", "good.json"]
    assert all("named pipe (FIFO)" in d["error"] for d in docs[:3]) and docs[3]["valid"] is True


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused() -> None:
    result = _cli("validate", "--format", "json", "/dev/zero", str(CLEAN))
    assert result.exit_code == 2
    docs = json.loads(result.stdout)["documents"]
    assert "character device" in docs[0]["error"] and docs[1]["valid"] is True


# ------------------------------------------------------------------------------------------ size limits
class _Endless(io.RawIOBase):
    """Standard input that never ends; remembers how much was asked for."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size >= 0, "standard input read whole"
        self.asked.append(size)
        return b" " * size


def test_standard_input_is_read_at_most_one_byte_past_the_limit() -> None:
    stream = _Endless()
    (job,) = expand(["-"], stdin=stream, max_bytes=1000)
    assert stream.asked == [1001] and job.oversize and job.data is None
    (result,) = run([job], Options(limits=Options().limits.__class__(max_bytes=1000)))
    assert result.report is not None
    assert [f.rule for f in result.report.findings] == ["input.too-large"]


def test_over_long_standard_input_is_reported() -> None:
    data = CLEAN.read_bytes()
    result = _cli("validate", "--format", "json", "--max-bytes", str(len(data) - 1), "-", input=data)
    assert result.exit_code == 1
    (doc,) = json.loads(result.stdout)["documents"]
    assert doc["source"] == "<stdin>" and [f["rule"] for f in doc["findings"]] == ["input.too-large"]
    assert _cli("validate", "--max-bytes", str(len(data)), "-", input=data).exit_code == 0


def test_an_over_long_json_lines_record_is_reported_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = json.dumps(json.loads(CLEAN.read_text(encoding="utf-8")), ensure_ascii=False)
    path = tmp_path / "batch.jsonl"
    huge = '{"profile": "' + "x" * (3 * len(good)) + '"}'
    path.write_text("\n".join([good, huge, "", good]) + "\n", encoding="utf-8")
    result = _cli("validate", "--format", "json", "--max-bytes", str(2 * len(good)), str(path))
    assert result.exit_code == 1
    docs = json.loads(result.stdout)["documents"]
    assert [d["source"] for d in docs] == [f"{path}:1", f"{path}:2", f"{path}:4"]
    assert [d["valid"] for d in docs] == [True, False, True]
    assert [f["rule"] for f in docs[1]["findings"]] == ["input.too-large"]


class _Lines(io.BytesIO):
    """A file that remembers the longest piece handed out."""

    longest = 0

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.longest = max(self.longest, len(line))
        return line


def test_an_over_long_record_is_skipped_without_being_held() -> None:
    limit = 100
    handle = _Lines(b'{"a": 1}\n' + b"x" * 5_000_000 + b'\n\n  \n{"b": 2}\r\n' + b"y" * 101)
    records = list(_records(handle, limit))
    assert records == [(1, b'{"a": 1}\n'), (2, None), (5, b'{"b": 2}\r\n'), (6, None)]
    assert handle.longest <= 1 << 16


@pytest.mark.parametrize("value", ["0", "-5", str(2**31), "abc"])
def test_absurd_max_bytes_are_usage_errors(value: str) -> None:
    result = _cli("validate", "--max-bytes", value, str(CLEAN))
    assert result.exit_code == 2 and "--max-bytes" in result.output


# ------------------------------------------------------------------------------------------ jobs
def test_jobs_are_capped_by_cpus_and_documents(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from budget_disclosure import batch

    asked: list[int] = []
    real_run = batch.run

    def spy(jobs: Any, options: Any, workers: int = 1) -> Any:
        asked.append(workers)
        return real_run(jobs, options, workers)

    monkeypatch.setattr(batch, "run", spy)
    monkeypatch.setattr(batch, "cpu_count", lambda: 3)
    assert _cli("validate", "--jobs", "64", str(CLEAN)).exit_code == 0
    assert _cli("validate", "--jobs", "0", str(CLEAN)).exit_code == 0
    assert asked == [3, 3]

    pools: list[int] = []
    real_pool = batch._Pool

    class CountingPool(real_pool):  # type: ignore[misc, valid-type]
        def __init__(self, workers: int) -> None:
            pools.append(workers)
            super().__init__(workers)

    monkeypatch.setattr(batch, "_Pool", CountingPool)
    paths = _batch(tmp_path, {}, size=2)
    results = list(real_run([Job(str(p), path=str(p)) for p in paths], Options(), 8))
    assert pools == [2] and [r.report is not None and r.report.valid for r in results] == [True, True]
    results = list(real_run([Job(str(paths[0]), path=str(paths[0]))], Options(), 8))
    assert pools == [2] and len(results) == 1  # one document: no pool at all


# ------------------------------------------------------------------------------------------ signals
def _group(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_ends_every_worker_without_a_traceback(tmp_path: Path, signum: int) -> None:
    _batch(tmp_path / "in", dict.fromkeys(range(40), "FAULT-SLOW"), size=40)
    command = ["validate", "--format", "json", "--jobs", "2", str(tmp_path / "in")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "budget_disclosure", *command],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(_group(proc.pid)) < 3 and time.monotonic() < deadline:  # the CLI and two workers
            time.sleep(0.05)
        assert len(_group(proc.pid)) >= 3, "the workers never started"
        time.sleep(0.3)  # let them get into a document
        os.killpg(proc.pid, signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 128 + signum, err
    text = err.decode()
    assert "Traceback" not in text and "interrupted" in text
    deadline = time.monotonic() + 10
    while _group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _group(proc.pid) == [], "a worker outlived the run"


# ------------------------------------------------------------------------------------------ positions
class _Spy:
    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def count(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1


def test_positions_of_thousands_of_findings_take_one_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = 3000
    text = json.dumps({"rows": [{"code": str(i), "amount": i} for i in range(rows)]}, indent=2)
    pointers = [*(f"/rows/{i}/amount" for i in range(rows)), "/rows/99999"]
    findings = tuple(Finding("income.rollup", Severity.ERROR, p, "", "", "") for p in pointers)
    report = Report(findings, text=text)
    spy = _Spy()
    real_events, real_index = locate.iter_events, locate.LineIndex

    def events(text: str) -> Any:
        spy.count("walk")
        return real_events(text)

    class Index(real_index):  # type: ignore[misc, valid-type]
        def __init__(self, text: str) -> None:
            spy.count("index")
            super().__init__(text)

        def line_col(self, offset: int) -> tuple[int, int]:
            spy.count("lookup")
            return super().line_col(offset)

    def slow(text: str, offset: int) -> tuple[int, int]:
        raise AssertionError("a lookup that scans the text from its start")

    monkeypatch.setattr(locate, "iter_events", events)
    monkeypatch.setattr(locate, "LineIndex", Index)
    monkeypatch.setattr(locate, "line_col", slow)
    found = report.positions()
    assert spy.calls == {"walk": 1, "index": 1, "lookup": rows}
    lines = text.splitlines()
    for i in (0, 1, rows // 2, rows - 1):
        line, col = found[f"/rows/{i}/amount"]
        assert lines[line - 1][col - 1 :].startswith(str(i))
    assert "/rows/99999" not in found


def test_deep_nesting_is_located_in_one_linear_walk() -> None:
    depth = 100_000
    text = "[" * depth + "]" * depth
    deepest = "/0" * (depth - 1)
    assert locate.positions(text, ["", deepest, "/1"]) == {"": (1, 1), deepest: (1, depth)}
    *_, last = locate.iter_events(text)
    assert last.pointer == deepest and last.offset == depth - 1


@pytest.mark.parametrize("fmt", ["text", "sarif"])
def test_a_deeply_nested_document_is_reported_in_every_positioned_format(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' + "[" * 150_000 + "]" * 150_000 + "}", encoding="utf-8")
    result = _cli("validate", "--format", fmt, str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "input.too-deep" in result.stdout
