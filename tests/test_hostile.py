"""Hostile and broken input: every case ends in findings or a clear error naming the place, never a
traceback; in a batch the other documents are still validated; nothing in a document or a rule file
can run code or read another file. The reader's own cases (encodings, NaN, limits …) are in
test_reader.py; this module covers the rest of the list and fuzzes the whole pipeline."""

from __future__ import annotations

import builtins
import copy
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from budget_disclosure import InputError, SpecError, validate
from budget_disclosure import pointer as jp
from budget_disclosure.cli import main
from budget_disclosure.spec import Spec, get_spec

from .mutations import remove_at, set_at
from .support import CLEAN, EXAMPLES, SEED, leaf_pointers, load_json, spec_copy

MiB = 1024 * 1024


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _no_finding_is_huge(report: Any) -> None:
    for f in report.findings:
        assert len(f.message) < 2000 and len(f.message_en) < 2000 and len(f.location) < 2000, f.rule


# ------------------------------------------------------------------------------------------ big values
def test_a_one_megabyte_string_in_a_cell_is_a_finding_and_is_not_echoed() -> None:
    doc = load_json(CLEAN)
    doc["tables"]["income"]["rows"][0]["total"] = "9" * MiB  # text where an amount belongs
    doc["metadata"]["unit_name"] = "长" * MiB
    report = validate(doc)
    assert not report.valid
    assert any(f.pointer == "/tables/income/rows/0/total" and f.rule.startswith("schema.") for f in report.findings)
    _no_finding_is_huge(report)


def test_a_one_megabyte_key_is_an_unknown_field_with_a_short_message() -> None:
    doc = load_json(CLEAN)
    doc["tables"]["summary"]["k" * MiB] = 1
    report = validate(json.dumps(doc, default=str).encode())
    (f,) = [f for f in report.findings if f.rule == "schema.unknown-field"]
    assert f.pointer == jp.join("/tables/summary", "k" * MiB)  # the pointer stays exact
    _no_finding_is_huge(report)


def test_a_long_json_lines_record_among_good_ones(tmp_path: Path) -> None:
    good = json.dumps(json.loads(CLEAN.read_text(encoding="utf-8")), ensure_ascii=False)
    huge = json.dumps({"profile": "x" * (2 * MiB)})
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([good, huge, "[1, 2", good]) + "\n", encoding="utf-8")
    result = _cli("validate", "--format", "json", str(path))
    assert result.exit_code == 1
    docs = json.loads(result.output)["documents"]
    assert [d["valid"] for d in docs] == [True, False, False, True]
    assert len(result.output) < 200_000


# ------------------------------------------------------------------------------------------ wrong types
WRONG = [[], {}, True, "二〇二四年", -(10**25), None, "-"]


def _sampled_positions() -> list[str]:
    """Every position of the seed's first rows and fields: each table's header, its first row, its
    total row, the metadata and the narrative (about 400 pointers)."""
    doc = load_json(SEED)
    keep = []
    for ptr in leaf_pointers(doc):
        tokens = jp.parse(ptr)
        rows = [i for i, t in enumerate(tokens) if t.isdigit()]
        if all(tokens[i] == "0" for i in rows):
            keep.append(ptr)
    return keep


POSITIONS = _sampled_positions()


@pytest.mark.parametrize("chunk", range(8))
def test_a_wrong_type_in_any_position_is_reported_there_or_above(chunk: int) -> None:
    base = load_json(SEED)
    for index, ptr in enumerate(POSITIONS[chunk::8]):
        wrong = WRONG[(index + chunk) % len(WRONG)]
        doc = set_at(base, ptr, wrong)
        report = validate(doc)
        for f in report.findings:
            jp.resolve(doc, f.pointer)  # every finding points into the document it was given
        _no_finding_is_huge(report)


def test_a_wrong_type_at_the_top_of_every_table() -> None:
    base = load_json(SEED)
    for tid in base["tables"]:
        for wrong in ([], "空表", 0, None):
            doc = copy.deepcopy(base)
            doc["tables"][tid] = wrong
            report = validate(doc)
            here = [f for f in report.findings if f.pointer.startswith(f"/tables/{tid}")]
            assert here and all(f.severity.value == "error" for f in here), (tid, wrong)
            assert any(s.reason_en for s in report.skipped)


# ------------------------------------------------------------------------------------------ unknown parts
def test_an_unknown_table_id_is_named() -> None:
    doc = load_json(CLEAN)
    doc["tables"]["capital_budget"] = {"title": "资本预算表", "rows": []}
    report = validate(doc)
    (f,) = [f for f in report.findings if f.pointer == "/tables/capital_budget"]
    assert f.rule == "schema.table-unknown" and "capital_budget" in f.message


def test_an_unknown_profile_is_named_with_the_known_ones() -> None:
    doc = load_json(CLEAN)
    doc["profile"] = "hunan-changsha-2099"
    report = validate(doc)
    f = next(f for f in report.findings if f.rule == "schema.profile-unknown")
    assert "hunan-changsha-2099" in f.message and "hunan-changsha" in f.message


