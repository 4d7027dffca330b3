"""One language per report (``--lang``): the validator's own words follow it in every format.

What may stay Chinese in an English report is what the validator did not write: the document's own text
(quoted in messages, or named in locations) and the printed names of the published form (schema titles,
code-list names, indicator-framework terms, the terms rules look for). The checks below strip quoted
values and location labels, then require every remaining run of Chinese to be such a name; and they
require that no known phrase of the other language (a rule's basis or message, the reporters' words, the
file errors' wording) appears at all.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner

from budget_disclosure.cli import main
from budget_disclosure.i18n import basis_text, error_text
from budget_disclosure.reporters.text import _WORDS
from budget_disclosure.rules.model import split_basis
from budget_disclosure.spec import Spec, get_spec

from .support import ROOT, SEED, spec_copy

# Chinese script and the Chinese punctuation the validator writes (full-width comparators ＝＞＜ are data).
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a\uff1b\uff1f]+")
HAN = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”|「[^」\n]*」')


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _keyed(value: Any, key: str = "") -> list[tuple[str, str]]:
    """Every string of a JSON value with the key it is under."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _keyed(v, k)]
    if isinstance(value, list):
        return [p for v in value for p in _keyed(v, key)]
    return [(key, value)] if isinstance(value, str) else []


@pytest.fixture(scope="module")
def form_names() -> str:
    """The printed names of the published form and the domain terms, as one searchable text."""
    names: list[str] = []
    for path in sorted((ROOT / "schemas").rglob("*.json")):
        names += _strings(json.loads(path.read_text(encoding="utf-8")))
    for folder in ("codelists", "frameworks"):
        for path in sorted((ROOT / "rules" / folder).glob("*.yaml")):
            names += _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    names += _strings(yaml.safe_load((ROOT / "rules" / "profiles.yaml").read_text(encoding="utf-8")))
    spec = get_spec()
    for rule in spec.rules.values():  # the terms a rule looks for are data (params), not its words
        names += _strings(json.loads(json.dumps(rule.params, default=str)))
    return "\n".join(names)


def _run(*args: str) -> str:
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False).output


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lang")
    dup = folder / "duplicate-key.json"
    dup.write_text('{"a": 1, "a": 2}', encoding="utf-8")
    utf16 = folder / "utf16.json"
    utf16.write_bytes('{"a": 1}'.encode("utf-16"))
    return {"seed": SEED, "duplicate": dup, "utf16": utf16, "missing": folder / "no-such-file.json"}


def _document_text(path: Path) -> str:
    try:
        return "\n".join(_strings(json.loads(path.read_text(encoding="utf-8"))))
    except (OSError, ValueError):
        return ""


def _locations(path: Path) -> list[str]:
    """The location labels of the findings on ``path`` (from the JSON report), longest first."""
    data = json.loads(_run("--format", "json", str(path)))
    labels = {f["location"] for d in data["documents"] for f in d["findings"]}
    labels |= {part for label in set(labels) for part in label.split(" › ")}
    # The words the validator writes for the whole file or document are its own, not a printed name.
    return sorted(labels - {"文件", "文档"}, key=len, reverse=True)


def _texts(fmt: str, output: str) -> list[str]:
    """The pieces of a report a reader reads: every string of SARIF, every text and attribute of JUnit."""
    if fmt == "sarif":
        return [s for key, s in _keyed(json.loads(output)) if key in ("text", "name")]
    if fmt == "junit":
        root = ElementTree.fromstring(output)
        return [t for e in root.iter() for t in (e.text or "", *e.attrib.values())]
    return [output]


def _other_language_phrases(spec: Spec, lang: str) -> list[str]:
    """Phrases the validator writes only in the other language."""
    words = _WORDS["en" if lang == "zh" else "zh"]
    mine = set(_WORDS[lang].values())
    fixed = [piece for w in words.values() if w not in mine for piece in re.split(r"\{[^}]*\}", w)]
    if lang == "en":
        phrases = [r.basis for r in spec.rules.values()] + ["第 ", "依据", "文件或文件夹不存在"]
    else:
        phrases = [r.basis_en for r in spec.rules.values()] + ["basis: ", "no such file", " (line "]
    found = [p.strip() for p in (*fixed, *phrases) if len(p.strip()) >= 2]
    # In a Chinese report single English words are field names (narrative, profile …): phrases only.
    return found if lang == "en" else [p for p in found if " " in p or ":" in p]


def _found(phrases: list[str], text: str) -> list[str]:
    """The phrases in ``text``; an English phrase only as whole words (``rule`` is not in ``rules/``)."""
    return [p for p in phrases if re.search(r"(?<![\w/.])" + re.escape(p) + r"(?![\w/])", text)]


