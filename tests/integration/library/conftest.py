"""An external library scanned from real files on disk, and the CLI to internalize it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from immkit.cli.main import app
from immkit.sim import seed
from immkit.sim.jpeg import solid_jpeg
from immkit.sim.server import SimServer

Invoke = Callable[..., Result]

# name → (width, height); IMG_LIVE.jpg and IMG_LIVE.mov form a live photo
PHOTOS = {
    "beach.jpg": (64, 48),
    "family.jpg": (80, 60),
    "forest.jpg": (48, 48),
    "IMG_LIVE.jpg": (40, 30),
}
VIDEOS = {"IMG_LIVE.mov": 3000, "clip.mov": 5000}


@dataclass
class ExternalLibrary:
    """The seeded world: an admin who owns a library of real files, and a second user."""

    sim: SimServer
    root: Path
    admin_id: str
    admin_key: str
    other_id: str
    other_key: str
    library_id: str = ""
    ids: dict[str, str] = field(default_factory=dict)  # file name → external asset id

    def api(self, key: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.sim.url}/api", headers={"x-api-key": key or self.admin_key}
        )

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        with self.api() as client:
            response = client.request(method, path, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def upload_own(self, name: str) -> str:
        """The admin's own upload of the file `name` (an internal copy that was there
        before any plan); its asset id."""
        data = (self.root / name).read_bytes()
        with self.api() as client:
            response = client.post(
                "/assets",
                data={
                    "fileCreatedAt": "2020-01-01T00:00:00Z",
                    "fileModifiedAt": "2020-01-01T00:00:00Z",
                },
                files={"assetData": (name, data, "image/jpeg")},
                headers={"x-immich-checksum": hashlib.sha1(data).hexdigest()},
            )
        assert response.status_code == 201, response.text
        asset_id: str = response.json()["id"]
        return asset_id

    def draw_face(self, asset_id: str, person_id: str) -> None:
        """A face drawn by hand (`POST /faces`) at 10,10 20×20 on an 80×60 image."""
        self.call(
            "POST",
            "/faces",
            json={
                "assetId": asset_id,
                "personId": person_id,
                "imageWidth": 80,
                "imageHeight": 60,
                "x": 10,
                "y": 10,
                "width": 20,
                "height": 20,
            },
        )

    def asset(self, asset_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", f"/assets/{asset_id}")
        return result

    def internal(self) -> dict[str, dict[str, Any]]:
        """The admin's uploads (live, not trashed, hidden included) by original file name."""
        with self.sim.state.db.connection() as conn:
            rows = conn.execute(
                'SELECT id, "originalFileName" FROM asset WHERE "libraryId" IS NULL'
                ' AND "ownerId" = %s AND "deletedAt" IS NULL',
                (self.admin_id,),
            ).fetchall()
        return {r["originalFileName"]: self.asset(str(r["id"])) for r in rows}

    def external_state(self) -> dict[str, str]:
        """File name → `live`, `trashed` or `gone` for every scanned external asset."""
        out = {}
        with self.sim.state.db.connection() as conn:
            for name, asset_id in self.ids.items():
                row = conn.execute('SELECT "deletedAt" FROM asset WHERE id = %s', (asset_id,))
                found = row.fetchone()
                out[name] = "gone" if found is None else "trashed" if found["deletedAt"] else "live"
        return out


def write_files(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for n, (name, (w, h)) in enumerate(sorted(PHOTOS.items())):
        (root / name).write_bytes(solid_jpeg(w, h, (40 * n, 90, 200), comment=name))
    for name, size in VIDEOS.items():
        (root / name).write_bytes(b"\x00\x00\x00\x18ftypqt  " + name.encode() * (size // 10))


@pytest.fixture
def world(sim: SimServer, tmp_path: Path) -> ExternalLibrary:
    root = tmp_path / "photos"
    write_files(root)
    with sim.state.db.connection() as conn:
        admin = seed.add_user(conn, "admin@example.com", "Admin", is_admin=True)
        other = seed.add_user(conn, "bob@example.com", "Bob")
        world = ExternalLibrary(
            sim,
            root,
            admin,
            seed.add_api_key(conn, admin),
            other,
            seed.add_api_key(conn, other),
        )
    created = world.call(
        "POST", "/libraries", json={"ownerId": admin, "name": "Photos", "importPaths": [str(root)]}
    )
    world.library_id = created["id"]
    world.call("POST", f"/libraries/{world.library_id}/scan")
    with sim.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT id, "originalFileName" FROM asset WHERE "libraryId" = %s', (world.library_id,)
        ).fetchall()
    world.ids = {r["originalFileName"]: str(r["id"]) for r in rows}
    return world


@pytest.fixture
def invoke(world: ExternalLibrary, tmp_path: Path) -> Invoke:
    """Run `immkit …` with the admin's key (or `key=`); `config=` writes a config file."""

    def run(*args: str, key: str | None = None, config: str | None = None) -> Result:
        environ = {
            "IMMICH_INSTANCE_URL": world.sim.url,
            "IMMICH_API_KEY": key or world.admin_key,
            "IMMKIT_STATE_DIR": str(tmp_path / "state"),
        }
        if config is not None:
            path = tmp_path / "config.toml"
            path.write_text(config, encoding="utf-8")
            environ["IMMKIT_CONFIG"] = str(path)
        return CliRunner().invoke(app, list(args), env=environ, catch_exceptions=False)

    return run


def json_of(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document
