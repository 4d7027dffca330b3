"""The HTTP service, end to end: the real server (``python -m budget_disclosure serve``) in a subprocess on
a free loopback port, every endpoint and every limit over real HTTP."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from budget_disclosure import validate
from budget_disclosure.reader import read
from budget_disclosure.spec import Spec
from budget_disclosure.workbook import save_document, validate_workbook

from .support import ROOT, SEED

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def post(self, path: str, body: bytes, media: str = "application/json") -> tuple[int, dict[str, str], bytes]:
        return self.request("POST", path, body, {"Content-Type": media})

    def get_json(self, path: str) -> tuple[int, Any]:
        status, _, body = self.request("GET", path)
        return status, json.loads(body)

    def health(self) -> dict[str, Any]:
        return dict(self.get_json("/healthz")[1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(process: subprocess.Popen[bytes], port: int, limit: float = 60.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise AssertionError(f"the server on port {port} did not answer /healthz within {limit} s")


def start_server(*options: str) -> Server:
    """The server on a free port (another one if that port was taken meanwhile)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "validator")}
    for _ in range(5):
        port = _free_port()
        command = [sys.executable, "-m", "budget_disclosure", "serve", "--port", str(port), "--no-access-log"]
        process = subprocess.Popen([*command, *options], env=env, stderr=subprocess.PIPE)
        if _wait_ready(process, port):
            return Server(process, port)
        process.wait()
    raise AssertionError("no free port for the server")


