"""The compiled schema backend (jsonschema-rs) and the reference (Python jsonschema) agree on every verdict."""

from __future__ import annotations

from typing import Any

import pytest

from budget_disclosure.reader import read
from budget_disclosure.spec import Spec

from .support import EXAMPLES, all_cases, all_examples, load_case


def _documents() -> list[tuple[str, Any]]:
    docs = []
    for path in all_examples():
        doc = read(path).document
        if doc is not None:
            docs.append((str(path.relative_to(EXAMPLES)), doc))
    for path in all_cases():
        docs.append((str(path.relative_to(EXAMPLES)), load_case(path).document))
    return docs


DOCS = _documents()


@pytest.mark.parametrize(("name", "doc"), DOCS, ids=[n for n, _ in DOCS])
def test_both_backends_reach_the_same_verdict(spec: Spec, name: str, doc: Any) -> None:
    checker = spec.schema_checker
    if checker.backend != "rust":
        pytest.skip("jsonschema-rs is not installed")
    profile = doc.get("profile")
    uri = spec.profiles[profile].uri if profile in spec.profiles else spec.document_uri
    assert checker.fast_validator(uri).is_valid(doc) == checker.validator(uri).is_valid(doc)


# The reference backend takes about 0.1 s a document (about 0.12 s x 360 documents: the slowest test of the
# suite as one test). Every document is still compared, in eight shares that the workers run side by side.
SHARES = 8


@pytest.mark.parametrize("share", range(SHARES))
def test_the_python_backend_alone_gives_the_same_findings(spec: Spec, share: int) -> None:
    from budget_disclosure.schemacheck import SchemaChecker

    reference = _reference(spec)
    assert isinstance(reference, SchemaChecker)
    for _, doc in DOCS[share::SHARES]:
        assert spec.schema_checker.check(doc, None) == reference.check(doc, None)


_REFERENCE: dict[int, Any] = {}


def _reference(spec: Spec) -> Any:
    """One Python-backend checker per spec and worker (its validators compile once)."""
    from budget_disclosure.schemacheck import SchemaChecker

    if id(spec) not in _REFERENCE:
        _REFERENCE[id(spec)] = SchemaChecker(spec, backend="python")
    return _REFERENCE[id(spec)]


def test_every_schema_compiles_in_both_backends(spec: Spec) -> None:
    for uri in spec.schemas:
        if "/profiles/" in uri or uri.endswith(("disclosure.json", "document.json")):
            spec.schema_checker.validator(uri)
            if spec.schema_checker.backend == "rust":
                spec.schema_checker.fast_validator(uri)
