"""A vendored spec may be edited by anyone: every broken rule is refused at load, with file, line and rule.

Each test breaks one thing in a copy of the spec and expects ``SpecError`` from loading it (``Spec`` and
the engine's compile step, both of which run before any document is validated), never a rule that is
quietly switched off and never a failure while a document is validated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budget_disclosure import validate
from budget_disclosure.errors import SpecError
from budget_disclosure.rules.engine import Engine
from budget_disclosure.rules.loadcheck import REGEX_KEYS
from budget_disclosure.rules.templates import render
from budget_disclosure.spec import Spec
from budget_disclosure.specfiles import MAX_FILE_BYTES

from .support import ROOT, SEED, spec_copy


def _edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace the first ``old`` in a spec file by ``new``; returns the line ``new`` starts on."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{rel} no longer holds {old!r}; update the test"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(new)].count("\n") + 1


def _refused(root: Path) -> SpecError:
    with pytest.raises(SpecError) as info:
        Engine(Spec(root))
    return info.value


def _names(error: SpecError, file: str, line: int | None, rule: str | None) -> None:
    assert (error.file, error.line, error.rule) == (file, line, rule), str(error)
    assert str(error).startswith(file if line is None else f"{file}:{line}"), str(error)
    if rule:
        assert f"rule {rule}: " in str(error)


# ---------------------------------------------------------------------------------------- 1 regular expressions
REGEXES = {
    # name: (file, rule, old, new)
    "where matches": (
        "rules/indicators.yaml",
        "indicators.direction",
        '{field: level3, matches: "率|满意度|质量|合格|达标"}',
        '{field: level3, matches: "率|(满意度|质量|合格|达标"}',
    ),
    "kind exclude": (
        "rules/indicators.yaml",
        "indicators.comparator-numeric",
        'exclude: "^\\\\s*([≥≤=<>]\\\\s*)?(19|20)',
        'exclude: "^\\\\s*([≥≤=<>]\\\\s*)?(19|20',
    ),
    "kind must_not_match": (
        "rules/indicators.yaml",
        "indicators.placeholder",
        'must_not_match: "^\\\\s*(无|/|-)\\\\s*$"',
        'must_not_match: "^\\\\s*(无|/|-\\\\s*$"',
    ),
    "when pattern": (
        "rules/narrative.yaml",
        "narrative.operating-expenses",
        'pattern: "行政单位|参照公务员法|参公"',
        'pattern: "行政单位|参照公务员法|(参公"',
    ),
}


@pytest.mark.parametrize("name", list(REGEXES))
def test_an_invalid_regular_expression_is_refused_at_load(tmp_path: Path, name: str) -> None:
    file, rule, old, new = REGEXES[name]
    root = spec_copy(tmp_path / "spec")
    line = _edit(root, file, old, new)
    if name == "when pattern":  # the rule id is found from the file, not assumed
        text = (root / file).read_text(encoding="utf-8").splitlines()
        rule = next(t.split("id: ")[1] for t in reversed(text[:line]) if t.startswith("  - id: "))
    error = _refused(root)
    _names(error, file, line, rule)
    assert "invalid regular expression" in str(error)


def test_every_regex_property_of_the_rules_schema_is_checked() -> None:
    """The loader compiles the values of REGEX_KEYS; the schema marks regexes with format: regex."""
    marked: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict) and value.get("format") == "regex":
                    marked.add(key)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads((ROOT / "schemas" / "rules.schema.json").read_text(encoding="utf-8")))
    assert marked == set(REGEX_KEYS)


# ---------------------------------------------------------------------------------------- 2 field names
def test_a_misspelt_where_field_no_longer_switches_a_rule_off(tmp_path: Path) -> None:
    """Regression: `value_typ` in the filter of indicators.comparator-numeric admitted no row, so the seed
    silently lost its findings of that rule; now the spec is refused."""
    assert any(f.rule == "indicators.comparator-numeric" for f in validate(SEED).findings)
    root = spec_copy(tmp_path / "spec")
    line = _edit(
        root, "rules/indicators.yaml", 'where: {field: value_type, in: ["≥"', 'where: {field: value_typ, in: ["≥"'
    )
    error = _refused(root)
    _names(error, "rules/indicators.yaml", line, "indicators.comparator-numeric")
    assert "no field 'value_typ'" in str(error) and "value_type" in str(error)


FIELDS = {
    "nested where field": (
        "indicators.cost-within-money",
        "{all: [{field: level2, in: [经济成本指标, 成本指标]}",
        "{all: [{field: level_2, in: [经济成本指标, 成本指标]}",
        "level_2",
    ),
    "unit_field of bounds": (
        "indicators.cost-within-money",
        "      unit_field: unit\n      max: {field: amount}",
        "      unit_field: units\n      max: {field: amount}",
        "units",
    ),
    "field of code_list (defaults to name)": (
        "narrative.function-names",
        "      check: current_name\n",
        "      check: current_name\n      field: nam\n",
        "nam\n",
    ),
}


@pytest.mark.parametrize("name", list(FIELDS))
def test_a_field_the_items_lack_is_refused(tmp_path: Path, name: str) -> None:
    rule, old, new, bad = FIELDS[name]
    file = "rules/narrative.yaml" if rule.startswith("narrative.") else "rules/indicators.yaml"
    root = spec_copy(tmp_path / "spec")
    line = _edit(root, file, old, new) + new[: new.index(bad)].count("\n")
    error = _refused(root)
    _names(error, file, line, rule)
    assert "no field" in str(error)


def test_a_when_condition_on_a_missing_field_is_refused(tmp_path: Path) -> None:
    root = spec_copy(tmp_path / "spec")
    old = "    when: [{zero: fiscal_summary:income.prior_year_carryover}]\n"
    line = _edit(root, "rules/fiscal_summary.yaml", old, old.replace("carryover", "carryovr"))
    text = (root / "rules" / "fiscal_summary.yaml").read_text(encoding="utf-8").splitlines()
    rule = next(t.split("id: ")[1] for t in reversed(text[:line]) if t.startswith("  - id: "))
    error = _refused(root)
    _names(error, "rules/fiscal_summary.yaml", line, rule)
    assert "no field 'prior_year_carryovr'" in str(error)


# ---------------------------------------------------------------------------------------- 3 templates
TEMPLATES = {
    "attribute": "{value.__class__}",
    "index": "{value[0]}",
    "format spec": "{value:>300000000}",
    "position": "{0}",
    "empty": "{}",
    "unclosed": "{value",
    "single closing brace": "value}",
    "a name the kind never provides": "{valeu}",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(TEMPLATES))
def test_a_message_that_does_more_than_substitute_names_is_refused(tmp_path: Path, name: str, lang: str) -> None:
    root = spec_copy(tmp_path / "spec")
    old = {
        "zh": '      zh: "三级指标填的是「{value}」',
        "en": '      en: "The third level is \\"{value}\\"',
    }[lang]
    line = _edit(root, "rules/indicators.yaml", old, old.replace("{value}", TEMPLATES[name]))
    with pytest.raises(SpecError) as info:
        Spec(root)
    _names(info.value, "rules/indicators.yaml", line, "indicators.placeholder")
    assert f"message.{lang}" in str(info.value)
    if name == "a name the kind never provides":
        assert "never provides" in str(info.value)


def test_rendering_only_inserts_named_values() -> None:
    """Even a template that never went through the loader cannot reach attributes, items or formats."""
    hostile = "{value.__class__} {value[0]} {value:>300000000} {0} {} {value {{value}} }"
    assert render(hostile, {"value": "x"}) == "{value.__class__} {value[0]} {value:>300000000} {0} {} {value {value} }"
    assert render("「{value}」{missing}", {"value": "{0.__class__}"}) == "「{0.__class__}」{missing}"


# ---------------------------------------------------------------------------------------- 4 numbers
NUMBERS = {
    # name: (file, rule, old, new, what the message says)
    "weight beyond ±100": (
        "rules/narrative.yaml",
        None,
        "{ref: change.amount, weight: -1}",
        "{ref: change.amount, weight: -1000000}",
        "weight",
    ),
    "zero weight": (
        "rules/narrative.yaml",
        None,
        "{ref: change.amount, weight: -1}",
        "{ref: change.amount, weight: 0}",
        "weight",
    ),
    "weight with too many decimals": (
        "rules/narrative.yaml",
        None,
        "{ref: change.amount, weight: -1}",
        "{ref: change.amount, weight: -0.0000001}",
        "out of range",
    ),
    "code length": ("rules/cross.yaml", None, "      level: [3]\n", "      level: [4]\n", "level"),
    "huge bound": (
        "rules/indicators.yaml",
        "indicators.percent-range",
        "      max: 100\n",
        "      max: 1.0e+16\n",
        "max",
    ),
    "min above max": (
        "rules/indicators.yaml",
        "indicators.percent-range",
        "      min: 0\n",
        "      min: 101\n",
        "greater than max",
    ),
}


@pytest.mark.parametrize("name", list(NUMBERS))
def test_a_number_outside_its_range_is_refused(tmp_path: Path, name: str) -> None:
    file, rule, old, new, says = NUMBERS[name]
    root = spec_copy(tmp_path / "spec")
    line = _edit(root, file, old, new)
    if rule is None:
        text = (root / file).read_text(encoding="utf-8").splitlines()
        rule = next(t.split("id: ")[1] for t in reversed(text[:line]) if t.startswith("  - id: "))
    with pytest.raises(SpecError) as info:
        Spec(root)
    _names(info.value, file, line, rule)
    assert says in str(info.value)


@pytest.mark.parametrize(("levels", "says"), [("[3, 5, 9]", "9 is not one of"), ("[5, 3, 7]", "increasing")])
def test_code_list_levels_outside_the_code_lengths_are_refused(tmp_path: Path, levels: str, says: str) -> None:
    root = spec_copy(tmp_path / "spec")
    rel = "rules/codelists/function-2024.yaml"
    line = _edit(root, rel, "levels: [3, 5, 7]", f"levels: {levels}")
    error = _refused(root)
    _names(error, rel, line, None)
    assert says in str(error)


# ---------------------------------------------------------------------------------------- 5 $ref
REFS = {
    "http URL elsewhere": "https://evil.example/schema.json",
    "file URL": "file:///etc/passwd",
    "escape with ../": "../../../../../etc/passwd",
    "missing fragment": "common.json#/$defs/no-such-definition",
}


@pytest.mark.parametrize("name", list(REFS))
def test_a_ref_that_leaves_the_spec_is_refused(tmp_path: Path, name: str) -> None:
    root = spec_copy(tmp_path / "spec")
    rel = "schemas/document.json"
    text = (root / rel).read_text(encoding="utf-8")
    old = next(t for t in text.splitlines() if '"$ref": "' in t)
    line = _edit(
        root, rel, old, old.split('"$ref": ')[0] + f'"$ref": "{REFS[name]}"' + ("," if old.endswith(",") else "")
    )
    with pytest.raises(SpecError) as info:
        Spec(root)
    _names(info.value, rel, line, None)
    assert "$ref" in str(info.value)


def test_an_id_outside_the_spec_base_is_refused(tmp_path: Path) -> None:
    root = spec_copy(tmp_path / "spec")
    rel = "schemas/narrative.json"
    line = _edit(root, rel, '"$id": "https://budget-disclosure.org/spec/', '"$id": "https://elsewhere.example/spec/')
    with pytest.raises(SpecError) as info:
        Spec(root)
    _names(info.value, rel, line, None)
    assert "outside the spec's base" in str(info.value)


# ---------------------------------------------------------------------------------------- 6 size
def test_an_oversized_rule_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    root = spec_copy(tmp_path / "spec")
    path = root / "rules" / "income.yaml"
    # Not YAML at all: were it parsed, the error would be a syntax error, not the size.
    path.write_bytes(path.read_bytes() + b"\n[" * (MAX_FILE_BYTES // 2 + 1))
    with pytest.raises(SpecError) as info:
        Spec(root)
    _names(info.value, "rules/income.yaml", None, None)
    assert "larger than" in str(info.value)


# ---------------------------------------------------------------------------------------- 7 links
SECRET = "root:x:0:0:do-not-quote-me"


@pytest.mark.parametrize("target", ["file", "folder"])
def test_a_link_out_of_the_spec_folder_is_refused_without_quoting_its_target(tmp_path: Path, target: str) -> None:
    root = spec_copy(tmp_path / "spec")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET + "\n", encoding="utf-8")
    if target == "file":
        (root / "rules" / "x.yaml").symlink_to(outside / "passwd")
        rel = "rules/x.yaml"
    else:
        (outside / "extra.yaml").write_text(SECRET + "\n", encoding="utf-8")
        (root / "rules" / "codelists" / "more").symlink_to(outside, target_is_directory=True)
        rel = "rules/codelists/more"
    with pytest.raises(SpecError) as info:
        Spec(root)
    _names(info.value, rel, None, None)
    assert "outside the spec folder" in str(info.value)
    assert SECRET not in str(info.value) and str(outside) not in str(info.value)


def test_a_link_inside_the_spec_folder_is_allowed(tmp_path: Path) -> None:
    root = spec_copy(tmp_path / "spec")
    source = root / "rules" / "income.yaml"
    kept = root / "rules" / "sources" / "income.yaml.txt"
    kept.parent.mkdir()
    source.rename(kept)
    source.symlink_to(Path("sources") / "income.yaml.txt")
    spec = Spec(root)
    assert "income" in spec.groups
