"""The daemon loop under a fake clock: when rules run, failures, overlap, stop, catch-up."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import ParamSpec, TypeVar

import pytest
from pydantic import SecretStr

from immkit.daemon import (
    Daemon,
    FakeClock,
    InlineExecutor,
    JobReport,
    Notifier,
    SystemClock,
    parse_schedule,
)
from immkit.errors import ConfigError, NotFoundError
from tests.unit.daemon.conftest import Delivered

START = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
_P = ParamSpec("_P")
_T = TypeVar("_T")


class Recorder:
    """A runner that records (rule, fake time) and fails as told."""

    def __init__(self, clock: FakeClock, failures: Mapping[str, Exception] | None = None) -> None:
        self.clock = clock
        self.failures = dict(failures or {})
        self.calls: list[tuple[str, datetime]] = []

    def __call__(self, name: str) -> JobReport:
        self.calls.append((name, self.clock.now()))
        if name in self.failures:
            raise self.failures[name]
        return JobReport(name=name, ok=True, summary=f"{name} in sync", changed=1)

    def times(self, name: str) -> list[str]:
        return [at.strftime("%H:%M") for n, at in self.calls if n == name]


def daemon_for(
    schedules: Mapping[str, str],
    runner: Callable[[str], JobReport],
    clock: FakeClock,
    stop: threading.Event,
    **kwargs: object,
) -> Daemon:
    parsed = {name: parse_schedule(text) for name, text in schedules.items()}
    options: dict[str, object] = {"executor": InlineExecutor(), **kwargs}
    return Daemon(parsed, runner, stop=stop, clock=clock, **options)  # type: ignore[arg-type]


def run_until_parked(daemon: Daemon, clock: FakeClock, stop: threading.Event) -> None:
    """Run the daemon through the clock's fake hours, then stop it and wait for it."""
    thread = threading.Thread(target=daemon.run_forever)
    thread.start()
    try:
        assert clock.parked.wait(10), "the daemon never reached the end of fake time"
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


@pytest.fixture
def stop() -> threading.Event:
    return threading.Event()


@pytest.fixture
def info_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="immkit")
    return caplog


def test_interval_rule_runs_at_start_and_then_every_interval(stop: threading.Event) -> None:
    clock = FakeClock(START, until=START + timedelta(hours=2))
    runner = Recorder(clock)
    run_until_parked(daemon_for({"Kids": "every 30m"}, runner, clock, stop), clock, stop)
    assert runner.times("Kids") == ["10:00", "10:30", "11:00", "11:30", "12:00"]
    assert clock.waits == [1800.0] * 5  # one wait per tick, the last one parks: no busy loop


def test_without_run_at_start_the_first_run_waits_for_the_schedule(
    stop: threading.Event,
) -> None:
    clock = FakeClock(START, until=START + timedelta(hours=1))
    runner = Recorder(clock)
    daemon = daemon_for({"Kids": "every 30m"}, runner, clock, stop, run_at_start=False)
    run_until_parked(daemon, clock, stop)
    assert runner.times("Kids") == ["10:30", "11:00"]


def test_cron_and_interval_rules_each_run_at_their_own_times(stop: threading.Event) -> None:
    start = START + timedelta(minutes=7)
    clock = FakeClock(start, until=START + timedelta(hours=2))
    runner = Recorder(clock)
    daemon = daemon_for({"Kids": "*/40 * * * *", "Pets": "every 45m"}, runner, clock, stop)
    run_until_parked(daemon, clock, stop)
    assert runner.times("Kids") == ["10:07", "10:40", "11:00", "11:40", "12:00"]
    assert runner.times("Pets") == ["10:07", "10:52", "11:37"]
    # the daemon sleeps exactly until the next due time of either rule
    assert clock.waits[:5] == [33 * 60.0, 12 * 60.0, 8 * 60.0, 37 * 60.0, 3 * 60.0]


