"""Helpers shared by the tests: where things are, JSON Patch (RFC 6902), and the example/case contract."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from budget_disclosure import pointer as jp
from budget_disclosure.yamlload import load_yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "hunan-changsha" / "changsha-enterprise-service-center-2024.json"
CLEAN = EXAMPLES / "clean" / "example-data-center-2024.json"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def spec_copy(root: Path) -> Path:
    """A copy of the spec files (schemas and rules) under ``root``, for a test to break; returns ``root``."""
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(ROOT / "rules", root / "rules")
    return root


def leaf_pointers(value: Any, ptr: str = "") -> list[str]:
    """The JSON Pointer of every scalar, empty object and empty array in ``value``, in document order."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leaf_pointers(v, jp.join(ptr, k))] or [ptr]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leaf_pointers(v, jp.join(ptr, i))] or [ptr]
    return [ptr]


from budget_disclosure.examples import apply_patch  # noqa: E402  (re-exported for the tests)


@dataclass
class Case:
    """A mutation case: a base document, a patch, options, and exactly what the patch changes.

    ``expected`` lists the findings the patched document has and the base (validated with the same
    options) has not; ``removed`` lists the base's findings the patch makes disappear. The base's own
    findings are pinned by its sidecar, so together they state the patched document's findings exactly.
    ``skipped``, when the case states it, lists exactly the rules the patched document reports as
    skipped (not verifiable) and the base does not.
    """

    path: Path
    title: str
    rule: str | None
    base_path: str
    base: Any
    document: Any
    options: dict[str, Any]
    expected: list[tuple[str, str, str]]
    removed: list[tuple[str, str, str]]
    patch: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] | None = None


def expected_list(items: Any) -> list[tuple[str, str, str]]:
    return sorted((e["rule"], e["pointer"], e["severity"]) for e in (items or []))


def load_case(path: Path) -> Case:
    raw = load_yaml(path)
    base_path = (path.parent / raw["base"]).resolve()
    base = load_json(base_path)
    patch = list(raw.get("patch") or [])
    return Case(
        path,
        raw["title"]["zh"],
        raw.get("rule"),
        str(base_path),
        base,
        apply_patch(base, patch),
        validate_options(raw.get("options")),
        expected_list(raw.get("expected")),
        expected_list(raw.get("removed")),
        patch,
        sorted(raw["skipped"]) if "skipped" in raw else None,
    )


# Reports are immutable and validation is deterministic (tests/test_properties.py proves it), so the
# suite validates each base and each case once per session and every test that reads a case shares the
# report: test_examples, the rule catalogue (test_rules) and the case checks read the same cases.
_REPORTS: dict[tuple[str, str, str], Any] = {}


def _report_of(path: str, patch: list[dict[str, Any]], document: Any, options: dict[str, Any]) -> Any:
    from budget_disclosure import validate

    key = (path, json.dumps(patch, sort_keys=True, default=str), repr(sorted(options.items())))
    if key not in _REPORTS:
        _REPORTS[key] = validate(document, **options)
    return _REPORTS[key]


def case_delta(case: Case) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]], Any]:
    """(findings added by the patch, findings removed by it, the patched report)."""
    before = actual_list(_report_of(case.base_path, [], case.base, case.options))
    report = _report_of(case.base_path, case.patch, case.document, case.options)
    after = actual_list(report)
    return [f for f in after if f not in before], [f for f in before if f not in after], report


def skipped_delta(case: Case, report: Any) -> list[str]:
    """The rules the patched document reports as skipped and the base does not."""
    before = {s.rule for s in _report_of(case.base_path, [], case.base, case.options).skipped}
    return sorted({s.rule for s in report.skipped} - before)


def sidecar_of(example: Path) -> Path:
    return example.with_name(example.name[: -len(".json")] + ".expected.yaml")


def validate_options(raw: Any) -> dict[str, Any]:
    """Options as written in a sidecar or case (``limits`` becomes a Limits object)."""
    from budget_disclosure import Limits

    options = dict(raw or {})
    if "limits" in options:
        options["limits"] = Limits(**options["limits"])
    return options


def load_sidecar(example: Path) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    raw = load_yaml(sidecar_of(example))
    return validate_options(raw.get("options")), expected_list(raw.get("findings"))


def actual_list(report: Any) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.pointer, f.severity.value) for f in report.findings)


def all_examples() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.json"))


def all_cases() -> list[Path]:
    return sorted((EXAMPLES / "cases").rglob("*.yaml"))
