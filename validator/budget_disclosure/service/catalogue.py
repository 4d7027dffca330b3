"""The rule catalogue and the profiles as JSON data (``/v1/rules``, ``/v1/profiles``), and the spec files
by the paths of their ``$id``s."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..rules.model import RuleDef
from ..spec import Spec
from ..specfiles import read_spec_file

__all__ = ["profile_dict", "rule_detail", "rule_summary", "spec_files", "spec_prefix"]


def rule_summary(rule: RuleDef) -> dict[str, Any]:
    """What ``budget-disclosure rules list --format json`` prints for a rule."""
    return {
        "id": rule.id,
        "group": rule.group,
        "severity": rule.severity.value,
        "kind": rule.kind,
        "title": rule.title,
        "title_en": rule.title_en,
        "basis": rule.basis,
        "basis_en": rule.basis_en,
    }


def rule_detail(spec: Spec, rule: RuleDef) -> dict[str, Any]:
    """A rule in full, as ``rules explain`` shows it: also its meaning, messages, catalogue references,
    the profiles that run it and where it is written."""
    return {
        **rule_summary(rule),
        "description": rule.description,
        "description_en": rule.description_en,
        "message": rule.message,
        "message_en": rule.message_en,
        "refs": list(rule.refs),
        "profiles": [p.id for p in spec.profiles.values() if rule.group in p.rule_groups],
        "file": rule.file,
        "line": rule.line,
    }


def profile_dict(spec: Spec, profile_id: str) -> dict[str, Any]:
    p = spec.profiles[profile_id]
    return {
        "id": p.id,
        "title": p.title,
        "description": p.description,
        "schema": p.uri,
        "years": {"from": p.years.first, "to": p.years.last},
        "tables": list(p.tables),
        "rule_groups": list(p.rule_groups),
    }


def spec_prefix(spec: Spec) -> str:
    """The path under which the spec folder is served: the path of the ``$id``s' base without its last
    folder (``https://budget-disclosure.org/spec/0.1/schemas/`` → ``/spec/0.1/``), so that the schema
    ``schemas/common.json`` is served at the path of its ``$id`` and the rule files beside it."""
    path = urlsplit(spec.base_uri).path
    return path.rstrip("/").rsplit("/", 1)[0] + "/"


def spec_files(spec: Spec) -> dict[str, bytes]:
    """Every spec file's bytes by its path relative to the spec folder (what ``schema export`` copies),
    read once when the service starts."""
    return {rel: read_spec_file(path, rel) for rel, path in sorted(spec.files.items())}