def test_a_failing_rule_never_stops_the_others(
    stop: threading.Event, info_logs: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(START, until=START + timedelta(hours=1))
    failures = {"Bug": RuntimeError("boom"), "Gone": NotFoundError("Album 'Gone' not found.")}
    runner = Recorder(clock, failures)
    schedules = {"Bug": "every 30m", "Gone": "every 30m", "Kids": "every 30m"}
    run_until_parked(daemon_for(schedules, runner, clock, stop), clock, stop)
    for name in schedules:
        assert runner.times(name) == ["10:00", "10:30", "11:00"]
    errors = [r for r in info_logs.records if r.levelno == logging.ERROR]
    crashed = [r for r in errors if "crashed" in r.getMessage()]
    assert len(crashed) == 3
    assert all(r.exc_info for r in crashed)
    assert "Rule Gone failed after" in info_logs.text
    assert "Album 'Gone' not found." in info_logs.text
    assert "Traceback" not in "".join(r.getMessage() for r in errors if "Gone" in r.getMessage())


def test_failures_are_notified_with_their_sentence_and_successes_as_one_summary(
    stop: threading.Event, inbox: list[Delivered]
) -> None:
    clock = FakeClock(START, until=START + timedelta(minutes=30))
    runner = Recorder(clock, {"Bug": ValueError("bad value"), "Gone": NotFoundError("No 'Gone'.")})
    notifier = Notifier([SecretStr("immkittest://inbox")], on={"failure", "success"})
    schedules = {"Bug": "every 1h", "Gone": "every 1h", "Kids": "every 1h", "Pets": "every 1h"}
    run_until_parked(daemon_for(schedules, runner, clock, stop, notifier=notifier), clock, stop)
    titles = sorted(d.title for d in inbox)
    assert titles == [
        "immkit: 2 album rules done",
        "immkit: album rule Bug failed",
        "immkit: album rule Gone failed",
    ]
    by_title = {d.title: d for d in inbox}
    assert by_title["immkit: album rule Gone failed"].body == "No 'Gone'."
    assert by_title["immkit: album rule Bug failed"].body == "internal error: ValueError: bad value"
    assert by_title["immkit: 2 album rules done"].body == "Kids: Kids in sync\nPets: Pets in sync"


class SlowInThread(Executor):
    """Runs the rule named "slow" on a real worker thread, every other rule inline."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1)
        self.inline = InlineExecutor()

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        target: Executor = self.pool if args == ("slow",) else self.inline
        return target.submit(fn, *args, **kwargs)


@pytest.fixture
def slow_executor() -> Iterator[SlowInThread]:
    executor = SlowInThread()
    yield executor
    executor.pool.shutdown(wait=True)


def test_a_rule_still_running_skips_its_ticks_while_others_run_and_stop_waits_for_it(
    stop: threading.Event, info_logs: pytest.LogCaptureFixture, slow_executor: SlowInThread
) -> None:
    clock = FakeClock(START, until=START + timedelta(hours=2))
    release = threading.Event()
    started = threading.Event()
    recorder = Recorder(clock)

    def runner(name: str) -> JobReport:
        if name == "slow":
            started.set()
            assert release.wait(10), "the test never released the slow rule"
        return recorder(name)

    schedules = {"slow": "every 30m", "fast": "every 30m"}
    daemon = daemon_for(schedules, runner, clock, stop, executor=slow_executor)
    thread = threading.Thread(target=daemon.run_forever)
    thread.start()
    try:
        assert clock.parked.wait(10)
        assert started.is_set()
        assert recorder.times("fast") == ["10:00", "10:30", "11:00", "11:30", "12:00"]
        skipped = [r.getMessage() for r in info_logs.records if "skipping" in r.getMessage()]
        assert len(skipped) == 4
        assert skipped[0] == (
            "Rule slow is still running at its 2024-05-06 10:30:00+00:00 tick; skipping that tick."
        )
        stop.set()
        thread.join(0.2)
        assert thread.is_alive(), "run_forever returned while a rule was still running"
    finally:
        release.set()
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert recorder.times("slow") == ["12:00"]  # ran once (recorded when released)
    messages = [r.getMessage() for r in info_logs.records]
    waiting = messages.index("Stopping: waiting for the running rules to finish (slow).")
    done = next(i for i, m in enumerate(messages) if m.startswith("Rule slow done"))
    assert waiting < done < messages.index("Daemon stopped.")


def test_stop_during_a_cycle_starts_no_new_run(
    stop: threading.Event, info_logs: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(START)
    recorder = Recorder(clock)

    def runner(name: str) -> JobReport:
        stop.set()  # as if SIGTERM arrived while this rule ran
        return recorder(name)

    daemon_for({"A": "every 30m", "B": "every 30m"}, runner, clock, stop).run_forever()
    assert [name for name, _ in recorder.calls] == ["A"]
    assert "Rule B not started: the daemon is stopping." in info_logs.text
    assert clock.now() == START


def test_ticks_missed_while_the_daemon_could_not_run_collapse_into_one_run(
    stop: threading.Event,
) -> None:
    clock = FakeClock(START, until=START + timedelta(hours=7))
    recorder = Recorder(clock)

    def runner(name: str) -> JobReport:
        report = recorder(name)
        if len(recorder.calls) == 2:
            clock.advance(5 * 3600 + 7 * 60)  # the machine slept for 5h07m
        return report

    daemon = daemon_for({"Kids": "0 * * * *"}, runner, clock, stop)
    run_until_parked(daemon, clock, stop)
    assert recorder.times("Kids") == ["10:00", "11:00", "16:07", "17:00"]


def test_interval_rule_after_missed_ticks_continues_from_the_catch_up_run(
    stop: threading.Event,
) -> None:
    clock = FakeClock(START, until=START + timedelta(hours=2))
    recorder = Recorder(clock)

    def runner(name: str) -> JobReport:
        report = recorder(name)
        if len(recorder.calls) == 1:
            clock.advance(75 * 60)
        return report

    run_until_parked(daemon_for({"Kids": "every 30m"}, runner, clock, stop), clock, stop)
    assert recorder.times("Kids") == ["10:00", "11:15", "11:45"]


def test_run_once_runs_every_rule_and_returns_reports_in_rule_order(
    stop: threading.Event, inbox: list[Delivered]
) -> None:
    clock = FakeClock(START)
    recorder = Recorder(clock, {"B": NotFoundError("Person 'Bob' not found.")})
    notifier = Notifier([SecretStr("immkittest://inbox")], on={"success"})
    daemon = Daemon(
        {n: parse_schedule("every 1h") for n in ("C", "B", "A")},
        recorder,
        stop=stop,
        clock=clock,
        notifier=notifier,
        workers=3,
    )
    reports = daemon.run_once()
    assert reports == [
        JobReport("C", ok=True, summary="C in sync", changed=1),
        JobReport("B", ok=False, summary="Person 'Bob' not found."),
        JobReport("A", ok=True, summary="A in sync", changed=1),
    ]
    assert sorted(name for name, _ in recorder.calls) == ["A", "B", "C"]
    assert [(d.title, d.body) for d in inbox] == [
        ("immkit: 2 album rules done", "C: C in sync\nA: A in sync")
    ]


def test_run_once_after_stop_runs_nothing(stop: threading.Event) -> None:
    clock = FakeClock(START)
    recorder = Recorder(clock)
    stop.set()
    assert daemon_for({"A": "every 1h"}, recorder, clock, stop).run_once() == []
    assert recorder.calls == []


def test_a_daemon_needs_at_least_one_rule(stop: threading.Event) -> None:
    with pytest.raises(ConfigError, match="Nothing to schedule"):
        Daemon({}, Recorder(FakeClock(START)), stop=stop)


def test_system_clock_is_aware_and_wakes_at_once_when_stopped(stop: threading.Event) -> None:
    clock = SystemClock()
    assert clock.now().tzinfo is not None
    assert clock.wait(0, stop) is False
    stop.set()
    assert clock.wait(3600, stop) is True
