"""A bounded load test of the HTTP service on the loopback address:
``python -m budget_disclosure.service.loadtest``.

It starts the real server (``budget-disclosure serve``) on a free port, then for the seed and for a large
synthetic disclosure sends a fixed count of ``POST /v1/validate`` requests from 1, 8 and 32 concurrent
clients (asyncio, one keep-alive HTTP/1.1 connection per client, no third-party client). Every answer must
be 200 and byte-identical to the first one for the same document; anything else is an error. It prints
throughput, p50/p99 latency and errors per run, and the resident memory of the server (its process and
every worker) at the start and after each run. Exit status 1 when any request failed or a run went over
its time limit. The figures in docs/PERFORMANCE.md come from here.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["main"]

LEVELS = (1, 8, 32)


@dataclass
class Run:
    document: str
    clients: int
    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    rss_mib_after: float
    in_process_ms: float  # the same document through validate() + to_json() in the load test's process
    load_average: float  # the machine's 1-minute load average at the end of the run
    rss_every_1000: list[float]  # the server's memory after every 1,000 requests of the run


# ------------------------------------------------------------------------------------------ documents
def documents() -> dict[str, bytes]:
    """The seed as published, and the "very large" synthetic disclosure of the benchmark (bench.py)."""
    from ..bench import _sized_documents
    from ..specfiles import spec_root
    from ..synth.core import to_json

    seed = spec_root() / "examples" / "hunan-changsha" / "changsha-enterprise-service-center-2024.json"
    large = dict(_sized_documents())["very large"]
    return {"seed": seed.read_bytes(), "large": to_json(large).encode("utf-8")}


# ------------------------------------------------------------------------------------------ server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workers: int, max_concurrent: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    command = [sys.executable, "-m", "budget_disclosure", "serve", "--port", str(port), "--no-access-log"]
    options = ["--workers", str(workers), "--max-concurrent", str(max_concurrent), "--timeout", "120"]
    process = subprocess.Popen([*command, *options], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            status, _ = asyncio.run(_one_request(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
            if status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("loadtest: the server did not start")


def rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc), in MiB."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(p) for p in (task / "children").read_text().split())
        except (OSError, StopIteration):
            continue
    return total / 1024


# ------------------------------------------------------------------------------------------ client
def _request(body: bytes) -> bytes:
    head = (
        "POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _one_request(port: int, raw: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        return await _read_answer(reader)
    finally:
        writer.close()


@dataclass
class Tally:
    """What the clients of one run share: requests left, latencies, answers by their bytes, and the
    server's memory every ``every`` requests."""

    left: int
    pid: int
    every: int = 1000
    latencies: list[float] = field(default_factory=list)
    answers: dict[bytes, int] = field(default_factory=dict)
    rss: list[float] = field(default_factory=list)

    def record(self, started: float, status: int, body: bytes) -> None:
        self.latencies.append(time.perf_counter() - started)
        key = body if status == 200 else f"status {status}".encode()
        self.answers[key] = self.answers.get(key, 0) + 1
        if len(self.latencies) % self.every == 0:
            self.rss.append(round(rss_mib(self.pid), 1))


async def _client(port: int, raw: bytes, tally: Tally) -> None:
    """One client: one connection, requests one after the other while any are left."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while tally.left > 0:
            tally.left -= 1
            started = time.perf_counter()
            writer.write(raw)
            await writer.drain()
            tally.record(started, *await _read_answer(reader))
    finally:
        writer.close()


async def _load(port: int, body: bytes, clients: int, tally: Tally, limit: float) -> float:
    """The seconds the run took (at most ``limit``: the requests not answered by then are errors)."""
    started = time.perf_counter()
    tasks = [_client(port, _request(body), tally) for _ in range(clients)]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), limit)
    return time.perf_counter() - started


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


@dataclass(frozen=True)
class Target:
    """A document to send, the answer it must get (the library's report of it), and what the library
    takes for it in this process (the floor the server's latency is set against)."""

    name: str
    body: bytes
    expected: bytes
    in_process_ms: float


def target(name: str, body: bytes, repeat: int = 5) -> Target:
    from ..api import validate

    expected = (validate(body).to_json() + "\n").encode("utf-8")
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        validate(body).to_json()
        timings.append(time.perf_counter() - started)
    return Target(name, body, expected, round(_percentile(timings, 0.5), 1))


def measure(port: int, pid: int, doc: Target, clients: int, count: int, limit: float) -> Run:
    """One run. Its errors: every request not answered 200 with the library's report of the body,
    whether the answer differed, a client failed, or the time limit came first."""
    tally = Tally(count, pid)
    seconds = asyncio.run(_load(port, doc.body, clients, tally, limit))
    return Run(
        doc.name,
        clients,
        count,
        round(seconds, 2),
        round(count / seconds, 1),
        round(_percentile(tally.latencies, 0.50), 1),
        round(_percentile(tally.latencies, 0.99), 1),
        count - tally.answers.get(doc.expected, 0),
        round(rss_mib(pid), 1),
        doc.in_process_ms,
        round(os.getloadavg()[0], 1),
        tally.rss,
    )


# ------------------------------------------------------------------------------------------ main
def _plan(args: argparse.Namespace) -> list[tuple[str, int, int]]:
    seed = [args.seed_requests // len(LEVELS)] * len(LEVELS)
    seed[-1] += args.seed_requests - sum(seed)
    return [("seed", c, n) for c, n in zip(LEVELS, seed, strict=True)] + [
        ("large", c, args.large_requests) for c in LEVELS
    ]


def _print(run: Run) -> None:
    print(
        f"{run.document:6} {run.clients:3} clients {run.requests:6} requests {run.seconds:8.1f} s "
        f"{run.per_second:7.1f}/s  p50 {run.p50_ms:7.1f} ms  p99 {run.p99_ms:7.1f} ms  "
        f"errors {run.errors}  server RSS {run.rss_mib_after:.0f} MiB  "
        f"(in-process {run.in_process_ms:.0f} ms, load {run.load_average})",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m budget_disclosure.service.loadtest", description=__doc__)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server workers (default: CPUs)")
    parser.add_argument("--seed-requests", type=int, default=10_000, help="seed requests over the 3 levels")
    parser.add_argument("--large-requests", type=int, default=200, help="large-document requests per level")
    parser.add_argument("--time-limit", type=float, default=900, help="seconds allowed for one run (level)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))  # the server is stopped too
    targets = {name: target(name, body) for name, body in documents().items()}
    process, port = start_server(args.workers, max(LEVELS) * 2)
    try:
        start_rss = rss_mib(process.pid)
        print(f"server pid {process.pid}, {args.workers} workers, RSS at start {start_rss:.0f} MiB", flush=True)
        runs = []
        for name, clients, count in _plan(args):
            runs.append(measure(port, process.pid, targets[name], clients, count, args.time_limit))
            _print(runs[-1])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    sizes = {name: len(t.body) for name, t in targets.items()}
    if args.json:
        data = {"workers": args.workers, "bytes": sizes, "rss_start_mib": round(start_rss, 1)}
        Path(args.json).write_text(json.dumps({**data, "runs": [asdict(r) for r in runs]}, indent=2) + "\n")
    return 1 if any(r.errors for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
