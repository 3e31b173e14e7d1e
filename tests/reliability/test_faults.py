"""Fault matrix and SIGKILL loop on every scenario (small counts; run_long.py: full)."""

from __future__ import annotations

import random

import pytest

from tests.reliability.catalog import SCENARIOS
from tests.reliability.harness import (
    CRASH_LATENCY,
    Tally,
    crash_trial,
    fault_trial,
    journal_readable,
    reference,
    run_until_done,
    undo_everything,
)
from tests.reliability.scenarios import Ctx, Scenario
from tests.reliability.scenarios_library import LIBRARY_INTERNALIZE
from tests.reliability.world import World, secret_hits

CI_FAULT_TRIALS = 1
CI_KILLS = 3


def _undo_everything(world: World, scenario: Scenario, ctx: Ctx, tally: Tally) -> None:
    """Undo every run; a scenario's known undo bug is a strict expected failure of this
    step alone (every check before it has passed)."""
    undo_everything(world, scenario, ctx, tally)
    if scenario.undo_bug is not None:
        assert not tally.equal, f"undo now works: remove undo_bug ({scenario.undo_bug})"
        part = scenario.undo_bug_part
        got, before = scenario.snapshot(world), ctx.data["before"]
        assert {**got, part: None} == {**before, part: None}, "undo differs elsewhere too"
        pytest.xfail(scenario.undo_bug)
    assert tally.equal, "\n".join(tally.notes)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name.replace(" ", "_"))
def test_faults_reach_the_fault_free_end_state(world: World, scenario: Scenario) -> None:
    want, _ = reference(world, scenario)
    tally = Tally()
    for seed in range(CI_FAULT_TRIALS):
        ctx = fault_trial(world, scenario, want, seed, tally)
        assert tally.equal, "\n".join(tally.notes)
    assert sum(tally.faults.values()) > 0, "no fault was injected: the test proves nothing"
    assert secret_hits(world, [world.root]) == []
    _undo_everything(world, scenario, ctx, tally)
    assert secret_hits(world, [world.root]) == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name.replace(" ", "_"))
def test_sigkill_converges_and_undo_still_works(world: World, scenario: Scenario) -> None:
    want, aim = reference(world, scenario)
    tally = Tally()
    rng = random.Random(7)
    while tally.kills < CI_KILLS:
        ctx = crash_trial(world, scenario, want, aim, rng, tally, kills=CI_KILLS)
        assert tally.equal, "\n".join(tally.notes)
        journal_readable(world, ctx, shown=2)
        assert secret_hits(world, [world.root]) == []
        _undo_everything(world, scenario, ctx, tally)
    assert secret_hits(world, [world.root]) == []


def test_library_undo_after_a_kill_late_in_the_run(world: World) -> None:
    """A run killed after its uploads (two requests before the end, before the trash)
    converges when resumed, and undo then removes the uploads the resumed run found: the
    journal recorded them as this run's own, not as copies the owner had before."""
    scenario = LIBRARY_INTERNALIZE
    want, aim = reference(world, scenario)
    tally = Tally()
    ctx = scenario.seed(world, world.fresh())
    world.server.state.faults.set("*", latency=CRASH_LATENCY)
    try:
        procs = run_until_done(world, scenario, ctx, tally, kill=[aim.requests - 2])
    finally:
        world.server.state.faults.clear()
    assert procs[0].killed
    assert len(procs) == 2
    assert scenario.snapshot(world) == want
    undo_everything(world, scenario, ctx, tally)
    assert tally.equal, "\n".join(tally.notes)
    assert scenario.snapshot(world) == ctx.data["before"]
