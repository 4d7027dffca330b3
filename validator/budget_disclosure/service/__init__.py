"""The HTTP service (``budget-disclosure serve``): the validator, the rule catalogue and the spec files over
HTTP, for systems written in any language.

Starlette on uvicorn. The event loop only receives, checks and answers; each document is validated in a
process pool (``pool.py``), so a large document never holds up the others. Every route and its parameters
are declared once (``routes.py``); the router, the query parsing and the OpenAPI description
(``openapi.py``) are all built from those declarations. Limits (``errors.py`` for the answers): body size
413, a body not received in time 408, validation not done in time 503, too much work at once 503 with
``Retry-After``.

Nothing here is imported by the rest of the package: the validator runs without Starlette and uvicorn
being imported.
"""

from __future__ import annotations

__all__: list[str] = []
