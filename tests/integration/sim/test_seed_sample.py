"""The sample library is real: files on disk, people with faces, albums, an external folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx

from immkit.sim.sample import FACES, seed_sample_library
from immkit.sim.server import SimServer


def test_sample_library_is_served_by_name(sim: SimServer) -> None:
    with sim.state.db.connection() as conn:
        sample = seed_sample_library(conn, sim.state.media)
    alice = {"x-api-key": sample.key("alice")}
    bob = {"x-api-key": sample.key("bob")}
    me = httpx.get(f"{sim.url}/api/users/me", headers=alice).json()
    assert me["id"] == sample.user("alice")

    with_alice = sum("Alice" in people for people in FACES.values())
    r = httpx.post(
        f"{sim.url}/api/search/metadata",
        json={"personIds": [sample.person("Alice")]},
        headers=alice,
    )
    assert r.json()["assets"]["count"] == with_alice
    both = {"personIds": [sample.person("Alice"), sample.person("Bob")]}
    r = httpx.post(f"{sim.url}/api/search/metadata", json=both, headers=alice)
    assert r.json()["assets"]["count"] == sum({"Alice", "Bob"} <= set(p) for p in FACES.values())

    asset_id = sample.asset("IMG_0001.jpg")
    original = httpx.get(f"{sim.url}/api/assets/{asset_id}/original", headers=alice)
    got = httpx.get(f"{sim.url}/api/assets/{asset_id}", headers=alice).json()
    assert (
        hashlib.sha1(original.content).digest().hex()
        == bytes(__import__("base64").b64decode(got["checksum"])).hex()
    )
    assert [p["name"] for p in got["people"]] == ["Alice"]

    shared = sample.asset("IMG_0002.jpg")  # in Holidays, shared with bob
    assert httpx.get(f"{sim.url}/api/assets/{shared}", headers=bob).status_code == 200
    private = sample.asset("IMG_0003.jpg")
    assert httpx.get(f"{sim.url}/api/assets/{private}", headers=bob).status_code == 400

    external = sample.asset("EXT_0001.jpg")
    ext = httpx.get(f"{sim.url}/api/assets/{external}", headers=alice).json()
    assert ext["libraryId"] == sample.library("Alice's folder")
    assert sample.external_folder is not None
    assert Path(ext["originalPath"]).parent == sample.external_folder
    assert "readme.txt" not in sample.assets
    total = httpx.post(f"{sim.url}/api/search/statistics", json={}, headers=alice).json()
    assert total == {"total": 33}
