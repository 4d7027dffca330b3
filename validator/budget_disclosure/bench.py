"""The benchmark: ``python -m budget_disclosure.bench`` measures what docs/PERFORMANCE.md reports.

Every figure is a median over repeated runs in this process (or in fresh processes for cold starts),
and every per-document time is set against ``json.loads`` of the same bytes, measured in the same run:
parsing is the floor, and the ratio travels between machines better than milliseconds do.

Sections (all by default; name some to run only those):

- ``single``: the seed example, stage by stage (read, schemas, rules, report) and in full;
- ``sizes``: four consistent synthetic documents from small to a large disclosure (about 300 function
  rows, 60 economic rows, 50 projects × 15 indicators), to show that cost grows linearly with size;
- ``batch``: N documents as JSON Lines through the command line with ``--jobs 1`` and ``--jobs 2``:
  throughput, and peak memory for N and N/5 documents (it must not grow with N);
- ``cold``: ``budget-disclosure --version`` and a one-document validation, each in a fresh interpreter.

The timings are not assertions: the test suite never fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

__all__ = ["main"]

SECTIONS = ("single", "sizes", "batch", "cold", "hostile")
SEED_EXAMPLE = "examples/hunan-changsha/changsha-enterprise-service-center-2024.json"


def _median_ms(fn: Callable[[], Any], *, repeat: int, min_time: float = 0.0) -> float:
    """Median wall time of one call in milliseconds, over ``repeat`` calls (more if they are quick)."""
    fn()  # warm caches (compiled validators, code lists): steady state is what a server sees
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < repeat or time.perf_counter() - started < min_time:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _seed_bytes() -> bytes:
    from .spec import get_spec

    root = get_spec().root
    for base in (root, Path.cwd()):
        path = base / SEED_EXAMPLE
        if path.is_file():
            return path.read_bytes()
    raise SystemExit(f"cannot find {SEED_EXAMPLE}: run from a checkout or an installed package")


# ------------------------------------------------------------------------------------------ single
def bench_single(repeat: int) -> dict[str, Any]:
    from .api import validate
    from .reader import read
    from .rules import ENGINE_NAMES
    from .rules.engines import get_engine
    from .spec import get_spec

    raw = _seed_bytes()
    spec = get_spec()
    document = read(raw).document
    profile = document["profile"]
    report = validate(raw)
    loads = _median_ms(lambda: json.loads(raw), repeat=repeat, min_time=0.5)
    stages = {
        "json.loads": loads,
        "read (exact decimals, duplicate keys, limits)": _median_ms(lambda: read(raw), repeat=repeat, min_time=0.5),
        "schemas (jsonschema-rs verdict, details when invalid)": _median_ms(
            lambda: spec.schema_checker.check(document, None), repeat=repeat, min_time=0.5
        ),
    }
    ratio: dict[str, float] = {}
    for name in ENGINE_NAMES:
        engine = get_engine(spec, name)
        engine.run(document, profile)
        stages[f"rules and their findings ({name})"] = _median_ms(
            partial(engine.run, document, profile), repeat=repeat, min_time=0.5
        )
        full = _median_ms(partial(validate, raw, engine=name), repeat=repeat, min_time=1.0)
        stages[f"full validate(bytes) ({name})"] = full
        ratio[name] = full / loads
    return {
        "document": SEED_EXAMPLE,
        "bytes": len(raw),
        "findings": len(report.findings),
        "stages_ms": stages,
        "ratio": ratio,
    }


# ------------------------------------------------------------------------------------------ sizes
def _sized_documents() -> list[tuple[str, dict[str, Any]]]:
    from .synth import Features, Size, build_seeded

    base = Features(profile="hunan-changsha", unit=("万元", 2), layout="nature", year=2024)
    return [
        ("small", build_seeded(1, base)),
        ("medium", build_seeded(1, Features(**{**base.__dict__, "size": Size(40, 10, 8)}))),
        ("large", build_seeded(1, Features(**{**base.__dict__, "size": Size(100, 25, 12)}))),
        ("very large", build_seeded(1, Features(**{**base.__dict__, "size": Size(200, 50, 15)}))),
    ]


def _shape(document: dict[str, Any]) -> dict[str, int]:
    tables = document["tables"]
    projects = [p for u in tables.get("project_performance", {}).get("units", []) for p in u["projects"]]
    return {
        "function_rows": len(tables["expenditure"]["rows"]),
        "economic_rows": len(tables["basic_expenditure"]["rows"]),
        "projects": len(projects),
        "indicators": sum(len(p["indicators"]) for p in projects),
    }


def bench_sizes(repeat: int) -> list[dict[str, Any]]:
    from .api import validate
    from .rules import ENGINE_NAMES
    from .synth import to_json

    out = []
    for name, document in _sized_documents():
        raw = to_json(document).encode("utf-8")
        report = validate(raw)
        loads = _median_ms(partial(json.loads, raw), repeat=repeat, min_time=0.5)
        row: dict[str, Any] = {
            "size": name,
            "bytes": len(raw),
            **_shape(document),
            "findings_above_info": sum(1 for f in report.findings if f.severity.value != "info"),
            "json_loads_ms": loads,
        }
        for engine in ENGINE_NAMES:
            full = _median_ms(partial(validate, raw, engine=engine), repeat=max(5, repeat // 4), min_time=1.0)
            row[engine] = {"validate_ms": full, "ratio": full / loads, "ms_per_100kb": full / (len(raw) / 100_000)}
        out.append(row)
    return out


# ------------------------------------------------------------------------------------------ batch
def _write_jsonl(path: Path, n: int) -> int:
    """N documents: the seed and 49 synthetic ones in turn, one per line."""
    from .synth import build_seeded, to_json

    pool = [json.dumps(json.loads(_seed_bytes()), ensure_ascii=False, separators=(",", ":")).encode()]
    pool += [to_json(build_seeded(seed)).encode() for seed in range(49)]
    with path.open("wb") as out:
        for i in range(n):
            out.write(pool[i % len(pool)] + b"\n")
    return path.stat().st_size


def _batch_child(path: str, jobs: int, engine: str) -> None:
    """Run inside a fresh interpreter: validate a JSON Lines file and print time and peak memory."""
    import resource

    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "budget_disclosure",
            "validate",
            "--jobs",
            str(jobs),
            "--engine",
            engine,
            "--format",
            "json",
            path,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": elapsed, "exit": result.returncode, "peak_rss_kib": children}))


def _batch_run(path: Path, jobs: int, engine: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "budget_disclosure.bench", "_batch-child", str(path), str(jobs), engine],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


def bench_batch(n: int) -> dict[str, Any]:
    from .rules import ENGINE_NAMES

    out: dict[str, Any] = {"documents": n, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small.jsonl", Path(tmp) / "large.jsonl"
        _write_jsonl(small, max(1, n // 5))
        out["bytes"] = _write_jsonl(large, n)
        for engine in ENGINE_NAMES:
            one = _batch_run(large, 1, engine)
            two = _batch_run(large, 2, engine)
            fewer = _batch_run(small, 2, engine)
            out[engine] = {
                "jobs_1": {**one, "docs_per_s": n / one["seconds"]},
                "jobs_2": {**two, "docs_per_s": n / two["seconds"]},
                "speedup": one["seconds"] / two["seconds"],
                "jobs_2_fifth": {**fewer, "documents": max(1, n // 5)},
            }
    return out


# ------------------------------------------------------------------------------------------ cold
def bench_cold(repeat: int) -> dict[str, Any]:
    from .spec import get_spec

    seed = get_spec().root / SEED_EXAMPLE
    target = str(seed if seed.is_file() else Path.cwd() / SEED_EXAMPLE)

    def run(args: list[str]) -> float:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "budget_disclosure", *args], capture_output=True, check=False)
            times.append(time.perf_counter() - t)
        return statistics.median(times) * 1000

    bare = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - t)
    from .rules import ENGINE_NAMES

    return {
        "python_-c_pass_ms": statistics.median(bare) * 1000,
        "version_ms": run(["--version"]),
        **{f"validate_one_ms ({name})": run(["validate", "--engine", name, target]) for name in ENGINE_NAMES},
    }


# ------------------------------------------------------------------------------------------ hostile
HOSTILE_LIMIT_S = 10.0
HOSTILE_LIMIT_MIB = 500
HOSTILE_MAX_BYTES = 20 * 1024 * 1024


def _seed_text() -> str:
    """The seed on one line, so that the hostile cases can be made by replacing one token."""
    return json.dumps(json.loads(_seed_bytes()), ensure_ascii=False)


def _replace_once(text: str, old: str, new: str) -> str:
    if old not in text:
        raise SystemExit(f"hostile bench: the seed no longer holds {old!r}")
    return text.replace(old, new, 1)


def _many_rows(text: str, budget: int) -> str:
    """The seed whose basic-expenditure table repeats a broken row until the file is ``budget`` bytes:
    every copy carries text where amounts belong, so the document has tens of thousands of findings."""
    document = json.loads(text)
    table = document["tables"]["basic_expenditure"]
    row = dict(table["rows"][-1])
    for key in ("total", "personnel", "public"):
        if key in row:
            row[key] = "二〇二四年"
    one = len(json.dumps(row, ensure_ascii=False).encode("utf-8")) + 2
    copies = max(1, (budget - len(text.encode("utf-8"))) // one - 10)
    table["rows"] = table["rows"] + [row] * copies
    return json.dumps(document, ensure_ascii=False)


def _hostile_cases() -> list[tuple[str, bytes]]:
    """Files of at most 20 MB, each built to hit one class of the hostile-input audit (issue 10)."""
    seed = _seed_text()
    amount = '"amount": 184.0'
    title = '"title": "2024年项目支出绩效目标表"'
    value = '"value": "全年"'
    big = HOSTILE_MAX_BYTES
    room = big - len(seed.encode("utf-8")) - 1000
    cases: list[tuple[str, str]] = [
        ("amount 1e30", _replace_once(seed, amount, '"amount": 1e30')),
        ("amount 1E+999999", _replace_once(seed, amount, '"amount": 1E+999999')),
        ("amount 1E+99999999999999999999", _replace_once(seed, amount, '"amount": 1E+99999999999999999999')),
        ("amount 1E-999999999", _replace_once(seed, amount, '"amount": 1E-999999999')),
        ("narrative 1E+999999", _replace_once(seed, '"total": 2314.68', '"total": 1E+999999')),
        ("title 1E+999999999", _replace_once(seed, title, '"title": 1E+999999999')),
        ("indicator value of 1,000,000 digits", _replace_once(seed, value, '"value": "' + "9" * 1_000_000 + '"')),
        ("indicator value of 60,000 spaces", _replace_once(seed, value, '"value": "' + " " * 60_000 + '"')),
        ("indicator value of 20 MB of spaces", _replace_once(seed, value, '"value": "' + " " * room + '"')),
        ("indicator value of 20 MB of digits", _replace_once(seed, value, '"value": "' + "9" * room + '"')),
        (
            "lone surrogates in 100,000 keys",
            _replace_once(
                seed,
                '"remark": null}',
                '"remark": null, ' + ", ".join(f'"\\udc00{i}": 1' for i in range(100_000)) + "}",
            ),
        ),
        ("nesting of 145 KB", _replace_once(seed, value, '"value": ' + "[" * 72_000 + "]" * 72_000)),
        ("nesting of 20 MB", _replace_once(seed, value, '"value": ' + "[" * (room // 2) + "]" * (room // 2))),
        ("20 MB with tens of thousands of findings", _many_rows(seed, big)),
        ("a 20 MB key", _replace_once(seed, '"remark": null}', '"remark": null, "' + "k" * room + '": 1}')),
    ]
    line = seed
    record = _replace_once(line, '"value": "全年"', '"value": "' + " " * (room - 2 * len(line.encode("utf-8"))) + '"')
    cases.append(("JSON Lines: a 20 MB record between good ones", "\n".join([line, record, line]) + "\n"))
    out = []
    for name, text in cases:
        data = text.encode("utf-8", "surrogatepass")
        if len(data) > big:
            data = data[:big]  # still a hostile input: the reader must say where the JSON breaks
        out.append((name, data))
    return out


def _hostile_child(path: str, fmt: str, timeout: float) -> None:
    """Run inside a fresh interpreter: validate one file through the command line; print time, exit code,
    peak memory of the validating process and whether standard error holds a traceback."""
    import resource

    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "budget_disclosure", "validate", "--format", fmt, path],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
            timeout=timeout,
        )
        code, traceback = result.returncode, b"Traceback" in result.stderr
    except subprocess.TimeoutExpired:
        code, traceback = None, False
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": elapsed, "exit": code, "peak_rss_kib": peak, "traceback": traceback}))


def bench_hostile(formats: tuple[str, ...] = ("text", "json", "sarif")) -> list[dict[str, Any]]:
    """Each hostile file through the command line in every report format, in a fresh process: it must end
    in findings or a clear input error (exit 1 or 2), in under 10 s and 500 MiB."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, (name, data) in enumerate(_hostile_cases()):
            path = Path(tmp) / f"hostile-{index}.{'jsonl' if name.startswith('JSON Lines') else 'json'}"
            path.write_bytes(data)
            for fmt in formats:
                child = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "budget_disclosure.bench",
                        "_hostile-child",
                        str(path),
                        fmt,
                        str(HOSTILE_LIMIT_S * 6),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                r = dict(json.loads(child.stdout))
                ok = (
                    r["exit"] in (1, 2)
                    and not r["traceback"]
                    and r["seconds"] < HOSTILE_LIMIT_S
                    and r["peak_rss_kib"] / 1024 < HOSTILE_LIMIT_MIB
                )
                out.append({"case": name, "bytes": len(data), "format": fmt, **r, "ok": ok})
            path.unlink()
    return out


