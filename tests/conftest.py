"""Fixtures shared by every test directory: PostgreSQL, the simulator, clean environment.

One bundled PostgreSQL and one simulator run per session. Each test that asks for `sim`
gets a fresh copy of a template database (schema only), so tests never depend on order.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from immkit.sim.database import create_database, drop_database, install_schema, server_url
from immkit.sim.server import SimServer
from immkit.sim.state import VERSION, ObservedResponse
from tests.contract.openapi import check_all, report

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TEMPLATE_DB = "immkit_template_3_1"

_counter = itertools.count()


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's Immich settings, config file, state dir or `.env`."""
    for name in list(os.environ):
        if name.startswith(("IMMICH_", "IMMKIT_")) and name != "IMMKIT_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("IMMKIT_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("IMMKIT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)  # so no stray `.env` is read


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Undo whatever a test does to the root, immkit and third-party loggers."""
    names = ["", "immkit", "httpx", "httpcore", "uvicorn", "uvicorn.access", "uvicorn.error"]
    loggers = [logging.getLogger(n) for n in names]
    saved = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    yield
    for lg, level, handlers in saved:
        for h in lg.handlers:
            if h not in handlers:
                lg.removeHandler(h)
        lg.setLevel(level)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert SHARED.is_dir(), f"shared/ must sit beside the repository: {SHARED}"
    return SHARED


@pytest.fixture(scope="session")
def pg(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Admin URL of a PostgreSQL server (bundled, or IMMKIT_TEST_DATABASE_URL)."""
    return server_url(tmp_path_factory.mktemp("pgdata"))


@pytest.fixture(scope="session")
def sim_template(pg: str) -> str:
    """Name of a database holding the empty Immich 3.1 schema, copied by each test."""
    url = create_database(pg, TEMPLATE_DB)
    install_schema(url)
    return TEMPLATE_DB


@pytest.fixture(scope="session")
def sim_server(
    pg: str, sim_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SimServer]:
    url = create_database(pg, "immkit_sim_boot", template=sim_template)
    server = SimServer(url, tmp_path_factory.mktemp("media")).start()
    yield server
    server.stop()


@pytest.fixture
def sim(pg: str, sim_template: str, sim_server: SimServer) -> Iterator[SimServer]:
    """The running simulator, switched to a fresh empty database for this test."""
    name = f"immkit_t{next(_counter)}"
    sim_server.state.db.use(create_database(pg, name, template=sim_template))
    sim_server.state.faults.clear()
    sim_server.state.requests.clear()
    sim_server.state.version = VERSION
    yield sim_server
    sim_server.state.faults.clear()
    sim_server.state.db.use(create_database(pg, "immkit_sim_idle", template=sim_template))
    drop_database(pg, name)


@pytest.fixture(autouse=True)
def openapi_conformance(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every simulator answer a `sim` test provokes must match Immich's 3.1.0 OpenAPI spec."""
    if "sim" not in request.fixturenames:
        yield
        return
    server: SimServer = request.getfixturevalue("sim")
    seen: list[ObservedResponse] = []
    observer = seen.append
    server.state.observers.append(observer)
    yield
    server.state.observers.remove(observer)
    violations = check_all(seen)
    if violations:
        pytest.fail(report(violations), pytrace=False)
