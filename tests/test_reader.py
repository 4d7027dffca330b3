"""Bad input never crashes, is never guessed at, and is reported with its place."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from budget_disclosure import InputError, Limits, validate

from .support import CLEAN, load_json


def rules_of(report):  # type: ignore[no-untyped-def]
    return [(f.rule, f.pointer) for f in report.findings]


def test_utf8_bom_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + CLEAN.read_bytes()
    assert validate(data).valid


def test_utf16_is_refused_with_a_hint() -> None:
    report = validate(CLEAN.read_text(encoding="utf-8").encode("utf-16"))
    (f,) = report.findings
    assert f.rule == "input.encoding" and "UTF-16" in f.message_en


def test_binary_data_is_named_as_such() -> None:
    report = validate(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    (f,) = report.findings
    assert f.rule == "input.encoding" and "binary" in f.message_en


def test_gbk_text_names_the_encoding_and_the_conversion() -> None:
    report = validate('{"metadata": {"unit_name": "长沙市企业服务中心"}}'.encode("gbk"))
    (f,) = report.findings
    assert f.rule == "input.encoding" and "GB18030" in f.message and "iconv" in f.message


def test_syntax_error_has_line_and_column() -> None:
    report = validate('{\n  "profile": "x",\n  "tables": {,}\n}')
    (f,) = report.findings
    assert (f.rule, f.line, f.column) == ("input.not-json", 3, 14)
    assert "第 3 行" in f.message


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_findings(literal: str) -> None:
    report = validate(f'{{"amounts": {{"unit": "万元", "precision": 2}}, "tables": {{"x": [1, {literal}]}}}}')
    assert rules_of(report) == [("input.non-finite-number", "/tables/x/1")]


def test_duplicate_key_is_located() -> None:
    report = validate('{"a": {"b": 1,\n "b": 2}}')
    (f,) = report.findings
    assert (f.rule, f.pointer, f.line) == ("input.duplicate-key", "/a/b", 2)


def test_number_too_long_respects_the_limit() -> None:
    text = '{"x": 1234567890.12}'
    assert validate(text, limits=Limits(max_digits=10)).findings[0].rule == "input.number-too-long"
    assert validate(text).findings[0].rule != "input.number-too-long"


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(CLEAN.read_bytes())
    report = validate(path, limits=Limits(max_bytes=1000))
    (f,) = report.findings
    assert f.rule == "input.too-large" and "1000" in f.message


def test_deep_nesting_is_a_finding() -> None:
    report = validate("[" * 100000 + "]" * 100000)
    assert [f.rule for f in report.findings] == ["input.too-deep"]


def test_lone_surrogate_is_a_finding() -> None:
    report = validate('{"metadata": {"unit_name": "a\\ud800b"}}')
    assert rules_of(report) == [("input.encoding", "/metadata/unit_name")]


def test_missing_file_raises_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        validate(tmp_path / "nope.json")


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        validate(tmp_path)


def test_unsupported_source_type() -> None:
    with pytest.raises(InputError, match="cannot validate"):
        validate(42)


def test_all_source_kinds_give_the_same_report() -> None:
    text = CLEAN.read_text(encoding="utf-8")
    reports = [
        validate(CLEAN),
        validate(str(CLEAN)),
        validate(text),
        validate(text.encode()),
        validate(io.BytesIO(text.encode())),
        validate(load_json(CLEAN)),
    ]
    dumps = {r.to_json() for r in (_drop_source(r) for r in reports)}
    assert len(dumps) == 1


def _drop_source(report):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(report, source=None)


def test_floats_in_a_parsed_document_become_exact_decimals() -> None:
    doc = load_json(CLEAN)
    doc["tables"]["summary"]["income"]["grand_total"] = 2099.38
    report = validate(doc)
    assert report.valid


def test_float_that_cannot_be_exact_is_refused() -> None:
    doc = load_json(CLEAN)
    doc["tables"]["summary"]["income"]["grand_total"] = 0.1 + 0.2
    assert rules_of(validate(doc)) == [("input.inexact-number", "/tables/summary/income/grand_total")]


@pytest.mark.parametrize("bad", [float("nan"), Decimal("NaN"), Decimal("Infinity")])
def test_non_finite_values_in_a_parsed_document(bad: object) -> None:
    doc = load_json(CLEAN)
    doc["tables"]["summary"]["income"]["grand_total"] = bad
    assert rules_of(validate(doc)) == [("input.non-finite-number", "/tables/summary/income/grand_total")]


def test_non_json_values_in_a_parsed_document() -> None:
    doc = load_json(CLEAN)
    doc["metadata"]["published"] = object()
    doc["metadata"][3] = "x"
    assert sorted(f.rule for f in validate(doc).findings) == ["input.invalid-value", "input.invalid-value"]


def test_amounts_are_decimal_never_float() -> None:
    from budget_disclosure.reader import read

    doc = read(CLEAN).document
    value = doc["tables"]["basic_expenditure"]["rows"][0]["total"]
    assert isinstance(value, Decimal) and str(value) == "991.98"
