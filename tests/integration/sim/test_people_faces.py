"""People and faces endpoints of the simulator answer as the recorded Immich 3.1.0 server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from immkit.sim import seed
from immkit.sim.seed import AssetSeed, FaceSeed
from immkit.sim.server import SimServer
from tests.contract.recordings import record

MISSING = "5b0b9a8e-7a44-4c59-9d8e-2f4f8a0e1c11"


def recorded(scenario: str, step: str) -> Any:
    return record(scenario, step)["responseBody"]


@dataclass
class World:
    """Users a and b with keys, assets and people; a's assets a0..a3, b's asset b0."""

    url: str
    sim: SimServer
    keys: dict[str, str]
    users: dict[str, str]
    assets: dict[str, str]
    people: dict[str, str]

    def call(self, who: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"x-api-key": self.keys[who]}
        return httpx.request(method, f"{self.url}/api{path}", headers=headers, **kw)


@pytest.fixture
def world(sim: SimServer) -> World:
    taken = datetime(2023, 6, 11, 11, tzinfo=UTC)
    with sim.state.db.connection() as conn:
        users = {u: seed.add_user(conn, f"{u}@example.com", f"User {u}") for u in "ab"}
        keys = {u: seed.add_api_key(conn, uid) for u, uid in users.items()}
        names = ["a0", "a1", "a2", "a3", "b0"]
        ids = seed.add_assets(conn, [AssetSeed(users[n[0]], f"{n}.jpg", taken) for n in names])
        assets = dict(zip(names, ids, strict=True))
        people = {
            "alice": seed.add_person(conn, users["a"], "Alice", birth_date="1990-02-03"),
            "bob": seed.add_person(conn, users["a"], "Bob"),
            "carol": seed.add_person(conn, users["a"], "Carol"),
            "bella": seed.add_person(conn, users["b"], "Bella"),
        }
        faces = [
            ("a0", "alice", 100),
            ("a1", "alice", 50),
            ("a1", "bob", 300),
            ("a2", "bob", 10),
            ("a2", "carol", 400),
            ("b0", "bella", 5),
        ]
        seed.add_faces(
            conn,
            [FaceSeed(assets[a], people[p], (x, 20, x + 100, 140), 640, 480) for a, p, x in faces],
        )
    return World(sim.url, sim, keys, users, assets, people)


def _post_person(w: World, body: Any) -> httpx.Response:
    return w.call("a", "POST", "/people", json=body)


def test_create_person_answers_201_with_recorded_shape(world: World) -> None:
    r = _post_person(world, {"name": "Alice Rec", "birthDate": "1990-02-03"})
    assert r.status_code == 201
    body = r.json()
    assert body.keys() == recorded("people.create", "name + birthDate").keys()
    assert body["thumbnailPath"] == ""
    assert body["birthDate"] == "1990-02-03"
    empty = _post_person(world, {}).json()
    assert empty["name"] == ""
    assert empty["birthDate"] is None
    colored = _post_person(world, {"name": "C", "color": "#ff8800"}).json()
    assert colored.keys() == recorded("people.create", "name + color + isFavorite").keys()


def test_create_person_rejects_as_recorded(world: World) -> None:
    cases = [
        ({"name": "X", "birthDate": "2999-01-01"}, "birthDate in the future"),
        ({"name": "X", "birthDate": "1990-13-45"}, "birthDate not a date"),
        ({"name": "X", "color": "orange"}, "bad color"),
    ]
    for body, step in cases:
        r = _post_person(world, body)
        assert r.status_code == 400
        assert r.json() == recorded("people.create", step)


def test_people_list_counts_faces_and_orders_hidden_last(world: World) -> None:
    r = world.call("a", "GET", "/people")
    body = r.json()
    assert body.keys() == recorded("people.list", "default").keys()
    assert [p["name"] for p in body["people"]] == ["Alice", "Bob", "Carol"]
    assert (body["total"], body["hidden"], body["hasNextPage"]) == (3, 0, False)
    world.call("a", "PUT", f"/people/{world.people['alice']}", json={"isHidden": True})
    world.call("a", "PUT", f"/people/{world.people['carol']}", json={"isFavorite": True})
    names = [p["name"] for p in world.call("a", "GET", "/people").json()["people"]]
    assert names == ["Carol", "Bob"]
    body = world.call("a", "GET", "/people", params={"withHidden": "true"}).json()
    assert [p["name"] for p in body["people"]] == ["Carol", "Bob", "Alice"]
    assert (body["total"], body["hidden"]) == (3, 1)


def test_people_list_pages_and_caps_size_and_search(world: World) -> None:
    page = world.call("a", "GET", "/people", params={"page": 2, "size": 2}).json()
    assert [p["name"] for p in page["people"]] == ["Carol"]
    assert page["hasNextPage"] is False
    first = world.call("a", "GET", "/people", params={"size": 2}).json()
    assert first["hasNextPage"] is True
    r = world.call("a", "GET", "/people", params={"size": 1001})
    assert r.status_code == 400
    assert r.json() == recorded("people.list", "size=1001")
    r = world.call("a", "GET", "/search/person", params={"name": "ali"})
    assert [p["name"] for p in r.json()] == ["Alice"]
    r = world.call("a", "GET", "/search/person", params={"name": "ALICE", "withHidden": "true"})
    assert r.json()[0].keys() == recorded("search.person", "name=ali")[0].keys()
    assert world.call("a", "GET", "/search/person", params={"name": "bella"}).json() == []


def test_people_without_faces_are_not_listed_but_readable(world: World) -> None:
    pid = _post_person(world, {"name": "Nobody"}).json()["id"]
    listed = world.call("a", "GET", "/people", params={"withHidden": "true"}).json()
    assert pid not in {p["id"] for p in listed["people"]}
    assert world.call("a", "GET", f"/people/{pid}").json()["name"] == "Nobody"
    assert world.call("a", "GET", f"/people/{pid}/statistics").json() == {"assets": 0}
    r = world.call("a", "GET", f"/people/{pid}/thumbnail")
    assert r.status_code == 404
    assert r.json() == {"message": "Not Found"}


def test_foreign_and_unknown_people_are_not_found(world: World) -> None:
    for pid in (world.people["bella"], MISSING):
        r = world.call("a", "GET", f"/people/{pid}")
        assert r.status_code == 400
        assert r.json() == recorded("people.get", "another user's person")
        r = world.call("a", "PUT", f"/people/{pid}", json={"name": "Hacked"})
        assert r.json() == recorded("people.update", "another user's person")
    assert world.call("b", "GET", "/people").json()["total"] == 1
    alice = world.people["alice"]
    r = world.call("a", "GET", f"/people/{alice}/statistics")
    assert r.json() == {"assets": 2}
    r = world.call("a", "GET", f"/people/{alice}/thumbnail")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/jpeg"
    assert r.content[:2] == b"\xff\xd8"
    assert r.content[-2:] == b"\xff\xd9"


def test_update_person_fields_and_clear_birth_date(world: World) -> None:
    alice = world.people["alice"]
    r = world.call("a", "PUT", f"/people/{alice}", json={"name": "Al", "birthDate": "1991-03-04"})
    assert r.json().keys() == recorded("people.update", "rename + birthDate").keys()
    assert (r.json()["name"], r.json()["birthDate"]) == ("Al", "1991-03-04")
    r = world.call("a", "PUT", f"/people/{alice}", json={"birthDate": None})
    assert r.json()["birthDate"] is None
    assert r.json()["name"] == "Al"
    assert world.call("a", "PUT", f"/people/{alice}", json={}).json()["name"] == "Al"
    _check_bulk_update(world)


def test_feature_face_must_be_on_an_asset_with_that_person(world: World) -> None:
    alice = world.people["alice"]
    r = world.call("a", "PUT", f"/people/{alice}", json={"featureFaceAssetId": world.assets["a1"]})
    assert r.status_code == 200
    with_face = _face_ids(world, "a1")
    row = _person_row(world, alice)
    assert str(row["faceAssetId"]) == with_face[0]  # alice's box is leftmost on a1
    r = world.call("a", "PUT", f"/people/{alice}", json={"featureFaceAssetId": world.assets["a3"]})
    assert r.status_code == 400
    assert r.json() == recorded("people.update", "featureFaceAssetId = asset without that person")


def _check_bulk_update(world: World) -> None:
    bob, bella = world.people["bob"], world.people["bella"]
    body = {
        "people": [
            {"id": bob, "isFavorite": True, "name": "Bob Favourite"},
            {"id": MISSING, "name": "Nobody"},
            {"id": bella, "name": "Not yours"},
        ]
    }
    r = world.call("a", "PUT", "/people", json=body)
    assert r.json() == [
        {"id": bob, "success": True},
        {"id": MISSING, "success": False, "error": "unknown"},
        {"id": bella, "success": False, "error": "unknown"},
    ]
    assert world.call("a", "GET", f"/people/{bob}").json()["isFavorite"] is True
    assert world.call("a", "PUT", "/people", json={"people": []}).json() == []


def test_merge_moves_faces_and_deletes_the_merged(world: World) -> None:
    carol, bob, bella = world.people["carol"], world.people["bob"], world.people["bella"]
    r = world.call("a", "POST", f"/people/{carol}/merge", json={"ids": [bob, MISSING, bella]})
    assert r.status_code == 200
    assert r.json() == [
        {"id": bob, "success": True},
        {"id": MISSING, "success": False, "error": "no_permission"},
        {"id": bella, "success": False, "error": "no_permission"},
    ]
    assert world.call("a", "GET", f"/people/{carol}/statistics").json() == {"assets": 2}
    assert world.call("a", "GET", f"/people/{bob}").status_code == 400
    again = world.call("a", "POST", f"/people/{carol}/merge", json={"ids": [bob]}).json()
    assert again == [{"id": bob, "success": False, "error": "no_permission"}]
    r = world.call("a", "POST", f"/people/{carol}/merge", json={"ids": [carol]})
    assert r.status_code == 400
    assert r.json() == recorded("people.merge", "list containing the target itself")
    r = world.call("a", "POST", f"/people/{bella}/merge", json={"ids": [carol]})
    assert r.json() == recorded("people.merge", "into another user's person")
    assert world.call("a", "POST", f"/people/{carol}/merge", json={"ids": []}).json() == []


def test_people_reassign_moves_faces_of_a_person_on_an_asset(world: World) -> None:
    bob, carol = world.people["bob"], world.people["carol"]
    data = {"data": [{"assetId": world.assets["a2"], "personId": carol}]}
    r = world.call("a", "PUT", f"/people/{bob}/reassign", json=data)
    assert r.status_code == 200
    assert [p["id"] for p in r.json()] == [bob]
    faces = world.call("a", "GET", "/faces", params=_q(world, "a2")).json()
    people = [f["person"]["id"] for f in faces]
    assert people == [bob, bob]
    assert world.call("a", "GET", f"/people/{carol}/statistics").json() == {"assets": 0}
    nothing = {"data": [{"assetId": world.assets["a3"], "personId": carol}]}
    assert world.call("a", "PUT", f"/people/{bob}/reassign", json=nothing).json()[0]["id"] == bob
    r = world.call("a", "PUT", f"/people/{world.people['bella']}/reassign", json=data)
    assert r.json() == recorded("people.reassign", "into another user's person")


def test_delete_person_unassigns_faces(world: World) -> None:
    bob = world.people["bob"]
    assert world.call("a", "DELETE", f"/people/{bob}").status_code == 204
    r = world.call("a", "DELETE", f"/people/{bob}")
    assert r.json() == recorded("people.delete", "already deleted")
    faces = world.call("a", "GET", "/faces", params=_q(world, "a2")).json()
    assert next(f["person"] for f in faces) is None
    carol = world.call("a", "DELETE", "/people", json={"ids": [world.people["carol"]]})
    assert carol.status_code == 204
    r = world.call("a", "DELETE", "/people", json={"ids": [world.people["bella"]]})
    assert r.status_code == 400


# faces ----------------------------------------------------------------------------------


def _q(w: World, asset: str) -> dict[str, str]:
    return {"id": w.assets[asset]}


def _face_ids(w: World, asset: str) -> list[str]:
    return [f["id"] for f in w.call("a", "GET", "/faces", params=_q(w, asset)).json()]


def _person_row(w: World, person_id: str) -> Any:
    with w.sim.state.db.connection() as conn:
        return seed.row(conn, "SELECT * FROM person WHERE id = %s", person_id)


def test_faces_of_an_asset_ordered_by_x(world: World) -> None:
    r = world.call("a", "GET", "/faces", params=_q(world, "a1"))
    faces = r.json()
    recorded_face = recorded("faces.list", "IMG_0002 (two people)")[0]
    assert faces[0].keys() == recorded_face.keys()
    assert faces[0]["person"].keys() == recorded_face["person"].keys()
    assert [f["person"]["name"] for f in faces] == ["Alice", "Bob"]
    assert world.call("a", "GET", "/faces", params=_q(world, "a3")).json() == []
    r = world.call("a", "GET", "/faces", params=_q(world, "b0"))
    assert r.json() == recorded("faces.list", "another user's asset")
    r = world.call("a", "GET", "/faces")
    assert r.json() == recorded("faces.list", "missing id param")


def _new_face(w: World, who: str, asset: str, person: str) -> httpx.Response:
    body = {
        "assetId": w.assets[asset],
        "personId": w.people[person],
        "imageWidth": 640,
        "imageHeight": 480,
        "x": 100,
        "y": 80,
        "width": 120,
        "height": 150,
    }
    return w.call(who, "POST", "/faces", json=body)


def test_create_face_is_201_empty_and_stores_the_box(world: World) -> None:
    r = _new_face(world, "a", "a3", "carol")
    assert r.status_code == 201
    assert r.content == b""
    assert "content-type" not in r.headers
    face = world.call("a", "GET", "/faces", params=_q(world, "a3")).json()[0]
    box = [face[k] for k in ("boundingBoxX1", "boundingBoxY1", "boundingBoxX2", "boundingBoxY2")]
    assert box == [100, 80, 220, 230]
    assert face["sourceType"] == "manual"
    pid = _post_person(world, {"name": "Dave"}).json()["id"]
    world.people["dave"] = pid
    assert _new_face(world, "a", "a3", "dave").status_code == 201
    person = world.call("a", "GET", f"/people/{pid}").json()
    assert person["thumbnailPath"].endswith(f"/{pid[:2]}/{pid[2:4]}/{pid}.jpeg")
    assert world.call("a", "GET", f"/people/{pid}/thumbnail").status_code == 200


def test_create_face_checks_asset_then_person(world: World) -> None:
    r = _new_face(world, "a", "b0", "alice")
    assert r.json() == recorded("faces.create", "on another user's asset")
    r = _new_face(world, "a", "a0", "bella")
    assert r.json() == recorded("faces.create", "with another user's person")
    r = _new_face(world, "b", "b0", "alice")
    assert r.json() == recorded("faces.create", "user b: a's person on b's asset")
    r = world.call("a", "POST", "/faces", json={"assetId": world.assets["a0"], "personId": MISSING})
    assert r.json() == recorded("faces.create", "missing fields")


def test_put_face_reassigns_to_the_path_person(world: World) -> None:
    carol = world.people["carol"]
    face = _face_ids(world, "a1")[1]  # bob's
    r = world.call("a", "PUT", f"/faces/{carol}", json={"id": face})
    assert r.status_code == 200
    assert r.json()["id"] == carol
    assert r.json().keys() == recorded("people.get", "Alice").keys()
    r = world.call("a", "PUT", f"/faces/{world.people['bella']}", json={"id": face})
    assert r.json() == recorded("faces.reassign", "to another user's person")
    r = world.call("a", "PUT", f"/faces/{carol}", json={"id": MISSING})
    assert r.json() == recorded("faces.reassign", "nonexistent face")


def test_delete_face_soft_then_hard_keeps_the_person(world: World) -> None:
    alice = world.people["alice"]
    face = _face_ids(world, "a0")[0]
    r = world.call("a", "DELETE", f"/faces/{face}", json={"force": False})
    assert r.status_code == 204
    assert _face_ids(world, "a0") == []
    assert world.call("a", "GET", f"/people/{alice}/statistics").json() == {"assets": 1}
    assert world.call("a", "DELETE", f"/faces/{face}", json={"force": True}).status_code == 204
    r = world.call("a", "DELETE", f"/faces/{face}")
    assert r.status_code == 400
    assert r.json() == recorded("faces.delete", "missing body")
    r = world.call("a", "DELETE", f"/faces/{MISSING}", json={"force": True})
    assert r.json() == recorded("faces.delete", "nonexistent")
    other = _face_ids(world, "a1")[0]
    world.call("a", "DELETE", f"/faces/{other}", json={"force": True})
    assert world.call("a", "GET", f"/people/{alice}").status_code == 200
    assert world.call("a", "GET", f"/people/{alice}/statistics").json() == {"assets": 0}
