"""Mutation testing of the engine: operator mutants of the engine's modules, one at a time, against a fast test
selection.

    PYTHONPATH=validator .venv/bin/python tools/mutation/engine_mutants.py --sample 60

Each mutant is one small change to one module (a comparison operator, an integer constant ±1, ``and``/``or``,
``True``/``False``, ``+``/``-``, a dropped ``not``, ``return None``, a statement replaced by ``pass``) applied to a
copy of ``validator/`` under ``mutants/``; the selection then runs against the copy with ``-x`` and the mutant is
*killed* when a test fails (or the run exceeds the time limit), *survived* when it passes. Results go to
``mutants/engine-results.json`` and a summary to stdout. Not part of the default test run or CI: see
docs/TESTING.md for the selection, the cost per mutant and the scores.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from selection import run_selection as run_tests

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "validator" / "budget_disclosure"
MODULES = [
    "rules/kinds/arithmetic.py",
    "rules/kinds/change.py",
    "rules/kinds/codes.py",
    "rules/kinds/items.py",
    "rules/kinds/pairs.py",
    "rules/kinds/structure.py",
    "rules/kinds/__init__.py",
    "rules/interval.py",
    "rules/conditions.py",
    "rules/where.py",
    "rules/values.py",
    "rules/engine.py",
    "rules/context.py",
    "amounts.py",
    "reader.py",
    "schemacheck.py",
]
SELECTION = [  # the fast, exact modules first: with -x a killed mutant stops at its first failure
    "tests/test_engine_exact.py",
    "tests/test_root_cause.py",
    "tests/test_bookkeeping.py",
    "tests/test_domain_values.py",
    "tests/test_identities.py",
    "tests/test_reader.py",
    "tests/test_narrative_change.py",
    "tests/test_examples.py",
]
SWAP_CMP = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


@dataclass
class Mutant:
    module: str
    line: int
    operator: str
    original: str
    replacement: str
    start: tuple[int, int]
    end: tuple[int, int]

    @property
    def ident(self) -> str:
        return f"{self.module}:{self.line}:{self.operator}:{self.replacement[:40]}"


def _skipped_lines(tree: ast.Module) -> set[int]:
    """Lines mutants leave alone: docstrings, ``__all__``, annotations, asserts, TYPE_CHECKING blocks."""
    lines: set[int] = set()

    def cover(node: ast.AST) -> None:
        lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))  # type: ignore[attr-defined]

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                cover(first)
        if isinstance(node, ast.Assert):
            cover(node)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            cover(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            cover(node)
        if isinstance(node, ast.ImportFrom | ast.Import):
            cover(node)
    return lines


def _annotations(tree: ast.Module) -> set[int]:
    """ids of nodes inside annotations (never mutated)."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        anns: list[ast.AST | None] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            anns.append(node.returns)
            args = node.args
            anns += [a.annotation for a in [*args.args, *args.kwonlyargs, *args.posonlyargs]]
            anns += [args.vararg.annotation if args.vararg else None, args.kwarg.annotation if args.kwarg else None]
        if isinstance(node, ast.AnnAssign):
            anns.append(node.annotation)
        for ann in anns:
            if ann is not None:
                ids.update(id(sub) for sub in ast.walk(ann))
        if isinstance(node, ast.JoinedStr):
            ids.update(id(sub) for sub in ast.walk(node))
    return ids