def _reader_text(fmt: str, output: str, path: Path) -> list[str]:
    """What the validator wrote: the report's texts without the source's name, the locations' labels and
    the quoted document values."""
    locations = _locations(path) if path.exists() else []
    out = []
    for text in _texts(fmt, output):
        text = text.replace(str(path), " ")
        for label in locations:
            text = text.replace(label, " ")
        out.append(QUOTED.sub(" ", text))
    return out


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit"])
@pytest.mark.parametrize("name", ["seed", "duplicate", "utf16", "missing"])
def test_an_english_report_has_no_chinese_of_its_own(
    fmt: str, name: str, inputs: dict[str, Path], form_names: str
) -> None:
    path = inputs[name]
    texts = _reader_text(fmt, _run("--lang", "en", "--format", fmt, str(path)), path)
    names = form_names + "\n" + _document_text(path)
    phrases = _other_language_phrases(get_spec(), "en")
    for text in texts:
        _assert_english(text, names, phrases)


def _assert_english(text: str, names: str, phrases: list[str]) -> None:
    """What the validator wrote in ``text`` (quoted values and locations already taken out) is English:
    no phrase of its Chinese, and every run of Chinese script or punctuation is one printed name whole (a
    list of names joined by 、 is not one)."""
    assert not _found(phrases, text), text
    for run in CJK.findall(text):
        assert HAN.search(run) and run in names, f"Chinese of the validator: {run!r} in {text!r}"


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit"])
@pytest.mark.parametrize("name", ["seed", "duplicate", "utf16", "missing"])
def test_a_chinese_report_has_no_english_of_its_own(fmt: str, name: str, inputs: dict[str, Path]) -> None:
    path = inputs[name]
    output = _run("--lang", "zh", "--format", fmt, str(path))
    phrases = _other_language_phrases(get_spec(), "zh")
    for text in _reader_text(fmt, output, path):
        assert not _found(phrases, text), text
    if path.exists():
        spec = get_spec()
        data = json.loads(_run("--format", "json", str(path)))
        findings = [f for d in data["documents"] for f in d["findings"]]
        assert findings
        for f in findings:
            assert f["message_en"] not in output and spec.rules[f["rule"]].basis_en not in output
        if fmt != "junit":  # JUnit writes a rule's findings in one escaped body
            assert all(f["message"] in output for f in findings if '"' not in f["message"])


def test_the_input_findings_location_is_in_the_reports_language(inputs: dict[str, Path]) -> None:
    en = _run("--lang", "en", str(inputs["duplicate"]))
    zh = _run("--lang", "zh", str(inputs["duplicate"]))
    assert "a (line 1)" in en and "行第" not in en and "basis: RFC 8259 §4: names within an object" in en
    assert "a（第 1 行）" in zh and "依据：RFC 8259 §4：对象中的名称应当唯一" in zh


def test_file_errors_are_in_the_reports_language(inputs: dict[str, Path], tmp_path: Path) -> None:
    missing = str(inputs["missing"])
    assert f"unreadable: {missing}: no such file or folder" in _run("--lang", "en", missing)
    assert f"无法读取：{missing}：文件或文件夹不存在" in _run("--lang", "zh", missing)
    assert f"{tmp_path}：文件夹中没有 .json 或 .jsonl 文件" in _run("--lang", "zh", str(tmp_path))
    assert error_text("x.json: cannot read (Input/output error)", "zh") == "x.json：无法读取（Input/output error）"
    assert error_text("a: b.json: permission denied", "zh") == "a: b.json：没有读取权限"
    assert error_text("p: is a named pipe (FIFO), not a regular file (use - to read standard input)", "zh") == (
        "p：是命名管道（FIFO），不是普通文件（标准输入请用 -）"
    )
    assert error_text("something new", "zh") == "something new"  # unknown wording: kept, not garbled


def test_the_json_report_keeps_both_languages_and_ignores_lang(inputs: dict[str, Path]) -> None:
    for name in ("seed", "missing"):
        en = _run("--lang", "en", "--format", "json", str(inputs[name]))
        zh = _run("--lang", "zh", "--format", "json", str(inputs[name]))
        assert en == zh
    doc = json.loads(en)["documents"][0]
    assert doc["error"].endswith(": no such file or folder") and doc["error_zh"].endswith("：文件或文件夹不存在")


def test_every_rule_has_its_basis_in_both_languages(spec: Spec) -> None:
    for rule in spec.rules.values():
        assert rule.basis.strip(), rule.id
        assert rule.basis_en.strip() and not HAN.search(rule.basis_en), rule.id


