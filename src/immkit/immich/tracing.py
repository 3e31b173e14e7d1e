"""The request tracer: counts of requests by endpoint template, plus an optional hook.

Benchmarks and plans report request counts from it, as sqlite-utils' tracer does for SQL.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestEvent:
    """One HTTP request sent; `status` is None when no answer came."""

    method: str
    path: str
    status: int | None
    seconds: float

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"


class RequestTracer:
    """Thread-safe counts keyed `"PUT /albums/{id}/assets"`; every attempt counts."""

    def __init__(self, on_request: Callable[[RequestEvent], None] | None = None) -> None:
        self.counts: Counter[str] = Counter()
        self.on_request = on_request
        self._lock = threading.Lock()

    def record(self, event: RequestEvent) -> None:
        with self._lock:
            self.counts[event.endpoint] += 1
        log.debug("%s → %s in %.1f ms", event.endpoint, event.status, event.seconds * 1000)
        if self.on_request is not None:
            self.on_request(event)

    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    def snapshot(self) -> dict[str, int]:
        """A copy, safe to read while other threads keep counting."""
        with self._lock:
            return dict(self.counts)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
