"""Turn a fault roll into what a flaky network or server does to one request."""

from __future__ import annotations

import asyncio

from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from immkit.sim.state import Fault, Faults


class DroppedConnection(Response):
    """Starts an answer, then breaks the connection: the client sees a truncated response."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"dropp', "more_body": True})
        raise ConnectionAbortedError("simulated dropped connection")


async def before(faults: Faults, endpoint: str) -> Response | None:
    """Latency, then maybe an error or a drop before the handler runs."""
    fault = faults.for_endpoint(endpoint)
    if fault is None:
        return None
    await _delay(faults, fault)
    if faults.roll(fault.drop_rate):
        faults.injected["drop"] += 1
        return DroppedConnection()
    if faults.roll(fault.error_rate):
        status = fault.error_statuses[faults.rng.randrange(len(fault.error_statuses))]
        faults.injected[str(status)] += 1
        return JSONResponse({"message": "Simulated failure"}, status_code=status)
    return None


def after(faults: Faults, endpoint: str) -> Response | None:
    """Maybe lose the answer of a request that was applied."""
    fault = faults.for_endpoint(endpoint)
    if fault is not None and faults.roll(fault.drop_after_rate):
        faults.injected["drop_after"] += 1
        return DroppedConnection()
    return None


async def _delay(faults: Faults, fault: Fault) -> None:
    wait = fault.latency
    if faults.roll(fault.spike_rate):
        faults.injected["spike"] += 1
        wait += fault.spike_latency
    if wait > 0:
        await asyncio.sleep(wait)