def test_rules_commands_show_the_basis_in_the_chosen_language() -> None:
    runner = CliRunner()
    en = runner.invoke(main, ["rules", "explain", "--lang", "en", "input.duplicate-key"]).output
    zh = runner.invoke(main, ["rules", "explain", "--lang", "zh", "input.duplicate-key"]).output
    assert "Basis: RFC 8259 §4: names within an object should be unique" in en and "对象中的名称" not in en
    assert "依据：RFC 8259 §4：对象中的名称应当唯一" in zh
    listed = json.loads(runner.invoke(main, ["rules", "list", "--format", "json"]).output)
    assert all(r["basis"] and r["basis_en"] for r in listed)


def test_a_plain_string_basis_is_still_read_as_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert split_basis("财预〔2016〕143号。") == ("财预〔2016〕143号。", "")
    assert split_basis({"zh": "中文", "en": "English"}) == ("中文", "English")
    root = spec_copy(tmp_path)
    path = root / "rules" / "input.yaml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"(?m)^(\s*)basis:\n\1  zh: (.*)\n\1  en: .*\n", text)
    assert block is not None
    path.write_text(text.replace(block.group(0), f"{block.group(1)}basis: {block.group(2)}\n", 1), encoding="utf-8")
    spec = Spec(root)
    plain = [r for r in spec.rules.values() if not r.basis_en]
    assert len(plain) == 1 and plain[0].basis == block.group(2)
    assert basis_text(plain[0], "en") == "(given in Chinese only)" and basis_text(plain[0], "zh") == plain[0].basis


# Cases whose findings or skipped reasons list several names: a framework's indicators, a table's
# projects, value types, the years a text names, the keys that occur twice, the tables a rule needs.
LISTS = {
    "indicators/level1": "expected one of: 成本指标, 产出指标, 效益指标, 满意度指标",
    "indicators/level2": "expected one of: 数量指标, 质量指标, 时效指标",
    "indicators/value-type": "expected one of: <, =, >, ≤, ≥, 定性",
    "narrative/project-names": "its projects: 产业运行监测分析项目, 城区更新基金项目, 数据平台运维项目",
    "performance/project-period-years": "(2021—2023) does not contain",
    "structure/title-year": "names 2023, but",
    "classification/general-budget-fund": "belongs to government_fund",
    "empty/statement-names-table": 'names "国有资本经营预算支出表"',
    "classification/function-unique-split-row": "2150599 occurs more than once",
    "schema/general-budget-project-amount-missing": "needs table(s) with schema findings: general_budget_project",
    "schema/table-unknown": "known ids: summary, income, expenditure",
}


@pytest.mark.parametrize("case", sorted(LISTS))
def test_lists_in_an_english_report_are_joined_in_english(case: str, tmp_path: Path, form_names: str) -> None:
    from budget_disclosure.synth.core import to_json

    from .support import EXAMPLES, load_case

    path = tmp_path / "case.json"
    path.write_text(to_json(load_case(EXAMPLES / "cases" / f"{case}.yaml").document), encoding="utf-8")
    output = _run("--lang", "en", str(path))
    assert LISTS[case] in output
    names = form_names + "\n" + _document_text(path)
    phrases = _other_language_phrases(get_spec(), "en")
    for text in _reader_text("text", output, path):
        assert "、" not in text, text
        _assert_english(text, names, phrases)


def test_a_list_value_is_shown_in_each_language() -> None:
    from budget_disclosure.emit import emit, show

    assert show(["甲", "乙"]) == "甲、乙" and show(["甲", "乙"], "en") == "甲, 乙"
    finding = emit(get_spec(), {}, "indicators.level1", "/x", {"level1": "产出", "allowed": ["成本指标", "产出指标"]})
    assert "成本指标、产出指标" in finding.message and "成本指标, 产出指标" in finding.message_en


@pytest.mark.parametrize(
    ("value", "en", "zh"), [({"x": 1}, "an object", "对象"), (["元"], "an array", "数组"), ("千元", "千元", "千元")]
)
def test_a_value_not_allowed_is_named_in_the_messages_language(value: Any, en: str, zh: str) -> None:
    """A container where a listed value belongs is named by its type, in each message's own language."""
    from budget_disclosure import validate

    doc = json.loads(SEED.read_text(encoding="utf-8"))
    doc["amounts"]["unit"] = value
    [finding] = [f for f in validate(doc).findings if f.pointer == "/amounts/unit"]
    assert finding.rule == "schema.value"
    assert f"The value {en} of " in finding.message_en and "对象" not in finding.message_en
    assert f"的值 {zh} 不合法" in finding.message
