"""Search and timeline by tag follow Immich 3.1's `hasTags` / `withTagId`.

An asset matches `tagIds` when it carries, for every listed tag, that tag or one of its
descendants (through `tag_closure`); a tag without closure rows matches nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from immkit.sim.seed import AssetSeed, add_assets, add_tag, tag_assets
from immkit.sim.server import SimServer
from tests.integration.sim.seeded_users import Account, account

NAMES = ["rome.jpg", "milan_family.jpg", "paris.jpg", "family.jpg", "untagged.jpg"]


@pytest.fixture
def tagged(sim: SimServer) -> dict[str, Any]:
    a = account(sim, "a")
    with sim.state.db.connection() as conn:
        seeds = [
            AssetSeed(a.user_id, n, datetime(2020, 1, 1 + i, tzinfo=UTC))
            for i, n in enumerate(NAMES)
        ]
        ids = dict(zip(NAMES, add_assets(conn, seeds), strict=True))
        tags = {v: add_tag(conn, a.user_id, v) for v in
                ("Places/Italy/Rome", "Places/Italy/Milan", "Places/France", "Family")}  # fmt: skip
        tags["Places"] = add_tag(conn, a.user_id, "Places")
        tags["Places/Italy"] = add_tag(conn, a.user_id, "Places/Italy")
        tag_assets(conn, tags["Places/Italy/Rome"], [ids["rome.jpg"]])
        tag_assets(conn, tags["Places/Italy/Milan"], [ids["milan_family.jpg"]])
        tag_assets(conn, tags["Places/France"], [ids["paris.jpg"]])
        tag_assets(conn, tags["Family"], [ids["milan_family.jpg"], ids["family.jpg"]])
    return {"who": a, "ids": ids, "tags": tags}


def _names(sim: SimServer, who: Account, tag_ids: list[str] | None) -> list[str]:
    got = httpx.post(
        f"{sim.url}/api/search/metadata", json={"tagIds": tag_ids}, headers=who.headers
    )
    assert got.status_code == 200
    return sorted(i["originalFileName"] for i in got.json()["assets"]["items"])


def test_a_tag_matches_its_descendants(sim: SimServer, tagged: dict[str, Any]) -> None:
    who, tags = tagged["who"], tagged["tags"]
    assert _names(sim, who, [tags["Places"]]) == ["milan_family.jpg", "paris.jpg", "rome.jpg"]
    assert _names(sim, who, [tags["Places/Italy"]]) == ["milan_family.jpg", "rome.jpg"]
    assert _names(sim, who, [tags["Places/Italy/Rome"]]) == ["rome.jpg"]


def test_several_tags_must_all_match(sim: SimServer, tagged: dict[str, Any]) -> None:
    who, tags = tagged["who"], tagged["tags"]
    assert _names(sim, who, [tags["Places"], tags["Family"]]) == ["milan_family.jpg"]
    assert _names(sim, who, [tags["Places/France"], tags["Family"]]) == []
    # a tag and its own ancestor: the descendant alone satisfies both
    assert _names(sim, who, [tags["Places"], tags["Places/Italy/Rome"]]) == ["rome.jpg"]


def test_null_means_untagged_and_empty_means_no_filter(
    sim: SimServer, tagged: dict[str, Any]
) -> None:
    who = tagged["who"]
    assert _names(sim, who, None) == ["untagged.jpg"]
    assert _names(sim, who, []) == sorted(NAMES)


def test_a_repeated_id_matches_nothing_as_in_3_1(sim: SimServer, tagged: dict[str, Any]) -> None:
    # 3.1 compares the distinct matches with the raw list length
    family = tagged["tags"]["Family"]
    assert _names(sim, tagged["who"], [family, family]) == []


def test_a_tag_made_by_post_is_invisible_to_search_until_upserted(
    sim: SimServer, tagged: dict[str, Any]
) -> None:
    who, ids = tagged["who"], tagged["ids"]
    url, headers = f"{sim.url}/api/tags", who.headers
    made = httpx.post(url, json={"name": "Made"}, headers=headers).json()
    tagging = {"tagIds": [made["id"]], "assetIds": [ids["untagged.jpg"]]}
    assert httpx.put(f"{url}/assets", json=tagging, headers=headers).json() == {"count": 1}
    assert _names(sim, who, [made["id"]]) == []  # 3.1: no tag_closure rows (fixed in 3.2)
    [same] = httpx.put(url, json={"tags": ["Made"]}, headers=headers).json()
    assert same["id"] == made["id"]
    assert _names(sim, who, [made["id"]]) == ["untagged.jpg"]


def test_timeline_by_tag_includes_descendants(sim: SimServer, tagged: dict[str, Any]) -> None:
    who, tags = tagged["who"], tagged["tags"]
    url = f"{sim.url}/api/timeline/buckets"
    got = httpx.get(url, params={"tagId": tags["Places/Italy"]}, headers=who.headers)
    assert got.status_code == 200
    assert sum(b["count"] for b in got.json()) == 2
    other = account(sim, "other")
    denied = httpx.get(url, params={"tagId": tags["Places"]}, headers=other.headers)
    assert denied.status_code == 400
    assert denied.json()["message"] == "Not found or no tag.read access"
