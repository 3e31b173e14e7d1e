"""The reliability world: the session's simulator with a fresh database per attempt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from immkit.sim.database import create_database
from immkit.sim.server import SimServer
from tests.reliability.world import World


@pytest.fixture
def world(pg: str, sim_template: str, sim_server: SimServer, tmp_path: Path) -> Iterator[World]:
    made = World(pg, sim_template, sim_server, tmp_path / "world")
    yield made
    sim_server.state.faults.clear()
    sim_server.state.db.use(create_database(pg, "immkit_rel_idle", template=sim_template))
    made.close()
