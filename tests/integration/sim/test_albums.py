"""Album endpoints of the simulator answer as the recorded Immich 3.1.0 server."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from immkit.sim import seed
from immkit.sim.seed import AssetSeed
from immkit.sim.server import SimServer
from tests.contract.recordings import record

MISSING = "5b0b9a8e-7a44-4c59-9d8e-2f4f8a0e1c11"


def recorded(scenario: str, step: str) -> Any:
    return record(scenario, step)["responseBody"]


@dataclass
class World:
    """Users a, b, c (c shares their library with a as a partner); assets a0..a3, b0, c0."""

    url: str
    sim: SimServer
    keys: dict[str, str]
    users: dict[str, str]
    assets: dict[str, str]

    def call(self, who: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"x-api-key": self.keys[who]}
        return httpx.request(method, f"{self.url}/api{path}", headers=headers, timeout=30, **kw)

    def ids(self, *names: str) -> list[str]:
        return [self.assets[n] for n in names]

    def album(self, who: str = "a", *assets: str, **body: Any) -> dict[str, Any]:
        body = {"albumName": "Album", "assetIds": self.ids(*assets), **body}
        r = self.call(who, "POST", "/albums", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())


@pytest.fixture
def world(sim: SimServer) -> World:
    start = datetime(2023, 5, 10, 11, tzinfo=UTC)
    with sim.state.db.connection() as conn:
        users = {u: seed.add_user(conn, f"{u}@example.com", f"User {u}") for u in "abc"}
        keys = {u: seed.add_api_key(conn, uid) for u, uid in users.items()}
        names = ["a0", "a1", "a2", "a3", "b0", "c0"]
        ids = seed.add_assets(
            conn,
            [
                AssetSeed(users[n[0]], f"{n}.jpg", start + timedelta(days=10 * i, hours=2 * i))
                for i, n in enumerate(names)
            ],
        )
        conn.execute(
            'INSERT INTO partner ("sharedById", "sharedWithId") VALUES (%s, %s)',
            (users["c"], users["a"]),
        )
    return World(sim.url, sim, keys, users, dict(zip(names, ids, strict=True)))


def _results(r: httpx.Response) -> list[tuple[str, Any]]:
    return [(x["id"], x.get("error", True)) for x in r.json()]


def test_create_album_shape_members_and_dropped_assets(world: World) -> None:
    b = {"userId": world.users["b"], "role": "editor"}
    body = world.album("a", "a0", "a1", "b0", description="first", albumUsers=[b])
    rec = recorded("albums.create", "with assetIds + albumUsers (b editor)")
    assert body.keys() == rec.keys()
    assert [(u["user"]["id"], u["role"]) for u in body["albumUsers"]] == [
        (world.users["a"], "owner"),
        (world.users["b"], "editor"),
    ]
    assert body["albumUsers"][0]["user"].keys() == rec["albumUsers"][0]["user"].keys()
    assert (body["assetCount"], body["shared"], body["albumThumbnailAssetId"]) == (
        2,
        True,
        world.assets["a0"],
    )
    assert (body["startDate"], body["endDate"]) == (
        "2023-05-10T11:00:00+00:00",
        "2023-05-20T13:00:00+00:00",
    )
    empty = world.album("a", "b0", albumUsers=[{"userId": world.users["a"], "role": "editor"}])
    assert empty.keys() == recorded("albums.create", "with another user's asset id").keys()
    assert (empty["assetCount"], empty["shared"], len(empty["albumUsers"])) == (0, False, 1)
    unknown = {"albumName": "x", "albumUsers": [{"userId": MISSING, "role": "editor"}]}
    r = world.call("a", "POST", "/albums", json=unknown)
    assert r.status_code == 400
    assert r.json() == recorded("albums.create", "albumUsers nonexistent user")
    r = world.call("a", "POST", "/albums", json={"description": "x"})
    assert r.json() == recorded("albums.create", "missing albumName")


def test_list_albums_filters_and_order(world: World) -> None:
    b = {"userId": world.users["b"], "role": "editor"}
    one = world.album("a", "a0", "a1", albumName="One", albumUsers=[b])["id"]
    two = world.album("a", "a2", albumName="Two")["id"]
    empty = world.album("a", albumName="Empty")["id"]
    own_b = world.album("b", "b0", albumName="B")["id"]

    def listed(who: str, **params: str) -> list[str]:
        r = world.call(who, "GET", "/albums", params=params)
        return [a["id"] for a in r.json()]

    assert listed("a") == [empty, two, one]
    items = world.call("a", "GET", "/albums").json()
    full = recorded("albums.list", "isShared=true")[0]
    assert items[2].keys() == full.keys()
    assert items[0].keys() == recorded("albums.list", "default")[0].keys()
    assert items[2]["startDate"] == "2023-05-10T00:00:00.000Z"
    assert listed("a", isShared="true") == [one]
    assert listed("a", isShared="false") == [empty, two]
    assert listed("a", isOwned="false") == []
    assert listed("a", name="Two") == [two]
    assert listed("a", assetId=world.assets["a0"]) == [one]
    assert listed("a", assetId=world.assets["a3"]) == []
    assert listed("b") == [own_b, one]
    assert listed("b", isOwned="true") == [own_b]
    assert listed("a", shared="true") == [empty, two, one]  # pre-3.x name is ignored


def test_get_album_and_statistics(world: World) -> None:
    b = {"userId": world.users["b"], "role": "editor"}
    shared = world.album("a", "a0", "a1", albumUsers=[b])["id"]
    alone = world.album("a", "a2")["id"]
    world.album("a")
    r = world.call("b", "GET", f"/albums/{shared}")
    assert r.json().keys() == recorded("albums.get", "album1 as shared user b").keys()
    assert r.json()["contributorCounts"] == [{"userId": world.users["a"], "assetCount": 2}]
    assert "contributorCounts" not in world.call("a", "GET", f"/albums/{alone}").json()
    for album in (alone, MISSING):
        r = world.call("b", "GET", f"/albums/{album}")
        assert r.status_code == 400
        assert r.json() == recorded("albums.get", "nonexistent")
    stats = world.call("a", "GET", "/albums/statistics").json()
    assert stats == {"owned": 3, "shared": 1, "notShared": 2}
    assert world.call("b", "GET", "/albums/statistics").json() == {
        "owned": 0,
        "shared": 1,
        "notShared": 0,
    }


def test_add_assets_reports_per_id(world: World) -> None:
    album = world.album("a", "a0")["id"]
    ids = [*world.ids("a1", "a0", "b0"), MISSING, *world.ids("c0", "a1")]
    r = world.call("a", "PUT", f"/albums/{album}/assets", json={"ids": ids})
    assert r.status_code == 200
    assert _results(r) == [
        (world.assets["a1"], True),
        (world.assets["a0"], "duplicate"),
        (world.assets["b0"], "no_permission"),
        (MISSING, "no_permission"),
        (world.assets["c0"], True),  # a partner's asset may be shared
        (world.assets["a1"], "duplicate"),
    ]
    assert world.call("a", "GET", f"/albums/{album}").json()["assetCount"] == 3
    assert world.call("a", "PUT", f"/albums/{album}/assets", json={"ids": []}).json() == []
    r = world.call("a", "PUT", f"/albums/{MISSING}/assets", json={"ids": world.ids("a0")})
    assert r.json() == recorded("albums.add-assets", "nonexistent album")
    r = world.call("b", "PUT", f"/albums/{album}/assets", json={"ids": world.ids("b0")})
    assert r.json() == recorded("albums.add-assets", "non-member b adds to album2")


def test_album_roles_viewer_editor_owner(world: World) -> None:
    album = world.album("a", "a0", albumUsers=[{"userId": world.users["b"], "role": "viewer"}])
    aid = album["id"]
    r = world.call("b", "PUT", f"/albums/{aid}/assets", json={"ids": world.ids("b0")})
    assert r.status_code == 400
    assert r.json() == recorded("albums.users", "viewer b adds asset to album2")
    assert world.call("b", "PATCH", f"/albums/{aid}", json={"albumName": "x"}).status_code == 400
    r = world.call("a", "PUT", f"/albums/{aid}/user/{world.users['b']}", json={"role": "editor"})
    assert r.status_code == 204
    assert r.content == b""
    r = world.call("b", "PUT", f"/albums/{aid}/assets", json={"ids": world.ids("b0")})
    assert _results(r) == [(world.assets["b0"], True)]
    r = world.call("b", "PATCH", f"/albums/{aid}", json={"albumName": "b was here"})
    assert r.json()["albumName"] == "b was here"
    assert r.json().keys() == recorded("albums.update", "editor b renames").keys()
    r = world.call("b", "DELETE", f"/albums/{aid}/assets", json={"ids": world.ids("a0", "b0")})
    assert _results(r) == [(world.assets["a0"], "no_permission"), (world.assets["b0"], True)]
    r = world.call("b", "DELETE", f"/albums/{aid}")
    assert r.json() == recorded("albums.delete", "by shared editor b")
    assert world.call("a", "DELETE", f"/albums/{aid}").status_code == 204
    r = world.call("a", "DELETE", f"/albums/{aid}")
    assert r.json() == recorded("albums.delete", "again")


def test_remove_assets_and_thumbnail_follow_up(world: World) -> None:
    album = world.album("a", "a0", "a1", "a2")
    aid = album["id"]
    assert album["albumThumbnailAssetId"] == world.assets["a0"]
    body = {"ids": [*world.ids("a0", "a3"), MISSING, world.assets["a0"]]}
    r = world.call("a", "DELETE", f"/albums/{aid}/assets", json=body)
    assert _results(r) == [
        (world.assets["a0"], True),
        (world.assets["a3"], "not_found"),
        (MISSING, "not_found"),
        (world.assets["a0"], "not_found"),
    ]
    after = world.call("a", "GET", f"/albums/{aid}").json()
    assert after["assetCount"] == 2
    assert after["albumThumbnailAssetId"] == world.assets["a2"]  # the newest left


def test_bulk_add_to_albums(world: World) -> None:
    one = world.album("a", "a0")["id"]
    two = world.album("a")["id"]
    foreign = world.album("b", "b0")["id"]

    def bulk(albums: list[str], assets: list[str]) -> Any:
        body = {"albumIds": albums, "assetIds": assets}
        return world.call("a", "PUT", "/albums/assets", json=body).json()

    assert bulk([one, two], world.ids("a1", "a0")) == {"success": True}
    assert bulk([two], world.ids("a0")) == recorded("albums.add-assets-bulk", "all already present")
    no_permission = {"success": False, "error": "no_permission"}
    assert bulk([foreign], world.ids("a2")) == no_permission
    assert bulk([MISSING], world.ids("a2")) == no_permission
    assert bulk([one], world.ids("b0")) == no_permission
    album = world.call("a", "GET", f"/albums/{two}").json()
    assert (album["assetCount"], album["albumThumbnailAssetId"]) == (2, world.assets["a1"])


def test_patch_album_fields_and_thumbnail_check(world: World) -> None:
    aid = world.album("a", "a0", "a1")["id"]
    body = {"albumName": "Renamed", "description": "d", "order": "asc", "isActivityEnabled": False}
    r = world.call("a", "PATCH", f"/albums/{aid}", json=body)
    got = r.json()
    assert (got["albumName"], got["description"], got["order"], got["isActivityEnabled"]) == (
        "Renamed",
        "d",
        "asc",
        False,
    )
    assert got.keys() == recorded("albums.update", "albumName + description").keys()
    thumb = {"albumThumbnailAssetId": world.assets["a1"]}
    r = world.call("a", "PATCH", f"/albums/{aid}", json=thumb)
    assert r.json()["albumThumbnailAssetId"] == world.assets["a1"]
    r = world.call("a", "PATCH", f"/albums/{aid}", json={"albumThumbnailAssetId": MISSING})
    assert r.json() == recorded("albums.update", "albumThumbnailAssetId = non-member asset")


def test_album_members(world: World) -> None:
    aid = world.album("a", "a0")["id"]
    viewer = {"albumUsers": [{"userId": world.users["b"], "role": "viewer"}]}
    first = world.call("a", "PUT", f"/albums/{aid}/users", json=viewer)
    assert first.json().keys() == recorded("albums.users", "share album2 with b (viewer)").keys()
    again = world.call("a", "PUT", f"/albums/{aid}/users", json=viewer)
    assert again.status_code == 200
    assert again.json()["albumUsers"] == first.json()["albumUsers"]
    owner = {"albumUsers": [{"userId": world.users["a"]}]}
    assert len(world.call("a", "PUT", f"/albums/{aid}/users", json=owner).json()["albumUsers"]) == 2
    r = world.call("a", "PUT", f"/albums/{aid}/users", json={"albumUsers": [{"userId": MISSING}]})
    assert r.json() == recorded("albums.users", "share with nonexistent user")
    r = world.call("a", "PUT", f"/albums/{aid}/users", json={"albumUsers": []})
    assert r.json() == recorded("albums.users", "empty albumUsers")
    r = world.call("a", "PUT", f"/albums/{aid}/user/{world.users['a']}", json={"role": "viewer"})
    assert r.status_code == 400
    assert world.call("b", "DELETE", f"/albums/{aid}/user/me").status_code == 204
    assert world.call("b", "GET", f"/albums/{aid}").status_code == 400
    assert world.call("a", "DELETE", f"/albums/{aid}/user/me").status_code == 400


def test_ten_thousand_assets_in_one_request(world: World) -> None:
    taken = datetime(2020, 1, 1, tzinfo=UTC)
    with world.sim.state.db.connection() as conn:
        seeds = [AssetSeed(world.users["a"], f"bulk_{i}.jpg", taken) for i in range(10_000)]
        ids = seed.add_assets(conn, seeds)
    aid = world.album("a")["id"]
    started = time.perf_counter()
    r = world.call("a", "PUT", f"/albums/{aid}/assets", json={"ids": ids})
    elapsed = time.perf_counter() - started
    assert r.status_code == 200
    assert all(x["success"] for x in r.json())
    assert len(r.json()) == 10_000
    assert elapsed < 5
    assert world.call("a", "GET", f"/albums/{aid}").json()["assetCount"] == 10_000
    r = world.call("a", "DELETE", f"/albums/{aid}/assets", json={"ids": ids})
    assert sum(x["success"] for x in r.json()) == 10_000
