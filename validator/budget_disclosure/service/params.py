"""Declared parameters and routes, and the parsing of a request's query by those declarations.

``routes.py`` declares each route once with these classes; the Starlette router, the query checks and the
OpenAPI description are all made from the declarations.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from .errors import ServiceError

__all__ = ["Answer", "Endpoint", "Param", "parse_query"]

Handler = Callable[[Request, dict[str, Any]], Awaitable[Response]]
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


@dataclass(frozen=True)
class Param:
    """A query (or path) parameter: a string, a choice among ``enum``, or a boolean; ``repeat`` takes it
    any number of times (and comma-separated lists)."""

    name: str
    description: str
    kind: str = "string"  # "string" or "boolean"
    enum: tuple[str, ...] = ()
    default: str | bool | None = None
    repeat: bool = False
    where: str = "query"

    def parse(self, raw: list[str], lang: str) -> Any:
        if self.repeat:
            return tuple(part.strip() for value in raw for part in value.split(",") if part.strip())
        if not raw:
            return self.default
        if len(raw) > 1:
            raise ServiceError("bad-parameter", lang, detail=f"{self.name} is given {len(raw)} times")
        return self._one(raw[0], lang)

    def _one(self, value: str, lang: str) -> Any:
        if self.kind == "boolean":
            if value.lower() in _TRUE + _FALSE:
                return value.lower() in _TRUE
            raise ServiceError("bad-parameter", lang, detail=f"{self.name}={value!r} (true or false)")
        if self.enum and value not in self.enum:
            raise ServiceError("bad-parameter", lang, detail=f"{self.name}={value!r} ({' | '.join(self.enum)})")
        return value


@dataclass(frozen=True)
class Answer:
    """One documented answer of a route: status, media types, what it means."""

    status: int
    description: str
    media: tuple[str, ...] = ("application/json",)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # Starlette's syntax: {name}, or {name:path} for a path that holds slashes
    operation: str
    summary: str
    handler: Handler
    params: tuple[Param, ...] = ()
    body: tuple[str, ...] = ()  # the media types of the request body it takes
    answers: tuple[Answer, ...] = ()
    description: str = ""


def request_lang(query: QueryParams) -> str:
    """The language of error messages: the ``lang`` parameter when it is valid, else Chinese."""
    return "en" if query.get("lang") == "en" else "zh"


def parse_query(endpoint: Endpoint, query: QueryParams, path: Mapping[str, Any]) -> dict[str, Any]:
    """The declared parameters' values; a parameter not declared, or a value out of its range, is a 400."""
    lang = request_lang(query)
    declared = {p.name for p in endpoint.params if p.where == "query"}
    unknown = sorted(set(query.keys()) - declared)
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise ServiceError("bad-parameter", lang, detail=f"unknown {', '.join(unknown)} (known: {known})")
    args: dict[str, Any] = {"lang": lang}
    for p in endpoint.params:
        raw = [str(path[p.name])] if p.where == "path" else query.getlist(p.name)
        args[p.name] = p.parse(raw, lang)
    return args
