"""Every route of the service, declared once (path, parameters, body, answers) with its handler."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import _version
from ..api import Selector
from ..batch import Options
from ..reader import Limits
from ..rules import DEFAULT_ENGINE, ENGINE_NAMES
from ..spec import Spec
from .catalogue import profile_dict, rule_detail, rule_summary, spec_prefix
from .errors import ServiceError
from .params import Answer, Endpoint, Param
from .work import MEDIA_TYPES, Work

__all__ = ["JSON_TYPES", "WORKBOOK_TYPES", "endpoints"]

JSON_TYPES = ("application/json",)
WORKBOOK_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)
_SEVERITIES = ("error", "warning", "info")
_LANG = Param("lang", "Language of the report's own words and of error messages.", enum=("zh", "en"), default="zh")


def _json(data: Any, status: int = 200) -> Response:
    import json

    body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return Response(body.encode("utf-8"), status, media_type="application/json")


# ------------------------------------------------------------------------------------------ validate
async def validate(request: Request, args: dict[str, Any]) -> Response:
    state = request.app.state
    loop = asyncio.get_running_loop()
    started = loop.time()
    lang = args["lang"]
    workbook = _body_kind(request, lang)
    options = _options(state.spec, state.config.max_findings_per_rule, state.config.max_body_bytes, args)
    limit = state.config.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ServiceError("too-large", lang, limit=limit)
    with state.pool.admit(lang) as slot:
        timeout = state.config.timeout
        try:
            body = await asyncio.wait_for(_read_body(request, limit, lang), timeout)
        except TimeoutError:
            raise ServiceError("body-timeout", lang, limit=f"{timeout:g}") from None
        work = Work(body, workbook, options, args["format"], lang)
        done = await state.pool.run(work, slot, max(timeout - (loop.time() - started), 0.001))
    if done.error is not None:
        code = "unreadable" if done.status == 422 else "internal"
        raise ServiceError(code, lang, detail=done.error)
    return Response(done.body, done.status, media_type=done.media_type)


def _body_kind(request: Request, lang: str) -> bool:
    """True for a workbook, False for JSON; any other content type is a 415."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media in JSON_TYPES:
        return False
    if media in WORKBOOK_TYPES:
        return True
    raise ServiceError("unsupported-media-type", lang, detail=media or "(none)")


def _options(spec: Spec, max_findings: int, max_bytes: int, args: dict[str, Any]) -> Options:
    lang = args["lang"]
    wrong = Selector(args["select"], args["ignore"]).problems(spec)
    if wrong:
        raise ServiceError("bad-parameter", lang, detail="; ".join(wrong))
    profile = args["profile"]
    if profile is not None and profile not in spec.profiles:
        raise ServiceError("bad-parameter", lang, detail=f"unknown profile {profile!r}; see /v1/profiles")
    return Options(
        profile=profile,
        strict_arithmetic=args["strict"],
        engine=args["engine"],
        select=args["select"],
        ignore=args["ignore"],
        limits=Limits(max_bytes=max_bytes, max_findings_per_rule=max_findings),
    )


