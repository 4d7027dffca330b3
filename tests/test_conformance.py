"""The conformance export (``schema export``: spec files, vectors, contract) and the recipes of docs/VENDORING.md.

The vectors are re-run from the exported files alone (the exported spec, documents and index, none of
the repository's), so the export is complete and says exactly what tests/test_examples.py holds the
engine to. The check-jsonschema and ajv recipes run when the tools are at hand; with
``BUDGET_DISCLOSURE_REQUIRE_TOOLS=1`` or ``CI=true`` (set by .ci/run) a missing tool fails the test.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from budget_disclosure import Limits, validate
from budget_disclosure.examples import apply_patch
from budget_disclosure.spec import Spec
from budget_disclosure.vendoring import export

from .support import EXAMPLES, ROOT, SEED, all_cases, all_examples, load_case, load_sidecar

CONTRACT = ROOT / "docs" / "CONFORMANCE.md"
VENDORING = ROOT / "docs" / "VENDORING.md"
RECIPE = ROOT / "tools" / "conformance"
SEED_VECTOR = "documents/" + SEED.relative_to(EXAMPLES).as_posix()
# Any request for the network goes to a closed port: the recipes must resolve every $id locally.
OFFLINE = {
    **{k: "http://127.0.0.1:9" for k in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")},
    "NO_PROXY": "",
    "no_proxy": "",
}


@pytest.fixture(scope="module")
def source() -> Spec:
    """The repository's spec files, examples and contract (not those of an installed wheel)."""
    return Spec(ROOT)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, source: Spec) -> Path:
    target = tmp_path_factory.mktemp("export") / "spec"
    export(source, target)
    return target


@pytest.fixture(scope="module")
def index(exported: Path) -> dict[str, Any]:
    return json.loads((exported / "conformance" / "index.json").read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(scope="module")
def vectors(index: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["id"]: v for v in index["vectors"]}


@pytest.fixture(scope="module")
def exported_spec(exported: Path) -> Spec:
    return Spec(exported)


def _ids() -> list[str]:
    """The vectors the repository's examples and cases make, named as the index names them."""
    docs = [p.relative_to(EXAMPLES).as_posix()[: -len(".json")] for p in all_examples()]
    return docs + [p.relative_to(EXAMPLES).as_posix()[: -len(".yaml")] for p in all_cases()]


def _triples(items: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["pointer"], f["severity"]) for f in items)


def _options(raw: dict[str, Any]) -> dict[str, Any]:
    options = dict(raw)
    if "limits" in options:
        options["limits"] = Limits(**options["limits"])
    return options


def _exact(value: Any) -> Any:
    """A JSON value with each decimal as its text, so that 1.0 and 1.00 (and 1E+3 and 1000) differ."""
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return ("decimal", str(value)) if isinstance(value, Decimal) else value


def test_index_lists_every_example_and_case(vectors: dict[str, dict[str, Any]]) -> None:
    assert list(vectors) == _ids()


@pytest.mark.parametrize("vector_id", _ids())
def test_vector_from_the_export_alone(
    vector_id: str, exported: Path, vectors: dict[str, dict[str, Any]], exported_spec: Spec
) -> None:
    vector = vectors[vector_id]
    folder = exported / "conformance"
    options = _options(vector["options"])

    @cache
    def report(rel: str) -> Any:
        return validate(folder / rel, spec=exported_spec, **options)

    if vector["kind"] == "document":
        # The expectation is the sidecar's, read here the way tests/test_examples.py reads it.
        sidecar_options, expected = load_sidecar(EXAMPLES / f"{vector_id}.json")
        assert options == sidecar_options and _triples(vector["findings"]) == expected
        assert (folder / vector["document"]).read_bytes() == (EXAMPLES / f"{vector_id}.json").read_bytes()
        found = sorted((f.rule, f.pointer, f.severity.value) for f in report(vector["document"]).findings)
        assert len(set(found)) == len(found), "a triple reported twice"
        assert found == expected
        return
    case = load_case(EXAMPLES / f"{vector_id}.yaml")
    assert options == case.options and _exact(vector["patch"]) == _exact(case.patch)
    assert _triples(vector["added"]) == case.expected and _triples(vector["removed"]) == case.removed
    assert vector.get("skipped_added") == case.skipped
    assert vector["base"] == "documents/" + Path(case.base_path).relative_to(EXAMPLES).as_posix()
    read = lambda rel: json.loads((folder / rel).read_text(encoding="utf-8"), parse_float=Decimal)  # noqa: E731
    patched = read(vector["document"])
    assert _exact(patched) == _exact(apply_patch(read(vector["base"]), vector["patch"])) == _exact(case.document)
    before, after = report(vector["base"]), report(vector["document"])
    b = [(f.rule, f.pointer, f.severity.value) for f in before.findings]
    a = [(f.rule, f.pointer, f.severity.value) for f in after.findings]
    assert sorted(t for t in a if t not in b) == _triples(vector["added"])
    assert sorted(t for t in b if t not in a) == _triples(vector["removed"])
    if "findings" in vector:
        assert sorted(a) == _triples(vector["findings"])
    if "skipped_added" in vector:
        assert sorted({s.rule for s in after.skipped} - {s.rule for s in before.skipped}) == vector["skipped_added"]


