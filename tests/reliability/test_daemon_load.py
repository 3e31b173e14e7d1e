"""The daemon under load, small: rules on a bulk library through simulated hours
(the full day with 50 rules on 100 000 assets is in run_long.py)."""

from __future__ import annotations

import pytest

from immkit.sim.bulk import seed_large_library
from immkit.sim.seed import add_api_key, add_user
from tests.reliability.daemon_load import app_for, daemon_day, rules_for
from tests.reliability.scenarios import write_config
from tests.reliability.world import CANARY_KEY, World, secret_hits


@pytest.mark.usefixtures("restore_logging")
def test_daemon_rules_run_on_schedule_without_overlap(world: World) -> None:
    work = world.fresh()
    with world.db() as conn:
        owner = add_user(conn, "load@example.com", "Load", is_admin=True)
        add_api_key(conn, owner, secret=CANARY_KEY)
        library = seed_large_library(conn, owner, 2_000, 12, 1_500, rng_seed=3)
    people = [f"P{i + 1:04d}" for i in range(len(library.person_ids))]
    rules = rules_for(people, 6)
    write_config(work, world.url, "[daemon]\nworkers = 3\n")
    result = daemon_day(app_for(work), rules, hours=6, workers=3)
    assert result.runs > len(rules) * 2
    assert result.failed == 0
    assert result.overlaps == 0
    assert result.late == []
    assert secret_hits(world, [work]) == []
