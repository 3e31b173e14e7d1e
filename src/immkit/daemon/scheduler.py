"""The daemon loop: every rule runs when its schedule says, in a small pool of workers.

Guarantees, each one tested:
- a rule never runs twice at once: a tick that comes while it still runs is skipped;
- one failing rule (an `ok=False` report or any exception) never stops the others;
- ticks missed while the machine slept collapse into one run, not one per tick;
- on stop, runs in progress finish, no new run starts, and `run_forever` returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import ParamSpec, TypeVar

from immkit.daemon.clock import Clock, SystemClock
from immkit.daemon.notify import Notifier
from immkit.daemon.report import JobReport, Runner
from immkit.daemon.schedule import Schedule
from immkit.errors import ConfigError, ImmkitError

__all__ = ["Daemon", "InlineExecutor"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


class InlineExecutor(Executor):
    """Runs each submitted call at once, in the caller's thread.

    Makes the daemon deterministic under a `FakeClock` (tests), and runs `--once` without
    threads where that is wanted.
    """

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@dataclass
class _Rule:
    name: str
    schedule: Schedule
    due: datetime
    running: Future[JobReport | None] | None = None

    @property
    def busy(self) -> bool:
        return self.running is not None and not self.running.done()


class _Cycle:
    """The runs started at one tick; the last one to finish sends the success summary."""

    def __init__(self, size: int, notifier: Notifier) -> None:
        self._left = size
        self._reports: list[JobReport] = []
        self._notifier = notifier
        self._lock = threading.Lock()

    def done(self, future: Future[JobReport | None]) -> None:
        report = None if future.cancelled() or future.exception() else future.result()
        with self._lock:
            if report is not None:
                self._reports.append(report)
            self._left -= 1
            finished = self._left == 0
        if finished:
            self._notifier.notify_success(self._reports)


class Daemon:
    """Runs named rules on their schedules until `stop` is set.

    `runner` runs one rule by name (see `Runner`). `executor` replaces the thread pool
    of `workers` threads (tests pass an `InlineExecutor`); the daemon never shuts down an
    executor it was given.
    """

    def __init__(
        self,
        schedules: Mapping[str, Schedule],
        runner: Runner,
        *,
        stop: threading.Event,
        clock: Clock | None = None,
        notifier: Notifier | None = None,
        logger: logging.Logger | None = None,
        workers: int = 2,
        run_at_start: bool = True,
        executor: Executor | None = None,
    ) -> None:
        if not schedules:
            raise ConfigError(
                "Nothing to schedule: no rule has a schedule; give at least one rule "
                'a schedule such as "every 1h".'
            )
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self._schedules = dict(schedules)
        self._runner = runner
        self._stop = stop
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._notifier = notifier if notifier is not None else Notifier()
        self._log = logger if logger is not None else logging.getLogger(__name__)
        self._workers = workers
        self._run_at_start = run_at_start
        self._executor = executor

    def run_once(self) -> list[JobReport]:
        """Run every rule once, concurrently, and return the reports in rule order.

        For `immkit daemon --once` under an outside scheduler (cron, systemd timers).
        Rules not started when `stop` is set are left out.
        """
        with self._pool() as pool:
            futures = [pool.submit(self._run, name) for name in self._schedules]
            wait(futures)
        reports = [r for f in futures if (r := f.result()) is not None]
        self._notifier.notify_success(reports)
        return reports

    def run_forever(self) -> None:
        """Run each rule when it is due until `stop` is set, then let running rules finish."""
        now = self._clock.now()
        rules = [
            _Rule(name, schedule, now if self._run_at_start else schedule.next_after(now))
            for name, schedule in self._schedules.items()
        ]
        self._log.info("Daemon started: %d rules, %d workers.", len(rules), self._workers)
        for rule in rules:
            self._log.info(
                "Rule %s runs %s; first run at %s.", rule.name, rule.schedule, _at(rule.due)
            )
        with self._pool() as pool:
            while not self._stop.is_set():
                now = self._clock.now()
                self._fire(pool, [r for r in rules if r.due <= now], now)
                wake = min(r.due for r in rules)
                delay = (wake - self._clock.now()).total_seconds()
                if self._clock.wait(max(delay, 0.0), self._stop):
                    break
            running = [r for r in rules if r.busy]
            if running:
                names = ", ".join(r.name for r in running)
                self._log.info("Stopping: waiting for the running rules to finish (%s).", names)
                wait([r.running for r in running if r.running is not None])
        self._log.info("Daemon stopped.")

    def _fire(self, pool: Executor, due: list[_Rule], now: datetime) -> None:
        start = []
        for rule in due:
            if rule.busy:
                self._log.warning(
                    "Rule %s is still running at its %s tick; skipping that tick.",
                    rule.name,
                    _at(rule.due),
                )
            else:
                start.append(rule)
            rule.due = self._next_due(rule, now)
        if not start:
            return
        cycle = _Cycle(len(start), self._notifier)
        for rule in start:
            future = pool.submit(self._run, rule.name)
            rule.running = future
            future.add_done_callback(cycle.done)

    def _next_due(self, rule: _Rule, now: datetime) -> datetime:
        # the planned time, not now, keeps an interval on its grid; re-expressed in now's
        # timezone so a daylight-saving change moves cron times with the local clock
        nxt = rule.schedule.next_after(rule.due.astimezone(now.tzinfo))
        if nxt <= now:  # ticks missed (a suspend): the run being fired covers them all
            nxt = rule.schedule.next_after(now)
        return nxt

    def _run(self, name: str) -> JobReport | None:
        if self._stop.is_set():
            self._log.info("Rule %s not started: the daemon is stopping.", name)
            return None
        self._log.info("Rule %s started.", name)
        started = time.monotonic()
        try:
            report = self._runner(name)
        except ImmkitError as exc:
            report = JobReport(name=name, ok=False, summary=str(exc))
        except Exception as exc:
            self._log.exception("Rule %s crashed (a bug in immkit):", name)
            report = JobReport(
                name=name, ok=False, summary=f"internal error: {type(exc).__name__}: {exc}"
            )
        elapsed = time.monotonic() - started
        if report.ok:
            self._log.info("Rule %s done in %.1fs: %s", name, elapsed, report.summary)
        else:
            self._log.error("Rule %s failed after %.1fs: %s", name, elapsed, report.summary)
            self._notifier.notify_failure(report)
        return report

    @contextmanager
    def _pool(self) -> Iterator[Executor]:
        if self._executor is not None:
            yield self._executor
            return
        with ThreadPoolExecutor(self._workers, thread_name_prefix="immkit-rule") as pool:
            yield pool


def _at(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")