def test_full_findings_where_the_base_pins_them(vectors: dict[str, dict[str, Any]]) -> None:
    """A case states the patched document's whole list whenever its options are its base's."""
    by_document = {v["document"]: v for v in vectors.values() if v["kind"] == "document"}
    for vector in vectors.values():
        if vector["kind"] == "case":
            same = vector["options"] == by_document[vector["base"]]["options"]
            assert ("findings" in vector) == same, vector["id"]


def _layout() -> list[str]:
    """The patterns of the layout block in docs/CONFORMANCE.md."""
    text = CONTRACT.read_text(encoding="utf-8")
    section = text.split("## Layout of an export", 1)[1]
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block is not None
    return [line.split()[0] for line in block.group(1).splitlines() if line.strip()]


def test_export_tree_is_what_the_contract_documents(exported: Path, index: dict[str, Any], source: Spec) -> None:
    files = sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file())
    patterns = _layout()
    for rel in files:
        hits = [p for p in patterns if fnmatch.fnmatchcase(rel, p.replace("**", "*"))]
        assert len(hits) == 1, f"{rel} matches {hits} of the documented layout"
    for pattern in patterns:
        assert any(fnmatch.fnmatchcase(rel, pattern.replace("**", "*")) for rel in files), pattern
    manifest = json.loads((exported / "MANIFEST.json").read_text(encoding="utf-8"))
    listed = {**manifest["files"], **manifest["conformance"]}
    assert sorted(listed) == [f for f in files if f != "MANIFEST.json"]
    for rel, digest in listed.items():
        assert hashlib.sha256((exported / rel).read_bytes()).hexdigest() == digest, rel
    assert (exported / "conformance" / "CONTRACT.md").read_bytes() == CONTRACT.read_bytes()
    named = {f"conformance/{v[k]}" for v in index["vectors"] for k in ("document", "base") if k in v}
    data = {f for f in files if f.startswith(("conformance/documents/", "conformance/cases/"))}
    assert named == data
    assert index["format"] == 1 and index["contract"] == "CONTRACT.md"
    assert index["spec_version"] == manifest["spec_version"] == source.version


def test_export_again_replaces_the_vectors(tmp_path: Path, source: Spec) -> None:
    target = tmp_path / "spec"
    export(source, target)
    stale = target / "conformance" / "cases" / "gone.json"
    stale.write_text("{}", encoding="utf-8")
    export(source, target, force=True)
    assert not stale.exists() and (target / "conformance" / "index.json").is_file()


