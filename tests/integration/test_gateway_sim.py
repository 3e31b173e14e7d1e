"""The gateway against the simulator over real HTTP: paging, people, faces, albums, files."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from immkit.errors import AuthError, MissingPermission
from immkit.immich import AssetId, Immich, MetadataSearch, PersonId
from immkit.sim import seed
from immkit.sim.jpeg import solid_jpeg
from immkit.sim.server import SimServer

START = datetime(2020, 1, 1, tzinfo=UTC)


def _assets(sim: SimServer, owner_id: str, n: int, *, same_time: int = 0) -> list[str]:
    rng = random.Random(7)
    rows = [
        seed.AssetSeed(owner_id, f"IMG_{i:05d}.jpg", START + timedelta(hours=rng.randrange(90_000)))
        for i in range(n)
    ]
    # a burst shot: many assets sharing one timestamp must not stall keyset paging
    rows += [seed.AssetSeed(owner_id, f"BURST_{i:04d}.jpg", START) for i in range(same_time)]
    with sim.state.db.connection() as conn:
        return seed.add_assets(conn, rows)


def test_keyset_paging_yields_every_asset_once(
    sim: SimServer, immich: Immich, owner: tuple[str, str]
) -> None:
    ids = _assets(sim, owner[0], 2_345, same_time=1_200)
    seen = [a.id for a in immich.search.iter_assets(page_size=1000)]
    assert len(seen) == len(set(seen)) == len(ids)
    assert set(seen) == set(ids)


def test_next_page_paging_matches_keyset(
    sim: SimServer, immich: Immich, owner: tuple[str, str]
) -> None:
    ids = _assets(sim, owner[0], 1_500)
    paged = [a.id for page in immich.search.pages(MetadataSearch(), size=400) for a in page.items]
    assert sorted(paged) == sorted(ids)
    assert immich.client.requests["POST /search/metadata"] == 4


def test_people_and_faces_round_trip(
    sim: SimServer, immich: Immich, owner: tuple[str, str]
) -> None:
    [asset] = _assets(sim, owner[0], 1)
    with sim.state.db.connection() as conn:
        people = {n: seed.add_person(conn, owner[0], n) for n in ("Alice", "Bob", "Carol")}
        seed.add_faces(
            conn,
            [
                seed.FaceSeed(asset, people["Alice"], (10, 10, 110, 110)),
                seed.FaceSeed(asset, people["Bob"], (200, 10, 300, 110)),
            ],
        )
    listed = {p.name for p in immich.people.iter_all(size=1)}
    assert listed == {"Alice", "Bob"}  # Carol has no face, so Immich does not list her
    faces = immich.faces.of_asset(AssetId(asset))
    assert [f.person.name if f.person else None for f in faces] == ["Alice", "Bob"]
    found = immich.search.metadata(MetadataSearch(person_ids=[PersonId(people["Alice"])]))
    assert [a.id for a in found.items] == [asset]


def test_album_add_and_remove_report_per_id(
    sim: SimServer, immich: Immich, owner: tuple[str, str]
) -> None:
    ids = [AssetId(i) for i in _assets(sim, owner[0], 30)]
    album = immich.albums.create("Kids")
    added = immich.albums.add_assets(album.id, ids)
    assert all(r.success for r in added)
    again = immich.albums.add_assets(album.id, ids[:5])
    assert {r.error for r in again} == {"duplicate"}
    immich.albums.remove_assets(album.id, ids[:10])
    assert {a.id for a in immich.albums.assets(album.id)} == set(ids[10:])


def test_upload_dedupes_by_checksum_and_download_matches(immich: Immich, tmp_path: Path) -> None:
    photo = tmp_path / "beach.jpg"
    photo.write_bytes(solid_jpeg(32, 24, (10, 120, 200), comment="beach"))
    first = immich.assets.upload(photo, file_created_at=START)
    assert first.status == "created"
    second = immich.assets.upload(photo, file_created_at=START, filename="copy.jpg")
    assert (second.status, second.id) == ("duplicate", first.id)
    got = immich.assets.download_original(first.id, tmp_path / "back.jpg")
    assert got.sha1 == hashlib.sha1(photo.read_bytes()).hexdigest()


def test_wrong_key_and_missing_permission_map_to_errors(
    sim: SimServer, owner: tuple[str, str]
) -> None:
    with Immich.connect(sim.url, "not-a-key") as bad, pytest.raises(AuthError):
        bad.users.me()
    with sim.state.db.connection() as conn:
        limited = seed.add_api_key(conn, owner[0], ["asset.read"])
    with Immich.connect(sim.url, limited) as immich:
        with pytest.raises(MissingPermission, match=r"album\.create"):
            immich.albums.create("nope")
        assert immich.api_keys.me().permissions == ["asset.read"]
