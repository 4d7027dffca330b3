"""The conformance vectors: the examples and cases with their expected findings, for engines in any language.

``schema export`` writes them under ``conformance/`` beside the spec files (docs/CONFORMANCE.md, copied as
``conformance/CONTRACT.md``, is the contract they test). Every expectation is taken from the sidecars and
case files, never from a run of this engine, so the vectors state exactly what ``tests/test_examples.py``
holds this engine to:

- an example ``NAME.json`` with its sidecar ``NAME.expected.yaml`` is a ``document`` vector: the file as
  it is (byte for byte: some are deliberately not JSON), the options, the exact findings;
- a case ``cases/<group>/<name>.yaml`` is a ``case`` vector: its base (a ``document`` vector's file), the
  RFC 6902 patch, the patched document written out, the options, the findings the patch adds and removes,
  and the rules it newly makes not verifiable when the case states them. When the case validates with the
  options its base's sidecar pins, the patched document's whole list of findings follows from the two
  (``findings``); otherwise only the difference is stated.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import BudgetDisclosureError
from .examples import apply_patch
from .yamlload import load_yaml

__all__ = ["FORMAT", "export_vectors", "vectors"]

FORMAT = 1
CONTRACT_SOURCE = Path("docs") / "CONFORMANCE.md"
_FIELDS = ("rule", "severity", "pointer")


def dumps(value: Any) -> str:
    """JSON text, two-space indented, with every ``Decimal`` written as its own text (``str``), so that
    reading it back gives the same decimal digit for digit, exponent included (``1E+3`` stays ``1E+3``)."""
    return _write(value, "") + "\n"


def _write(value: Any, pad: str) -> str:
    inner = pad + "  "
    if isinstance(value, dict) and value:
        items = (f"{inner}{json.dumps(k, ensure_ascii=False)}: {_write(v, inner)}" for k, v in value.items())
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join(inner + _write(v, inner) for v in value) + "\n" + pad + "]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise BudgetDisclosureError(f"{value} is not a JSON number")
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _findings(items: Any) -> list[dict[str, str]]:
    """Expected findings as written, reduced to the compared triple, in one fixed order."""
    triples = sorted((str(e["rule"]), str(e["severity"]), str(e["pointer"])) for e in items or [])
    return [dict(zip(_FIELDS, t, strict=True)) for t in triples]


def _key(finding: dict[str, str]) -> tuple[str, ...]:
    return tuple(finding[f] for f in _FIELDS)


def _options(raw: Any) -> dict[str, Any]:
    return dict(raw or {})


def vectors(examples: Path) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """(the index's vectors, the files they name: path under ``conformance/`` → bytes)."""
    files: dict[str, bytes] = {}
    out: list[dict[str, Any]] = []
    documents: dict[Path, dict[str, Any]] = {}
    for path in sorted(examples.rglob("*.json")):
        rel = path.relative_to(examples).as_posix()
        sidecar = path.with_name(path.name[: -len(".json")] + ".expected.yaml")
        if not sidecar.is_file():
            raise BudgetDisclosureError(f"examples/{rel} has no sidecar {sidecar.name}")
        raw = load_yaml(sidecar, display=f"examples/{sidecar.relative_to(examples).as_posix()}")
        document_file = f"documents/{rel}"
        vector: dict[str, Any] = {
            "id": rel[: -len(".json")],
            "kind": "document",
            "document": document_file,
            "options": _options(raw.get("options")),
            "findings": _findings(raw.get("findings")),
        }
        files[document_file] = path.read_bytes()
        documents[path.resolve()] = vector
        out.append(vector)
    for path in sorted((examples / "cases").rglob("*.yaml")):
        rel = path.relative_to(examples).as_posix()
        raw = load_yaml(path, display=f"examples/{rel}")
        base_path = (path.parent / raw["base"]).resolve()
        base = documents.get(base_path)
        if base is None:
            raise BudgetDisclosureError(f"examples/{rel}: its base {raw['base']} is not an example")
        patch = list(raw.get("patch") or [])
        document = apply_patch(json.loads(base_path.read_text(encoding="utf-8"), parse_float=Decimal), patch)
        options = _options(raw.get("options"))
        added, removed = _findings(raw.get("expected")), _findings(raw.get("removed"))
        patched_file = f"{rel[: -len('.yaml')]}.json"
        vector = {
            "id": rel[: -len(".yaml")],
            "kind": "case",
            "title": dict(raw["title"]),
            "rule": raw.get("rule"),
            "base": base["document"],
            "patch": patch,
            "document": patched_file,
            "options": options,
            "added": added,
            "removed": removed,
        }
        if "skipped" in raw:
            vector["skipped_added"] = sorted(raw["skipped"])
        if options == base["options"]:
            gone = {_key(f) for f in removed}
            kept = [f for f in base["findings"] if _key(f) not in gone]
            if len(kept) != len(base["findings"]) - len(gone):
                raise BudgetDisclosureError(f"examples/{rel}: removes a finding its base does not have")
            vector["findings"] = sorted([*kept, *added], key=_key)
        files[patched_file] = dumps(document).encode("utf-8")
        out.append(vector)
    return out, files


def export_vectors(root: Path, target: Path, spec_version: str) -> dict[str, str]:
    """Write ``conformance/`` under ``target`` from the checkout or wheel at ``root``; path → SHA-256.

    Returns nothing (an empty map) when ``root`` has no examples (a spec folder vendored without them).
    """
    examples = root / "examples"
    if not examples.is_dir():
        return {}
    contract = root / CONTRACT_SOURCE
    items, files = vectors(examples)
    index = {
        "format": FORMAT,
        "spec_version": spec_version,
        "contract": "CONTRACT.md",
        "vectors": items,
    }
    files["index.json"] = dumps(index).encode("utf-8")
    written: dict[str, str] = {}
    folder = target / "conformance"
    for rel, data in sorted(files.items()):
        dest = folder / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        written[f"conformance/{rel}"] = hashlib.sha256(data).hexdigest()
    if contract.is_file():
        shutil.copyfile(contract, folder / "CONTRACT.md")
        written["conformance/CONTRACT.md"] = hashlib.sha256(contract.read_bytes()).hexdigest()
    else:
        raise BudgetDisclosureError(f"{CONTRACT_SOURCE.as_posix()} is missing beside the examples")
    return dict(sorted(written.items()))
