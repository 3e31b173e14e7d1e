"""A database in the Immich 3.2+ layout (sim/schema_3_2.sql, 3.3 people sharing included)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from immkit.sim.database import create_database, drop_database, install_schema


@pytest.fixture
def db32(pg: str) -> Iterator[str]:
    url = create_database(pg, "immkit_layout_32")
    install_schema(url, "3.2")
    yield url
    drop_database(pg, "immkit_layout_32")