def stop_server(server: Server) -> str:
    """SIGTERM, as a service manager stops it: uvicorn finishes the requests in progress, the pool's
    workers end, and the process ends by the signal (exit status 143 in a shell, like the command line's
    own interruptions). Returns what the server wrote on standard error."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(30)
        assert server.process.stderr is not None
        log = server.process.stderr.read().decode("utf-8", "replace")
    finally:
        if server.process.poll() is None:
            server.process.kill()
        assert server.process.stderr is not None
        server.process.stderr.close()
    assert code == -signal.SIGTERM, log
    assert "Application shutdown complete" in log and "Traceback" not in log, log
    return log


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server("--workers", "1", "--max-body-bytes", "2000000")
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def tight() -> Iterator[Server]:
    """Tiny limits: half a second per request, one request at a time."""
    running = start_server("--workers", "1", "--timeout", "0.5", "--max-concurrent", "1")
    yield running
    stop_server(running)


def _slow_document() -> bytes:
    """The seed with its basic-expenditure rows repeated 3,000 times: 8 MB, a few seconds to validate with
    either engine (every row a duplicate, so no screen passes it). 300 times took 0.47 s on a quiet machine:
    too close to the half-second limit to be over it every time."""
    document = json.loads(SEED.read_text(encoding="utf-8"))
    rows = document["tables"]["basic_expenditure"]["rows"]
    document["tables"]["basic_expenditure"]["rows"] = rows * 3000
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


# ------------------------------------------------------------------------------------------ validate
@pytest.mark.parametrize(
    "query, options",
    [
        ("", {}),
        ("?strict=true&lang=en", {"strict_arithmetic": True}),
        ("?select=summary,expenditure&ignore=summary.income-grand-total", {}),
        ("?profile=hunan-changsha&ignore=structure", {"profile": "hunan-changsha", "ignore": ["structure"]}),
    ],
)
def test_the_json_report_is_the_librarys_to_json(server: Server, query: str, options: dict[str, Any]) -> None:
    body = SEED.read_bytes()
    if "select=" in query:
        options = {"select": ["summary", "expenditure"], "ignore": ["summary.income-grand-total"]}
    status, headers, answer = server.post("/v1/validate" + query, body)
    assert status == 200 and headers["content-type"] == "application/json"
    assert answer == (validate(body, **options).to_json() + "\n").encode("utf-8")


@pytest.mark.parametrize(
    "body, rule",
    [
        (b'{"a": 1,', "input.not-json"),
        (b'{"a": 1, "a": 2}', "input.duplicate-key"),
        (b'{"a": NaN}', "input.non-finite-number"),
        (b"[1, 2]", "input.not-object"),
    ],
)
def test_bad_json_is_422_with_the_readers_findings(server: Server, body: bytes, rule: str) -> None:
    status, _, answer = server.post("/v1/validate", body)
    assert status == 422
    assert answer == (validate(body).to_json() + "\n").encode("utf-8")
    assert rule in {f["rule"] for f in json.loads(answer)["findings"]}


def test_a_workbook_body_is_validated_with_its_cells(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "seed.xlsx"
    save_document(read(SEED).document, path)
    status, _, answer = server.post("/v1/validate", path.read_bytes(), XLSX)
    assert status == 200
    expected = validate_workbook(path, name="<request>.xlsx").to_json() + "\n"
    assert answer == expected.encode("utf-8")
    assert any("cell" in f for f in json.loads(answer)["findings"])


def test_a_body_that_is_no_workbook_is_422(server: Server) -> None:
    status, _, answer = server.post("/v1/validate?lang=en", b"not a zip", XLSX)
    assert status == 422 and json.loads(answer)["error"]["code"] == "unreadable"


@pytest.mark.parametrize(
    "fmt, media, start",
    [
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("sarif", "application/sarif+json", b"{"),
        ("junit", "application/xml", b"<?xml"),
    ],
)
def test_other_formats(server: Server, fmt: str, media: str, start: bytes) -> None:
    status, headers, answer = server.post(f"/v1/validate?format={fmt}&lang=en", SEED.read_bytes())
    assert status == 200 and headers["content-type"] == media and answer.startswith(start)
    if fmt == "html":
        assert b'<html lang="en">' in answer and "一般公共预算".encode() in answer
    if fmt == "sarif":
        results = json.loads(answer)["runs"][0]["results"]
        assert len(results) == len(validate(SEED.read_bytes()).findings)


@pytest.mark.parametrize(
    "query, detail",
    [
        ("?format=pdf", "format"),
        ("?profile=nowhere", "nowhere"),
        ("?select=no-such-rule", "no-such-rule"),
        ("?strict=maybe", "strict"),
        ("?strict_arithmetic=1", "strict_arithmetic"),
        ("?lang=en&lang=zh", "lang"),
    ],
)
def test_bad_parameters_are_400(server: Server, query: str, detail: str) -> None:
    status, _, answer = server.post("/v1/validate" + query, SEED.read_bytes())
    error = json.loads(answer)["error"]
    assert status == 400 and error["code"] == "bad-parameter" and detail in error["message"]


def test_other_content_types_are_415_in_the_requested_language(server: Server) -> None:
    status, _, answer = server.post("/v1/validate?lang=en", SEED.read_bytes(), "text/plain")
    assert status == 415 and json.loads(answer)["error"]["message"].startswith("unsupported content type text/plain")
    status, _, answer = server.post("/v1/validate", SEED.read_bytes(), "text/plain")
    assert status == 415 and json.loads(answer)["error"]["message"].startswith("不支持的内容类型")


# ------------------------------------------------------------------------------------------ catalogue
def test_rules_and_profiles(server: Server, spec: Spec) -> None:
    status, rules = server.get_json("/v1/rules")
    assert status == 200 and [r["id"] for r in rules] == list(spec.rules)
    status, errors = server.get_json("/v1/rules?severity=error&group=summary")
    assert status == 200 and errors
    assert all(r["group"] == "summary" and r["severity"] == "error" for r in errors)
    status, one = server.get_json("/v1/rules/input.not-json")
    assert status == 200 and one["id"] == "input.not-json" and one["message_en"] and one["profiles"]
    status, missing = server.get_json("/v1/rules/no.such-rule?lang=en")
    assert status == 404 and missing["error"]["code"] == "unknown-rule"
    status, profiles = server.get_json("/v1/profiles")
    assert status == 200 and [p["id"] for p in profiles] == list(spec.profiles)
    assert all(p["schema"] in spec.schemas for p in profiles)


def test_unknown_paths_and_methods_answer_json(server: Server) -> None:
    status, _, answer = server.request("GET", "/v2/validate")
    assert status == 404 and json.loads(answer)["error"]["code"] == "not-found"
    status, headers, answer = server.request("GET", "/v1/validate")
    assert status == 405 and json.loads(answer)["error"]["code"] == "method-not-allowed"
    assert headers["allow"] == "POST"


def test_a_port_that_is_taken_exits_2_without_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        command = [sys.executable, "-m", "budget_disclosure", "serve", "--port", port, "--workers", "1"]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "validator")}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "address already in use" in done.stderr and "Traceback" not in done.stderr


def test_every_spec_file_is_served_at_the_path_of_its_id(server: Server, spec: Spec) -> None:
    for uri, rel in spec.schema_files.items():
        status, headers, data = server.request("GET", uri.removeprefix("https://budget-disclosure.org"))
        assert status == 200 and data == (spec.root / rel).read_bytes(), uri
        assert json.loads(data)["$id"] == uri and headers["content-type"] == "application/schema+json"
    prefix = spec.base_uri.removeprefix("https://budget-disclosure.org").removesuffix("schemas/")
    for rel, path in spec.files.items():
        status, _, data = server.request("GET", prefix + rel)
        assert status == 200 and data == path.read_bytes(), rel
    for outside in ("../pyproject.toml", "%2e%2e/pyproject.toml", "schemas/../../README.md", "schemas/"):
        assert server.request("GET", prefix + outside)[0] == 404, outside


def test_openapi_describes_every_route_from_the_code(server: Server) -> None:
    from starlette.routing import Route

    from budget_disclosure.service.app import create_app
    from budget_disclosure.service.config import ServiceConfig

    status, doc = server.get_json("/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.1")
    routes = [r for r in create_app(ServiceConfig()).routes if isinstance(r, Route)]
    described = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert described == {
        (m.lower(), r.path.replace(":path", "")) for r in routes for m in r.methods or () if m != "HEAD"
    }
    params = {p["name"] for p in doc["paths"]["/v1/validate"]["post"]["parameters"]}
    assert params == {"profile", "strict", "engine", "select", "ignore", "lang", "format"}
    assert set(doc["paths"]["/v1/validate"]["post"]["requestBody"]["content"]) == {"application/json", XLSX}


def test_healthz(server: Server) -> None:
    health = server.health()
    assert health["status"] == "ok" and health["workers"] == 1 and health["active"] == 0


# ------------------------------------------------------------------------------------------ limits
def test_a_body_over_the_limit_is_413(server: Server) -> None:
    status, _, answer = server.post("/v1/validate?lang=en", b" " * 2_000_001)
    assert status == 413 and json.loads(answer)["error"]["code"] == "too-large"


def test_a_chunked_body_over_the_limit_is_413(server: Server) -> None:
    """No Content-Length: the body is counted as it arrives and refused at the first byte past the limit
    (sent in full, so that the server reads everything that was sent before it answers)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        head = "POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        sock.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
        for size in (1_000_000, 1_000_000, 1):
            sock.sendall(f"{size:x}\r\n".encode() + b" " * size + b"\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 413 and json.loads(response.read())["error"]["code"] == "too-large"


def _stalled(port: int) -> socket.socket:
    """A request that promises 100 bytes of body and sends 10."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (
        "POST /v1/validate?lang=en HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    sock.sendall(head.encode() + b'{"a": 1, "')
    return sock


def test_a_body_that_does_not_arrive_in_time_is_408(tight: Server) -> None:
    sock = _stalled(tight.port)
    try:
        started = time.monotonic()
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 408 and json.loads(response.read())["error"]["code"] == "body-timeout"
        assert 0.4 < time.monotonic() - started < 10
    finally:
        sock.close()


def test_a_validation_over_the_time_limit_is_503_and_its_work_still_counts(tight: Server) -> None:
    status, headers, answer = tight.post("/v1/validate?lang=en", _slow_document())
    assert status == 503 and json.loads(answer)["error"]["code"] == "timeout" and headers["retry-after"] == "1"
    # The worker is still validating it: its slot is taken, so the next request is refused at once.
    status, headers, answer = tight.post("/v1/validate?lang=en", SEED.read_bytes())
    assert status == 503 and json.loads(answer)["error"]["code"] == "overloaded" and headers["retry-after"] == "1"
    deadline = time.monotonic() + 60
    while tight.health()["active"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tight.health()["active"] == 0


def test_too_many_requests_at_once_are_503_with_retry_after() -> None:
    """Request one holds the only slot of a max-concurrent-1 server while it is received; request two is
    refused without waiting."""
    busy = start_server("--workers", "1", "--max-concurrent", "1", "--timeout", "20")
    try:
        sock = _stalled(busy.port)
        try:
            deadline = time.monotonic() + 20
            while busy.health()["active"] != 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            status, headers, answer = busy.post("/v1/validate", SEED.read_bytes())
            assert status == 503 and headers["retry-after"] == "1"
            error = json.loads(answer)["error"]
            assert error["code"] == "overloaded" and error["lang"] == "zh"
        finally:
            sock.close()
        deadline = time.monotonic() + 20
        while busy.health()["active"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert busy.post("/v1/validate", SEED.read_bytes())[0] == 200
    finally:
        stop_server(busy)


# ------------------------------------------------------------------------------------------ processes
def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        out.extend(int(p) for p in text.split())
    return out


def _workers(server: Server) -> list[int]:
    """The validating processes: the children of the fork server, itself a child of the server."""
    return [w for child in _children(server.process.pid) for w in _children(child)]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to find the worker processes")
def test_a_worker_that_dies_is_replaced_and_the_pool_stops_on_sigterm() -> None:
    own = start_server("--workers", "2")
    try:
        workers = _workers(own)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        results: list[int] = []
        threads = [
            threading.Thread(target=lambda: results.append(own.post("/v1/validate", SEED.read_bytes())[0]))
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [200, 200, 200]
        assert own.health()["restarts"] == 1
        deadline = time.monotonic() + 20
        while len(workers := _workers(own)) != 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 2
    finally:
        stop_server(own)
    assert not any(Path(f"/proc/{w}").exists() and "zombie" not in _state(w) for w in workers)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return "gone"


def test_the_load_test_tool_runs_every_level_without_an_error(tmp_path: Path) -> None:
    from budget_disclosure.service.loadtest import LEVELS, main

    out = tmp_path / "load.json"
    assert main(["--workers", "1", "--seed-requests", "6", "--large-requests", "1", "--json", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    runs = figures["runs"]
    assert [(r["document"], r["clients"]) for r in runs] == [(d, c) for d in ("seed", "large") for c in LEVELS]
    assert sum(r["requests"] for r in runs if r["document"] == "seed") == 6
    assert all(r["errors"] == 0 and r["p99_ms"] >= r["p50_ms"] > 0 for r in runs)
