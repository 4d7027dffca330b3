"""Running the test selection against one mutant: shared by engine_mutants.py and spec_edits.py.

A mutant is killed when the selection fails (pytest exit 1), survives when it passes; any other exit
is an error of the run, reported with the end of its output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_selection(
    selection: list[str],
    *,
    cwd: Path,
    timeout: float,
    pythonpath: Path,
    spec: Path,
    extra_env: dict[str, str] | None = None,
) -> tuple[str, float, str]:
    """(status, seconds, detail) of the selection run with the package from ``pythonpath`` and the spec
    folders of ``spec`` (``BUDGET_DISCLOSURE_SPEC``), stopping at the first failure."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(pythonpath),
        BUDGET_DISCLOSURE_SPEC=str(spec),
        HYPOTHESIS_PROFILE=env.get("HYPOTHESIS_PROFILE", "dev"),
        **(extra_env or {}),
    )
    # One process: under pytest-xdist (on by default in pyproject.toml) a stop at the first failure exits
    # with 2 (interrupted), which would read as an error of the run instead of a killed mutant.
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-n", "0", "-p", "no:cacheprovider"]
    cmd += ["--hypothesis-seed=0"]
    cmd += ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT)]
    cmd += [str(ROOT / s) for s in selection if (ROOT / s).exists()]
    began = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "killed (timeout)", time.monotonic() - began, ""
    elapsed = time.monotonic() - began
    failed = next((ln for ln in done.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))), "")
    tail = " ".join(done.stdout.strip().splitlines()[-1:])
    if done.returncode == 0:
        return "survived", elapsed, tail
    if done.returncode == 1:
        return "killed", elapsed, failed or tail
    return f"error (pytest exit {done.returncode})", elapsed, (done.stdout + done.stderr)[-300:]
