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
from immkit.sim.sample import FACES, SampleLibrary, seed_sample_library
from immkit.sim.server import SimServer

Invoke = Callable[..., Result]

WRITES = ("PUT /albums/{id}/assets", "DELETE /albums/{id}/assets", "POST /albums")


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


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def json_of(result: Result) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(ok(result).stdout)
    return document


def api(sim: SimServer, sample: SampleLibrary, key: str = "alice") -> httpx.Client:
    return httpx.Client(base_url=f"{sim.url}/api", headers={"x-api-key": sample.key(key)})


def album_id(sim: SimServer, sample: SampleLibrary, name: str, key: str = "alice") -> str | None:
    with api(sim, sample, key) as client:
        albums = client.get("/albums", params={"name": name}).json()
    assert len(albums) <= 1, albums
    return albums[0]["id"] if albums else None


def album_files(sim: SimServer, sample: SampleLibrary, name: str, key: str = "alice") -> set[str]:
    """File names in the album called `name`, read over HTTP."""
    found = album_id(sim, sample, name, key)
    assert found is not None, f"no album {name}"
    with api(sim, sample, key) as client:
        body = {"albumIds": [found], "size": 1000}
        items = client.post("/search/metadata", json=body).json()["assets"]["items"]
    return {a["originalFileName"] for a in items}


def photos(test: Callable[[set[str]], bool]) -> set[str]:
    """Alice's sample photos IMG_0001…IMG_0030 whose named people pass `test`."""
    return {f"IMG_{n:04d}.jpg" for n in range(1, 31) if test(set(FACES.get(n, ())))}


def alice_files(sim: SimServer, sample: SampleLibrary) -> set[str]:
    """Every file name of alice's own assets (uploads and her external library)."""
    with api(sim, sample) as client:
        items = client.post("/search/metadata", json={"size": 1000}).json()["assets"]["items"]
    return {a["originalFileName"] for a in items if a["ownerId"] == sample.user("alice")}


def writes(sim: SimServer) -> int:
    return sum(sim.state.requests[w] for w in WRITES)
