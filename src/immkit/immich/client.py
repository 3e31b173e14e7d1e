"""The one HTTP connection to an Immich server: auth, limits, retries, tracing, error mapping.

This is the only module that imports or catches `httpx`. Everything above it sees JSON
values, files on disk and the errors of `immkit.errors`.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx
from pydantic import JsonValue
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from immkit import __version__
from immkit.errors import ConfigError
from immkit.immich.answers import Answer, Call, decode_json, error_for
from immkit.immich.answers import retry_after_seconds as _retry_after_seconds
from immkit.immich.concurrency import map_concurrent
from immkit.immich.defaults import (
    DEFAULT_CONCURRENCY,
    DEFAULT_RETRY,
    DEFAULT_TIMEOUTS,
    TRANSFER_TIMEOUTS,
    RetryPolicy,
    Timeouts,
)
from immkit.immich.paths import expand_path, host_of, normalize_base_url
from immkit.immich.tls import tls_verify
from immkit.immich.tracing import RequestEvent, RequestTracer
from immkit.immich.transport import AnswerError, is_transient, read_capped, transport_error

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

QueryValue = str | int | float | bool | None
JsonBody = Mapping[str, object] | Sequence[object]
"""A request body: anything `json.dumps` takes (ids, bools, nested dicts and lists)."""
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
DOWNLOAD_CHUNK = 1 << 20


@dataclass(frozen=True)
class FilePart:
    """A file to send in a multipart body, streamed from disk."""

    path: Path
    filename: str | None = None
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Downloaded:
    """A file written from a streamed answer."""

    path: Path
    size: int
    sha1: str


@dataclass
class _Trace:
    status: int | None = None
    started: float = field(default_factory=time.monotonic)


class ImmichClient:
    """Synchronous, thread-safe client; share one per server and profile.

    `requests` counts every HTTP request sent (retries included) by
    `"METHOD /path/{template}"`; `on_request` sees each one as a `RequestEvent`.
    At most `concurrency` requests are in flight, whatever the number of threads.
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        ca_file: Path | None = None,
        insecure: bool = False,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        transfer_timeouts: Timeouts = TRANSFER_TIMEOUTS,
        retry: RetryPolicy = DEFAULT_RETRY,
        profile: str | None = None,
        on_request: Callable[[RequestEvent], None] | None = None,
    ) -> None:
        if concurrency < 1:
            raise ConfigError("concurrency must be at least 1")
        self.base_url = normalize_base_url(url)
        self.host = host_of(self.base_url)
        self.profile = profile
        self.concurrency = concurrency
        self.tracer = RequestTracer(on_request)
        self.requests: Counter[str] = self.tracer.counts
        self.server_date: str | None = None  # the last answer's Date header: server time
        self._timeouts = timeouts
        self._transfer_timeouts = transfer_timeouts
        self._retry = retry
        self._slots = threading.BoundedSemaphore(concurrency)
        verify = tls_verify(ca_file=ca_file, insecure=insecure, host=self.host, profile=profile)
        self._http = httpx.Client(
            headers={"x-api-key": api_key, "accept": "application/json"},
            timeout=_httpx_timeout(timeouts),
            verify=verify,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            # Immich login cookies would take precedence over the API key: keep none.
            cookies=http.cookiejar.CookieJar(
                http.cookiejar.DefaultCookiePolicy(allowed_domains=[])
            ),
            follow_redirects=False,
        )
        self._http.headers["user-agent"] = f"immkit/{__version__}"

    @property
    def on_request(self) -> Callable[[RequestEvent], None] | None:
        """Hook called after every HTTP request (from the thread that sent it)."""
        return self.tracer.on_request

    @on_request.setter
    def on_request(self, hook: Callable[[RequestEvent], None] | None) -> None:
        self.tracer.on_request = hook

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ImmichClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- requests ---------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        json: JsonBody | None = None,
        idempotent: bool | None = None,
    ) -> JsonValue:
        """Send one JSON request and return the decoded answer (None for an empty body).

        `path` is a template (`/albums/{id}/assets`); logs, errors and the tracer use it.
        POSTs are retried only when the caller passes `idempotent=True` (e.g. search).

        Raises:
            Unreachable, NotImmich, AuthError, MissingPermission, ApiError.
        """
        call = self._call_info(method, path)
        query = _query(params)
        url = self.base_url + expand_path(path, path_params)

        def send() -> httpx.Response:
            request = self._http.build_request(
                call.method, url, params=query, json=json if json is not None else None
            )
            return self._http.send(request, stream=True)

        retry = self._idempotent(call.method, idempotent)
        answer = self._run(call, retry, lambda: self._exchange(call, send))
        return decode_json(answer, call)

    def upload(
        self,
        path: str,
        *,
        fields: Mapping[str, str],
        files: Mapping[str, FilePart],
        headers: Mapping[str, str] | None = None,
        idempotent: bool = False,
    ) -> JsonValue:
        """POST a multipart body; files are streamed from disk, reopened on each attempt.

        Raises:
            OSError: a file cannot be opened; plus the errors of `call`.
        """
        call = self._call_info("POST", path)
        url = self.base_url + expand_path(path)
        timeout = _httpx_timeout(self._transfer_timeouts)

        def attempt() -> Answer:
            with ExitStack() as stack:
                parts = {
                    name: (
                        part.filename or part.path.name,
                        stack.enter_context(part.path.open("rb")),
                        part.content_type,
                    )
                    for name, part in files.items()
                }
                return self._exchange(
                    call,
                    lambda: self._http.post(
                        url, data=dict(fields), files=parts, headers=headers, timeout=timeout
                    ),
                )

        return decode_json(self._run(call, idempotent, attempt), call)

    def download(
        self,
        path: str,
        dest: Path,
        *,
        path_params: Mapping[str, str] | None = None,
        chunk_size: int = DOWNLOAD_CHUNK,
    ) -> Downloaded:
        """Stream a binary answer into `dest` (via `dest.part`, renamed when complete)."""
        call = self._call_info("GET", path)
        url = self.base_url + expand_path(path, path_params)
        timeout = _httpx_timeout(self._transfer_timeouts)

        def attempt() -> Downloaded:
            partial = dest.with_name(dest.name + ".part")
            digest = hashlib.sha1()  # Immich identifies files by SHA-1
            size = 0
            with (
                self._slots,
                self._traced(call) as trace,
                self._http.stream("GET", url, headers={"accept": "*/*"}, timeout=timeout) as resp,
            ):
                trace.status = resp.status_code
                if not 200 <= resp.status_code < 300:
                    resp.read()
                    raise AnswerError(_answer(resp))
                try:
                    with partial.open("wb") as out:
                        for chunk in resp.iter_bytes(chunk_size):
                            out.write(chunk)
                            digest.update(chunk)
                            size += len(chunk)
                except BaseException:
                    partial.unlink(missing_ok=True)
                    raise
            partial.replace(dest)
            return Downloaded(dest, size, digest.hexdigest())

        return self._run(call, True, attempt)

    def map_concurrent(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Apply `fn` to every item on up to `concurrency` threads, keeping input order.

        The first error to happen is re-raised; calls not yet started are dropped.
        """
        return map_concurrent(fn, items, workers=self.concurrency)

    # -- one place for retries, limits, tracing and error mapping ---------------------

    def _run(self, call: Call, idempotent: bool, attempt: Callable[[], T]) -> T:
        def transient(exc: BaseException) -> bool:
            return is_transient(exc, idempotent)

        retrying = Retrying(
            stop=stop_after_attempt(self._retry.attempts),
            wait=self._wait,
            retry=retry_if_exception(transient),
            before_sleep=lambda state: _log_retry(call, state),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except AnswerError as exc:
            raise error_for(exc.answer, call) from exc
        except httpx.HTTPError as exc:
            raise transport_error(exc, call, self.host, self._timeouts) from exc

    def _exchange(self, call: Call, send: Callable[[], httpx.Response]) -> Answer:
        with self._slots, self._traced(call) as trace:
            response = send()
            trace.status = response.status_code
            try:
                body = read_capped(response, call)
            finally:
                response.close()
        self.server_date = response.headers.get("date") or self.server_date
        answer = _answer(response, body)
        if not 200 <= answer.status < 300:
            raise AnswerError(answer)
        return answer

    @contextmanager
    def _traced(self, call: Call) -> Iterator[_Trace]:
        trace = _Trace()
        try:
            yield trace
        finally:
            seconds = time.monotonic() - trace.started
            self.tracer.record(RequestEvent(call.method, call.path, trace.status, seconds))

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, AnswerError):
            after = _retry_after_seconds(exc.answer.retry_after)
            if after is not None:
                return min(after, self._retry.max_retry_after)
        jitter = wait_random_exponential(
            multiplier=self._retry.backoff, max=self._retry.max_backoff
        )
        return float(jitter(state))

    def _idempotent(self, method: str, explicit: bool | None) -> bool:
        return explicit if explicit is not None else method in IDEMPOTENT_METHODS

    def _call_info(self, method: str, path: str) -> Call:
        return Call(method.upper(), path, self.host, self.profile)


def _log_retry(call: Call, state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    what = f"HTTP {exc.answer.status}" if isinstance(exc, AnswerError) else type(exc).__name__
    wait_s = state.next_action.sleep if state.next_action else 0.0
    log.info(
        "%s failed (%s), attempt %d; retrying in %.2f s",
        call.endpoint,
        what,
        state.attempt_number,
        wait_s,
    )


def _answer(response: httpx.Response, body: bytes | None = None) -> Answer:
    return Answer(
        status=response.status_code,
        content_type=response.headers.get("content-type", ""),
        body=response.content if body is None else body,
        retry_after=response.headers.get("retry-after"),
    )


def _query(params: Mapping[str, QueryValue] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in (params or {}).items():
        if value is None:
            continue
        out[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def _httpx_timeout(t: Timeouts) -> httpx.Timeout:
    return httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)
