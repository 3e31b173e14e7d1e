"""`Immich.tags` against the simulator: resolve paths to ids, tag, then search by tag ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from immkit.errors import ApiError, MissingPermission
from immkit.immich import AssetId, Immich, MetadataSearch, TagId
from immkit.sim import seed
from immkit.sim.server import SimServer

TAKEN = datetime(2022, 3, 1, tzinfo=UTC)


def _assets(sim: SimServer, owner_id: str, n: int) -> list[AssetId]:
    rows = [seed.AssetSeed(owner_id, f"IMG_{i}.jpg", TAKEN) for i in range(n)]
    with sim.state.db.connection() as conn:
        return [AssetId(a) for a in seed.add_assets(conn, rows)]


def test_paths_resolve_to_ids_and_search_finds_descendants(
    sim: SimServer, immich: Immich, owner: tuple[str, str]
) -> None:
    rome, paris, plain = _assets(sim, owner[0], 3)
    leaves = immich.tags.upsert(["Places/Italy/Rome", "Places/France"])
    assert [t.value for t in leaves] == ["Places/Italy/Rome", "Places/France"]
    by_value = {t.value: t for t in immich.tags.all()}
    assert list(by_value) == ["Places", "Places/France", "Places/Italy", "Places/Italy/Rome"]
    italy = by_value["Places/Italy"]
    assert (italy.name, italy.parent_id) == ("Italy", by_value["Places"].id)
    assert by_value["Places"].parent_id is None
    assert immich.tags.get(italy.id) == italy

    assert immich.tags.tag_assets([by_value["Places/Italy/Rome"].id], [rome, plain]) == 2
    assert immich.tags.tag_assets([by_value["Places/France"].id], [paris]) == 1
    removed = immich.tags.remove_assets(by_value["Places/Italy/Rome"].id, [plain, paris])
    assert [(r.success, r.error) for r in removed] == [(True, None), (False, "not_found")]

    def found(*tags: str) -> set[AssetId]:
        filters = MetadataSearch(tag_ids=[by_value[t].id for t in tags])
        return {a.id for a in immich.search.iter_assets(filters)}

    assert found("Places") == {rome, paris}
    assert found("Places/Italy") == {rome}
    assert found("Places", "Places/France") == {paris}


def test_create_and_per_tag_membership(
    sim: SimServer, immich: Immich, owner: tuple[str, str]
) -> None:
    [asset] = _assets(sim, owner[0], 1)
    root = immich.tags.create("Events", color="#00ff00")
    child = immich.tags.create("Wedding", parent_id=root.id)
    assert (child.value, child.parent_id, root.color) == ("Events/Wedding", root.id, "#00ff00")
    with pytest.raises(ApiError, match="already exists"):
        immich.tags.create("Wedding", parent_id=root.id)
    results = immich.tags.add_assets(child.id, [asset, asset])
    assert [(r.success, r.error) for r in results] == [(True, None), (False, "duplicate")]
    extra = immich.assets.get(asset).model_extra or {}
    assert [t["value"] for t in extra["tags"]] == ["Events/Wedding"]
    immich.tags.delete(root.id)
    assert immich.tags.all() == []


def test_a_key_without_tag_read_is_told_so(sim: SimServer, owner: tuple[str, str]) -> None:
    with sim.state.db.connection() as conn:
        key = seed.add_api_key(conn, owner[0], ["asset.read"])
    with Immich.connect(sim.url, key) as gateway, pytest.raises(MissingPermission, match="tag"):
        gateway.tags.all()


def test_tags_of_another_user_are_not_listed(
    sim: SimServer, immich: Immich, owner: tuple[str, str]
) -> None:
    with sim.state.db.connection() as conn:
        other = seed.add_user(conn, "other@example.com", "Other")
        theirs = TagId(seed.add_tag(conn, other, "Private"))
    assert immich.tags.all() == []
    with pytest.raises(ApiError, match=r"tag\.read"):
        immich.tags.get(theirs)