# ------------------------------------------------------------------------------------------ report
def _print(results: dict[str, Any]) -> None:
    env = results["environment"]
    print(f"# budget-disclosure benchmark ({env['python']} on {env['machine']}, {env['cpus']} CPUs)")
    if "single" in results:
        s = results["single"]
        print(f"\n## single: {s['document']} ({s['bytes']:,} bytes, {s['findings']} findings)")
        for stage, ms in s["stages_ms"].items():
            print(f"  {stage:<55} {ms:8.3f} ms  {ms / s['stages_ms']['json.loads']:6.1f}× json.loads")
        for name, ratio in s["ratio"].items():
            print(f"  → full validation ({name}) = {ratio:.1f}× json.loads")
    if "sizes" in results:
        _print_sizes(results["sizes"])
    if "batch" in results:
        _print_batch(results["batch"])
    if "cold" in results:
        c = results["cold"]
        print("\n## cold start (fresh interpreter, median)")
        for key, ms in c.items():
            label = {"python_-c_pass_ms": "python -c pass", "version_ms": "budget-disclosure --version"}.get(
                key, "budget-disclosure validate <seed> " + key.removeprefix("validate_one_ms ")
            )
            print(f"  {label:<48} {ms:7.0f} ms")
    if "hostile" in results:
        rows = results["hostile"]
        limits = f"{HOSTILE_LIMIT_S:.0f} s, {HOSTILE_LIMIT_MIB} MiB"
        print(f"\n## hostile: each file through the command line (limits {limits})")
        print(f"  {'case':<46} {'bytes':>11} {'format':<6} {'seconds':>8} {'MiB':>6} exit  verdict")
        for r in rows:
            verdict = "ok" if r["ok"] else "FAIL" + (" (traceback)" if r["traceback"] else "")
            print(
                f"  {r['case']:<46} {r['bytes']:>11,} {r['format']:<6} {r['seconds']:>8.2f} "
                f"{r['peak_rss_kib'] / 1024:>6.0f} {r['exit']!s:>4}  {verdict}"
            )
        print(f"  → {sum(r['ok'] for r in rows)} of {len(rows)} within the limits")


