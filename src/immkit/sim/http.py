"""How simulator endpoints are declared, authenticated, validated and answered.

A route module declares sync handlers on an `Endpoints` registry:

    api = Endpoints()

    @api.route("GET", "/assets/{id}", permission="asset.read", params=obj(id=uuid()))
    def get_asset(call: Call) -> object:
        ...

The async wrapper reads the body, authenticates (401/403 exactly as Immich words them),
validates (400 with zod-shaped issues), then runs the handler in a worker thread, so
handlers can use the synchronous psycopg pool. A handler returns JSON-able data (200),
a `Reply` for another status, or a `FileReply` for binary content, and raises `SimError`
for Immich's `{"message": ...}` errors.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from immkit.sim import faults
from immkit.sim.validate import Invalid, Schema, parse

if TYPE_CHECKING:
    from immkit.sim.auth import Caller
    from immkit.sim.state import SimState

log = logging.getLogger(__name__)


class SimError(Exception):
    """An Immich error answer: `{"message": message}` (plus `errors` for validation)."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors

    def response(self) -> Response:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return JSONResponse(body, status_code=self.status)


def bad_request(message: str) -> SimError:
    return SimError(400, message)


def no_access(permission: str) -> SimError:
    """Immich answers the same for foreign and nonexistent ids."""
    return SimError(400, f"Not found or no {permission} access")


@dataclass
class Reply:
    """A JSON answer with a status other than 200, or no body at all (`body=None`)."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FileReply:
    path: Path
    media_type: str
    filename: str | None = None


@dataclass
class Call:
    """Everything a handler may look at; built by the wrapper, never by handlers."""

    state: SimState
    caller: Caller
    path: dict[str, Any]
    query: dict[str, Any]
    body: Any
    form: FormData | None
    headers: dict[str, str]

    def file(self, name: str) -> UploadFile | None:
        if self.form is None:
            return None
        value = self.form.get(name)
        return value if isinstance(value, UploadFile) else None

    @property
    def user_id(self) -> str:
        return self.caller.user_id


Handler = Callable[[Call], Any]


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str
    handler: Handler
    permission: str | None
    admin: bool
    auth: bool
    params: Schema | None
    query: Schema | None
    body: Schema | None
    multipart: bool
    api_key_only: bool


class Endpoints:
    """A module's list of endpoints; `app.py` collects them all."""

    def __init__(self) -> None:
        self.items: list[Endpoint] = []

    def route(
        self,
        method: str,
        template: str,
        *,
        permission: str | None = None,
        admin: bool = False,
        auth: bool = True,
        params: Schema | None = None,
        query: Schema | None = None,
        body: Schema | None = None,
        multipart: bool = False,
        api_key_only: bool = False,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.items.append(
                Endpoint(
                    method,
                    template,
                    handler,
                    permission,
                    admin,
                    auth,
                    params,
                    query,
                    body,
                    multipart,
                    api_key_only,
                )
            )
            return handler

        return register


def _query_dict(request: Request) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        out[key] = values if len(values) > 1 else values[0]
    return out


async def _read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SimError(400, _json_error_message(exc)) from exc


def _json_error_message(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        line, col = exc.lineno, exc.colno
        return (
            f"Expected property name or '}}' in JSON at position {exc.pos} "
            f"(line {line} column {col})"
        )
    return "Unexpected token in JSON"


def asgi_endpoint(endpoint: Endpoint, state: SimState) -> Route:
    """Wrap a sync handler in the request pipeline: auth → validation → handler."""
    from immkit.sim.auth import authenticate, authorize

    name = f"{endpoint.method} {endpoint.template}"

    async def run(request: Request) -> Response:
        state.count(name)
        injected = await faults.before(state.faults, name)
        if injected is not None:
            return injected
        form = None
        try:
            caller = None
            if endpoint.auth:
                caller = await run_in_threadpool(authenticate, state, request)
                authorize(caller, endpoint.permission, endpoint.admin, endpoint.api_key_only)
            body = None
            if endpoint.multipart:
                form = await request.form(max_files=4, max_fields=64, max_part_size=1 << 30)
            else:
                body = await _read_json(request)
            params = dict(request.path_params)
            if endpoint.params is not None:
                params = parse(endpoint.params, params, coerce=True)
            query = _query_dict(request)
            if endpoint.query is not None:
                query = parse(endpoint.query, query, coerce=True)
            if endpoint.body is not None:
                body = parse(endpoint.body, body)
            call = Call(
                state=state,
                caller=caller or _anonymous(),
                path=params,
                query=query,
                body=body,
                form=form,
                headers={k.lower(): v for k, v in request.headers.items()},
            )
            result = await run_in_threadpool(endpoint.handler, call)
        except Invalid as exc:
            return _observed(
                state, endpoint, SimError(400, "Validation failed", exc.issues).response()
            )
        except SimError as exc:
            return _observed(state, endpoint, exc.response())
        finally:
            if form is not None:
                await form.close()
        return faults.after(state.faults, name) or _observed(state, endpoint, _to_response(result))

    return Route("/api" + endpoint.template, run, methods=[endpoint.method], name=name)


def _observed(state: SimState, endpoint: Endpoint, response: Response) -> Response:
    """Show a handler's answer to the state's observers (tests check it against the spec)."""
    if state.observers:
        from immkit.sim.state import ObservedResponse

        seen = ObservedResponse(
            endpoint.method,
            endpoint.template,
            response.status_code,
            response.headers.get("content-type"),
            getattr(response, "body", None) if not isinstance(response, FileResponse) else None,
        )
        for observer in list(state.observers):
            observer(seen)
    return response


def _anonymous() -> Caller:
    from immkit.sim.auth import Caller

    return Caller(user_id="", is_admin=False, permissions=frozenset(), via="none")


def _to_response(result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, FileReply):
        return FileResponse(result.path, media_type=result.media_type, filename=result.filename)
    if isinstance(result, Reply):
        if result.body is None:
            return Response(status_code=result.status, headers=result.headers)
        return JSONResponse(result.body, status_code=result.status, headers=result.headers)
    return JSONResponse(result)
