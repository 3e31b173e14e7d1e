"""Every mutating job's scenario, in the order the tests and the long script run them."""

from __future__ import annotations

from tests.reliability.scenarios import ALBUMS_SYNC, RUNS_UNDO, Scenario
from tests.reliability.scenarios_library import LIBRARY_INTERNALIZE
from tests.reliability.scenarios_people import PEOPLE_IMPORT, PEOPLE_MIGRATE
from tests.reliability.scenarios_transfer import TRANSFER_API, TRANSFER_DB

SCENARIOS: list[Scenario] = [
    ALBUMS_SYNC,
    RUNS_UNDO,
    PEOPLE_MIGRATE,
    PEOPLE_IMPORT,
    TRANSFER_DB,
    TRANSFER_API,
    LIBRARY_INTERNALIZE,
]
BY_NAME = {s.name: s for s in SCENARIOS}
