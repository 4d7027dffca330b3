"""Check a spec file (rules, code list, framework, profiles) against its meta-schema.

The verdict comes from jsonschema-rs when it is installed (a few milliseconds for all rule files); the
python ``jsonschema`` package is imported only when a file is wrong, to say where and why. The
meta-schemas are self-contained (no cross-file ``$ref``), so no registry is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import SpecError

__all__ = ["check_spec_file"]

_fast: dict[int, Any] = {}
_MAX_MESSAGE = 300


def _fast_verdict(raw: Any, schema: Mapping[str, Any]) -> bool | None:
    """True/False from jsonschema-rs, or None when it is not available or cannot take the schema."""
    try:
        validator = _fast.get(id(schema))
        if validator is None:
            import jsonschema_rs

            validator = _fast[id(schema)] = (schema, jsonschema_rs.validator_for(dict(schema)))
        return bool(validator[1].is_valid(raw))
    except Exception:
        return None


def check_spec_file(raw: Any, schema_uri: str, schemas: Mapping[str, Any], rel: str) -> None:
    """Raise ``SpecError`` naming file, line and rule id when ``raw`` does not match its meta-schema."""
    schema = schemas[schema_uri]
    if _fast_verdict(raw, schema) is True:
        return
    from jsonschema import Draft202012Validator, exceptions

    errors = sorted(Draft202012Validator(schema).iter_errors(raw), key=lambda e: [str(t) for t in e.absolute_path])
    if not errors:
        return
    # Inside anyOf/oneOf the most relevant alternative says more than "not valid under any of the given schemas".
    err = exceptions.best_match(errors[:1]) or errors[0]
    node: Any = raw
    line = getattr(raw, "line", None)
    rule_id = None
    for token in err.absolute_path:
        parent, node = node, node[token]
        # The line of the key that names the value where there is one, else of the value's own mapping.
        line = parent.line_of(token) if isinstance(token, str) and hasattr(parent, "line_of") else line
        line = getattr(node, "line", line) if not isinstance(token, str) else line
        if isinstance(node, dict) and isinstance(node.get("id"), str) and "rules" in err.absolute_path:
            rule_id = node["id"]
    at = "/".join(str(t) for t in err.absolute_path)
    # The message may quote the offending value, which can be a whole file: never more than a line of it.
    message = err.message if len(err.message) <= _MAX_MESSAGE else err.message[: _MAX_MESSAGE - 1] + "…"
    raise SpecError(
        f"does not match schemas/{schema_uri.rsplit('/', 1)[-1]} at /{at}: {message}",
        file=rel,
        line=line,
        rule=rule_id,
    )