# ------------------------------------------------------------------------------------------ files
def test_an_unreadable_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "locked.json"
    target.write_bytes(CLEAN.read_bytes())
    real_open = os.open

    def refuse(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == target:  # tests run as root, which no file mode stops
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(InputError, match=r"locked\.json: permission denied"):
        validate(target)
    result = _cli("validate", "--format", "json", str(target), str(CLEAN))
    assert result.exit_code == 2
    docs = json.loads(result.output)["documents"]
    assert "permission denied" in docs[0]["error"] and docs[1]["valid"] is True


def test_a_broken_link_in_a_folder_is_reported_not_skipped(tmp_path: Path) -> None:
    shutil.copy(CLEAN, tmp_path / "a.json")
    os.symlink(tmp_path / "gone.json", tmp_path / "b.json")
    result = _cli("validate", "--format", "json", str(tmp_path))
    docs = json.loads(result.output)["documents"]
    assert [Path(d["source"]).name for d in docs] == ["a.json", "b.json"]
    assert docs[0]["valid"] is True and "no such file" in docs[1]["error"]
    assert result.exit_code == 2


def test_an_empty_json_lines_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "none.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    result = _cli("validate", str(path))
    assert result.exit_code == 2 and "JSON Lines 文件中没有文档" in result.output


@pytest.mark.parametrize("name", sorted(p.name for p in (EXAMPLES / "input").glob("*.json")))
def test_every_broken_input_example_in_one_batch_with_a_good_one(name: str) -> None:
    result = _cli("validate", "--format", "json", str(EXAMPLES / "input" / name), str(CLEAN))
    assert result.exit_code in (1, 2)
    docs = json.loads(result.output)["documents"]
    assert docs[-1]["valid"] is True and docs[0]["valid"] is False


# ------------------------------------------------------------------------------------------ no code, no files
def test_a_document_cannot_make_the_validator_open_files(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = load_json(CLEAN)
    validate(doc)  # everything the validator needs is loaded now
    doc["$schema"] = "file:///etc/passwd"
    doc["tables"]["income"]["$ref"] = "file:///etc/shadow"
    doc["metadata"]["unit_name"] = {"$ref": "../../rules/income.yaml"}

    def no_open(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"the validator tried to open {args[:1]}")

    monkeypatch.setattr(builtins, "open", no_open)
    monkeypatch.setattr(io, "open", no_open)
    monkeypatch.setattr(Path, "open", no_open)
    report = validate(doc)
    assert {f.rule for f in report.findings} >= {"schema.unknown-field", "schema.type"}


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        "!!python/name:os.system",
    ],
)
def test_a_rule_file_cannot_run_code(tmp_path: Path, payload: str) -> None:
    root = spec_copy(tmp_path / "spec")
    marker = tmp_path / "ran"
    path = root / "rules" / "income.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    kind: row_sum\n", f"    kind: {payload.format(marker=marker)}\n", 1), "utf-8")
    with pytest.raises(SpecError) as info:
        Spec(root)
    assert info.value.file == "rules/income.yaml" and isinstance(info.value.line, int)
    assert not marker.exists()


def test_a_rule_file_cannot_include_other_files(tmp_path: Path) -> None:
    root = spec_copy(tmp_path / "spec")
    path = root / "rules" / "income.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    kind: row_sum\n", "    kind: !include /etc/passwd\n", 1), "utf-8")
    with pytest.raises(SpecError, match=r"rules/income\.yaml"):
        Spec(root)


def test_nested_yaml_aliases_are_refused(tmp_path: Path) -> None:
    """A "billion laughs" file inside a free-form value (rule parameters) is refused at load."""
    root = spec_copy(tmp_path / "spec")
    bomb = "b0: &b0 [x]\n" + "".join(
        f"b{i}: &b{i} [*b{i - 1}, *b{i - 1}, *b{i - 1}, *b{i - 1}]\n" for i in range(1, 30)
    )
    path = root / "rules" / "income.yaml"
    text = path.read_text(encoding="utf-8")
    nested = "    params:\n      bomb: {" + bomb.replace("\n", ", ").rstrip(", ") + "}\n"
    path.write_text(text.replace("    params:\n", nested, 1), "utf-8")
    with pytest.raises(SpecError, match=r"rules/income\.yaml.*nested YAML aliases"):
        Spec(root)


# ------------------------------------------------------------------------------------------ fuzz
SEED_BYTES = SEED.read_bytes()


@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(SEED_BYTES)), st.integers(0, 40), st.binary(max_size=8)), min_size=1, max_size=4
    )
)
def test_fuzzed_seed_bytes_never_crash(edits: list[tuple[int, int, bytes]]) -> None:
    """Byte-level damage to a real disclosure (cut, insert, overwrite) gives a report, never an exception."""
    data = bytearray(SEED_BYTES)
    for at, cut, insert in edits:
        data[at : at + cut] = insert
    report = validate(bytes(data))
    assert report.findings or report.valid
    _no_finding_is_huge(report)


@given(data=st.data())
def test_fuzzed_structure_never_crashes(data: Any) -> None:
    """Structural damage: any node of the seed replaced, deleted or duplicated under another key."""
    doc = load_json(SEED)
    pointers = leaf_pointers(doc)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        ptr = data.draw(st.sampled_from(pointers), label="pointer")
        tokens = jp.parse(ptr)
        cut = data.draw(st.integers(1, len(tokens)), label="depth")
        target = jp.from_path(tokens[:cut])
        if jp.resolve(doc, target, None) is None:
            continue  # removed by an earlier edit
        if data.draw(st.booleans(), label="delete"):
            doc = remove_at(doc, target)
        else:
            doc = set_at(doc, target, data.draw(st.sampled_from(WRONG), label="value"))
    report = validate(doc)
    for f in report.findings:
        jp.resolve(doc, f.pointer)


def test_the_spec_is_not_changed_by_validation() -> None:
    spec = get_spec()
    before = json.dumps(spec.schemas, sort_keys=True, default=str)
    validate(load_json(SEED))
    assert json.dumps(spec.schemas, sort_keys=True, default=str) == before
