"""`/tags/*` answers as Immich 3.1: the caller's tags, paths, access, tagging assets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from immkit.sim.seed import AssetSeed, add_assets, add_tag, row, tag_assets
from immkit.sim.server import SimServer
from tests.integration.sim.seeded_users import Account, account

TAKEN = datetime(2021, 5, 1, tzinfo=UTC)


def _call(sim: SimServer, who: Account, method: str, path: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, f"{sim.url}/api{path}", json=body, headers=who.headers)


def _assets(sim: SimServer, who: Account, n: int) -> list[str]:
    with sim.state.db.connection() as conn:
        return add_assets(conn, [AssetSeed(who.user_id, f"t{i}.jpg", TAKEN) for i in range(n)])


def test_list_shows_only_the_callers_tags_sorted_by_path(sim: SimServer) -> None:
    a, b = account(sim, "a"), account(sim, "b")
    with sim.state.db.connection() as conn:
        italy = add_tag(conn, a.user_id, "Places/Italy")
        add_tag(conn, a.user_id, "Family")
        add_tag(conn, b.user_id, "Secret")
    got = _call(sim, a, "GET", "/tags")
    assert got.status_code == 200
    tags = got.json()
    assert [t["value"] for t in tags] == ["Family", "Places", "Places/Italy"]
    places = tags[1]
    assert set(places) == {"id", "name", "value", "createdAt", "updatedAt"}  # nulls left out
    assert tags[2]["id"] == italy
    assert (tags[2]["name"], tags[2]["parentId"]) == ("Italy", places["id"])


def test_list_needs_tag_read(sim: SimServer) -> None:
    key = account(sim, "k", perms=["asset.read"])
    got = _call(sim, key, "GET", "/tags")
    assert got.status_code == 403
    assert got.json()["message"] == "Missing required permission: tag.read"


def test_create_builds_the_path_from_the_parent(sim: SimServer) -> None:
    a, b = account(sim, "a"), account(sim, "b")
    root = _call(sim, a, "POST", "/tags", {"name": "Places", "color": "#ff0000"})
    assert root.status_code == 201
    assert root.json()["color"] == "#ff0000"
    body = {"name": "Italy", "parentId": root.json()["id"]}
    child = _call(sim, a, "POST", "/tags", body)
    assert child.status_code == 201
    assert (child.json()["value"], child.json()["name"]) == ("Places/Italy", "Italy")
    assert child.json()["parentId"] == root.json()["id"]

    again = _call(sim, a, "POST", "/tags", body)
    assert again.status_code == 400
    assert again.json()["message"] == "A tag with that name already exists"
    foreign = _call(sim, b, "POST", "/tags", {"name": "x", "parentId": root.json()["id"]})
    assert foreign.status_code == 400
    assert foreign.json()["message"] == "Not found or no tag.read access"
    bad = _call(sim, a, "POST", "/tags", {"name": "x", "color": "red"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["path"] == ["color"]
    assert _call(sim, a, "POST", "/tags", {}).status_code == 400


def test_create_writes_no_closure_rows_as_3_1_does(sim: SimServer) -> None:
    a = account(sim, "a")
    tag = _call(sim, a, "POST", "/tags", {"name": "Bare"}).json()
    with sim.state.db.connection() as conn:
        closure = row(
            conn, "SELECT count(*) AS n FROM tag_closure WHERE id_descendant = %s", tag["id"]
        )
    assert closure is not None
    assert closure["n"] == 0


def test_upsert_creates_each_level_once(sim: SimServer) -> None:
    a = account(sim, "a")
    got = _call(
        sim,
        a,
        "PUT",
        "/tags",
        {"tags": ["Places/Italy/Rome", "/Places//Italy/", "Places/Italy/Rome"]},
    )
    assert got.status_code == 200
    leaves = got.json()
    assert [t["value"] for t in leaves] == ["Places/Italy/Rome", "Places/Italy"]
    listed = {t["value"]: t for t in _call(sim, a, "GET", "/tags").json()}
    assert set(listed) == {"Places", "Places/Italy", "Places/Italy/Rome"}
    assert listed["Places/Italy/Rome"]["parentId"] == listed["Places/Italy"]["id"]
    with sim.state.db.connection() as conn:
        ancestors = conn.execute(
            "SELECT t.value FROM tag_closure c JOIN tag t ON t.id = c.id_ancestor"
            " WHERE c.id_descendant = %s ORDER BY t.value",
            (listed["Places/Italy/Rome"]["id"],),
        ).fetchall()
    assert [r["value"] for r in ancestors] == ["Places", "Places/Italy", "Places/Italy/Rome"]


def test_bulk_tagging_skips_what_the_caller_does_not_own(sim: SimServer) -> None:
    a, b = account(sim, "a"), account(sim, "b")
    mine, theirs = _assets(sim, a, 2), _assets(sim, b, 1)
    with sim.state.db.connection() as conn:
        travel, family = add_tag(conn, a.user_id, "Travel"), add_tag(conn, a.user_id, "Family")
        foreign_tag = add_tag(conn, b.user_id, "Theirs")
    body = {"tagIds": [travel, family, foreign_tag], "assetIds": [*mine, *theirs]}
    got = _call(sim, a, "PUT", "/tags/assets", body)
    assert got.status_code == 200
    assert got.json() == {"count": 4}
    assert _call(sim, a, "PUT", "/tags/assets", body).json() == {"count": 0}
    asset = _call(sim, a, "GET", f"/assets/{mine[0]}").json()
    assert sorted(t["value"] for t in asset["tags"]) == ["Family", "Travel"]
    with sim.state.db.connection() as conn:
        exif = row(
            conn, 'SELECT tags, "lockedProperties" FROM asset_exif WHERE "assetId" = %s', mine[0]
        )
        untouched = row(conn, 'SELECT count(*) AS n FROM tag_asset WHERE "assetId" = %s', theirs[0])
    assert exif is not None
    assert exif["tags"] == ["Family", "Travel"]
    assert exif["lockedProperties"] == ["tags"]  # 3.1 locks tags it wrote itself
    assert untouched is not None
    assert untouched["n"] == 0


def test_tag_and_untag_one_tag_per_id(sim: SimServer) -> None:
    a, b, partner = account(sim, "a"), account(sim, "b"), account(sim, "p")
    mine, theirs, shared = _assets(sim, a, 2), _assets(sim, b, 1), _assets(sim, partner, 1)
    with sim.state.db.connection() as conn:
        tag = add_tag(conn, a.user_id, "Best")
        conn.execute('INSERT INTO partner ("sharedById", "sharedWithId") VALUES (%s, %s)',
                     (partner.user_id, a.user_id))  # fmt: skip
        tag_assets(conn, tag, [mine[0]])
    ids = [mine[0], mine[1], mine[1], theirs[0], shared[0]]
    got = _call(sim, a, "PUT", f"/tags/{tag}/assets", {"ids": ids})
    assert got.status_code == 200
    assert [(r["success"], r.get("error")) for r in got.json()] == [
        (False, "duplicate"), (True, None), (False, "duplicate"), (False, "no_permission"),
        (True, None),
    ]  # fmt: skip
    removed = _call(sim, a, "DELETE", f"/tags/{tag}/assets", {"ids": [mine[1], theirs[0]]})
    assert [(r["success"], r.get("error")) for r in removed.json()] == [
        (True, None), (False, "not_found"),
    ]  # fmt: skip
    foreign = _call(sim, b, "PUT", f"/tags/{tag}/assets", {"ids": theirs})
    assert foreign.status_code == 400
    assert foreign.json()["message"] == "Not found or no tag.asset access"


def test_get_and_delete_one_tag(sim: SimServer) -> None:
    a, b = account(sim, "a"), account(sim, "b")
    [asset] = _assets(sim, a, 1)
    with sim.state.db.connection() as conn:
        places = add_tag(conn, a.user_id, "Places")
        italy = add_tag(conn, a.user_id, "Places/Italy")
        tag_assets(conn, italy, [asset])
    assert _call(sim, a, "GET", f"/tags/{italy}").json()["parentId"] == places
    denied = _call(sim, b, "GET", f"/tags/{italy}")
    assert denied.status_code == 400
    assert denied.json()["message"] == "Not found or no tag.read access"
    assert _call(sim, b, "DELETE", f"/tags/{places}").status_code == 400
    assert _call(sim, a, "DELETE", f"/tags/{places}").status_code == 204
    assert _call(sim, a, "GET", "/tags").json() == []  # the child went with its parent
    assert _call(sim, a, "GET", f"/assets/{asset}").json()["tags"] == []
