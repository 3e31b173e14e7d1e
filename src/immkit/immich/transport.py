"""What the network did to one request: worth a retry or not, which error, capped reads.

Part of the client (`client.py`), and like it allowed to touch `httpx`.
"""

from __future__ import annotations

import socket
import ssl

import httpx

from immkit.errors import EnvError, NotImmich, Unreachable
from immkit.immich.answers import GATEWAY_STATUSES, Answer, Call
from immkit.immich.defaults import Timeouts

MAX_ANSWER_BYTES = 256 << 20
"""Largest JSON answer read into memory: far above any paged Immich answer."""


class AnswerError(Exception):
    """A non-2xx answer inside the retry loop; mapped to an `immkit.errors` class after it."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def is_transient(exc: BaseException, idempotent: bool) -> bool:
    """Worth another attempt? Only when a repeat cannot do the work twice."""
    if isinstance(exc, AnswerError):
        if exc.answer.status == 429:  # refused before any work was done
            return True
        return idempotent and exc.answer.status in GATEWAY_STATUSES
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        # nothing reached the server; a TLS verification failure will not heal by itself
        return find_cause(exc, ssl.SSLError) is None
    if isinstance(exc, httpx.ReadTimeout | httpx.RemoteProtocolError | httpx.ReadError):
        return idempotent
    return False


def transport_error(exc: httpx.HTTPError, call: Call, host: str, timeouts: Timeouts) -> EnvError:
    """The `immkit.errors` class for what the network (or TLS) did to one request."""
    where, check = host, call.url_hint()
    tls = find_cause(exc, ssl.SSLError)
    if tls is not None:
        reason = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or "?"
        who = f"profile {call.profile}" if call.profile else "the profile"
        return Unreachable(
            f"TLS with {where} failed ({reason}); if the server uses a private CA, set "
            f"ca_file for {who}, or insecure = true to skip the check (not recommended)"
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return Unreachable(
            f"Timed out after {timeouts.connect:g} s connecting to {where}; "
            f"check that the server is up and reachable; {check}"
        )
    if isinstance(exc, httpx.ConnectError):
        if find_cause(exc, socket.gaierror) is not None:
            return Unreachable(f"Cannot resolve the host name of {where}; {check}")
        return Unreachable(
            f"Cannot connect to {where} (connection refused or network down); "
            f"check that Immich is running and listening there; {check}"
        )
    if isinstance(exc, httpx.TimeoutException):
        return Unreachable(
            f"{where} did not answer {call.endpoint} in time (read timeout "
            f"{timeouts.read:g} s); the server may be overloaded; try again later"
        )
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return Unreachable(
            f"The connection to {where} broke during {call.endpoint} "
            f"({type(exc).__name__}); check the server and the network; {check}"
        )
    if isinstance(exc, httpx.DecodingError | httpx.ProtocolError):
        return NotImmich(
            f"{where} sent an answer to {call.endpoint} that is not valid HTTP; "
            f"is this an Immich server? {check}"
        )
    return Unreachable(f"Request {call.endpoint} to {where} failed ({type(exc).__name__})")


def read_capped(response: httpx.Response, call: Call) -> bytes:
    """The body, refusing one larger than any Immich JSON answer could be.

    Raises:
        NotImmich: the declared or actual size passes `MAX_ANSWER_BYTES`.
    """
    if response.is_stream_consumed:  # not streamed (uploads)
        return response.content
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise _too_big(call, int(declared))
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise _too_big(call, size)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(call: Call, size: int) -> NotImmich:
    return NotImmich(
        f"{call.host} answered {call.endpoint} with {size:,} bytes, more than any Immich "
        f"answer ({MAX_ANSWER_BYTES:,}); is this an Immich server? {call.url_hint()}"
    )


def find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of `kind` along the `__cause__`/`__context__` chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
