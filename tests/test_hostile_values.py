"""Hostile values never crash and never hang (issue 10): numbers of any size and exponent, text of any
content, structures of any shape. Each case ends in findings, or in an ``InputError`` for a caller's
broken file object, and every report renders in every output format."""

from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from budget_disclosure import InputError, Limits, validate
from budget_disclosure import pointer as jp
from budget_disclosure.amounts import ARITHMETIC
from budget_disclosure.batch import DocResult, Job, Options
from budget_disclosure.cli import main
from budget_disclosure.findings import Report, Severity
from budget_disclosure.reporters import REPORTERS, RunInfo, Summary
from budget_disclosure.rules.values import number_of
from budget_disclosure.spec import get_spec

from .mutations import set_at
from .support import SEED, leaf_pointers, load_json

AMOUNT = "/tables/income/rows/0/total"
NARRATIVE = "/narrative/income/total"
INDICATOR = "/tables/project_performance/units/0/projects/0/indicators/0/value"
SEED_TEXT = SEED.read_text(encoding="utf-8")
FORMATS = ("text", "json", "sarif", "junit", "html")


def rules_at(report: Report) -> set[tuple[str, str]]:
    return {(f.rule, f.pointer) for f in report.findings}


def with_token(pointer: str, token: str) -> str:
    """The seed's JSON text with the number at ``pointer`` written as ``token`` (not through Python)."""
    doc = load_json(SEED)
    marker = "@@NUMBER@@"
    text = json.dumps(set_at(doc, pointer, marker), ensure_ascii=False, default=str)
    return text.replace(f'"{marker}"', token)


def cli(source: bytes, fmt: str) -> Any:
    return CliRunner().invoke(main, ["validate", "--format", fmt, "-"], input=source, catch_exceptions=False)


def check_rendered(fmt: str, output: str) -> None:
    if fmt in ("json", "sarif"):
        json.loads(output)
    elif fmt == "junit":
        ET.fromstring(output)
    else:
        assert output


def render(report: Report) -> None:
    """Every reporter of the command line writes the report, and what it writes parses."""
    spec = get_spec()
    result = DocResult(Job("<value>"), report, {})
    for fmt in FORMATS:
        stream = io.StringIO()
        reporter = REPORTERS[fmt](stream, RunInfo(spec, Options(), Severity.ERROR))
        summary = Summary()
        summary.add(result, Severity.ERROR)
        reporter.begin()
        reporter.document(result)
        reporter.end(summary)
        check_rendered(fmt, stream.getvalue())


_REPORT_SCHEMA: list[Draft202012Validator] = []


def check_report(report: Report, document: Any) -> None:
    """Pointers resolve in the document given, the JSON report is valid, every reporter renders it."""
    for f in report.findings:
        if f.pointer:
            jp.resolve(document, f.pointer)
    if not _REPORT_SCHEMA:
        schema = get_spec().schemas[get_spec().base_uri + "report.schema.json"]
        _REPORT_SCHEMA.append(Draft202012Validator({"$ref": "#/$defs/document", "$defs": schema["$defs"]}))
    _REPORT_SCHEMA[0].validate(json.loads(report.to_json()))
    render(report)


# ------------------------------------------------------------------------------------------ numbers
HUGE_TOKENS = ["1e30", "1E+999999", "1E+99999999999999999999", "1E-999999999"]


@pytest.mark.parametrize("token", HUGE_TOKENS)
@pytest.mark.parametrize("pointer", [AMOUNT, NARRATIVE])
def test_a_number_beyond_the_bounds_in_json_text_is_out_of_range(pointer: str, token: str) -> None:
    report = validate(with_token(pointer, token))
    assert rules_at(report) == {("input.number-out-of-range", pointer)}
    assert report.findings[0].line is not None and token in report.findings[0].message


