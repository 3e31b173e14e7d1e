"""A small, real sample library for `immkit sandbox` and tests: users, files, people, albums.

Everything is reached by name (`sample.person("Alice")`, `sample.asset("IMG_0001.jpg")`),
so no caller hard-codes a UUID. Photos are real JPEG files under `media`, with checksums
of their bytes; an external library folder with a few photos is scanned as Immich would.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg.rows import DictRow

from immkit.sim.jpeg import solid_jpeg
from immkit.sim.library_scan import scan_library
from immkit.sim.seed import (
    AssetSeed,
    FaceSeed,
    add_album,
    add_api_key,
    add_assets,
    add_faces,
    add_library,
    add_person,
    add_user,
)

Conn = psycopg.Connection[DictRow]

PASSWORD = "immkit-sandbox"  # noqa: S105 - the sandbox users' documented password
WIDTH, HEIGHT = 96, 64
# which named people appear on alice's photos IMG_0001…IMG_0030 (others have no faces)
FACES: dict[int, tuple[str, ...]] = {
    1: ("Alice",), 2: ("Alice", "Bob"), 3: ("Bob",), 4: ("Charlie",), 5: ("Alice", "Charlie"),
    6: ("Dana",), 7: ("Alice", "Bob", "Dana"), 8: ("Bob", "Charlie"), 9: ("Alice",),
    10: ("Dana",), 11: ("Alice", "Dana"), 12: ("Charlie",), 13: ("Alice",), 14: ("Bob",),
    15: ("Alice", "Bob", "Charlie"), 16: ("Dana",), 18: ("Alice",), 20: ("Bob", "Dana"),
    22: ("Alice",), 24: ("Charlie", "Dana"),
}  # fmt: skip
HOLIDAYS = (2, 5, 7, 9, 15, 21, 22)
FAMILY = (1, 3, 4, 6, 7, 10)


@dataclass
class SampleLibrary:
    """Handles of the seeded sample, by name; `KeyError` for an unknown name."""

    users: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    persons: dict[str, str] = field(default_factory=dict)
    albums: dict[str, str] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)
    libraries: dict[str, str] = field(default_factory=dict)
    external_folder: Path | None = None
    password: str = PASSWORD

    def user(self, name: str) -> str:
        return self.users[name]

    def key(self, name: str) -> str:
        return self.keys[name]

    def person(self, name: str) -> str:
        return self.persons[name]

    def album(self, name: str) -> str:
        return self.albums[name]

    def asset(self, file_name: str) -> str:
        return self.assets[file_name]

    def library(self, name: str) -> str:
        return self.libraries[name]


def _colour(n: int) -> tuple[int, int, int]:
    return (40 + n * 53 % 200, 40 + n * 97 % 200, 40 + n * 29 % 200)


def _write_photo(media: Path, owner_id: str, name: str, n: int) -> tuple[str, bytes, int]:
    """Write a real JPEG where Immich keeps uploads; returns (path, sha1, size)."""
    content = solid_jpeg(WIDTH, HEIGHT, _colour(n), comment=f"immkit sample {name}")
    digest = hashlib.sha1(content).hexdigest()
    path = media / "upload" / owner_id / digest[:2] / digest[2:4] / f"{digest}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return str(path), hashlib.sha1(content).digest(), len(content)


def _photos(
    conn: Conn, media: Path, owner_id: str, names: list[str], first: datetime, offset: int
) -> dict[str, str]:
    seeds = []
    for i, name in enumerate(names):
        path, checksum, size = _write_photo(media, owner_id, name, offset + i)
        seeds.append(
            AssetSeed(
                owner_id,
                name,
                first + timedelta(days=23 * i, hours=i % 7),
                original_path=path,
                checksum=checksum,
                width=WIDTH,
                height=HEIGHT,
                file_size=size,
                make="SampleCam",
                model="S1" if i % 2 else "S2",
                city="Paris" if i % 5 == 0 else None,
                country="France" if i % 5 == 0 else None,
            )
        )
    ids = add_assets(conn, seeds)
    total = sum(s.file_size for s in seeds)
    conn.execute(
        'UPDATE "user" SET "quotaUsageInBytes" = "quotaUsageInBytes" + %s WHERE id = %s',
        (total, owner_id),
    )
    return dict(zip(names, ids, strict=True))


def seed_sample_library(conn: Conn, media: Path) -> SampleLibrary:
    """Seed the sample into an empty database; files go under `media`."""
    s = SampleLibrary()
    for name, admin in (("admin", True), ("alice", False), ("bob", False)):
        uid = add_user(conn, f"{name}@example.com", name.title(), is_admin=admin, password=PASSWORD)
        s.users[name] = uid
        s.keys[name] = add_api_key(conn, uid, name=f"{name}-sandbox")
    alice, bob = s.user("alice"), s.user("bob")
    alice_names = [f"IMG_{i:04d}.jpg" for i in range(1, 31)]
    s.assets |= _photos(conn, media, alice, alice_names, datetime(2022, 1, 3, tzinfo=UTC), 0)
    bob_names = [f"BOB_{i:04d}.jpg" for i in range(1, 9)]
    s.assets |= _photos(conn, media, bob, bob_names, datetime(2023, 2, 1, tzinfo=UTC), 100)
    for person in ("Alice", "Bob", "Charlie", "Dana"):
        s.persons[person] = add_person(conn, alice, person)
    s.persons["Eve"] = add_person(conn, bob, "Eve")
    faces = [
        FaceSeed(
            s.asset(f"IMG_{n:04d}.jpg"),
            s.person(who),
            (4 + 30 * slot, 8, 28 + 30 * slot, 40),
            image_width=WIDTH,
            image_height=HEIGHT,
        )
        for n, people in FACES.items()
        for slot, who in enumerate(people)
    ]
    faces.append(FaceSeed(s.asset("BOB_0001.jpg"), s.person("Eve"), (4, 8, 28, 40), WIDTH, HEIGHT))
    add_faces(conn, faces)
    s.albums["Holidays"] = add_album(
        conn,
        alice,
        "Holidays",
        [s.asset(f"IMG_{n:04d}.jpg") for n in HOLIDAYS],
        shared_with={bob: "viewer"},
    )
    s.albums["Family"] = add_album(
        conn, alice, "Family", [s.asset(f"IMG_{n:04d}.jpg") for n in FAMILY]
    )
    s.albums["Bob's album"] = add_album(conn, bob, "Bob's album", [s.asset("BOB_0001.jpg")])
    _external(conn, media, s)
    # uploaded a day after they were taken (and at least a day ago), as a real library is:
    # smart albums leave out uploads face detection may not have reached yet
    conn.execute(
        'UPDATE asset SET "createdAt" = least("fileCreatedAt" + interval \'1 day\','
        " now() - interval '1 day')"
    )
    return s


def _external(conn: Conn, media: Path, s: SampleLibrary) -> None:
    folder = media / "external" / "alice-photos"
    (folder / "2019").mkdir(parents=True, exist_ok=True)
    stamp = datetime(2019, 6, 1, 12, tzinfo=UTC).timestamp()
    for i, rel in enumerate(["EXT_0001.jpg", "EXT_0002.jpg", "2019/EXT_0003.jpg", "readme.txt"]):
        path = folder / rel
        if rel.endswith(".txt"):
            path.write_text("not a photo\n")
        else:
            path.write_bytes(solid_jpeg(WIDTH, HEIGHT, _colour(200 + i), comment=f"external {rel}"))
        os.utime(path, (stamp + i * 86400, stamp + i * 86400))
    library_id = add_library(conn, s.user("alice"), "Alice's folder", [str(folder)])
    scan_library(conn, library_id)
    s.libraries["Alice's folder"] = library_id
    s.external_folder = folder
    for row in conn.execute(
        'SELECT id, "originalFileName" FROM asset WHERE "libraryId" = %s', (library_id,)
    ).fetchall():
        s.assets[row["originalFileName"]] = str(row["id"])
