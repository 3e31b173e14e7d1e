"""Gateway tests act as one seeded user through `Immich.connect`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from immkit.immich import Immich
from immkit.sim import seed
from immkit.sim.server import SimServer


@pytest.fixture
def owner(sim: SimServer) -> tuple[str, str]:
    """A user and an API key of theirs: (user id, key)."""
    with sim.state.db.connection() as conn:
        uid = seed.add_user(conn, "owner@example.com", "Owner")
        return uid, seed.add_api_key(conn, uid)


@pytest.fixture
def immich(sim: SimServer, owner: tuple[str, str]) -> Iterator[Immich]:
    with Immich.connect(sim.url, owner[1]) as gateway:
        yield gateway
