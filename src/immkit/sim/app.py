"""The simulator's ASGI app: every route module's endpoints under /api."""

from __future__ import annotations

import uuid

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from immkit.sim.http import Endpoint, asgi_endpoint
from immkit.sim.routes import ROUTE_MODULES
from immkit.sim.state import SimState


def endpoints() -> list[Endpoint]:
    """Every endpoint, literal paths before templated ones (`/albums/assets` before `{id}`)."""
    found = [e for module in ROUTE_MODULES for e in module.api.items]
    return sorted(found, key=lambda e: (e.template.count("{"), e.template))


async def _not_found(request: Request, exc: Exception) -> Response:
    # Nest's default for unknown routes (and wrong methods)
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    if status == 405:
        status = 404
    return JSONResponse(
        {
            "message": f"Cannot {request.method} {request.url.path}",
            "error": "Not Found",
            "statusCode": status,
        },
        status_code=status,
    )


def create_app(state: SimState) -> Starlette:
    routes: list[Route] = [asgi_endpoint(e, state) for e in endpoints()]
    app = Starlette(
        routes=routes,
        exception_handlers={404: _not_found, 405: _not_found},
        middleware=[Middleware(CorrelationId)],
    )
    app.state.sim = state
    return app


class CorrelationId:
    """Immich puts an `x-correlation-id` header on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-correlation-id", uuid.uuid4().hex[:12].encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)
