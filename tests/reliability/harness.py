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


def run_until_done(
    world: World, scenario: Scenario, ctx: Ctx, tally: Tally, *, kill: list[float] | None = None
) -> list[Proc]:
    """Run the scenario's command again and again until it finishes.

    `kill` holds delays: the first runs are killed after them (SIGKILL), in order.
    Exit 1 (some actions failed) and 3 (the server failed too often) call for a plain
    re-run; exit 2 (bad input) never does.
    """
    delays = list(kill or [])
    procs: list[Proc] = []
    for _ in range(MAX_RUNS + len(delays)):
        delay = delays.pop(0) if delays else None
        proc = world.immkit(ctx.work, scenario.argv(ctx), kill_after=delay)
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


def reference(world: World, scenario: Scenario) -> tuple[State, tuple[float, float]]:
    """The end state without faults (or the scenario's own idea of it), and how long
    immkit takes to start and a full run takes with the crash latency (to aim the kills)."""
    tally = Tally()
    ctx = scenario.seed(world, world.fresh())
    started = time.monotonic()
    world.immkit(ctx.work, ["--version"])
    startup = time.monotonic() - started  # Python and immkit's imports: nothing to kill yet
    world.server.state.faults.set("*", latency=CRASH_LATENCY)
    started = time.monotonic()
    procs = run_until_done(world, scenario, ctx, tally)
    seconds = time.monotonic() - started
    world.server.state.faults.clear()
    assert len(procs) == 1, [p.stderr for p in procs]
    state = scenario.snapshot(world)
    if scenario.intended is not None:
        assert state == scenario.intended(ctx), "the fault-free run did not reach its goal"
    return state, (startup, seconds)


def fault_trial(world: World, scenario: Scenario, want: State, seed: int, tally: Tally) -> Ctx:
    """Seed, run under the fault matrix until done, compare the end state."""
    ctx = scenario.seed(world, world.fresh())
    faults = world.server.state.faults
    faults.rng = random.Random(seed)
    faults.set("*", **FAULT_MATRIX)
    try:
        run_until_done(world, scenario, ctx, tally)
    finally:
        tally.faults.update(faults.injected)
        faults.clear()
    tally.trials += 1
    got = scenario.snapshot(world)
    tally.check(got == want, f"faults (seed {seed}): end state differs:\n{_diff(want, got)}")
    return ctx


def crash_trial(
    world: World,
    scenario: Scenario,
    want: State,
    timing: tuple[float, float],
    rng: random.Random,
    tally: Tally,
) -> Ctx:
    """Seed, then kill runs at random moments until one finishes; compare the end state."""
    ctx = scenario.seed(world, world.fresh())
    world.server.state.faults.set("*", latency=CRASH_LATENCY)
    startup, full = timing  # kill while it works, not while Python imports
    delays = [rng.uniform(startup, full) for _ in range(rng.randint(1, 3))]
    try:
        run_until_done(world, scenario, ctx, tally, kill=delays)
    finally:
        world.server.state.faults.clear()
    tally.trials += 1
    got = scenario.snapshot(world)
    tally.check(got == want, f"crash: end state differs:\n{_diff(want, got)}")
    return ctx


def journal_readable(world: World, ctx: Ctx) -> list[dict[str, Any]]:
    """`runs list` and `runs show` still work on whatever the runs left behind."""
    found = runs(world, ctx.work)
    for run in found:
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
