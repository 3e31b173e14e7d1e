"""The checks every scenario goes through: fault matrix, SIGKILL loop, undo, journal.

Used by the CI tests (small counts) and by `run_long.py` (full counts); each function
adds what it did to a `Tally`, which is what the long script prints.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.reliability.dbfaults import cut_db_connections
from tests.reliability.scenarios import Ctx, Scenario, State, runs
from tests.reliability.world import Proc, World

# what the issue asks of every endpoint
FAULT_MATRIX: dict[str, Any] = {
    "error_rate": 0.05,  # 500 / 502 / 503
    "drop_rate": 0.01,  # connection dropped before the server did anything
    "drop_after_rate": 0.01,  # the server did the work, the answer is lost
    "spike_rate": 0.05,
    "spike_latency": 0.2,
}
CRASH_LATENCY = 0.03  # seconds per request: runs long enough to be killed mid-way
MAX_RUNS = 15


@dataclass
class Tally:
    """What one scenario went through, for the long script's table."""

    faults: Counter[str] = field(default_factory=Counter)
    runs: int = 0
    kills: int = 0
    trials: int = 0
    equal: bool = True
    notes: list[str] = field(default_factory=list)

    def check(self, ok: bool, note: str) -> None:
        if not ok:
            self.equal = False
            self.notes.append(note)


def finished(scenario: Scenario, proc: Proc) -> bool:
    if proc.code == 0:
        return True
    # an undo whose last run was killed after it had marked the run undone
    return scenario.undo_job is None and proc.code == 2 and "already undone" in proc.stderr


def no_traceback(proc: Proc) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr


@dataclass(frozen=True)
class Aim:
    """How long a fault-free run is: where kills can land."""

    requests: int
    seconds: float

    @property
    def by_time(self) -> bool:
        # a job that barely talks to the server (DB mode) is killed by the clock instead
        return self.requests < 10

    def pick(self, rng: random.Random) -> float:
        if self.by_time:
            return rng.uniform(0.2, self.seconds)
        return rng.randint(1, max(self.requests - 1, 1))


def run_until_done(
    world: World,
    scenario: Scenario,
    ctx: Ctx,
    tally: Tally,
    *,
    kill: list[float] | None = None,
    by_time: bool = False,
) -> list[Proc]:
    """Run the scenario's command again and again until it finishes.

    `kill` holds request counts: the first runs are killed (SIGKILL) once the server has
    answered that many of their requests, in order (`by_time`: after that many seconds).
    Exit 1 (some actions failed) and 3 (the server failed too often) call for a plain
    re-run; exit 2 (bad input) never does.
    """
    delays = list(kill or [])
    procs: list[Proc] = []
    for _ in range(MAX_RUNS + len(delays)):
        at = delays.pop(0) if delays else None
        if by_time:
            proc = world.immkit(ctx.work, scenario.argv(ctx), kill_after=at)
        else:
            proc = world.immkit(
                ctx.work, scenario.argv(ctx), kill_at_request=None if at is None else int(at)
            )
        procs.append(proc)
        tally.runs += 1
        if proc.killed:
            tally.kills += 1
            continue
        no_traceback(proc)
        if finished(scenario, proc):
            return procs
        assert proc.code in (1, 3), f"exit {proc.code}: {proc.stderr}"
    raise AssertionError(f"{scenario.name} did not finish in {MAX_RUNS} runs: {procs[-1]}")


def reference(world: World, scenario: Scenario) -> tuple[State, Aim]:
    """The end state without faults (or the scenario's own idea of it), and how many
    requests a full run makes (to aim the kills)."""
    tally = Tally()
    ctx = scenario.seed(world, world.fresh())
    world.server.state.faults.set("*", latency=CRASH_LATENCY)
    seen, started = world.requests_seen(), time.monotonic()
    procs = run_until_done(world, scenario, ctx, tally)
    # kills land between the first request and the last (or the start and the end)
    aim = Aim(world.requests_seen() - seen, time.monotonic() - started)
    world.server.state.faults.clear()
    assert len(procs) == 1, [p.stderr for p in procs]
    state = scenario.snapshot(world)
    if scenario.intended is not None:
        assert state == scenario.intended(ctx), "the fault-free run did not reach its goal"
    return state, aim


def fault_trial(world: World, scenario: Scenario, want: State, seed: int, tally: Tally) -> Ctx:
    """Seed, run under the fault matrix until done, compare the end state."""
    ctx = scenario.seed(world, world.fresh())
    faults = world.server.state.faults
    faults.rng = random.Random(seed)
    faults.set("*", **FAULT_MATRIX)
    try:
        with cut_db_connections(world.admin_url, random.Random(seed)) as cut:
            run_until_done(world, scenario, ctx, tally)
    finally:
        tally.faults.update(faults.injected)
        tally.faults.update(cut)
        faults.clear()
    tally.trials += 1
    got = scenario.snapshot(world)
    tally.check(got == want, f"faults (seed {seed}): end state differs:\n{_diff(want, got)}")
    return ctx


def crash_trial(
    world: World,
    scenario: Scenario,
    want: State,
    aim: Aim,
    rng: random.Random,
    tally: Tally,
    kills: int | None = None,
) -> Ctx:
    """Seed, then kill runs at random moments until one finishes; compare the end state."""
    ctx = scenario.seed(world, world.fresh())
    world.server.state.faults.set("*", latency=CRASH_LATENCY)
    # killed once the server has answered a random number of its requests: mid-request,
    # between two, or between a request and its journal line (latency keeps them apart)
    count = kills if kills is not None else rng.randint(1, 3)
    at = [aim.pick(rng) for _ in range(count)]
    try:
        run_until_done(world, scenario, ctx, tally, kill=at, by_time=aim.by_time)
    finally:
        world.server.state.faults.clear()
    tally.trials += 1
    got = scenario.snapshot(world)
    tally.check(got == want, f"crash: end state differs:\n{_diff(want, got)}")
    return ctx


def journal_readable(world: World, ctx: Ctx, shown: int = 1000) -> list[dict[str, Any]]:
    """`runs list` and `runs show` (of the newest `shown` runs) still work on whatever
    the runs left behind."""
    found = runs(world, ctx.work)
    for run in found[:shown]:
        proc = world.immkit(ctx.work, ["runs", "show", run["id"], "--json"])
        assert proc.code == 0, proc.stderr
        json.loads(proc.stdout)
    return found


def undo_everything(world: World, scenario: Scenario, ctx: Ctx, tally: Tally) -> None:
    """Undo every run of the job, newest first: the state is back to before the seed's job."""
    if scenario.undo_job is None:
        return
    for run in runs(world, ctx.work):
        if run["job"] != scenario.undo_job or run["status"] == "undone":
            continue
        proc = world.immkit(ctx.work, ["runs", "undo", run["id"], "--yes"])
        tally.runs += 1
        no_traceback(proc)
        assert proc.code == 0, proc.stderr
    got = scenario.snapshot(world)
    want = ctx.data["before"]
    tally.check(got == want, f"undo: state differs from before:\n{_diff(want, got)}")


def _diff(want: State, got: State) -> str:
    a = json.dumps(want, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    b = json.dumps(got, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    import difflib

    return "\n".join(list(difflib.unified_diff(a, b, "intended", "got", lineterm=""))[:60])
