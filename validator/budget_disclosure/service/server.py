"""Running the service on uvicorn: ``budget-disclosure serve`` ends here."""

from __future__ import annotations

import uvicorn

from .app import create_app
from .config import ServiceConfig

__all__ = ["serve"]


def serve(config: ServiceConfig, *, access_log: bool = True) -> int:
    """Serve until SIGINT or SIGTERM. Then uvicorn stops taking connections, lets the requests in
    progress finish (at most ``config.timeout`` seconds), and the pool's workers end; returns the exit
    code: 0 after a clean stop, 2 when the server could not start (the port is taken, the address
    unknown: uvicorn has logged why), the command line's code for a usage error."""
    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            lifespan="on",
            access_log=access_log,
            timeout_graceful_shutdown=max(1, int(config.timeout + 0.999)),
            server_header=False,
        )
    )
    try:
        server.run()
    except SystemExit:  # uvicorn's exit on a failed start (its status 3 is the command line's internal error)
        return 2
    return 0 if server.started else 2