@pytest.mark.parametrize("token", ["1e30", "1E+999999", "1E-999999999", "-1E+30", "0E+999"])
def test_a_decimal_beyond_the_bounds_in_a_dict_is_out_of_range(token: str) -> None:
    doc = set_at(load_json(SEED), AMOUNT, Decimal(token))
    assert rules_at(validate(doc)) == {("input.number-out-of-range", AMOUNT)}


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (1e308, "input.number-out-of-range"),
        (Decimal("1E+30"), "input.number-out-of-range"),
        (10**29, "input.number-out-of-range"),
        (-(10**29), "input.number-out-of-range"),
        (10**4300, "input.number-too-long"),
        (10**100_000, "input.number-too-long"),
        (Decimal("1." + "0" * 40), "input.number-too-long"),
    ],
    ids=["1e308", "Decimal-1E+30", "10**29", "-10**29", "10**4300", "10**100000", "Decimal-41-digits"],
)
def test_a_python_number_beyond_the_bounds_is_a_finding(value: Any, rule: str) -> None:
    for pointer in (AMOUNT, NARRATIVE):
        doc = set_at(load_json(SEED), pointer, value)
        report = validate(doc)
        assert rules_at(report) == {(rule, pointer)}
        check_report(report, doc)


def test_numbers_at_the_bounds_are_accepted_and_summed_exactly() -> None:
    """The largest and the finest accepted numbers pass the reader, and the engine adds them without
    rounding: the default 28-digit context would have lost the last places."""
    big, fine = Decimal("9" * 21), Decimal("0." + "0" * 19 + "1")
    for value in (big, fine, -big, 10**20):
        doc = set_at(load_json(SEED), AMOUNT, value)
        report = validate(doc)
        assert not any(f.rule.startswith("input.") for f in report.findings)
        check_report(report, doc)
    assert ARITHMETIC.add(big * 10000, fine) == Decimal("9" * 21 + "0000." + "0" * 19 + "1")


def test_a_huge_exponent_as_a_title_is_refused_by_the_reader() -> None:
    """12 bytes that, written out positionally, would be a gigabyte of digits in a message."""
    report = validate(with_token("/metadata/title", "1E+999999999"))
    assert rules_at(report) == {("input.number-out-of-range", "/metadata/title")}
    assert len(report.findings[0].message) < 300


def test_limits_move_the_bounds_within_their_ceiling() -> None:
    text = with_token(AMOUNT, "1e25")
    assert ("input.number-out-of-range", AMOUNT) in rules_at(validate(text))
    assert not any(f.rule.startswith("input.") for f in validate(text, limits=Limits(max_exponent=30)).findings)
    assert rules_at(validate(with_token(AMOUNT, "0.125"), limits=Limits(max_places=2))) == {
        ("input.number-out-of-range", AMOUNT)
    }
    with pytest.raises(ValueError, match="max_exponent"):
        Limits(max_exponent=10**6)


def test_a_million_digit_number_in_an_indicator_value_is_not_a_number() -> None:
    doc = set_at(load_json(SEED), INDICATOR, "9" * 1_000_000)
    report = validate(doc)
    assert ("indicators.comparator-numeric", INDICATOR) in rules_at(report)
    check_report(report, doc)


@pytest.mark.parametrize(
    "text",
    ["9" * 31, "1" + "0" * 25, "0." + "0" * 25 + "1", "9" * 1_000_000, "1" + " " * 20_000 + "%"],
    ids=["31-digits", "1e25", "26-places", "million-digits", "blanks-inside"],
)
def test_a_number_in_text_beyond_the_bounds_does_not_read_as_a_number(text: str) -> None:
    assert number_of(text) is None


def test_numbers_in_text_still_read() -> None:
    assert number_of(" ≥ 1,000.50 万元 ") == (Decimal("1000.50"), "万元", 2)
    assert number_of("95%") == (Decimal(95), "%", 0)
    assert number_of("1,23") is None and number_of("1,2345") is None


# ------------------------------------------------------------------------------------------ text
def test_twenty_thousand_blanks_as_an_indicator_value_are_read_in_one_pass() -> None:
    for value in (" " * 20_000, "1" + " " * 20_000 + "x", "≥" + " " * 20_000 + "2024年x", "9" * 20_000 + "%x"):
        doc = set_at(load_json(SEED), INDICATOR, value)
        report = validate(doc)
        assert ("indicators.comparator-numeric", INDICATOR) in rules_at(report)


