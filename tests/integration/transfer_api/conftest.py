"""Two users of one simulator, each with an API key: alice's photos (real files) move to bob.

alice uploaded beach.jpg, family.jpg, forest.jpg, a live photo (IMG_LIVE.jpg + IMG_LIVE.mov)
and other.jpg. Album "Holiday" (alice's, shared with bob as editor) holds beach, family,
forest and the live photo; album "Private" (not shared) holds beach. beach.jpg is a
favourite with a description, rating, location, taken date and time zone, and the tag
Places/Sea; forest.jpg is archived. Anna (named) is on family.jpg and IMG_LIVE.jpg, Ben on
family.jpg; bob has a person called Anna already, none called Ben.
"""

from __future__ import annotations

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
TAKEN = "2023-05-01T10:00:00.000Z"
PHOTOS = {"beach.jpg": (64, 48), "family.jpg": (80, 60), "forest.jpg": (48, 48)}
PHOTOS |= {"IMG_LIVE.jpg": (40, 30), "other.jpg": (32, 32)}


@dataclass
class Pair:
    """The seeded world, with helpers to look at it through each user's key."""

    sim: SimServer
    keys: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # alice's file name → asset id
    albums: dict[str, str] = field(default_factory=dict)
    persons: dict[str, str] = field(default_factory=dict)

    def call(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        with httpx.Client(
            base_url=f"{self.sim.url}/api", headers={"x-api-key": self.keys[who]}
        ) as client:
            response = client.request(method, path, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def upload(self, who: str, name: str, data: bytes, **fields: str) -> str:
        form = {"fileCreatedAt": TAKEN, "fileModifiedAt": TAKEN, "filename": name, **fields}
        found = self.call(who, "POST", "/assets", data=form, files={"assetData": (name, data)})
        return str(found["id"])

    def live(self, who: str) -> dict[str, dict[str, Any]]:
        """The user's live (not trashed) assets, hidden ones included, by file name."""
        with self.sim.state.db.connection() as conn:
            rows = conn.execute(
                'SELECT id FROM asset WHERE "ownerId" = %s AND "deletedAt" IS NULL',
                (self.users[who],),
            ).fetchall()
        assets = [self.call(who, "GET", f"/assets/{r['id']}") for r in rows]
        return {a["originalFileName"]: a for a in assets}

    def trashed(self, who: str) -> set[str]:
        with self.sim.state.db.connection() as conn:
            rows = conn.execute(
                'SELECT "originalFileName" AS n FROM asset WHERE "ownerId" = %s'
                ' AND "deletedAt" IS NOT NULL',
                (self.users[who],),
            ).fetchall()
        return {r["n"] for r in rows}

    def album_files(self, who: str, album: str) -> set[str]:
        found = self.call(who, "POST", "/search/metadata", json={"albumIds": [album]})
        return {a["originalFileName"] for a in found["assets"]["items"]}

    def faces(self, who: str, asset_id: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.call(who, "GET", "/faces", params={"id": asset_id})
        return result


def _face(pair: Pair, asset: str, person: str, x: int, w: int, h: int) -> None:
    body = {"assetId": asset, "personId": person, "imageWidth": w, "imageHeight": h}
    pair.call("alice", "POST", "/faces", json=body | {"x": x, "y": 5, "width": 15, "height": 15})


def seed_pair(sim: SimServer) -> Pair:
    pair = Pair(sim)
    with sim.state.db.connection() as conn:
        for name in ("alice", "bob", "carol"):
            uid = seed.add_user(conn, f"{name}@example.com", name.title())
            pair.users[name] = uid
            pair.keys[name] = seed.add_api_key(conn, uid)
    for n, (name, (w, h)) in enumerate(sorted(PHOTOS.items())):
        data = solid_jpeg(w, h, (40 * n, 90, 200), comment=name)
        extra = {}
        if name == "IMG_LIVE.jpg":
            motion = b"\x00\x00\x00\x18ftypqt  " + b"live motion" * 300
            pair.ids["IMG_LIVE.mov"] = pair.upload(
                "alice", "IMG_LIVE.mov", motion, visibility="hidden"
            )
            extra = {"livePhotoVideoId": pair.ids["IMG_LIVE.mov"]}
        pair.ids[name] = pair.upload("alice", name, data, **extra)
    ids = pair.ids
    pair.call(
        "alice",
        "PUT",
        f"/assets/{ids['beach.jpg']}",
        json={
            "isFavorite": True,
            "description": "Sunset at the beach",
            "rating": 4,
            "latitude": 43.3,
            "longitude": 5.4,
            "dateTimeOriginal": "2019-07-14T21:30:00+02:00",
        },
    )
    pair.call("alice", "PUT", f"/assets/{ids['forest.jpg']}", json={"visibility": "archive"})
    holiday = [ids[n] for n in ("beach.jpg", "family.jpg", "forest.jpg", "IMG_LIVE.jpg")]
    pair.albums["Holiday"] = pair.call(
        "alice",
        "POST",
        "/albums",
        json={
            "albumName": "Holiday",
            "assetIds": holiday,
            "albumUsers": [{"userId": pair.users["bob"], "role": "editor"}],
        },
    )["id"]
    pair.albums["Private"] = pair.call(
        "alice", "POST", "/albums", json={"albumName": "Private", "assetIds": [ids["beach.jpg"]]}
    )["id"]
    with sim.state.db.connection() as conn:
        tag = seed.add_tag(conn, pair.users["alice"], "Places/Sea")
        seed.tag_assets(conn, tag, [ids["beach.jpg"]])
        pair.persons["Anna"] = seed.add_person(conn, pair.users["alice"], "Anna")
        pair.persons["Ben"] = seed.add_person(
            conn, pair.users["alice"], "Ben", birth_date="2015-03-01", is_favorite=True
        )
        pair.persons["bob:Anna"] = seed.add_person(conn, pair.users["bob"], "Anna")
    _face(pair, ids["family.jpg"], pair.persons["Anna"], 10, 80, 60)
    _face(pair, ids["family.jpg"], pair.persons["Ben"], 50, 80, 60)
    _face(pair, ids["IMG_LIVE.jpg"], pair.persons["Anna"], 10, 40, 30)
    return pair


@pytest.fixture
def pair(sim: SimServer) -> Pair:
    return seed_pair(sim)


@pytest.fixture
def invoke(pair: Pair, tmp_path: Path) -> Invoke:
    """Run `immkit --profile alice …` with profiles alice, bob, carol and alice2 (alice's
    key again); no database_url, so transfer defaults to API mode."""
    config = tmp_path / "config.toml"
    profiles = {**pair.keys, "alice2": pair.keys["alice"]}  # a second profile, same user
    config.write_text(
        "".join(
            f'[profiles.{who}]\nurl = "{pair.sim.url}"\napi_key = "{key}"\n\n'
            for who, key in profiles.items()
        ),
        encoding="utf-8",
    )

    def run(*args: str, profile: str = "alice") -> Result:
        env = {"IMMKIT_CONFIG": str(config), "IMMKIT_STATE_DIR": str(tmp_path / "state")}
        return CliRunner().invoke(
            app, ["--profile", profile, *args], env=env, catch_exceptions=False
        )

    return run


def json_of(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document
