"""`immkit doctor --db` names the schema layout it finds, read from the catalog: the 3.2+
person-group layout (sim/schema_3_2.sql), and a layout it does not know is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner, Result

from immkit.cli.main import app
from immkit.sim import seed
from immkit.sim.database import create_database, drop_database, install_schema
from immkit.sim.server import SimServer

NAME = "immkit_doctor_32"


@pytest.fixture
def db32(pg: str) -> Iterator[str]:
    url = create_database(pg, NAME)
    install_schema(url, "3.2")
    yield url
    drop_database(pg, NAME)


@pytest.fixture
def key(sim: SimServer) -> str:
    with sim.state.db.connection() as conn:
        admin = seed.add_user(conn, "admin@example.com", "Admin", is_admin=True)
        return seed.add_api_key(conn, admin)


def _doctor(sim: SimServer, key: str, database_url: str, tmp_path: Path, *args: str) -> Result:
    config = tmp_path / "config" / "config.toml"  # IMMKIT_CONFIG (tests/conftest.py)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[profiles.home]\nurl = "{sim.url}"\napi_key = "{key}"\ndatabase_url = "{database_url}"\n'
    )
    return CliRunner().invoke(app, [*args, "doctor", "--db"], catch_exceptions=False)


def test_doctor_reports_the_person_group_layout(
    sim: SimServer, key: str, db32: str, tmp_path: Path
) -> None:
    result = _doctor(sim, key, db32, tmp_path)
    assert result.exit_code == 0, result.output
    assert "layout 3.2, Immich 3.2+ (person groups" in result.stdout
    doc = json.loads(_doctor(sim, key, db32, tmp_path, "--json").stdout)
    assert doc["database"]["layout"] == "3.2"


def test_doctor_refuses_a_layout_it_does_not_know(
    sim: SimServer, key: str, db32: str, tmp_path: Path
) -> None:
    with psycopg.connect(db32, autocommit=True) as conn:
        conn.execute('ALTER TABLE asset_face RENAME COLUMN "personGroupId" TO "who"')
    result = _doctor(sim, key, db32, tmp_path)
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "layout is not one immkit knows" in errors[0]
    assert "refuses" in errors[0]
    assert "Traceback" not in result.output