def mutants_of(module: str) -> list[Mutant]:
    source = (PACKAGE / module).read_text(encoding="utf-8")
    tree = ast.parse(source)
    skip = _skipped_lines(tree)
    ann = _annotations(tree)
    found: list[Mutant] = []

    def add(node: ast.AST, operator: str, replacement: str) -> None:
        start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        original = ast.get_source_segment(source, node) or ""
        if original != replacement:
            found.append(Mutant(module, start[0], operator, original, replacement, start, end))

    for node in ast.walk(tree):
        if id(node) in ann or getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in SWAP_CMP:
                    new = ast.Compare(node.left, list(node.ops), node.comparators)
                    new.ops[i] = SWAP_CMP[type(op)]()
                    add(node, "compare", f"({ast.unparse(new)})")
        elif isinstance(node, ast.BoolOp):
            other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            add(node, "boolop", f"({ast.unparse(ast.BoolOp(other, node.values))})")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            other_bin = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
            if not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
                add(node, "arith", f"({ast.unparse(ast.BinOp(node.left, other_bin, node.right))})")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add(node, "not", f"({ast.unparse(node.operand)})")
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            add(node, "bool", str(not node.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, int):
            add(node, "number", str(node.value + 1))
            if node.value != 0:
                add(node, "number", str(node.value - 1))
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            add(node, "return", "return None")
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.Expr | ast.Continue | ast.Break) and not (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            add(node, "drop", "pass")
    return found


def apply(source: str, mutant: Mutant) -> str:
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")))
    data = source.encode("utf-8")
    begin = offsets[mutant.start[0] - 1] + mutant.start[1]
    finish = offsets[mutant.end[0] - 1] + mutant.end[1]
    return (data[:begin] + mutant.replacement.encode("utf-8") + data[finish:]).decode("utf-8")


def run_selection(tree: Path, selection: list[str], timeout: float) -> tuple[str, float, str]:
    return run_tests(
        selection,
        cwd=tree.parent,
        timeout=timeout,
        pythonpath=tree,
        spec=ROOT,
        extra_env={"PYTHONDONTWRITEBYTECODE": "1"},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--module", action="append", help="only these modules (paths under budget_disclosure/)")
    parser.add_argument("--sample", type=int, default=0, help="run this many mutants drawn with --seed (0: all)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--only", action="append", help="only mutants whose id starts with this (module:line)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--selection", nargs="*", default=SELECTION)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds; a slower run counts as killed")
    parser.add_argument("--budget", type=float, default=0.0, help="stop after this many seconds (0: no limit)")
    parser.add_argument("--out", default=str(ROOT / "mutants" / "engine-results.json"))
    args = parser.parse_args()

    modules = args.module or MODULES
    everything = [m for module in modules for m in mutants_of(module)]
    chosen = everything
    if args.only:
        chosen = [m for m in chosen if any(m.ident.startswith(prefix) for prefix in args.only)]
    if args.sample and args.sample < len(chosen):
        chosen = sorted(random.Random(args.seed).sample(chosen, args.sample), key=lambda m: (m.module, m.start))
    if args.list:
        for m in chosen:
            print(f"{m.ident}\t{m.original!r} -> {m.replacement!r}")
        print(f"{len(chosen)} of {len(everything)} mutants", file=sys.stderr)
        return 0

    work = ROOT / "mutants"
    tree = work / "tree"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(ROOT / "validator", tree, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))

    print(f"{len(chosen)} of {len(everything)} mutants; baseline run ...", flush=True)
    status, seconds, detail = run_selection(tree, args.selection, args.timeout)
    if status != "survived":
        print(f"the selection fails without any mutant: {status} {detail}", file=sys.stderr)
        return 2
    print(f"baseline passes in {seconds:.1f} s", flush=True)
    timeout = min(args.timeout, max(60.0, 3 * seconds))
    results = []
    began = time.monotonic()
    for n, mutant in enumerate(chosen, 1):
        if args.budget and time.monotonic() - began > args.budget:
            print(f"budget spent: stopped after {n - 1} mutants", flush=True)
            break
        target = tree / "budget_disclosure" / mutant.module
        original = target.read_text(encoding="utf-8")
        target.write_text(apply(original, mutant), encoding="utf-8")
        try:
            status, seconds, detail = run_selection(tree, args.selection, timeout)
        finally:
            target.write_text(original, encoding="utf-8")
        results.append(
            {**asdict(mutant), "id": mutant.ident, "status": status, "seconds": round(seconds, 1), "detail": detail}
        )
        print(
            f"[{n}/{len(chosen)}] {status:9} {seconds:6.1f}s {mutant.ident}"
            f"  {mutant.original!r} -> {mutant.replacement!r}",
            flush=True,
        )
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    killed = sum(r["status"].startswith("killed") for r in results)
    survived = [r for r in results if r["status"] == "survived"]
    total = sum(r["seconds"] for r in results)
    print(
        f"\n{len(results)} mutants: {killed} killed, {len(survived)} survived, "
        f"{len(results) - killed - len(survived)} errors; {total / max(1, len(results)):.1f} s per mutant"
    )
    for r in survived:
        print(f"SURVIVED {r['id']}  {r['original']!r} -> {r['replacement']!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
