"""POST /search/metadata, /search/random and /search/statistics follow Immich 3.1's semantics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from immkit.sim.seed import AssetSeed, FaceSeed, add_album, add_assets, add_faces, add_person
from immkit.sim.server import SimServer
from tests.integration.sim.seeded_users import Account, account

NAMES = ["IMG_0001.jpg", "IMG_0002.jpg", "img_0003.JPG", "Café_Été.jpg", "clip_0005.mp4",
         "hidden_0006.jpg", "archived.jpg"]  # fmt: skip


@pytest.fixture
def library(sim: SimServer) -> dict[str, Any]:
    a, b = account(sim, "a"), account(sim, "b")
    with sim.state.db.connection() as conn:
        seeds = [
            AssetSeed(
                a.user_id,
                name,
                datetime(2020 + i, 1, 1, tzinfo=UTC),
                type="VIDEO" if name.endswith("mp4") else "IMAGE",
                visibility={"hidden_0006.jpg": "hidden", "archived.jpg": "archive"}.get(
                    name, "timeline"
                ),
                make="RecCam" if i < 2 else None,
                city="Paris" if i == 0 else None,
            )
            for i, name in enumerate(NAMES)
        ]
        ids = dict(zip(NAMES, add_assets(conn, seeds), strict=True))
        locked = add_assets(
            conn,
            [
                AssetSeed(
                    a.user_id, "locked.jpg", datetime(2030, 1, 1, tzinfo=UTC), visibility="locked"
                )
            ],
        )
        foreign = add_assets(
            conn, [AssetSeed(b.user_id, "b.jpg", datetime(2019, 1, 1, tzinfo=UTC))]
        )
        alice = add_person(conn, a.user_id, "Alice")
        bob = add_person(conn, a.user_id, "Bob")
        stranger = add_person(conn, b.user_id, "Stranger")
        add_faces(conn, [
            FaceSeed(ids["IMG_0001.jpg"], alice, (1, 1, 50, 50)),
            FaceSeed(ids["IMG_0002.jpg"], alice, (1, 1, 50, 50)),
            FaceSeed(ids["IMG_0002.jpg"], bob, (60, 60, 90, 90)),
            FaceSeed(foreign[0], stranger, (1, 1, 50, 50)),
        ])  # fmt: skip
        album = add_album(conn, a.user_id, "Trip", [ids["IMG_0001.jpg"], ids["clip_0005.mp4"]],
                          shared_with={b.user_id: "viewer"})  # fmt: skip
        other = add_album(conn, b.user_id, "Mine", foreign)
    return {"a": a, "b": b, "ids": ids, "alice": alice, "bob": bob, "stranger": stranger,
            "album": album, "other_album": other, "locked": locked[0]}  # fmt: skip


def _search(sim: SimServer, who: Account, body: Any) -> httpx.Response:
    return httpx.post(f"{sim.url}/api/search/metadata", json=body, headers=who.headers)


def _names(r: httpx.Response) -> list[str]:
    assert r.status_code == 200, r.text
    return [i["originalFileName"] for i in r.json()["assets"]["items"]]


def test_default_search_is_everything_but_locked_newest_first(
    sim: SimServer, library: dict[str, Any]
) -> None:
    r = _search(sim, library["a"], {})
    assert _names(r) == list(reversed(NAMES))
    body = r.json()
    assert body["albums"] == {"total": 0, "count": 0, "items": [], "facets": []}
    assert body["assets"]["total"] == body["assets"]["count"] == 7
    assert body["assets"]["nextPage"] is None
    assert body["assets"]["items"][0]["people"] == []
    assert "exifInfo" not in body["assets"]["items"][0]
    locked = _search(sim, library["a"], {"visibility": "locked"})
    assert (locked.status_code, locked.json()) == (
        401,
        {"message": "Elevated permission is required"},
    )
    assert _names(_search(sim, library["b"], {})) == ["b.jpg"]


def test_paging_and_size_bounds(sim: SimServer, library: dict[str, Any]) -> None:
    a = library["a"]
    pages = []
    page: int | None = 1
    while page is not None:
        r = _search(sim, a, {"page": page, "size": 2})
        pages.append(_names(r))
        nxt = r.json()["assets"]["nextPage"]
        page = int(nxt) if nxt is not None else None
    assert len(pages) == 4
    assert [n for p in pages for n in p] == list(reversed(NAMES))
    for size, code in ((1000, 200), (1001, 400), (0, 400)):
        assert _search(sim, a, {"size": size}).status_code == code
    text_page = _search(sim, a, {"page": "2", "size": 2}).json()
    assert text_page["errors"][0]["message"] == "Invalid input: expected number, received string"
    assert _search(sim, a, {"takenAfter": "2023-01-01"}).status_code == 400


def test_person_ids_are_anded_and_foreign_gives_nothing(
    sim: SimServer, library: dict[str, Any]
) -> None:
    a = library["a"]
    assert _names(_search(sim, a, {"personIds": [library["alice"]]})) == [
        "IMG_0002.jpg",
        "IMG_0001.jpg",
    ]
    both = _search(sim, a, {"personIds": [library["alice"], library["bob"]], "withPeople": True})
    assert _names(both) == ["IMG_0002.jpg"]
    assert {p["name"] for p in both.json()["assets"]["items"][0]["people"]} == {"Alice", "Bob"}
    assert _names(_search(sim, a, {"personIds": [library["stranger"]]})) == []
    assert len(_names(_search(sim, a, {"personIds": []}))) == 7
    stats = httpx.post(
        f"{sim.url}/api/search/statistics",
        json={"personIds": [library["alice"]]},
        headers=a.headers,
    )
    assert stats.json() == {"total": 2}


def test_filename_is_unaccented_case_insensitive_substring(
    sim: SimServer, library: dict[str, Any]
) -> None:
    a = library["a"]
    for text in ("IMG", "img", "Img_000"):
        assert _names(_search(sim, a, {"originalFileName": text})) == [
            "img_0003.JPG",
            "IMG_0002.jpg",
            "IMG_0001.jpg",
        ]
    for text in ("cafe", "CAFÉ", "été", "Ete"):
        assert _names(_search(sim, a, {"originalFileName": text})) == ["Café_Été.jpg"]
    assert len(_names(_search(sim, a, {"originalFileName": "%"}))) == 7


def test_other_filters(sim: SimServer, library: dict[str, Any]) -> None:
    a, b = library["a"], library["b"]
    assert _names(_search(sim, a, {"visibility": "archive"})) == ["archived.jpg"]
    assert _names(_search(sim, a, {"type": "VIDEO"})) == ["clip_0005.mp4"]
    assert _names(_search(sim, a, {"make": "RecCam"})) == ["IMG_0002.jpg", "IMG_0001.jpg"]
    assert _names(_search(sim, a, {"make": "reccam"})) == []
    assert _names(_search(sim, a, {"city": "Paris"})) == ["IMG_0001.jpg"]
    assert len(_names(_search(sim, a, {"city": None}))) == 6
    taken = {"takenAfter": "2022-01-01T00:00:00.000Z", "takenBefore": "2023-01-01T00:00:00.000Z"}
    assert _names(_search(sim, a, taken)) == ["Café_Été.jpg", "img_0003.JPG"]  # inclusive
    assert _names(_search(sim, a, {"order": "asc"}))[0] == "IMG_0001.jpg"
    assert _names(_search(sim, b, {"albumIds": [library["album"]]})) == [
        "clip_0005.mp4",
        "IMG_0001.jpg",
    ]
    foreign = _search(sim, a, {"albumIds": [library["other_album"]]})
    assert foreign.json() == {"message": "Not found or no album.read access"}
    assert "IMG_0001.jpg" not in _names(_search(sim, a, {"isNotInAlbum": True}))
    with_exif = _search(sim, a, {"withExif": True, "size": 1}).json()["assets"]["items"][0]
    assert with_exif["exifInfo"]["dateTimeOriginal"] == "2026-01-01T00:00:00+00:00"


def test_trashed_assets_need_with_deleted(sim: SimServer, library: dict[str, Any]) -> None:
    a = library["a"]
    target = library["ids"]["IMG_0002.jpg"]
    httpx.request("DELETE", f"{sim.url}/api/assets", json={"ids": [target]}, headers=a.headers)
    assert _names(_search(sim, a, {"originalFileName": "IMG_0002"})) == []
    assert _names(_search(sim, a, {"originalFileName": "IMG_0002", "withDeleted": True})) == [
        "IMG_0002.jpg"
    ]
    assert _names(_search(sim, a, {"trashedAfter": "2000-01-01T00:00:00.000Z"})) == ["IMG_0002.jpg"]


def test_random_uses_the_same_filters(sim: SimServer, library: dict[str, Any]) -> None:
    a = library["a"]
    r = httpx.post(
        f"{sim.url}/api/search/random",
        json={"personIds": [library["alice"]], "size": 10},
        headers=a.headers,
    )
    assert sorted(i["originalFileName"] for i in r.json()) == ["IMG_0001.jpg", "IMG_0002.jpg"]
    big = httpx.post(f"{sim.url}/api/search/random", json={"size": 1001}, headers=a.headers)
    assert big.status_code == 400
    sugg = httpx.get(
        f"{sim.url}/api/search/suggestions", params={"type": "camera-make"}, headers=a.headers
    )
    assert sugg.json() == ["RecCam"]
