"""Time for the scheduler: the system clock, and a fake one that tests move instantly."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

__all__ = ["MAX_NAP", "Clock", "FakeClock", "SystemClock"]

MAX_NAP = 60.0
"""Longest single real wait, in seconds: a suspend or a clock jump is noticed within it."""


class Clock(Protocol):
    """What the scheduler needs from time; injected so tests never sleep."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Wait up to `seconds` (it may return earlier); True if `stop` is set."""
        ...


class SystemClock:
    """The machine's clock, in its local timezone unless `tz` is given.

    `now()` re-reads the local UTC offset on every call, so a daylight-saving change is
    picked up; pass a `zoneinfo.ZoneInfo` as `tz` for cron times exact across the change.
    """

    def __init__(self, tz: tzinfo | None = None) -> None:
        self._tz = tz

    def now(self) -> datetime:
        if self._tz is not None:
            return datetime.now(self._tz)
        return datetime.now().astimezone()

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        # Event.wait runs on the monotonic clock, which stops while the machine sleeps:
        # short naps let the caller re-read the wall clock and catch up after a suspend
        return stop.wait(min(max(seconds, 0.0), MAX_NAP))


class FakeClock:
    """A clock for tests: `wait` moves time forward at once instead of sleeping.

    With `until`, time stops there: the `wait` that would pass it sets `parked` and then
    blocks (for real) until `stop` is set, so a test can inspect a daemon that has run
    through its fake hours and then stop it. Every requested wait is kept in `waits`.
    """

    def __init__(self, start: datetime, *, until: datetime | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._now = start
        self._until = until
        self._lock = threading.Lock()
        self.waits: list[float] = []
        self.parked = threading.Event()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward without waiting (for tests that drive a daemon by hand)."""
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        with self._lock:
            self.waits.append(seconds)
            if stop.is_set():
                return True
            target = self._now + timedelta(seconds=max(seconds, 0.0))
            if self._until is None or target <= self._until:
                self._now = target
                return stop.is_set()
            self._now = max(self._now, self._until)
        self.parked.set()
        stop.wait()
        return True
