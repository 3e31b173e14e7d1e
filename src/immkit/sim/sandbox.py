"""`immkit sandbox`: a throw-away Immich-compatible server with a small family library.

Everything lives in one temporary folder (PostgreSQL data, media, the external library) that
is removed when the sandbox stops. The library is made of real files on disk, so downloads,
uploads and library scans behave as on a real server.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg.rows import DictRow, dict_row

from immkit.sim import seed
from immkit.sim.database import create_database, install_schema, server_url
from immkit.sim.jpeg import solid_jpeg
from immkit.sim.server import SimServer

log = logging.getLogger(__name__)

PEOPLE = ("Emma", "Noah", "Grandma Rose", "Max")
# which people appear on each of Alice's photos (index into PEOPLE); () = nobody
_ALICE_PHOTOS: tuple[tuple[int, ...], ...] = (
    (0,), (0, 1), (1,), (0, 1, 2), (2,), (0,), (1, 3), (3,), (0, 2), (),
    (0, 1), (1,), (), (2,), (0, 3), (), (1, 2), (0,), (), (3,),
    (0, 1, 2, 3), (1,), (), (0,),
)  # fmt: skip
_BOB_PHOTOS: tuple[tuple[int, ...], ...] = ((0,), (0,), (), (1,), (), (0, 1))
_BOX_W, _BOX_H = 320, 240


@dataclass(frozen=True)
class SandboxUser:
    name: str
    email: str
    user_id: str
    api_key: str
    is_admin: bool


@dataclass
class SampleLibrary:
    """What was seeded, by name, so callers never hard-code ids."""

    users: dict[str, SandboxUser] = field(default_factory=dict)
    persons: dict[tuple[str, str], str] = field(default_factory=dict)  # (user, name) → id
    albums: dict[str, str] = field(default_factory=dict)
    assets: int = 0
    external_folder: Path | None = None

    def user(self, name: str) -> SandboxUser:
        return self.users[name]


def _photo(folder: Path, name: str, colour: tuple[int, int, int], tag: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(solid_jpeg(64, 48, colour, comment=tag))
    return path


def _seed_user_photos(
    conn: psycopg.Connection[DictRow],
    media: Path,
    lib: SampleLibrary,
    user: SandboxUser,
    photos: tuple[tuple[int, ...], ...],
    start: datetime,
) -> list[str]:
    folder = media / "upload" / user.user_id
    person_ids = [
        lib.persons.setdefault(
            (user.name, p), seed.add_person(conn, user.user_id, p, birth_date=None)
        )
        for p in PEOPLE
    ]
    seeds = []
    for n, _ in enumerate(photos):
        name = f"IMG_{n + 1:04d}.jpg"
        path = _photo(folder, name, (40 * n % 255, 90, 160), f"{user.name}-{n}")
        seeds.append(
            seed.AssetSeed(
                owner_id=user.user_id,
                file_name=name,
                taken=start + timedelta(days=11 * n, hours=n),
                original_path=str(path),
                checksum=hashlib.sha1(path.read_bytes()).digest(),
                width=64,
                height=48,
                file_size=path.stat().st_size,
                city="Lisbon" if n % 3 == 0 else None,
                country="Portugal" if n % 3 == 0 else None,
            )
        )
    asset_ids = seed.add_assets(conn, seeds)
    faces = [
        seed.FaceSeed(
            asset_id,
            person_ids[p],
            (40 + 90 * k, 50, 40 + 90 * k + 80, 150),
            image_width=_BOX_W,
            image_height=_BOX_H,
        )
        for asset_id, people in zip(asset_ids, photos, strict=True)
        for k, p in enumerate(people)
    ]
    seed.add_faces(conn, faces)
    lib.assets += len(asset_ids)
    return asset_ids


def seed_sample_library(conn: psycopg.Connection[DictRow], media: Path) -> SampleLibrary:
    """An admin, Alice and Bob; named people with faces; albums; an external library."""
    lib = SampleLibrary()
    for name, email, admin in (
        ("admin", "admin@sandbox.immkit", True),
        ("alice", "alice@sandbox.immkit", False),
        ("bob", "bob@sandbox.immkit", False),
    ):
        uid = seed.add_user(conn, email, name.title(), is_admin=admin)
        lib.users[name] = SandboxUser(name, email, uid, seed.add_api_key(conn, uid), admin)
    alice, bob = lib.user("alice"), lib.user("bob")
    alice_assets = _seed_user_photos(
        conn, media, lib, alice, _ALICE_PHOTOS, datetime(2023, 1, 5, 10, tzinfo=UTC)
    )
    _seed_user_photos(conn, media, lib, bob, _BOB_PHOTOS, datetime(2024, 3, 1, 9, tzinfo=UTC))
    lib.albums["Holidays 2023"] = seed.add_album(
        conn, alice.user_id, "Holidays 2023", alice_assets[:8], description="Summer by the sea"
    )
    lib.albums["Family"] = seed.add_album(
        conn, alice.user_id, "Family", alice_assets[8:14], shared_with={bob.user_id: "viewer"}
    )
    folder = media / "external" / "old-photos"
    paths = [
        _photo(folder, f"{sub}scan_{n:03d}.jpg", (200, 30 * n, 60), f"ext-{n}")
        for n, sub in enumerate(("", "", "1999/", "1999/", "2001/"))
    ]
    library = seed.add_library(conn, alice.user_id, "Old photos", [str(folder)])
    seed.add_assets(
        conn,
        [
            seed.AssetSeed(
                owner_id=alice.user_id,
                file_name=p.name,
                taken=datetime(1999, 6, 1, tzinfo=UTC) + timedelta(days=30 * n),
                original_path=str(p),
                checksum=hashlib.sha1(f"path:{p}".encode()).digest(),
                library_id=library,
                width=64,
                height=48,
                file_size=p.stat().st_size,
            )
            for n, p in enumerate(paths)
        ],
    )
    lib.assets += len(paths)
    lib.external_folder = folder
    return lib


class Sandbox:
    """PostgreSQL + schema + sample library + simulator, all under one temporary folder."""

    def __init__(
        self,
        *,
        port: int = 0,
        extra_assets: int = 0,
        admin_url: str | None = None,
        database: str = "immich",
    ) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="immkit-sandbox-"))
        self.admin_url = admin_url
        self.database = database
        self.port = port
        self.extra_assets = extra_assets
        self.server: SimServer | None = None
        self.library = SampleLibrary()
        self.database_url = ""

    @property
    def url(self) -> str:
        assert self.server is not None, "sandbox not started"
        return self.server.url

    def start(self) -> Sandbox:
        admin_url = self.admin_url or server_url(self.root / "pgdata")
        self.database_url = create_database(admin_url, self.database)
        install_schema(self.database_url)
        media = self.root / "media"
        with psycopg.connect(self.database_url, row_factory=dict_row) as conn:
            self.library = seed_sample_library(conn, media)
            if self.extra_assets:
                self._add_bulk(conn)
        self.server = SimServer(self.database_url, media, port=self.port).start()
        log.info("sandbox ready at %s with %d assets", self.server.url, self.library.assets)
        return self

    def _add_bulk(self, conn: psycopg.Connection[DictRow]) -> None:
        owner = self.library.user("alice").user_id
        start = datetime(2015, 1, 1, tzinfo=UTC)
        seeds = [
            seed.AssetSeed(owner, f"BULK_{n:07d}.jpg", start + timedelta(minutes=37 * n))
            for n in range(self.extra_assets)
        ]
        for first in range(0, len(seeds), 10_000):
            seed.add_assets(conn, seeds[first : first + 10_000])
        self.library.assets += len(seeds)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
