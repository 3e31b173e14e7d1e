"""People migration tests: a source and a target account, on one simulator or on two.

`world` is parametrised: `users` puts both accounts on the one `sim`, `servers` puts the
target on a second simulator with its own database. Libraries are seeded with SQL; the
CLI runs with a config file that names the profiles `src` and `dst`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from immkit.cli.main import app
from immkit.sim import seed
from immkit.sim.database import create_database, drop_database
from immkit.sim.server import SimServer
from immkit.sim.state import ObservedResponse
from tests.conftest import _counter
from tests.contract.openapi import check_all, report

BASE = datetime(2022, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def sim2_server(
    pg: str, sim_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SimServer]:
    url = create_database(pg, "immkit_sim2_boot", template=sim_template)
    server = SimServer(url, tmp_path_factory.mktemp("media2")).start()
    yield server
    server.stop()


@pytest.fixture
def sim2(pg: str, sim_template: str, sim2_server: SimServer) -> Iterator[SimServer]:
    """A second simulator (another server) on a fresh database of its own."""
    name = f"immkit_s2_{next(_counter)}"
    sim2_server.state.db.use(create_database(pg, name, template=sim_template))
    sim2_server.state.requests.clear()
    seen: list[ObservedResponse] = []
    sim2_server.state.observers.append(seen.append)
    yield sim2_server
    sim2_server.state.observers.remove(seen.append)
    sim2_server.state.db.use(create_database(pg, "immkit_sim2_idle", template=sim_template))
    drop_database(pg, name)
    violations = check_all(seen)
    if violations:
        pytest.fail(report(violations), pytrace=False)


@dataclass(frozen=True)
class Face:
    """A face to seed: a person name (None: unassigned, "" unnamed) and a pixel box."""

    person: str | None
    box: tuple[int, int, int, int]
    frame: tuple[int, int] = (1000, 750)


@dataclass(frozen=True)
class Photo:
    name: str
    minute: int
    faces: tuple[Face, ...] = ()
    checksum: str | None = None  # default: derived from the name

    def digest(self) -> bytes:
        return hashlib.sha1((self.checksum or self.name).encode()).digest()


@dataclass
class Side:
    """One account: its server, user, key, and the people seeded by name."""

    server: SimServer
    user: str
    key: str
    people: dict[str, str] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)

    def person(self, name: str, **kw: Any) -> str:
        if name not in self.people:
            with self.server.state.db.connection() as conn:
                self.people[name] = seed.add_person(conn, self.user, name, **kw)
        return self.people[name]

    def seed(self, photos: list[Photo]) -> None:
        with self.server.state.db.connection() as conn:
            ids = seed.add_assets(
                conn,
                [
                    seed.AssetSeed(
                        self.user, p.name, BASE + timedelta(minutes=p.minute), checksum=p.digest()
                    )
                    for p in photos
                ],
            )
            self.assets.update({p.name: i for p, i in zip(photos, ids, strict=True)})
            faces = []
            for photo, asset in zip(photos, ids, strict=True):
                for face in photo.faces:
                    pid = None
                    if face.person == "":
                        pid = seed.add_person(conn, self.user, "")
                    elif face.person is not None:
                        if face.person not in self.people:
                            self.people[face.person] = seed.add_person(conn, self.user, face.person)
                        pid = self.people[face.person]
                    faces.append(seed.FaceSeed(asset, pid, face.box, *face.frame))
            seed.add_faces(conn, faces)

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.server.url}/api", headers={"x-api-key": self.key})

    def faces(self, photo: str) -> list[tuple[str | None, str]]:
        """(person name or None, source type) of each face on the photo, by box order."""
        with self.api() as client:
            answer = client.get("/faces", params={"id": self.assets[photo]}).json()
        return [(f["person"]["name"] if f["person"] else None, f["sourceType"]) for f in answer]

    def names(self, photo: str) -> list[str | None]:
        return [name for name, _ in self.faces(photo)]

    def state(self) -> list[tuple[Any, ...]]:
        """Every face and person of the user, at SQL level: compare before and after."""
        with self.server.state.db.connection() as conn:
            faces = conn.execute(
                'SELECT f.id::text, f."personId"::text, f."deletedAt" IS NULL AS live'
                ' FROM asset_face f JOIN asset a ON a.id = f."assetId" WHERE a."ownerId" = %s'
                " ORDER BY f.id",
                (self.user,),
            ).fetchall()
            people = conn.execute(
                'SELECT id::text, name, "birthDate"::text, "isHidden", "isFavorite" FROM person'
                ' WHERE "ownerId" = %s ORDER BY id',
                (self.user,),
            ).fetchall()
        return [tuple(r.values()) for r in faces] + [tuple(r.values()) for r in people]

    def people_named(self, name: str) -> list[dict[str, Any]]:
        with self.server.state.db.connection() as conn:
            rows = conn.execute(
                'SELECT id::text, name, "birthDate"::text AS birth, "isHidden", "isFavorite",'
                ' "faceAssetId"::text AS feature, "thumbnailPath" FROM person'
                ' WHERE "ownerId" = %s AND name = %s',
                (self.user, name),
            ).fetchall()
        return [dict(r) for r in rows]


def _side(server: SimServer, email: str) -> Side:
    with server.state.db.connection() as conn:
        uid = seed.add_user(conn, email, email.split("@", maxsplit=1)[0].title())
        return Side(server, uid, seed.add_api_key(conn, uid))


@dataclass
class World:
    src: Side
    dst: Side
    tmp: Path

    def config(self) -> Path:
        path = self.tmp / "config.toml"
        path.write_text(
            f'[profiles.src]\nurl = "{self.src.server.url}"\napi_key = "{self.src.key}"\n'
            f'[profiles.dst]\nurl = "{self.dst.server.url}"\napi_key = "{self.dst.key}"\n',
            encoding="utf-8",
        )
        return path

    def run(self, *args: str) -> Result:
        env = {"IMMKIT_CONFIG": str(self.config()), "IMMKIT_STATE_DIR": str(self.tmp / "state")}
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)

    def migrate(self, *flags: str) -> Result:
        return self.run("people", "migrate", "--from", "src", "--to", "dst", *flags)

    def migrate_json(self, *flags: str) -> dict[str, Any]:
        result = self.migrate("--json", *flags)
        assert result.exit_code == 0, result.output
        document: dict[str, Any] = json.loads(result.stdout)
        return document


@pytest.fixture(params=["users", "servers"])
def world(request: pytest.FixtureRequest, sim: SimServer, tmp_path: Path) -> World:
    target_server = sim if request.param == "users" else request.getfixturevalue("sim2")
    return World(_side(sim, "ann@example.com"), _side(target_server, "bea@example.com"), tmp_path)


@pytest.fixture
def one_server(sim: SimServer, tmp_path: Path) -> World:
    """Two users of one simulator (for the tests that need not run twice)."""
    return World(_side(sim, "ann@example.com"), _side(sim, "bea@example.com"), tmp_path)


Seed = Callable[[list[Photo]], None]
