"""The command line: every command, option, format and exit code."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator, Draft202012Validator

from budget_disclosure.cli import main
from budget_disclosure.spec import Spec

from .support import CLEAN, EXAMPLES, ROOT, SEED, spec_copy

CENTRAL = EXAMPLES / "clean" / "example-central-2021.json"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))


def invoke(*args: str, input: bytes | str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def report_validator(spec: Spec) -> Draft202012Validator:
    return Draft202012Validator(spec.schemas[spec.base_uri + "report.schema.json"])


# ------------------------------------------------------------------------------------------ exit codes
def test_a_clean_document_exits_0() -> None:
    result = invoke("validate", str(CENTRAL))
    assert result.exit_code == 0, result.output
    assert "通过" in result.output and "错误 0" in result.output


def test_findings_exit_1_and_are_readable_in_chinese() -> None:
    result = invoke("validate", str(SEED))
    assert result.exit_code == 1
    out = result.output
    assert "一般公共预算“三公”经费支出表" in out and "长沙市工业和信息化局 › 单位名称" in out
    assert "“三公”经费表的单位行「长沙市工业和信息化局」不是本部门的预算单位" in out
    assert "规则 three_public.unit-names · 依据：" in out
    assert "经济成本指标值 1400 超过了项目资金总额 1000.00万元" in out
    assert "\x1b[" not in out  # no colour off a terminal


def test_english_messages() -> None:
    out = invoke("validate", "--lang", "en", str(SEED)).output
    assert "is not a budget unit of the department" in out and "rule three_public.unit-names" in out


def test_fail_on_threshold() -> None:
    assert invoke("validate", "--ignore", "indicators", "--ignore", "three_public", str(SEED)).exit_code == 0
    assert (
        invoke(
            "validate", "--ignore", "indicators", "--ignore", "three_public", "--fail-on", "warning", str(SEED)
        ).exit_code
        == 1
    )
    assert invoke("validate", str(CLEAN)).exit_code == 0
    assert invoke("validate", "--fail-on", "info", str(CLEAN)).exit_code == 1


def test_strict_arithmetic_turns_rounding_into_errors() -> None:
    result = invoke("validate", "--strict-arithmetic", "--format", "json", str(CLEAN))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["policy"]["arithmetic"] == "strict"
    assert data["summary"]["error"] > 0 and data["summary"]["info"] == 0


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--select", "no.such-rule", str(CLEAN)],
        ["validate", "--profile", "nowhere-2030", str(CLEAN)],
        ["validate", "--format", "xml", str(CLEAN)],
        ["validate"],
        ["rules", "explain", "no.such-rule"],
        ["rules", "list", "--group", "nowhere"],
        ["schema", "bundle", "--profile", "nowhere"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_missing_file_exits_2_and_the_others_are_still_reported(tmp_path: Path) -> None:
    result = invoke("validate", "--format", "json", str(tmp_path / "nope.json"), str(CENTRAL))
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert [d["valid"] for d in data["documents"]] == [False, True]
    assert "no such file" in data["documents"][0]["error"]
    assert data["summary"]["unreadable"] == 1


def test_folder_without_json_exits_2(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("not a disclosure")
    result = invoke("validate", str(tmp_path))
    assert result.exit_code == 2 and "文件夹中没有 .json 或 .jsonl 文件" in result.output


def test_a_broken_input_file_is_a_finding_not_a_crash() -> None:
    result = invoke("validate", str(EXAMPLES / "input" / "gbk-encoded.json"))
    assert result.exit_code == 1 and "GB18030" in result.output and "Traceback" not in result.output


def test_a_broken_spec_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from budget_disclosure import spec as spec_module

    spec_copy(tmp_path)
    (tmp_path / "rules" / "summary.yaml").write_text("group: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("BUDGET_DISCLOSURE_SPEC", str(tmp_path))
    spec_module._SPECS.clear()
    try:
        result = CliRunner().invoke(main, ["validate", str(CLEAN)])
    finally:
        monkeypatch.delenv("BUDGET_DISCLOSURE_SPEC")
        spec_module._SPECS.clear()
    assert result.exit_code == 2
    assert "spec error" in result.output and "rules/summary.yaml:" in result.output


# ------------------------------------------------------------------------------------------ inputs
def test_folders_are_searched_recursively() -> None:
    data = json.loads(invoke("validate", "--format", "json", str(EXAMPLES / "clean")).output)
    assert sorted(Path(d["source"]).name for d in data["documents"]) == [
        "example-central-2021.json",
        "example-data-center-2024.json",
    ]


def test_standard_input() -> None:
    result = invoke("validate", "--format", "json", "-", input=CENTRAL.read_bytes())
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["documents"][0]["source"] == "<stdin>"


def test_json_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(json.loads(CENTRAL.read_text(encoding="utf-8")), ensure_ascii=False),
        "{not json",
        json.dumps(json.loads(SEED.read_text(encoding="utf-8")), ensure_ascii=False),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("validate", "--format", "json", str(path))
    data = json.loads(result.output)
    assert [d["source"] for d in data["documents"]] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert [d["valid"] for d in data["documents"]] == [True, False, False]
    assert data["documents"][1]["findings"][0]["rule"] == "input.not-json"
    assert result.exit_code == 1


def test_profile_override() -> None:
    data = json.loads(invoke("validate", "--format", "json", "--profile", "mof-143-2016", str(CLEAN)).output)
    document = data["documents"][0]
    # The eight-table profile names no indicator framework: the performance tables the clean example has
    # beyond that profile are checked, and the indicator rules that need a framework say they could not be.
    skipped = {s["rule"] for s in document["skipped"]}
    assert "indicators.level1" in skipped and data["policy"]["profile"] == "mof-143-2016"


def test_select_and_ignore() -> None:
    data = json.loads(invoke("validate", "--format", "json", "--select", "indicators", str(SEED)).output)
    assert {f["rule"].split(".")[0] for f in data["documents"][0]["findings"]} == {"indicators"}
    data = json.loads(
        invoke(
            "validate", "--format", "json", "--ignore", "indicators", "--ignore", "narrative.function-names", str(SEED)
        ).output
    )
    rules = {f["rule"] for f in data["documents"][0]["findings"]}
    assert not any(r.startswith("indicators.") for r in rules) and "narrative.function-names" not in rules


def test_max_bytes() -> None:
    result = invoke("validate", "--max-bytes", "100", str(CLEAN))
    assert result.exit_code == 1 and "input.too-large" in result.output


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = invoke("validate", "--format", "json", "--output", str(target), str(SEED))
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["documents"] == 1


def test_jobs_give_the_same_report_as_one_process() -> None:
    args = ["validate", "--format", "json", str(EXAMPLES / "clean"), str(SEED), str(EXAMPLES / "input")]
    one = invoke(*args, "--jobs", "1")
    two = invoke(*args, "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert one.output == two.output


# ------------------------------------------------------------------------------------------ formats
def test_json_report_validates_against_its_schema(spec: Spec) -> None:
    result = invoke("validate", "--format", "json", str(SEED), str(CLEAN), str(EXAMPLES / "input"))
    data = json.loads(result.output)
    errors = list(report_validator(spec).iter_errors(data))
    assert not errors, errors[:3]
    assert data["spec"] == {"version": spec.version, "sha256": spec.digest}
    assert data["summary"]["documents"] == len(data["documents"])


def test_json_report_is_deterministic() -> None:
    assert (
        invoke("validate", "--format", "json", str(SEED)).output
        == invoke("validate", "--format", "json", str(SEED)).output
    )


def test_library_report_validates_against_the_document_form(spec: Spec) -> None:
    from budget_disclosure import validate

    schema = spec.schemas[spec.base_uri + "report.schema.json"]
    validator = Draft202012Validator({"$ref": "#/$defs/document", "$defs": schema["$defs"]})
    for path in (SEED, CLEAN, EXAMPLES / "input" / "nan-amount.json"):
        assert not list(validator.iter_errors(json.loads(validate(path).to_json())))


def test_sarif_validates_against_the_sarif_2_1_0_schema() -> None:
    from budget_disclosure import validate

    result = invoke("validate", "--format", "sarif", str(SEED), str(EXAMPLES / "input" / "nan-amount.json"))
    data = json.loads(result.output)
    errors = list(Draft4Validator(SARIF_SCHEMA).iter_errors(data))
    assert not errors, [e.message for e in errors[:3]]
    run = data["runs"][0]
    results = run["results"]
    # One result per finding of the two documents (the seed's own are pinned by its sidecar).
    assert len(results) == len(validate(SEED).findings) + len(validate(EXAMPLES / "input" / "nan-amount.json").findings)
    first = next(r for r in results if r["ruleId"] == "three_public.unit-names")
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "three_public.unit-names"
    region = first["locations"][0]["physicalLocation"]["region"]
    text = SEED.read_text(encoding="utf-8").splitlines()[region["startLine"] - 1]
    assert "长沙市工业和信息化局" in text


def test_junit_is_well_formed_and_counts_failures() -> None:
    result = invoke("validate", "--format", "junit", str(SEED), str(CENTRAL))
    root = ET.fromstring(result.output)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(SEED), str(CENTRAL)]
    seed_suite = suites[0]
    failures = seed_suite.findall("testcase/failure")
    assert int(seed_suite.get("failures")) == len(failures) > 0
    assert {tc.get("name") for tc in seed_suite.findall("testcase") if tc.find("failure") is not None} >= {
        "three_public.unit-names",
        "indicators.cost-within-money",
    }
    assert int(suites[1].get("failures")) == 0 and len(suites[1].findall("testcase")) > 50


def test_colour_only_on_a_terminal() -> None:
    import io

    from budget_disclosure.batch import Job, Options, validate_job
    from budget_disclosure.findings import Severity
    from budget_disclosure.reporters import REPORTERS, RunInfo
    from budget_disclosure.spec import get_spec

    result = validate_job(Job(str(SEED), path=str(SEED)), Options())
    for colour in (True, False):
        stream = io.StringIO()
        REPORTERS["text"](stream, RunInfo(get_spec(), Options(), Severity.ERROR, "zh", colour)).document(result)
        assert ("\x1b[" in stream.getvalue()) is colour


def test_no_color_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    from budget_disclosure import cli

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(cli, "_is_tty", lambda stream: True)
    assert "\x1b[" not in CliRunner().invoke(main, ["validate", str(SEED)]).output
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" in CliRunner().invoke(main, ["validate", str(SEED)], color=True).output


def test_root_causes_are_grouped_in_the_text_report(tmp_path: Path) -> None:
    doc = json.loads(CLEAN.read_text(encoding="utf-8"))
    doc["tables"]["summary"]["income"]["current_year_total"] = 2079.38
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = invoke("validate", str(path)).output
    assert "可能的根源：部门收支总表 › 收入 › 本年收入合计" in out and "2 项勾稽因此不成立" in out
    assert "应为 2069.38，实际 2079.38，相差 10.00（取整容差 ±0.015）万元" in out


# ------------------------------------------------------------------------------------------ other commands
def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("budget-disclosure 0.") and "spec " in result.output


def test_python_dash_m_behaves_the_same() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "budget_disclosure", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and proc.stdout == invoke("--version").output
    proc = subprocess.run(
        [sys.executable, "-m", "budget_disclosure", "validate", str(SEED)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1 and "长沙市工业和信息化局" in proc.stdout


def test_rules_list(spec: Spec) -> None:
    out = invoke("rules", "list").output
    assert len(out.strip().splitlines()) == len(spec.rules)
    assert "three_public.composition" in out and "错误" in out
    narrowed = invoke("rules", "list", "--group", "three_public", "--severity", "error", "--lang", "en").output
    assert all(line.startswith("three_public.") and "error" in line for line in narrowed.strip().splitlines())
    data = json.loads(invoke("rules", "list", "--format", "json").output)
    assert {r["id"] for r in data} == set(spec.rules)


def test_rules_explain() -> None:
    out = invoke("rules", "explain", "indicators.cost-within-money").output
    assert "依据：" in out and "示例：examples/cases/indicators/cost-within-money.yaml" in out
    assert "经济成本指标值 300 超过了项目资金总额 243.21万元" in out
    en = invoke("rules", "explain", "--lang", "en", "summary.balance").output
    assert "Basis:" in en and "Example:" in en


def test_schema_export(tmp_path: Path, spec: Spec) -> None:
    target = tmp_path / "vendored"
    assert invoke("schema", "export", str(target)).exit_code == 0
    manifest = json.loads((target / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == spec.digest and (target / "schemas" / "disclosure.json").exists()
    assert (target / "rules" / "codelists" / "function-2024.yaml").exists()
    assert Spec(target).digest == spec.digest
    again = CliRunner().invoke(main, ["schema", "export", str(target)])
    assert again.exit_code == 2 and "not empty" in again.output
    assert invoke("schema", "export", "--force", str(target)).exit_code == 0


@pytest.mark.parametrize("profile", ["hunan-changsha", "central-2021", "mof-143-2016"])
def test_schema_bundle_is_self_contained_and_agrees(tmp_path: Path, spec: Spec, profile: str) -> None:
    from .test_schema_backends import DOCS  # every example and case, read once per session

    out = invoke("schema", "bundle", "--profile", profile).output
    assert '"$ref"' not in out
    bundled = json.loads(out)
    Draft202012Validator.check_schema(bundled)
    standalone = Draft202012Validator(bundled)  # no registry: nothing left to resolve
    checker = spec.schema_checker
    uri = spec.profiles[profile].uri
    # The bundle, read by Python jsonschema and (when installed) by jsonschema-rs, agrees with the
    # checker's verdict on the profile's own schema (jsonschema-rs when installed, which
    # tests/test_schema_backends.py holds to the Python reference): the reference side costs a
    # fraction of a millisecond per document instead of Python jsonschema's 50-500.
    compiled = None
    if checker.backend == "rust":
        import jsonschema_rs

        compiled = jsonschema_rs.validator_for(bundled)
    for name, doc in DOCS:
        verdict = checker.is_valid(doc, uri)
        assert standalone.is_valid(doc) == verdict, name
        if compiled is not None:
            assert compiled.is_valid(doc) == verdict, name


def test_an_unreadable_document_is_never_filtered_into_a_pass(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = invoke("validate", "--format", "json", "--select", "indicators", str(broken))
    assert result.exit_code != 0
    (doc,) = json.loads(result.output)["documents"]
    assert doc["valid"] is False and [f["rule"] for f in doc["findings"]] == ["input.not-json"]
    junit = invoke("validate", "--format", "junit", "--ignore", "indicators", str(broken))
    assert junit.exit_code != 0 and "input.not-json" in junit.output


def test_ignoring_input_or_schema_findings_is_a_usage_error() -> None:
    result = invoke("validate", "--ignore", "schema", str(CLEAN))
    assert result.exit_code == 2 and "always reported" in result.output


def test_the_summary_and_the_exit_code_agree_under_fail_on(tmp_path: Path) -> None:
    """A document with warnings only is valid, and fails --fail-on warning: the report says both."""
    doc = json.loads(CLEAN.read_text(encoding="utf-8"))
    doc["tables"]["summary"]["note"] = "本表反映XX部门收支。"  # a template placeholder: a warning
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    strict = invoke("validate", "--lang", "en", "--fail-on", "warning", str(path))
    assert strict.exit_code == 1
    assert "valid (fails --fail-on warning)" in strict.output
    assert "With --fail-on warning: 1 documents fail." in strict.output
    plain = invoke("validate", "--lang", "en", str(path))
    assert plain.exit_code == 0 and "fails --fail-on" not in plain.output and "With --fail-on" not in plain.output
    zh = invoke("validate", "--fail-on", "warning", str(path))
    assert "通过（有警告，按 --fail-on warning 不通过）" in zh.output
    assert "按 --fail-on warning：1 个文档未通过。" in zh.output
