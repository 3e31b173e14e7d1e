"""Every mutating job's scenario, in the order the tests and the long script run them."""

from __future__ import annotations

from tests.reliability.scenarios import ALBUMS_SYNC, RUNS_UNDO, Scenario
from tests.reliability.scenarios_people import PEOPLE_MIGRATE

SCENARIOS: list[Scenario] = [
    ALBUMS_SYNC,
    RUNS_UNDO,
    PEOPLE_MIGRATE,
]
BY_NAME = {s.name: s for s in SCENARIOS}
