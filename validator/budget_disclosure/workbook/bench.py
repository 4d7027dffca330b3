"""The workbook figures of docs/PERFORMANCE.md: writing and reading the very large disclosure as a
workbook (``python -m budget_disclosure.workbook.bench``)."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from ..spec import get_spec

__all__ = ["bench_workbook", "main"]


def _best_ms(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def bench_workbook(repeat: int = 5) -> list[dict[str, Any]]:
    """For each synthetic size: the workbook's bytes, write ms, read ms (intake only) and validate ms
    (intake and every rule), medians of ``repeat`` runs."""
    from ..bench import _sized_documents
    from . import read_intake, save_document, validate_workbook

    spec = get_spec()
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, document in _sized_documents():
            path = Path(tmp) / f"{name}.xlsx"
            write = _best_ms(lambda d=document, p=path: save_document(d, p, spec), repeat)
            read = _best_ms(lambda p=path: read_intake(p, spec), repeat)
            full = _best_ms(lambda p=path: validate_workbook(p, spec=spec), repeat)
            cells = len(read_intake(path, spec).cells)
            out.append(
                {
                    "size": name,
                    "bytes": path.stat().st_size,
                    "cells": cells,
                    "write_ms": round(write, 1),
                    "read_ms": round(read, 1),
                    "validate_ms": round(full, 1),
                }
            )
    return out


def main() -> int:
    print(json.dumps(bench_workbook(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