def test_spec_folder_without_examples_exports_no_vectors(tmp_path: Path, exported: Path) -> None:
    """A vendored spec folder (schemas/ and rules/ only) still exports; it has no vectors to give."""
    target = tmp_path / "again"
    export(Spec(exported), target)
    manifest = json.loads((target / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["conformance"] == {} and not (target / "conformance").exists()


# ------------------------------------------------------------------------------------------ recipes
def _required() -> bool:
    return os.environ.get("BUDGET_DISCLOSURE_REQUIRE_TOOLS") == "1" or os.environ.get("CI", "").lower() == "true"


def _missing(what: str) -> None:
    if _required():
        pytest.fail(f"{what} is required here (BUDGET_DISCLOSURE_REQUIRE_TOOLS=1 or CI=true) and missing")
    pytest.skip(f"{what} is not installed (see docs/VENDORING.md)")


def _schema_valid(vector: dict[str, Any]) -> bool:
    return not any(f["rule"].startswith("schema.") for f in vector["findings"])


def _verdict_vectors(vectors: dict[str, dict[str, Any]], group: str | None = None) -> list[dict[str, Any]]:
    """Vectors a plain JSON Schema validator can judge: JSON text, default options, whole findings stated."""
    out = []
    for v in vectors.values():
        if "findings" not in v or v["options"] or any(f["rule"].startswith("input.") for f in v["findings"]):
            continue
        if group is None or v["id"].startswith(group):
            out.append(v)
    return out


def test_check_jsonschema_recipe_offline(exported: Path, vectors: dict[str, dict[str, Any]]) -> None:
    tool = os.environ.get("BUDGET_DISCLOSURE_CHECK_JSONSCHEMA") or shutil.which("check-jsonschema")
    beside = Path(sys.executable).with_name("check-jsonschema")
    if not tool and beside.exists():
        tool = str(beside)
    if not tool or not Path(tool).exists():
        _missing("check-jsonschema")
    assert tool is not None
    entry = exported / "schemas" / "disclosure.json"
    # The seed and the schema cases (each table broken at least once): the recipe's verdict is ours.
    chosen = [vectors[SEED_VECTOR[len("documents/") : -len(".json")]], *_verdict_vectors(vectors, "cases/schema/")]
    paths = [str(exported / "conformance" / v["document"]) for v in chosen]
    run = subprocess.run(
        [tool, "--schemafile", str(entry), "--base-uri", entry.as_uri(), "-o", "json", *paths],
        capture_output=True,
        text=True,
        env={**os.environ, **OFFLINE},
        timeout=300,
    )
    assert run.returncode in (0, 1), run.stderr + run.stdout
    result = json.loads(run.stdout)
    assert not result.get("parse_errors"), result
    invalid = {e["filename"] for e in result["errors"]}
    assert paths[0] not in invalid, "the seed must be schema-valid"
    for vector, path in zip(chosen, paths, strict=True):
        assert (path not in invalid) == _schema_valid(vector), vector["id"]
    assert invalid, "no schema case was found invalid: the recipe checked nothing"


def test_ajv_recipe_offline(exported: Path, vectors: dict[str, dict[str, Any]]) -> None:
    node = shutil.which("node")
    modules = Path(os.environ.get("BUDGET_DISCLOSURE_AJV_MODULES") or RECIPE / "node_modules")
    if node is None:
        _missing("node")
    if not (modules / "ajv" / "dist" / "2020.js").is_file() or not (modules / "ajv-formats").is_dir():
        _missing(f"ajv and ajv-formats (npm ci in {RECIPE.relative_to(ROOT)}, or BUDGET_DISCLOSURE_AJV_MODULES)")
    assert node is not None
    chosen = _verdict_vectors(vectors)
    paths = [str(exported / "conformance" / v["document"]) for v in chosen]
    run = subprocess.run(
        [node, str(RECIPE / "ajv-validate.mjs"), str(exported), *paths],
        capture_output=True,
        text=True,
        env={**os.environ, **OFFLINE, "NODE_PATH": str(modules)},
        timeout=300,
    )
    assert run.returncode in (0, 1) and not run.stderr, run.stderr
    verdicts = dict(line.rsplit(" ", 1) for line in run.stdout.splitlines() if not line.startswith(" "))
    assert verdicts[str(exported / "conformance" / SEED_VECTOR)] == "valid"
    for vector, path in zip(chosen, paths, strict=True):
        assert (verdicts[path] == "valid") == _schema_valid(vector), vector["id"]
    assert "invalid" in verdicts.values()


def test_recipes_are_documented() -> None:
    text = VENDORING.read_text(encoding="utf-8")
    assert "--base-uri" in text and "tools/conformance/ajv-validate.mjs" in text
    package = json.loads((RECIPE / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((RECIPE / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
        assert f"{name}@{version}" in text or f"{name} {version}" in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "check-jsonschema" in ci and "npm ci" in ci and "BUDGET_DISCLOSURE_REQUIRE_TOOLS=1" in ci
