"""seed_large_library fills the Immich tables consistently, and the API sees the result."""

from __future__ import annotations

import httpx

from immkit.sim.bulk import seed_large_library
from immkit.sim.seed import add_api_key, add_user
from immkit.sim.server import SimServer


def test_large_seed_at_small_scale(sim: SimServer) -> None:
    with sim.state.db.connection() as conn:
        owner = add_user(conn, "big@example.com", "Big")
        key = add_api_key(conn, owner)
        lib = seed_large_library(conn, owner, 2000, 50, 1200, rng_seed=7)
        faces = conn.execute("SELECT count(*) AS n FROM asset_face").fetchone()
        per_asset = conn.execute(
            "SELECT max(n) AS hi, min(n) AS lo FROM (SELECT count(*) AS n FROM asset_face"
            ' GROUP BY "assetId") x'
        ).fetchone()
    assert faces is not None
    assert faces["n"] == lib.n_faces == 1200
    assert per_asset is not None
    assert (per_asset["lo"], per_asset["hi"]) == (1, 3)
    headers = {"x-api-key": key}
    stats = httpx.post(f"{sim.url}/api/search/statistics", json={}, headers=headers).json()
    assert stats == {"total": 2000}
    top = httpx.post(
        f"{sim.url}/api/search/statistics", json={"personIds": [lib.person_ids[0]]}, headers=headers
    ).json()
    last = httpx.post(
        f"{sim.url}/api/search/statistics",
        json={"personIds": [lib.person_ids[-1]]},
        headers=headers,
    ).json()
    assert top["total"] > last["total"]
    buckets = httpx.get(f"{sim.url}/api/timeline/buckets", headers=headers).json()
    assert sum(b["count"] for b in buckets) == 2000
    assert buckets[0]["timeBucket"] <= "2025-12-01"


def test_large_seed_is_deterministic(sim: SimServer) -> None:
    with sim.state.db.connection() as conn:
        owner = add_user(conn, "big@example.com", "Big")
        first = seed_large_library(conn, owner, 50, 5, 30, rng_seed=3)
        conn.execute("DELETE FROM asset")
        conn.execute("DELETE FROM person")
        second = seed_large_library(conn, owner, 50, 5, 30, rng_seed=3)
    assert first == second
