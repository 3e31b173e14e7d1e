"""Fault matrix and SIGKILL loop on every scenario (small counts; run_long.py: full)."""

from __future__ import annotations

import random

import pytest

from tests.reliability.catalog import SCENARIOS
from tests.reliability.harness import (
    Tally,
    crash_trial,
    fault_trial,
    journal_readable,
    reference,
    undo_everything,
)
from tests.reliability.scenarios import Scenario
from tests.reliability.world import World, secret_hits

CI_FAULT_TRIALS = 1
CI_KILLS = 3


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name.replace(" ", "_"))
def test_faults_reach_the_fault_free_end_state(world: World, scenario: Scenario) -> None:
    want, _ = reference(world, scenario)
    tally = Tally()
    for seed in range(CI_FAULT_TRIALS):
        ctx = fault_trial(world, scenario, want, seed, tally)
        assert tally.equal, "\n".join(tally.notes)
    undo_everything(world, scenario, ctx, tally)
    assert tally.equal, "\n".join(tally.notes)
    assert sum(tally.faults.values()) > 0, "no fault was injected: the test proves nothing"
    assert secret_hits(world, [world.root]) == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name.replace(" ", "_"))
def test_sigkill_converges_and_undo_still_works(world: World, scenario: Scenario) -> None:
    want, requests = reference(world, scenario)
    tally = Tally()
    rng = random.Random(7)
    while tally.kills < CI_KILLS:
        ctx = crash_trial(world, scenario, want, requests, rng, tally, kills=CI_KILLS)
        assert tally.equal, "\n".join(tally.notes)
        journal_readable(world, ctx, shown=2)
        undo_everything(world, scenario, ctx, tally)
        assert tally.equal, "\n".join(tally.notes)
    assert secret_hits(world, [world.root]) == []
