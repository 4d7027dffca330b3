"""The Starlette application: the declared routes, the JSON error answers, the pool's lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..batch import exception_text
from ..spec import Spec, get_spec
from .catalogue import spec_files
from .config import ServiceConfig
from .errors import ServiceError, error_response
from .openapi import describe
from .params import Endpoint, parse_query, request_lang
from .pool import ValidationPool
from .routes import endpoints

__all__ = ["create_app"]


def _route(endpoint: Endpoint) -> Route:
    async def handle(request: Request) -> Response:
        try:
            args = parse_query(endpoint, request.query_params, request.path_params)
            return await endpoint.handler(request, args)
        except ServiceError as exc:
            return exc.response()
        except Exception as exc:  # a bug: a 500 that names it, never a traceback
            return error_response("internal", request_lang(request.query_params), detail=exception_text(exc))

    return Route(endpoint.path, handle, methods=[endpoint.method], name=endpoint.operation)


async def _http_error(request: Request, exc: Exception) -> Response:
    lang = request_lang(request.query_params)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        allowed = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
        return error_response("method-not-allowed", lang, allowed, detail=request.method)
    if status == 404:
        return error_response("not-found", lang, detail=request.url.path)
    return error_response("internal", lang, detail=f"HTTP {status}")


def create_app(config: ServiceConfig, spec: Spec | None = None) -> Starlette:
    """The service; its process pool starts with the application (lifespan) and stops with it."""
    spec = spec or get_spec()
    declared = endpoints(spec)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = ValidationPool(config.workers, config.max_concurrent)
        app.state.pool = pool
        try:
            await pool.start()
            yield
        finally:
            pool.shutdown()

    app = Starlette(
        routes=[_route(e) for e in declared],
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.spec = spec
    app.state.files = spec_files(spec)
    app.state.openapi = describe(spec, declared)
    return app