def test_every_rule_file_pattern_reads_hostile_text() -> None:
    """The patterns of rules/ run on blank runs, digit runs and their mixtures (they must not backtrack
    super-linearly: each of these takes seconds under a pattern with two adjacent \\s*)."""
    import re

    patterns: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("must_match", "must_not_match", "exclude", "matches", "not_matches", "pattern") and (
                    isinstance(value, str)
                ):
                    patterns.add(value)
                else:
                    collect(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                collect(value)

    for rule in get_spec().rules.values():
        collect(rule.params)
        collect(list(rule.when))
    assert len(patterns) >= 5
    n = 20_000
    texts = [
        "1" + " " * n + "x",
        "≥" + " " * n + "x",
        "%≥" + "9" * n + " " * n + "x",
        "2024" + " " * n,
        "率" + " " * n + "x",
    ]
    for pattern in patterns:
        for text in texts:
            re.compile(pattern).search(text)


@pytest.mark.parametrize(
    ("doc", "rule", "pointer"),
    [
        ({"\udc00x": 1}, "input.encoding", ""),
        ({"metadata": {"unit_name": "a\ud800b"}}, "input.encoding", "/metadata/unit_name"),
        ({"metadata": {"unit_name": "a\x00b"}}, "input.control-character", "/metadata/unit_name"),
        ({"metadata": {"a\x1fb": 1}}, "input.control-character", "/metadata"),
    ],
    ids=["surrogate-key", "surrogate-value", "nul-value", "control-key"],
)
def test_bad_text_in_a_dict_is_a_finding_and_renders(doc: Any, rule: str, pointer: str) -> None:
    report = validate(doc)
    assert rules_at(report) == {(rule, pointer)}
    check_report(report, doc)


@pytest.mark.parametrize(
    ("text", "rule", "pointer"),
    [
        ('{"metadata": {"unit_name": "a\\u0000b"}}', "input.control-character", "/metadata/unit_name"),
        ('{"metadata": {"a\\u0001": 1}}', "input.control-character", "/metadata"),
        ('{"metadata": {"unit_name": "\\f"}}', "input.control-character", "/metadata/unit_name"),
        ('{"\\udc00k": {"unit_name": "x"}}', "input.encoding", ""),
    ],
    ids=["nul", "control-key", "form-feed", "surrogate-key"],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_text_in_json_renders_in_every_format(text: str, rule: str, pointer: str, fmt: str) -> None:
    assert rules_at(validate(text)) == {(rule, pointer)}
    result = cli(text.encode(), fmt)
    assert result.exit_code == 1, result.output
    check_rendered(fmt, result.output)


def test_a_raw_lone_surrogate_in_json_text_given_as_str_is_a_finding() -> None:
    report = validate('{"metadata": {"unit_name": "a\ud800"}}')
    assert rules_at(report) == {("input.encoding", "/metadata/unit_name")}
    render(report)


def test_tabs_and_line_breaks_are_text() -> None:
    doc = load_json(SEED)
    doc["metadata"]["unit_name"] += "\t\r\n"
    assert not any(f.rule.startswith("input.") for f in validate(doc).findings)


def test_str_subclasses_become_plain_str() -> None:
    class Name(str):
        def __str__(self) -> str:
            raise AssertionError("the reader must not call a subclass's own methods")

    doc = load_json(SEED)
    doc = {Name(k): v for k, v in doc.items()}
    doc["metadata"]["unit_name"] = Name(doc["metadata"]["unit_name"])
    report = validate(doc)
    assert report.to_json() == validate(load_json(SEED)).to_json()


def test_a_key_whose_repr_raises_is_named_by_its_type() -> None:
    class Key:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

        def __str__(self) -> str:
            raise RuntimeError("no str")

    doc = load_json(SEED)
    doc["metadata"][Key()] = 1
    report = validate(doc)
    (f,) = report.findings
    assert (f.rule, f.pointer) == ("input.invalid-value", "/metadata") and "Key" in f.message
    render(report)


class _Raises:
    def read(self, size: int = -1) -> bytes:
        raise OSError("the disk went away")


class _Returns:
    def __init__(self, value: Any) -> None:
        self.value = value

    def read(self, size: int = -1) -> Any:
        return self.value


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (_Raises(), r"read\(\) failed \(OSError\)"),
        (_Returns(1), r"read\(\) returned int"),
        (_Returns(None), r"read\(\) returned NoneType"),
        (_Returns([1]), r"read\(\) returned list"),
    ],
    ids=["raises", "int", "None", "list"],
)
def test_a_file_object_that_misbehaves_is_an_input_error(source: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate(source)


def test_a_file_object_returning_text_is_read() -> None:
    assert validate(_Returns(SEED_TEXT)).to_json() == validate(SEED_TEXT).to_json()


# ------------------------------------------------------------------------------------------ structure
@pytest.mark.parametrize("depth", [65, 900, 100_000])
def test_nesting_deeper_than_the_limit_is_refused_before_parsing(depth: int) -> None:
    text = '{"metadata": ' + "[" * depth + "]" * depth + "}"
    assert rules_at(validate(text)) == {("input.too-deep", "")}


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    doc = load_json(SEED)
    doc["metadata"]["unit_name"] = "[" * 1000 + '"\\' + "{" * 1000
    report = validate(json.dumps(doc, ensure_ascii=False, default=str))
    assert not any(f.rule.startswith("input.") for f in report.findings)


def test_nesting_at_the_limit_is_read() -> None:
    text = '{"metadata": ' + "[" * 63 + "]" * 63 + "}"
    assert "input.too-deep" not in {f.rule for f in validate(text).findings}


def test_a_dict_that_contains_itself_is_refused() -> None:
    doc = load_json(SEED)
    doc["metadata"]["self"] = doc
    report = validate(doc)
    assert rules_at(report) == {("input.cyclic", "/metadata/self")}
    render(report)


def test_a_list_that_contains_itself_is_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    doc = load_json(SEED)
    doc["metadata"]["loop"] = loop
    assert rules_at(validate(doc)) == {("input.cyclic", "/metadata/loop/0")}


def test_a_list_sharing_one_sub_list_a_million_times_is_refused() -> None:
    doc = load_json(SEED)
    doc["metadata"]["shared"] = [["x", "y"]] * 1_000_000
    report = validate(doc)
    assert rules_at(report) == {("input.too-many-values", "")}
    render(report)


def test_a_dag_whose_expansion_is_astronomical_is_refused_at_once() -> None:
    level: list[Any] = ["x"]
    for _ in range(50):  # 2^50 leaves, nested less deep than the limit
        level = [level, level]
    doc = load_json(SEED)
    doc["metadata"]["dag"] = level
    assert rules_at(validate(doc)) == {("input.too-many-values", "")}


def test_sharing_within_the_bounds_is_read_like_a_copy() -> None:
    shared, apart = load_json(SEED), load_json(SEED)
    row = shared["tables"]["income"]["rows"][0]
    shared["tables"]["income"]["rows"].append(row)
    apart["tables"]["income"]["rows"].append(dict(row))
    assert validate(shared).to_json() == validate(apart).to_json()


def test_a_shared_list_reused_deeper_still_counts_its_depth() -> None:
    deep: list[Any] = []
    for _ in range(60):
        deep = [deep]
    doc = load_json(SEED)
    doc["metadata"]["a"] = deep
    doc["metadata"]["b"] = [[[[[[deep]]]]]]
    assert rules_at(validate(doc)) == {("input.too-deep", "/metadata/b/0/0/0/0/0/0")}


# ------------------------------------------------------------------------------------------ property
HOSTILE = [
    None,
    [],
    {},
    "x",
    True,
    -1,
    Decimal("1e20"),
    Decimal("1e30"),
    Decimal("1E+999999"),
    1e308,
    10**29,
    "长" * 10_000,
    " " * 20_000,
]
POINTERS = leaf_pointers(load_json(SEED))


@given(
    edits=st.lists(st.tuples(st.sampled_from(POINTERS), st.sampled_from(range(len(HOSTILE)))), min_size=1, max_size=3)
)
def test_hostile_leaves_never_escape_validate(edits: list[tuple[str, int]]) -> None:
    """Any leaf of the seed set to a value of any type and magnitude: a report, pointers that resolve, a
    JSON report valid against its schema, and every reporter renders it."""
    doc = load_json(SEED)
    for pointer, which in edits:
        doc = set_at(doc, pointer, HOSTILE[which])
    report = validate(doc)
    check_report(report, doc)


def test_the_library_refuses_a_named_pipe_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        validate(fifo)  # no writer: reading it would block forever
    with pytest.raises(InputError, match="not a regular file"):
        validate(str(fifo))


def test_the_library_refuses_a_device() -> None:
    with pytest.raises(InputError, match="not a regular file"):
        validate(Path("/dev/zero"))
