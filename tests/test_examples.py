"""Every example states its exact expected findings; this test holds the validator to them."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget_disclosure import validate

from .support import (
    EXAMPLES,
    actual_list,
    all_cases,
    all_examples,
    case_delta,
    load_case,
    load_sidecar,
    sidecar_of,
    skipped_delta,
)


def _diff(actual: list[tuple[str, str, str]], expected: list[tuple[str, str, str]]) -> str:
    extra = [a for a in actual if a not in expected]
    missing = [e for e in expected if e not in actual]
    lines = ["findings differ from the sidecar:"]
    lines += [f"  unexpected: {a}" for a in extra]
    lines += [f"  missing:    {m}" for m in missing]
    return "\n".join(lines)


@pytest.mark.parametrize("example", all_examples(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_example_matches_sidecar(example: Path) -> None:
    assert sidecar_of(example).exists(), f"{example.name} has no sidecar {sidecar_of(example).name}"
    options, expected = load_sidecar(example)
    report = validate(example, **options)
    actual = actual_list(report)
    assert actual == expected, _diff(actual, expected)


@pytest.mark.parametrize("case_path", all_cases(), ids=lambda p: str(p.relative_to(EXAMPLES / "cases")))
def test_case_matches_expected(case_path: Path) -> None:
    case = load_case(case_path)
    added, removed, report = case_delta(case)
    assert added == case.expected, _diff(added, case.expected)
    assert removed == case.removed, "findings the patch removes differ:\n" + _diff(removed, case.removed)
    if case.skipped is not None:
        assert skipped_delta(case, report) == case.skipped, "rules skipped by the patch differ"


def test_every_sidecar_has_its_example() -> None:
    for sidecar in EXAMPLES.rglob("*.expected.yaml"):
        assert sidecar.with_name(sidecar.name.replace(".expected.yaml", ".json")).exists(), sidecar
