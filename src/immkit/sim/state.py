"""The simulator's state: its database pool, media folder, faults and request counts."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

VERSION = (3, 1, 0)


@dataclass
class Fault:
    """What to do to requests of one endpoint ("METHOD /template", or "*" for all)."""

    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    drop_rate: float = 0.0  # connection dropped before the handler runs
    drop_after_rate: float = 0.0  # handler ran, then the connection drops: the nasty case
    latency: float = 0.0  # seconds added to every request
    spike_rate: float = 0.0
    spike_latency: float = 0.0


@dataclass
class Faults:
    """Fault settings per endpoint; seeded so a failing run can be replayed."""

    rules: dict[str, Fault] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(1234))
    injected: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, endpoint: str = "*", **settings: float | tuple[int, ...]) -> None:
        self.rules[endpoint] = Fault(**settings)  # type: ignore[arg-type]

    def clear(self) -> None:
        self.rules.clear()
        self.injected.clear()

    def for_endpoint(self, endpoint: str) -> Fault | None:
        return self.rules.get(endpoint) or self.rules.get("*")

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self.lock:
            return self.rng.random() < rate


class SimDatabase:
    """A psycopg pool on the simulator's database; `use()` switches to another database."""

    def __init__(self, url: str, *, max_size: int = 16) -> None:
        self.url = url
        self.max_size = max_size
        self._pool = self._open(url)

    def _open(self, url: str) -> ConnectionPool[psycopg.Connection[DictRow]]:
        pool: ConnectionPool[psycopg.Connection[DictRow]] = ConnectionPool(
            url,
            min_size=1,
            max_size=self.max_size,
            kwargs={"row_factory": dict_row, "autocommit": False},
            connection_class=psycopg.Connection[DictRow],
            open=True,
        )
        return pool

    def use(self, url: str) -> None:
        old = self._pool
        self.url = url
        self._pool = self._open(url)
        old.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[DictRow]]:
        """A connection in a transaction: committed on success, rolled back on error."""
        with self._pool.connection() as conn:
            yield conn

    def close(self) -> None:
        self._pool.close()


@dataclass(frozen=True)
class ObservedResponse:
    """One answer a handler produced, as observers see it (fault injections are not shown).

    `body` is None for streamed answers (files); `template` is the route, e.g. "/albums/{id}".
    """

    method: str
    template: str
    status: int
    content_type: str | None
    body: bytes | None


@dataclass
class SimState:
    db: SimDatabase
    media: Path
    faults: Faults = field(default_factory=Faults)
    requests: Counter[str] = field(default_factory=Counter)
    version: tuple[int, int, int] = VERSION
    lock: threading.Lock = field(default_factory=threading.Lock)
    # called with every handler answer (tests validate them against the OpenAPI spec)
    observers: list[Callable[[ObservedResponse], None]] = field(default_factory=list)

    def count(self, endpoint: str) -> None:
        with self.lock:
            self.requests[endpoint] += 1