async def _read_body(request: Request, limit: int, lang: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError("too-large", lang, limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------------------------------------ catalogue
async def rules(request: Request, args: dict[str, Any]) -> Response:
    spec: Spec = request.app.state.spec
    unknown = [g for g in args["group"] if g not in spec.groups]
    if unknown:
        raise ServiceError("bad-parameter", args["lang"], detail=f"unknown group {', '.join(unknown)}")
    chosen = [
        rule_summary(r)
        for r in spec.rules.values()
        if (not args["group"] or r.group in args["group"]) and args["severity"] in (None, r.severity.value)
    ]
    return _json(chosen)


async def rule(request: Request, args: dict[str, Any]) -> Response:
    spec: Spec = request.app.state.spec
    found = spec.rules.get(args["rule_id"])
    if found is None:
        raise ServiceError("unknown-rule", args["lang"], detail=args["rule_id"])
    return _json(rule_detail(spec, found))


async def profiles(request: Request, args: dict[str, Any]) -> Response:
    spec: Spec = request.app.state.spec
    return _json([profile_dict(spec, pid) for pid in spec.profiles])


async def spec_file(request: Request, args: dict[str, Any]) -> Response:
    files: dict[str, bytes] = request.app.state.files
    data = files.get(args["file"])
    if data is None:
        raise ServiceError("not-found", args["lang"], detail=request.url.path)
    return Response(data, media_type=_file_type(args["file"]))


def _file_type(rel: str) -> str:
    if rel.startswith("schemas/") and rel.endswith(".json"):
        return "application/schema+json"
    if rel.endswith(".json"):
        return "application/json"
    if rel.endswith((".yaml", ".yml")):
        return "application/yaml"
    return "text/plain; charset=utf-8"


async def health(request: Request, args: dict[str, Any]) -> Response:
    state = request.app.state
    pool = state.pool
    return _json(
        {
            "status": "ok",
            "engine": _version.__version__,
            "spec": state.spec.version,
            "workers": pool.workers,
            "active": pool.active,
            "max_concurrent": pool.max_concurrent,
            "restarts": pool.restarts,
        }
    )


async def openapi(request: Request, args: dict[str, Any]) -> Response:
    return _json(request.app.state.openapi)


# ------------------------------------------------------------------------------------------ declarations
_ERR = "application/json"
_REPORT_MEDIA = tuple(dict.fromkeys(MEDIA_TYPES.values()))


def _validate_endpoint() -> Endpoint:
    return Endpoint(
        "POST",
        "/v1/validate",
        "validate",
        "Validate one disclosure (the request body) and return its report.",
        validate,
        params=(
            Param("profile", "Validate under this profile instead of the one the document names."),
            Param("strict", "Compare amounts exactly, without rounding envelopes.", kind="boolean", default=False),
            Param(
                "engine",
                "Rule engine: compiled, or the interpreter (the reference); the reports are identical.",
                enum=ENGINE_NAMES,
                default=DEFAULT_ENGINE,
            ),
            Param("select", "Report only these rules or groups (repeatable, or comma-separated).", repeat=True),
            Param("ignore", "Do not report these rules or groups (repeatable, or comma-separated).", repeat=True),
            _LANG,
            Param("format", "Report format.", enum=tuple(MEDIA_TYPES), default="json"),
        ),
        body=JSON_TYPES + WORKBOOK_TYPES,
        answers=(
            Answer(200, "The report (the JSON one is the library's Report.to_json()).", _REPORT_MEDIA),
            Answer(400, "A query parameter is unknown or out of range.", (_ERR,)),
            Answer(408, "The body did not arrive within the time limit.", (_ERR,)),
            Answer(413, "The body is larger than the limit.", (_ERR,)),
            Answer(415, "The body is neither JSON nor an xlsx workbook.", (_ERR,)),
            Answer(422, "The document cannot be read: its report of input findings, or an error.", _REPORT_MEDIA),
            Answer(503, "Too much work at once, a validation over the time limit, or a worker that died.", (_ERR,)),
        ),
        description="The JSON report is byte-identical to budget_disclosure.validate(body, ...).to_json() "
        "with the same options. A workbook body is named <request>.xlsx in its report.",
    )


def endpoints(spec: Spec) -> tuple[Endpoint, ...]:
    prefix = spec_prefix(spec)
    return (
        _validate_endpoint(),
        Endpoint(
            "GET",
            "/v1/rules",
            "listRules",
            "The rule catalogue: id, group, severity, kind, titles and basis of each rule.",
            rules,
            params=(
                Param("group", "Only these groups (repeatable, or comma-separated).", repeat=True),
                Param("severity", "Only rules of this severity.", enum=_SEVERITIES),
                _LANG,
            ),
            answers=(Answer(200, "The rules."), Answer(400, "An unknown group or severity.")),
        ),
        Endpoint(
            "GET",
            "/v1/rules/{rule_id}",
            "getRule",
            "One rule in full: meaning, messages, basis, catalogue references, profiles.",
            rule,
            params=(Param("rule_id", "The rule id, e.g. summary.total-balance.", where="path"), _LANG),
            answers=(Answer(200, "The rule."), Answer(404, "No such rule.")),
        ),
        Endpoint("GET", "/v1/profiles", "listProfiles", "The profiles (forms of disclosure).", profiles, (_LANG,)),
        Endpoint(
            "GET",
            prefix + "{file:path}",
            "getSpecFile",
            "A spec file, byte for byte as `schema export` writes it, at the path of its $id.",
            spec_file,
            params=(
                Param("file", "The file's path in the spec folder, e.g. schemas/common.json.", where="path"),
                _LANG,
            ),
            answers=(
                Answer(200, "The file.", ("application/schema+json", "application/json", "application/yaml")),
                Answer(404, "No such spec file."),
            ),
        ),
        Endpoint("GET", "/healthz", "health", "Liveness, versions and the work in progress.", health),
        Endpoint("GET", "/openapi.json", "openapi", "This description (OpenAPI 3.1).", openapi),
    )