def _print_sizes(rows: list[dict[str, Any]]) -> None:
    from .rules import ENGINE_NAMES

    print("\n## sizes (validate ms, × json.loads, ms per 100 KB, for each engine)")
    print("  size        bytes     fn-rows econ-rows projects indicators  loads ms", end="")
    print("".join(f"  {name:>29}" for name in ENGINE_NAMES))
    for r in rows:
        print(
            f"  {r['size']:<10} {r['bytes']:>8,} {r['function_rows']:>9} {r['economic_rows']:>9} "
            f"{r['projects']:>8} {r['indicators']:>10} {r['json_loads_ms']:>9.3f}",
            end="",
        )
        for name in ENGINE_NAMES:
            e = r[name]
            print(f"  {e['validate_ms']:>9.2f} ms {e['ratio']:>6.1f}× {e['ms_per_100kb']:>7.2f}", end="")
        print()


def _print_batch(b: dict[str, Any]) -> None:
    from .rules import ENGINE_NAMES

    print(f"\n## batch: {b['documents']:,} documents in one JSON Lines file ({b['bytes'] / 1e6:.0f} MB)")
    for name in ENGINE_NAMES:
        e = b[name]
        for key in ("jobs_1", "jobs_2"):
            r = e[key]
            print(
                f"  {name:<11} --{key.replace('_', ' ')}: {r['seconds']:.1f} s, {r['docs_per_s']:.0f} documents/s, "
                f"peak RSS of a process {r['peak_rss_kib'] / 1024:.0f} MiB (exit {r['exit']})"
            )
        f = e["jobs_2_fifth"]
        print(
            f"  {name:<11} speed-up with 2 jobs: {e['speedup']:.2f}×; --jobs 2 on {f['documents']:,} documents: "
            f"peak RSS {f['peak_rss_kib'] / 1024:.0f} MiB"
        )


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["_batch-child"]:
        _batch_child(args[1], int(args[2]), args[3])
        return 0
    if args[:1] == ["_hostile-child"]:
        _hostile_child(args[1], args[2], float(args[3]))
        return 0
    parser = argparse.ArgumentParser(prog="python -m budget_disclosure.bench", description=__doc__.split("\n")[0])
    parser.add_argument("sections", nargs="*", choices=[*SECTIONS, []], help="sections to run (default: all)")
    parser.add_argument("--documents", type=int, default=10_000, help="documents in the batch (default 10,000)")
    parser.add_argument("--repeat", type=int, default=50, help="repetitions per timing (default 50)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    opts = parser.parse_args(args)
    sections = opts.sections or list(SECTIONS)
    results: dict[str, Any] = {
        "environment": {
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "machine": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
        }
    }
    if "single" in sections:
        results["single"] = bench_single(opts.repeat)
    if "sizes" in sections:
        results["sizes"] = bench_sizes(opts.repeat)
    if "batch" in sections:
        results["batch"] = bench_batch(opts.documents)
    if "cold" in sections:
        results["cold"] = bench_cold(max(5, opts.repeat // 5))
    if "hostile" in sections:
        results["hostile"] = bench_hostile()
    _print(results)
    if opts.json:
        Path(opts.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
