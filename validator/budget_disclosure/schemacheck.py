"""The JSON Schema layer: one compiled validator per profile, errors turned into findings.

Which rule a schema error belongs to is data: a schema node may carry ``x-rule`` (a rule id, or an
object mapping JSON Schema keywords to rule ids); otherwise the keyword decides. Messages are built
from the rule files, never from the validator's own text, which can quote whole instances.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import pointer as jp
from .emit import emit, join, show
from .findings import Finding
from .labels import node_at

if TYPE_CHECKING:  # pragma: no cover - python jsonschema is imported only when details are needed
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

    # The spec builds its checker (Spec.schema_checker): importing it at run time would make a cycle.
    from .spec import Spec

__all__ = ["SchemaChecker"]

_DEFAULT_RULE = {
    "required": "schema.required",
    "additionalProperties": "schema.unknown-field",
    "unevaluatedProperties": "schema.unknown-field",
    "type": "schema.type",
    "enum": "schema.value",
    "const": "schema.value",
    "minimum": "schema.value",
    "maximum": "schema.value",
    "exclusiveMinimum": "schema.value",
    "exclusiveMaximum": "schema.value",
    "minLength": "schema.value",
    "maxLength": "schema.value",
    "pattern": "schema.value",
    "minItems": "schema.value",
    "maxItems": "schema.value",
}
_TYPE_ZH = {
    "object": "对象",
    "array": "数组",
    "string": "字符串",
    "number": "数字",
    "integer": "整数",
    "boolean": "布尔值",
    "null": "null",
}
_TYPE_EN = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "null": "null",
}
_UNEXPECTED = re.compile(r"\((.*) (?:was|were) unexpected\)", re.DOTALL)


def _rust_available() -> bool:
    try:
        import jsonschema_rs  # noqa: F401
    except ImportError:  # pragma: no cover - a platform without wheels falls back to the reference
        return False
    return True


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float,)) or type(value).__name__ == "Decimal":
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _types(value: Any, table: dict[str, str], joiner: str) -> str:
    names = value if isinstance(value, list) else [value]
    return joiner.join(table.get(n, str(n)) for n in names)


class SchemaChecker:
    """Validates documents against a profile's schema. Validators are compiled once, shared by threads.

    Two backends give one verdict: the compiled ``jsonschema-rs`` answers "valid or not" in a fraction
    of the time a parse takes; only when it says "not valid" does the reference implementation,
    Python ``jsonschema``, walk the document to produce detailed findings. Without ``jsonschema-rs``
    (or with ``backend="python"``) the reference does everything. A test holds both to the same verdict.
    """

    def __init__(self, spec: Spec, backend: str = "auto") -> None:
        self.spec = spec
        self._registry: Registry[Any] | None = None
        self._validators: dict[str, Draft202012Validator] = {}
        self._fast: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.backend = backend if backend != "auto" else ("rust" if _rust_available() else "python")

    @property
    def registry(self) -> Registry[Any]:
        """The python ``jsonschema`` registry of every schema, built on first use."""
        if self._registry is None:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012

            self._registry = (
                Registry()
                .with_resources(
                    (uri, Resource.from_contents(schema, default_specification=DRAFT202012))
                    for uri, schema in self.spec.schemas.items()
                )
                .crawl()
            )
        return self._registry

    def validator(self, uri: str) -> Draft202012Validator:
        """The python ``jsonschema`` validator of a schema: the reference, and the source of details."""
        from jsonschema import Draft202012Validator

        with self._lock:
            v = self._validators.get(uri)
            if v is None:
                v = self._validators[uri] = Draft202012Validator(self.spec.schemas[uri], registry=self.registry)
            return v

    def fast_validator(self, uri: str) -> Any:
        """The compiled jsonschema-rs validator of a schema (None with the python backend)."""
        if self.backend != "rust":
            return None
        with self._lock:
            v = self._fast.get(uri)
            if v is None:
                import jsonschema_rs

                registry = jsonschema_rs.Registry(list(self.spec.schemas.items()))
                v = self._fast[uri] = jsonschema_rs.validator_for(self.spec.schemas[uri], registry=registry)
            return v

    def is_valid(self, instance: Any, uri: str) -> bool:
        fast = self.fast_validator(uri)
        if fast is not None:
            return bool(fast.is_valid(instance))
        return bool(self.validator(uri).is_valid(instance))

    def check(self, document: dict[str, Any], profile: str | None, max_findings: int | None = None) -> list[Finding]:
        """The schema findings for ``document`` under ``profile`` (None: the document's own).

        Explaining an error costs about a millisecond; past ``max_findings`` the errors are no longer
        explained and one ``input.too-many-schema-findings`` finding says so, at the first one left out.
        """
        spec = self.spec
        findings: list[Finding] = []
        pid = profile if profile is not None else document.get("profile")
        if isinstance(pid, str) and pid in spec.profiles:
            uri = spec.profiles[pid].uri
        else:
            uri = spec.document_uri
            if profile is not None or isinstance(pid, str):
                findings.append(
                    emit(
                        spec,
                        document,
                        "schema.profile-unknown",
                        "/profile" if profile is None else "",
                        {"value": pid, "known": list(spec.profiles)},
                    )
                )
        # An explicit profile overrides the document's: validate as if the document named it.
        instance = document if profile is None else {**document, "profile": profile}
        fast = self.fast_validator(uri)
        if fast is not None and fast.is_valid(instance):
            return findings
        for error in self.validator(uri).iter_errors(instance):
            if max_findings is not None and len(findings) >= max_findings:
                pointer = jp.from_path([str(t) for t in error.absolute_path])
                findings.append(
                    emit(spec, document, "input.too-many-schema-findings", pointer, {"limit": max_findings})
                )
                break
            findings.extend(self._findings(error, document, pid))
        return findings

    # ------------------------------------------------------------------ mapping
    def _rule_for(self, error: ValidationError) -> str:
        keyword = str(error.validator)
        annotation = error.schema.get("x-rule") if isinstance(error.schema, dict) else None
        if isinstance(annotation, str):
            return annotation
        if isinstance(annotation, dict) and keyword in annotation:
            return str(annotation[keyword])
        return _DEFAULT_RULE.get(keyword, "schema.invalid")

    def _title(self, tokens: list[str]) -> str:
        node = node_at(self.spec.labels, tokens)
        if node is not None and node.title:
            return node.title
        return tokens[-1] if tokens else "文档"

    def _findings(self, error: ValidationError, document: Any, profile: Any) -> Iterator[Finding]:
        spec = self.spec
        tokens = [str(t) for t in error.absolute_path]
        ptr = jp.from_path(tokens)
        keyword = str(error.validator)
        rule = self._rule_for(error)
        instance = error.instance
        base: dict[str, Any] = {"profile": profile}
        info = spec.profiles.get(profile) if isinstance(profile, str) else None
        if info is not None:  # the years a profile covers, for schema.profile-year's message
            base["years"], base["years_en"] = info.years.text, info.years.text_en
        if keyword == "required":
            for name in list(error.validator_value):  # type: ignore[arg-type]
                if isinstance(instance, dict) and name not in instance and repr(name) in error.message:
                    title = self._title([*tokens, name])
                    yield emit(
                        spec,
                        document,
                        rule,
                        ptr,
                        {**base, "name": name, "title": title},
                        location=spec.location(document, jp.join(ptr, name)),
                    )
            return
        if keyword in ("additionalProperties", "unevaluatedProperties"):
            extras = self._extras(error)
            for name in extras:
                here = jp.join(ptr, name)
                extra = {**base, "name": name, "title": self._title([*tokens, name]), "known": list(spec.tables)}
                yield emit(spec, document, rule, here, extra)
            return
        title = self._title(tokens)
        actual = json_type(instance)
        values: dict[str, Any] = {
            **base,
            "name": tokens[-1] if tokens else "",
            "title": title,
            "value": instance if not isinstance(instance, (dict, list)) else _TYPE_ZH[actual],
            "value_en": instance if not isinstance(instance, (dict, list)) else _TYPE_EN[actual],
            "actual": _TYPE_ZH[actual],
            "actual_en": _TYPE_EN[actual],
        }
        if keyword == "type":
            values["expected"] = _types(error.validator_value, _TYPE_ZH, "或")
            values["expected_en"] = _types(error.validator_value, _TYPE_EN, " or ")
        elif keyword == "pattern":
            shape = error.schema.get("x-shape", {}) if isinstance(error.schema, dict) else {}
            values["shape"] = shape.get("zh", f"匹配 {error.validator_value}")
            values["detail"] = f"不符合格式 {error.validator_value}"
            values["detail_en"] = f"does not match {error.validator_value}"
            if "en" in shape:
                values["shape_en"] = shape["en"]
        elif keyword in ("enum", "const"):
            allowed: list[Any] = list(error.validator_value) if keyword == "enum" else [error.validator_value]  # type: ignore[arg-type]
            values["detail"] = "应为以下之一：" + join((show(v) for v in allowed), "zh")
            values["detail_en"] = "expected one of " + join((show(v, "en") for v in allowed), "en")
        elif keyword == "minLength":
            values["detail"] = "不能是空字符串（空白单元格请用 null）"
            values["detail_en"] = "must not be an empty string (use null for a blank cell)"
        elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            rel = {
                "minimum": ("不得小于", "must be at least"),
                "maximum": ("不得大于", "must be at most"),
                "exclusiveMinimum": ("必须大于", "must be greater than"),
                "exclusiveMaximum": ("必须小于", "must be less than"),
            }[keyword]
            values["detail"] = f"{rel[0]} {show(error.validator_value)}"
            values["detail_en"] = f"{rel[1]} {show(error.validator_value)}"
        elif keyword in ("minItems", "maxItems"):
            values["detail"] = f"数组元素个数{'至少' if keyword == 'minItems' else '至多'}为 {error.validator_value}"
            values["detail_en"] = (
                f"needs {'at least' if keyword == 'minItems' else 'at most'} {error.validator_value} items"
            )
        else:
            values["detail"] = f"违反约束 {keyword}"
            values["detail_en"] = f"violates {keyword}"
        yield emit(spec, document, rule, ptr, values)

    @staticmethod
    def _extras(error: ValidationError) -> list[str]:
        instance = error.instance
        if not isinstance(instance, dict):
            return []
        if error.validator == "additionalProperties" and isinstance(error.schema, dict):
            known = error.schema.get("properties", {})
            patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
            return [k for k in instance if k not in known and not any(p.search(k) for p in patterns)]
        match = _UNEXPECTED.search(error.message)
        listed = match.group(1) if match else ""
        return [k for k in instance if repr(k) in listed]
