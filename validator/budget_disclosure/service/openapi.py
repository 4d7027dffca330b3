"""The OpenAPI 3.1 description, made from the route declarations (``routes.endpoints``)."""

from __future__ import annotations

import re
from typing import Any

from .. import _version
from ..spec import Spec
from .errors import ERRORS
from .params import Endpoint, Param

__all__ = ["describe"]

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "lang"],
            "properties": {
                "code": {"type": "string", "enum": sorted(ERRORS)},
                "message": {"type": "string"},
                "lang": {"type": "string", "enum": ["zh", "en"]},
            },
        }
    },
}


def _param(p: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": p.kind}
    if p.enum:
        schema["enum"] = list(p.enum)
    if p.default is not None:
        schema["default"] = p.default
    if p.repeat:
        schema = {"type": "array", "items": schema}
    out: dict[str, Any] = {"name": p.name, "in": p.where, "description": p.description, "schema": schema}
    if p.where == "path":
        out["required"] = True
    elif p.repeat:
        out["style"], out["explode"] = "form", True
    return out


def _operation(e: Endpoint) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": e.operation, "summary": e.summary}
    if e.description:
        op["description"] = e.description
    if e.params:
        op["parameters"] = [_param(p) for p in e.params]
    if e.body:
        op["requestBody"] = {"required": True, "content": {m: {} for m in e.body}}
    responses: dict[str, Any] = {}
    for a in e.answers:
        content: dict[str, Any] = {m: {} for m in a.media}
        if a.status >= 400 and "application/json" in content and a.status != 422:
            content["application/json"] = {"schema": {"$ref": "#/components/schemas/Error"}}
        responses[str(a.status)] = {"description": a.description, "content": content}
    if not responses:
        responses["200"] = {"description": "OK", "content": {"application/json": {}}}
    op["responses"] = responses
    return op


def openapi_path(path: str) -> str:
    """Starlette's ``{name:path}`` is OpenAPI's ``{name}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def describe(spec: Spec, endpoints: tuple[Endpoint, ...]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for e in endpoints:
        paths.setdefault(openapi_path(e.path), {})[e.method.lower()] = _operation(e)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "budget-disclosure",
            "version": _version.__version__,
            "summary": "Validator for Chinese department budget disclosures (部门预算公开)",
            "description": f"Spec {spec.version}. Error answers are {{'error': {{'code', 'message', 'lang'}}}}; "
            "503 answers for too much work carry Retry-After.",
        },
        "paths": paths,
        "components": {"schemas": {"Error": _ERROR_SCHEMA}},
    }
