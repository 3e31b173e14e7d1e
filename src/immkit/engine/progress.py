"""Progress reporting for long work: a small protocol, a silent one and a logging one.

Engine and jobs report through `Progress` only; the CLI picks a Rich bar on a TTY.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class Progress(Protocol):
    """Receives how far a piece of work has got."""

    def start(self, total: int, label: str) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def finish(self) -> None: ...


class NullProgress:
    """Reports nothing; the default where nobody watches."""

    def start(self, total: int, label: str) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


def describe(done: int, total: int, elapsed: float) -> str:
    """`120/1,000 (12%), 15.2/s, ETA 58s`: the same words for logs and summaries."""
    percent = f" ({done * 100 // total}%)" if total else ""
    rate = done / elapsed if elapsed > 0 else 0.0
    text = f"{done:,}/{total:,}{percent}, {rate:.1f}/s"
    if rate > 0 and total > done:
        text += f", ETA {_duration((total - done) / rate)}"
    return text


def _duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class LogProgress:
    """Logs one INFO line every `every` seconds, and one when the work ends.

    For runs without a TTY (cron, daemon, CI), where a bar would only fill the log.
    """

    def __init__(
        self,
        every: float = 10.0,
        *,
        logger: logging.Logger = log,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._every = every
        self._log = logger
        self._clock = clock
        self._total = 0
        self._done = 0
        self._label = ""
        self._started = 0.0
        self._last = 0.0

    def start(self, total: int, label: str) -> None:
        self._total, self._done, self._label = total, 0, label
        self._started = self._last = self._clock()

    def advance(self, n: int = 1) -> None:
        self._done += n
        now = self._clock()
        if now - self._last >= self._every:
            self._last = now
            self._log.info(
                "%s: %s", self._label, describe(self._done, self._total, now - self._started)
            )

    def finish(self) -> None:
        elapsed = self._clock() - self._started
        self._log.info(
            "%s: %s, finished in %s",
            self._label,
            f"{self._done:,}/{self._total:,}",
            _duration(elapsed),
        )
