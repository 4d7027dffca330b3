"""The spec tests itself: schemas, profiles, rule files and their annotations agree with each other."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import pytest
from jsonschema import Draft202012Validator

from budget_disclosure.spec import Spec

from .support import ROOT

SCHEMA_FILES = sorted((ROOT / "schemas").rglob("*.json"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}/{i}")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_passes_the_2020_12_metaschema(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_ids_carry_the_spec_version_and_the_file_path(spec: Spec) -> None:
    major_minor = ".".join(spec.version.split(".")[:2])
    for uri, rel in spec.schema_files.items():
        assert uri == f"https://budget-disclosure.org/spec/{major_minor}/{rel}", (
            f"{rel}: $id {uri} must be the spec's base URI + its path"
        )


def test_every_ref_resolves_offline(spec: Spec) -> None:
    resolver = spec.schema_checker.registry.resolver()
    for uri, schema in spec.schemas.items():
        for where, node in _walk(schema):
            if isinstance(node, dict) and isinstance(node.get("$ref"), str):
                target = urljoin(uri, node["$ref"])
                resolved = resolver.lookup(target)
                assert resolved.contents is not None, f"{spec.schema_files[uri]}{where}: {node['$ref']}"
                base, _ = urldefrag(target)
                assert base in spec.schemas, f"{spec.schema_files[uri]}{where}: {node['$ref']} leaves the spec"


def test_every_property_has_a_chinese_title_and_an_english_description(spec: Spec) -> None:
    resolver = spec.schema_checker.registry.resolver()
    problems = []
    for uri, schema in spec.schemas.items():
        for where, node in _walk(schema):
            # Property definitions only: the properties inside an "if" are conditions, not definitions.
            if not (isinstance(node, dict) and where.endswith("/properties")) or "/if/" in where + "/":
                continue
            for name, prop in node.items():
                if not isinstance(prop, dict):
                    continue
                title, desc = prop.get("title"), prop.get("description")
                if (title is None or desc is None) and "$ref" in prop:
                    target = resolver.lookup(urljoin(uri, prop["$ref"])).contents
                    title, desc = title or target.get("title"), desc or target.get("description")
                if not (isinstance(title, str) and CJK.search(title)):
                    problems.append(f"{spec.schema_files[uri]}{where}/{name}: needs a Chinese title")
                if not (isinstance(desc, str) and re.search(r"[A-Za-z]{3}", desc)):
                    problems.append(f"{spec.schema_files[uri]}{where}/{name}: needs an English description")
    assert not problems, "\n".join(problems)


def test_table_schemas_name_themselves(spec: Spec) -> None:
    for tid, info in spec.tables.items():
        schema = spec.schemas[info.uri]
        assert spec.schema_files[info.uri] == f"schemas/tables/{tid}.json"
        assert schema["x-table"]["id"] == tid
        assert info.title in info.titles, f"{tid}: the title must be among its synonyms"


def test_profiles_agree_with_the_schemas_and_the_rule_files(spec: Spec) -> None:
    disclosure = spec.schemas[spec.base_uri + "disclosure.json"]
    assert disclosure["properties"]["profile"]["enum"] == sorted(spec.profiles) or set(
        disclosure["properties"]["profile"]["enum"]
    ) == set(spec.profiles)
    dispatch = {b["if"]["properties"]["profile"]["const"]: b["then"]["$ref"] for b in disclosure["allOf"]}
    assert dispatch == {pid: f"profiles/{pid}.json" for pid in spec.profiles}
    for pid, profile in spec.profiles.items():
        schema = spec.schemas[profile.uri]
        tables = schema["properties"]["tables"]
        assert set(profile.tables) <= set(spec.tables), f"{pid}: requires a table document.json does not define"
        # A known table beyond the required set may be present (declared empty or with data): a profile
        # never forbids one, so its rules can run wherever a document has it.
        assert "properties" not in tables and "additionalProperties" not in tables, f"{pid}: forbids known tables"
        assert set(profile.rule_groups) == set(spec.groups), f"{pid}: applies every rule group"
        assert schema["properties"]["profile"]["const"] == pid
        assert profile.rule_groups, f"{pid}: selects no rule group"


def test_x_rule_annotations_name_schema_rules(spec: Spec) -> None:
    named: set[str] = set()
    for uri, schema in spec.schemas.items():
        for where, node in _walk(schema):
            if isinstance(node, dict) and "x-rule" in node:
                ann = node["x-rule"]
                ids = [ann] if isinstance(ann, str) else list(ann.values())
                for rid in ids:
                    assert rid in spec.rules, f"{spec.schema_files[uri]}{where}: x-rule {rid} is not defined"
                    assert spec.rules[rid].kind == "schema", f"{rid} is raised by the schema layer: kind must be schema"
                    named.add(rid)
    from budget_disclosure.schemacheck import _DEFAULT_RULE

    reachable = named | set(_DEFAULT_RULE.values()) | {"schema.invalid", "schema.profile-unknown"}
    for rid, rule in spec.rules.items():
        if rule.kind == "schema":
            assert rid in reachable, f"{rid} can never be raised"


def test_rule_files_load_and_ids_are_grouped(spec: Spec) -> None:
    for gid, group in spec.groups.items():
        assert group.file == f"rules/{gid}.yaml"
        for rule in group.rules:
            assert rule.id.startswith(gid + ".")


def test_spec_version_file() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", (ROOT / "schemas" / "VERSION").read_text().strip())
