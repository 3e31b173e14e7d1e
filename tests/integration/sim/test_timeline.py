"""Timeline buckets and the jobs/queues endpoints answer as recorded from Immich 3.1."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from immkit.sim.seed import AssetSeed, add_album, add_assets
from immkit.sim.server import SimServer
from tests.integration.sim.seeded_users import account


def test_buckets_and_columnar_bucket(sim: SimServer) -> None:
    a, b = account(sim, "a"), account(sim, "b")
    with sim.state.db.connection() as conn:
        june, may = datetime(2023, 6, 11, 11, tzinfo=UTC), datetime(2023, 5, 10, 9, tzinfo=UTC)
        ids = add_assets(conn, [
            AssetSeed(a.user_id, "one.jpg", june, width=640, height=480),
            AssetSeed(a.user_id, "two.jpg", may, visibility="archive"),
            AssetSeed(a.user_id, "three.jpg", may, visibility="hidden"),
        ])  # fmt: skip
        other = add_album(conn, b.user_id, "B's", [])
    url = f"{sim.url}/api/timeline"
    got = httpx.get(f"{url}/buckets", headers=a.headers).json()
    assert got == [
        {"timeBucket": "2023-06-01", "count": 1},
        {"timeBucket": "2023-05-01", "count": 1},
    ]
    hidden = httpx.get(f"{url}/buckets", params={"visibility": "hidden"}, headers=a.headers).json()
    assert hidden == [{"timeBucket": "2023-05-01", "count": 1}]
    locked = httpx.get(f"{url}/buckets", params={"visibility": "locked"}, headers=a.headers)
    assert (locked.status_code, locked.json()) == (
        401,
        {"message": "Elevated permission is required"},
    )
    foreign = httpx.get(f"{url}/buckets", params={"albumId": other}, headers=a.headers)
    assert foreign.json() == {"message": "Not found or no album.read access"}

    bucket = httpx.get(
        f"{url}/bucket", params={"timeBucket": "2023-06-01"}, headers=a.headers
    ).json()
    assert bucket["id"] == [ids[0]]
    assert bucket["fileCreatedAt"] == ["2023-06-11T11:00:00"]
    assert bucket["ratio"] == [1.333]
    assert bucket["status"] == ["active"]
    assert "latitude" not in bucket
    empty = httpx.get(
        f"{url}/bucket", params={"timeBucket": "1999-01-01"}, headers=a.headers
    ).json()
    assert all(v == [] for v in empty.values())
    bad = httpx.get(f"{url}/bucket", params={"timeBucket": "garbage"}, headers=a.headers)
    assert (bad.status_code, bad.json()) == (500, {"message": "Failed to get time bucket"})
    missing = httpx.get(f"{url}/bucket", headers=a.headers)
    assert missing.json()["errors"][0]["path"] == ["timeBucket"]


def test_jobs_and_queues_are_idle_and_admin_only(sim: SimServer) -> None:
    admin, user = account(sim, "admin", admin=True), account(sim, "user")
    assert httpx.get(f"{sim.url}/api/jobs", headers=user.headers).json() == {"message": "Forbidden"}
    jobs = httpx.get(f"{sim.url}/api/jobs", headers=admin.headers).json()
    assert jobs["faceDetection"]["jobCounts"]["active"] == 0
    started = httpx.put(
        f"{sim.url}/api/jobs/faceDetection",
        json={"command": "start", "force": False},
        headers=admin.headers,
    ).json()
    assert started["jobCounts"]["waiting"] == 1
    bad = httpx.put(f"{sim.url}/api/jobs/nope", json={"command": "start"}, headers=admin.headers)
    assert bad.json()["errors"][0]["path"] == ["name"]
    paused = httpx.put(
        f"{sim.url}/api/queues/library", json={"isPaused": True}, headers=admin.headers
    ).json()
    assert paused["isPaused"] is True
    queues = httpx.get(f"{sim.url}/api/queues", headers=admin.headers).json()
    assert all(q["statistics"]["waiting"] == 0 for q in queues)
    assert httpx.get(f"{sim.url}/api/queues/library/jobs", headers=admin.headers).json() == []
    manual = httpx.post(f"{sim.url}/api/jobs", json={"name": "nope"}, headers=admin.headers)
    assert manual.status_code == 400
    httpx.put(f"{sim.url}/api/queues/library", json={"isPaused": False}, headers=admin.headers)
