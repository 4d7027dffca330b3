"""Print a document's findings as sidecar YAML lines, to help write or review a sidecar by hand.

    python tests/tools/show_findings.py examples/clean/example-data-center-2024.json

It never writes a sidecar: expectations are reviewed, not regenerated.
"""

from __future__ import annotations

import sys

from budget_disclosure import validate


def main(argv: list[str]) -> int:
    for path in argv:
        report = validate(path)
        print(f"# {path}: {report.counts()}")
        print("findings:" if report.findings else "findings: []")
        for f in report.findings:
            print(f"  - {{rule: {f.rule}, pointer: {f.pointer}, severity: {f.severity.value}}}  # {f.message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
