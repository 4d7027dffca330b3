"""The reader's cheap first pass (``reader._shape`` and the quick parse) decides only what the careful
parse would decide the same way: every input here is read by both and must give the same result."""

from __future__ import annotations

import json

import pytest

from budget_disclosure import reader
from budget_disclosure.reader import Limits, read

from .support import CLEAN

DEEP = "[" * 70 + "]" * 70


def careful(text: str, limits: Limits | None = None) -> object:
    """What the careful path alone makes of ``text``: its problems' rules and places, or the document."""
    outcome = reader._careful(text, None, limits or Limits())
    if isinstance(outcome, reader.ReadResult):
        return ("problems", [(p.rule, p.pointer, p.line, p.column) for p in outcome.problems])
    return ("document", outcome)


def problems(text: str, limits: Limits | None = None) -> list[tuple[str, str, int | None, int | None]]:
    return [(p.rule, p.pointer, p.line, p.column) for p in read(text.encode("utf-8"), limits=limits).problems]


@pytest.mark.parametrize(
    "escape", ["\\n", "\\t", "\\u0041", "\\/", "\\\\", '\\"', "\\\\\\n", '\\\\\\"'], ids=lambda e: repr(e)
)
def test_an_escape_before_deep_nesting_does_not_hide_it(escape: str) -> None:
    text = '{"a": "x' + escape + 'y", "b": ' + DEEP + ', "c": "z"}'
    assert json.loads(text)  # the text is JSON
    assert [p[0] for p in problems(text)] == ["input.too-deep"]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "b": {"a": 2}}',
        '{"a:b": 1, "c": "d:e", "f": "[{"}',
        '{"a": "\\":[", "b": ":"}',
        '{"a\\\\": 1, "b": [1, 2, {"c": null}]}',
        '{"url": "https://example.org/a:b", "t": "10:30"}',
        "{}",
        '{"a": {}, "b": []}',
    ],
)
def test_clean_text_is_read_by_the_quick_parse(text: str) -> None:
    _, pairs = reader._shape(text.encode("utf-8"), 0)
    assert pairs == text.count(":") - sum(s.count(":") for s in _strings(json.loads(text)))
    document = reader._quick(text, Limits(), pairs)
    assert document is not reader._UNSURE and document == json.loads(text)
    assert careful(text) == ("document", read(text.encode("utf-8")).document)


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [*value.keys(), *(s for v in value.values() for s in _strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": {"x": 1, "x": 1}, "b": 2}',
        '{"a": "k:", "b": {"a": 1, "a": 1}}',
        '{"a": 1, "a": 2, "b": [1, }',  # a duplicate before a syntax error: the duplicate is reported
        '{"a": [1, }, "a": 2}',
        '{"a": NaN, "a": 1}',
        '{"a": 1e400}',
        '{"a": 123456789012345678901234567890}',
        '{"a": -Infinity}',
        '{"a": 1,}',
        "[1, 2]",
        '"text"',
        "",
        "   ",
        '{"a": "\\ud800"}',
        '{"a": "\\u0001"}',
    ],
)
def test_unusual_text_gets_what_the_careful_parse_finds(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    quick = read(text.encode("utf-8"))
    monkeypatch.setattr(reader, "_quick", lambda *args: reader._UNSURE)
    slow = read(text.encode("utf-8"))
    assert quick.problems == slow.problems and quick.document == slow.document


def test_limits_are_kept_by_the_quick_parse() -> None:
    limits = Limits(max_digits=5, max_depth=3)
    assert ("problems", problems('{"a": 123456}', limits)) == careful('{"a": 123456}', limits)
    assert [p[0] for p in problems('{"a": [[[1]]]}', limits)] == ["input.too-deep"]
    assert problems('{"a": [[1]]}', limits) == []


def test_the_seed_is_read_by_the_quick_parse() -> None:
    data = CLEAN.read_bytes()
    text = data.decode("utf-8")
    _, pairs = reader._shape(data, 64)
    assert ("document", reader._quick(text, Limits(), pairs)) == careful(text)
