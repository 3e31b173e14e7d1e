"""Smart-album tests drive the real CLI against the simulator seeded with the sample."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from immkit.cli.main import app
from immkit.sim.sample import SampleLibrary, seed_sample_library
from immkit.sim.server import SimServer

Invoke = Callable[..., Result]


@pytest.fixture
def sample(sim: SimServer) -> SampleLibrary:
    with sim.state.db.connection() as conn:
        return seed_sample_library(conn, sim.state.media)


@pytest.fixture
def invoke(sim: SimServer, sample: SampleLibrary, tmp_path: Path) -> Invoke:
    """Run `immkit …` as alice; `config=` writes a config file with those TOML lines."""

    def run(*args: str, config: str | None = None, key: str = "alice", **env: str) -> Result:
        environ = {
            "IMMICH_INSTANCE_URL": sim.url,
            "IMMICH_API_KEY": sample.key(key),
            "IMMKIT_STATE_DIR": str(tmp_path / "state"),
            **env,
        }
        if config is not None:
            path = tmp_path / "config.toml"
            path.write_text(config, encoding="utf-8")
            environ["IMMKIT_CONFIG"] = str(path)
        return CliRunner().invoke(app, list(args), env=environ, catch_exceptions=False)

    return run


def plan_of(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def album_files(sim: SimServer, sample: SampleLibrary, name: str, key: str = "alice") -> set[str]:
    """File names in the album called `name` (owned by `key`'s user), read over HTTP."""
    headers = {"x-api-key": sample.key(key)}
    albums = httpx.get(f"{sim.url}/api/albums", params={"name": name}, headers=headers).json()
    assert len(albums) == 1, albums
    body = {"albumIds": [albums[0]["id"]], "size": 1000}
    found = httpx.post(f"{sim.url}/api/search/metadata", json=body, headers=headers).json()
    return {a["originalFileName"] for a in found["assets"]["items"]}
