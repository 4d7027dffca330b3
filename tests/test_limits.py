"""Report limits: a systematic defect repeated in thousands of rows is reported, counted and bounded in
cost — a capped number of findings per rule, the rest counted in one finding; the schema layer explains
a capped number of errors and says where it stopped. Nothing is dropped silently."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from budget_disclosure import Limits, validate
from budget_disclosure import pointer as jp
from budget_disclosure.findings import Severity

from .support import SEED, load_json


def _repeated_rows(count: int, **cells: Any) -> dict[str, Any]:
    """The seed with ``count`` extra basic-expenditure rows, each with ``cells`` set."""
    document = load_json(SEED)
    table = document["tables"]["basic_expenditure"]
    base = dict(table["rows"][-1])
    table["rows"] = table["rows"] + [{**base, "code": f"3{i:04d}", **cells} for i in range(count)]
    return document


def test_a_rule_lists_at_most_its_cap_and_counts_the_rest() -> None:
    document = _repeated_rows(20, total=Decimal("999.99"))
    first_extra = len(document["tables"]["basic_expenditure"]["rows"]) - 20
    report = validate(document, limits=Limits(max_findings_per_rule=5), select=["basic.row-total"])
    listed = [f for f in report.findings if f.rule == "basic.row-total"]
    (more,) = [f for f in report.findings if f.rule == "input.too-many-findings"]
    assert len(listed) == 5
    assert "basic.row-total" in more.message and "15" in more.message and "5" in more.message
    assert more.severity is Severity.ERROR  # the capped rule's severity
    assert more.pointer == jp.join(f"/tables/basic_expenditure/rows/{first_extra + 5}", "total")


def test_without_the_cap_every_finding_is_listed() -> None:
    report = validate(_repeated_rows(20, total=Decimal("999.99")), select=["basic.row-total"])
    assert len([f for f in report.findings if f.rule == "basic.row-total"]) == 20
    assert not [f for f in report.findings if f.rule.startswith("input.")]


def test_the_schema_layer_explains_at_most_the_cap_and_says_where_it_stopped() -> None:
    document = _repeated_rows(20, total="二〇二四年")
    report = validate(document, limits=Limits(max_findings_per_rule=5))
    schema = [f for f in report.findings if f.rule.startswith("schema.")]
    (stop,) = [f for f in report.findings if f.rule == "input.too-many-schema-findings"]
    assert len(schema) == 5 and not report.valid
    assert stop.pointer.startswith("/tables/basic_expenditure/rows/") and "5" in stop.message


@pytest.mark.parametrize("cap", [0, -1, True, 1.5])
def test_a_cap_that_is_not_a_positive_integer_is_refused(cap: Any) -> None:
    with pytest.raises(ValueError, match="max_findings_per_rule"):
        Limits(max_findings_per_rule=cap)


def test_the_command_line_sets_the_cap(tmp_path: Any) -> None:
    import json

    from click.testing import CliRunner

    from budget_disclosure.cli import main
    from budget_disclosure.synth import to_json

    path = tmp_path / "many.json"
    path.write_text(to_json(_repeated_rows(12, total=Decimal("999.99"))), encoding="utf-8")
    args = ["validate", "--format", "json", "--select", "basic.row-total", str(path)]
    capped = json.loads(CliRunner().invoke(main, [*args, "--max-findings-per-rule", "3"]).output)
    rules = [f["rule"] for f in capped["documents"][0]["findings"]]
    assert rules.count("basic.row-total") == 3 and rules.count("input.too-many-findings") == 1
    full = json.loads(CliRunner().invoke(main, args).output)
    assert [f["rule"] for f in full["documents"][0]["findings"]].count("basic.row-total") == 12


def test_input_problems_are_capped_per_rule_and_counted() -> None:
    keys = ", ".join(f'"\\udc00{i}": 1' for i in range(12))
    text = '{"profile": "hunan-changsha", "metadata": {' + keys + "}}"
    report = validate(text.encode(), limits=Limits(max_findings_per_rule=4))
    rules = [f.rule for f in report.findings]
    assert rules.count("input.encoding") == 4 and rules.count("input.too-many-findings") == 1
    (more,) = [f for f in report.findings if f.rule == "input.too-many-findings"]
    assert "input.encoding" in more.message and "8" in more.message and not report.valid
