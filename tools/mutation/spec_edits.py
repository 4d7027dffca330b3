"""Deliberate edits of the rule files, one at a time, against a fast test selection.

    PYTHONPATH=validator .venv/bin/python tools/mutation/spec_edits.py --sample 45

Every edit weakens or changes one rule the way a careless edit of a vendored copy would: a part dropped from a
sum, a value added to an allowed set, a limit or bound loosened, ``eq`` weakened to ``le``/``ge`` (``lt`` to
``le``, ``gt`` to ``ge``), a severity changed, an alternative dropped from a pattern, a ``where`` or ``when``
condition removed. The edits are enumerated from ``rules/*.yaml`` itself. Each is written into a copy of
``schemas/`` + ``rules/`` + ``examples/`` under ``mutants/spec/`` and the selection runs with
``BUDGET_DISCLOSURE_SPEC`` pointing at the copy: the edit is *killed* when a test fails. The first run is the
control: the copy with every rule file re-serialised but unchanged must pass. Results go to
``mutants/spec-results.json``. Not part of the default test run or CI: see docs/TESTING.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from selection import run_selection as run_tests

ROOT = Path(__file__).resolve().parents[2]
SELECTION = [  # the fast, exact modules first: with -x an edit that is caught stops at its first failure
    "tests/test_domain_values.py",
    "tests/test_identities.py",
    "tests/test_engine_exact.py",
    "tests/test_root_cause.py",
    "tests/test_bookkeeping.py",
    "tests/test_examples.py",
]
WEAKER_OP = {"eq": ["le", "ge"], "lt": ["le"], "gt": ["ge"]}
OTHER_SEVERITY = {"error": "warning", "warning": "info", "info": "warning"}


@dataclass
class Edit:
    file: str
    rule: str
    what: str
    apply: Callable[[dict[str, Any]], None]

    @property
    def ident(self) -> str:
        return f"{self.rule}: {self.what}"


def _drop_alternative(pattern: str) -> str | None:
    """The pattern without the first alternative before its first ``|`` (inside the group that holds it)."""
    stack: list[int] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a character class: no groups or alternatives inside
            close = pattern.find("]", i + 2)
            i = close + 1 if close > 0 else len(pattern)
            continue
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            stack.pop()
        elif ch == "|":
            start = 0
            if stack:
                start = stack[-1] + 1
                if pattern.startswith("?:", start):
                    start += 2
                elif pattern.startswith("?", start):
                    return None  # an alternative inside a look-around: leave it
            return pattern[:start] + pattern[i + 1 :]
        i += 1
    return None


def edits_of(path: Path) -> Iterator[Edit]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return
    name = path.name
    for index, rule in enumerate(data["rules"]):
        rid = rule.get("id", f"{name}#{index}")
        params = rule.get("params") or {}

        def edit(what: str, fn: Callable[[dict[str, Any]], None], i: int = index, rule_id: str = rid) -> Edit:
            return Edit(name, rule_id, what, lambda d: fn(d["rules"][i]))

        severity = rule.get("severity")
        if severity in OTHER_SEVERITY:
            yield edit(
                f"severity {severity} -> {OTHER_SEVERITY[severity]}",
                lambda r, s=OTHER_SEVERITY[severity]: r.__setitem__("severity", s),
            )
        parts = params.get("parts")
        if isinstance(parts, list) and len(parts) >= 2:
            yield edit(f"drop part {parts[-1]}", lambda r: r["params"]["parts"].pop())
        values = params.get("values")
        if rule.get("kind") == "allowed_values" and isinstance(values, list):
            extra = "定量" if "定性" in values else "≈"
            yield edit(f"allow {extra!r} too", lambda r, x=extra: r["params"]["values"].append(x))
        for key, delta in (("max", 10), ("min", -10)):
            bound = params.get(key)
            if isinstance(bound, int | float) and not isinstance(bound, bool):
                yield edit(
                    f"{key} {bound} -> {bound + delta}", lambda r, k=key, b=bound + delta: r["params"].__setitem__(k, b)
                )
        op = params.get("op")
        for weaker in WEAKER_OP.get(op, []):
            yield edit(f"op {op} -> {weaker}", lambda r, w=weaker: r["params"].__setitem__("op", w))
        for key in ("must_match", "must_not_match", "pattern"):
            pattern = params.get(key)
            if isinstance(pattern, str) and (dropped := _drop_alternative(pattern)) is not None:
                yield edit(
                    f"{key} drops an alternative: {dropped[:50]}",
                    lambda r, k=key, p=dropped: r["params"].__setitem__(k, p),
                )
        if "where" in params:
            yield edit("where removed", lambda r: r["params"].pop("where"))
        if "when" in rule:
            yield edit("when removed", lambda r: r.pop("when"))


def all_edits() -> list[Edit]:
    return [e for path in sorted((ROOT / "rules").glob("*.yaml")) for e in edits_of(path)]


def stratified(edits: list[Edit], count: int, seed: int) -> list[Edit]:
    """``count`` edits drawn round-robin over the sorts of edit (severity, op, drop, allow, ...), each shuffled."""
    rng = random.Random(seed)
    groups: dict[str, list[Edit]] = {}
    for e in edits:
        groups.setdefault(e.what.split()[0], []).append(e)
    for group in groups.values():
        rng.shuffle(group)
    chosen: list[Edit] = []
    while len(chosen) < count:
        for name in sorted(groups):
            if groups[name] and len(chosen) < count:
                chosen.append(groups[name].pop())
    return chosen


def write_copy(target: Path, edit: Edit | None) -> None:
    if target.exists():
        shutil.rmtree(target)
    for folder in ("schemas", "rules", "examples"):
        shutil.copytree(ROOT / folder, target / folder)
    for path in sorted((target / "rules").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "rules" not in data:
            continue
        if edit is not None and path.name == edit.file:
            data = copy.deepcopy(data)
            edit.apply(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")


def run_selection(spec: Path, selection: list[str], timeout: float) -> tuple[str, float, str]:
    return run_tests(selection, cwd=spec.parent, timeout=timeout, pythonpath=ROOT / "validator", spec=spec)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=0, help="run this many edits drawn with --seed (0: all)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--only", action="append", help="only edits whose id contains this text")
    parser.add_argument("--list", action="store_true", help="list the edits and stop")
    parser.add_argument("--selection", nargs="*", default=SELECTION)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--budget", type=float, default=0.0, help="stop after this many seconds (0: no limit)")
    parser.add_argument("--out", default=str(ROOT / "mutants" / "spec-results.json"))
    args = parser.parse_args()

    everything = all_edits()
    chosen = everything
    if args.only:
        chosen = [e for e in chosen if any(text in e.ident for text in args.only)]
    if args.sample and args.sample < len(chosen):
        chosen = stratified(chosen, args.sample, args.seed)
    if args.list:
        for e in chosen:
            print(f"{e.file}\t{e.ident}")
        print(f"{len(chosen)} of {len(everything)} edits", file=sys.stderr)
        return 0

    spec = ROOT / "mutants" / "spec"
    write_copy(spec, None)
    print(
        f"{len(chosen)} of {len(everything)} edits; control run (rule files re-serialised, unchanged) ...", flush=True
    )
    status, seconds, detail = run_selection(spec, args.selection, args.timeout)
    if status != "survived":
        print(f"the selection fails on the unchanged copy: {status} {detail}", file=sys.stderr)
        return 2
    print(f"control passes in {seconds:.1f} s", flush=True)
    timeout = min(args.timeout, max(60.0, 3 * seconds))
    results = []
    began = time.monotonic()
    for n, e in enumerate(chosen, 1):
        if args.budget and time.monotonic() - began > args.budget:
            print(f"budget spent: stopped after {n - 1} edits", flush=True)
            break
        write_copy(spec, e)
        status, seconds, detail = run_selection(spec, args.selection, timeout)
        results.append(
            {"file": e.file, "id": e.ident, "status": status, "seconds": round(seconds, 1), "detail": detail}
        )
        print(f"[{n}/{len(chosen)}] {status:9} {seconds:6.1f}s {e.file} {e.ident}", flush=True)
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    killed = sum(r["status"].startswith("killed") for r in results)
    survived = [r for r in results if r["status"] == "survived"]
    print(
        f"\n{len(results)} edits: {killed} killed, {len(survived)} survived, "
        f"{len(results) - killed - len(survived)} errors; "
        f"{sum(r['seconds'] for r in results) / max(1, len(results)):.1f} s per edit"
    )
    for r in survived:
        print(f"SURVIVED {r['file']} {r['id']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
