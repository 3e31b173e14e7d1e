"""The daemon through a simulated day: many rules, real threads, a clock that only moves
when no rule is running (so every tick is due, and a skipped tick would be a bug)."""

from __future__ import annotations

import gc
import resource
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ParamSpec, TypeVar

from immkit.cli.context import AppContext
from immkit.cli.daemon import rule_runner
from immkit.daemon import Daemon, JobReport, parse_schedule
from immkit.jobs.albums import AlbumRule

_P = ParamSpec("_P")
_T = TypeVar("_T")
SCHEDULES = ("every 1h", "every 2h", "0 */3 * * *", "30 */4 * * *", "every 6h", "every 90m")


@dataclass
class LoadResult:
    rules: int
    runs: int = 0
    failed: int = 0
    overlaps: int = 0  # a rule started while the same rule still ran
    late: list[str] = field(default_factory=list)  # rules whose runs were not at the ticks
    rss_mb: list[float] = field(default_factory=list)  # after each simulated hour
    seconds: float = 0.0

    @property
    def memory_growth_mb(self) -> float:
        return self.rss_mb[-1] - self.rss_mb[0] if len(self.rss_mb) > 1 else 0.0


class CountingPool(ThreadPoolExecutor):
    """A thread pool that knows how many submitted calls have not finished."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers, thread_name_prefix="immkit-rule")
        self.pending = 0
        self._count = threading.Lock()

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        with self._count:
            self.pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: object) -> None:
        with self._count:
            self.pending -= 1


class SettlingClock:
    """Fake time that stands still while any rule runs, then jumps to the next wake-up."""

    def __init__(self, start: datetime, until: datetime, pool: CountingPool) -> None:
        self._now = start
        self.until = until
        self._pool = pool
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        while self._pool.pending and not stop.is_set():
            time.sleep(0.002)
        if stop.is_set():
            return True
        with self._lock:
            target = self._now + timedelta(seconds=max(seconds, 0.0))
            if target > self.until:
                stop.set()
                return True
            self._now = target
        return False


def rss_mb() -> float:
    try:
        import psutil  # type: ignore[import-untyped]

        return float(psutil.Process().memory_info().rss) / 2**20
    except ImportError:  # peak, not current: still shows growth
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rules_for(people: list[str], count: int) -> list[AlbumRule]:
    return [
        AlbumRule(
            name=f"Load {i:02d}",
            people=[people[i % len(people)]],
            schedule=SCHEDULES[i % len(SCHEDULES)],
        )
        for i in range(count)
    ]


def expected_ticks(schedule: str, start: datetime, until: datetime) -> list[datetime]:
    parsed = parse_schedule(schedule)
    ticks, at = [start], start
    while (at := parsed.next_after(at)) <= until:
        ticks.append(at)
    return ticks


def daemon_day(app: AppContext, rules: list[AlbumRule], *, hours: int, workers: int) -> LoadResult:
    """Run the daemon's scheduler over `hours` of fake time with the real album runner."""
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    until = start + timedelta(hours=hours)
    running: Counter[str] = Counter()
    pool = CountingPool(workers)
    clock = SettlingClock(start, until, pool)
    result = LoadResult(rules=len(rules))
    started: dict[str, list[datetime]] = {r.name: [] for r in rules}
    inner = rule_runner(app, app.profile, {r.name: r for r in rules})
    lock = threading.Lock()
    next_sample = [start]

    def run(name: str) -> JobReport:
        with lock:
            if running[name]:
                result.overlaps += 1
            running[name] += 1
            started[name].append(clock.now())
        try:
            report = inner(name)
        except Exception:
            result.failed += 1
            raise
        finally:
            with lock:
                running[name] -= 1
                result.runs += 1
                if clock.now() >= next_sample[0]:
                    next_sample[0] += timedelta(hours=1)
                    gc.collect()
                    result.rss_mb.append(rss_mb())
        if not report.ok:
            result.failed += 1
        return report

    stop = threading.Event()
    schedules = {r.name: parse_schedule(r.schedule or "every 1h") for r in rules}
    daemon = Daemon(schedules, run, stop=stop, clock=clock, workers=workers, executor=pool)
    began = time.monotonic()
    try:
        daemon.run_forever()
    finally:
        pool.shutdown()
    result.seconds = time.monotonic() - began
    for rule in rules:
        want = expected_ticks(rule.schedule or "every 1h", start, until)
        if started[rule.name] != want:
            result.late.append(f"{rule.name}: {len(started[rule.name])} runs, {len(want)} due")
    return result


def app_for(work: Path) -> AppContext:
    env = {"IMMKIT_CONFIG": str(work / "config.toml"), "IMMKIT_STATE_DIR": str(work / "state")}
    return AppContext(config_flag=None, profile_name=None, json=False, verbosity=0, env=env)
