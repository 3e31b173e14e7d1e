"""The transfer plan is pure: decisions tested on hand-built snapshots, no database."""

from __future__ import annotations

import uuid

from immkit.jobs.transfer.collect import AssetInfo, FaceInfo, PersonInfo, Snapshot, TagInfo
from immkit.jobs.transfer.plan import plan, plan_transfer
from immkit.jobs.transfer.select import Selection, TransferSpec, UserInfo

SRC = UserInfo("00000000-0000-4000-8000-000000000001", "alice@example.com", "Alice", "c1")
DST = UserInfo("00000000-0000-4000-8000-000000000002", "bob@example.com", "Bob", "c2")


def _asset(name: str, **kw: object) -> AssetInfo:
    values: dict[str, object] = {
        "id": name,
        "file_name": f"{name}.jpg",
        "checksum": name.encode().hex(),
        "library_id": None,
        "live_video_id": None,
        "stack_id": None,
        "size": 100,
        "type": "IMAGE",
        "selected": True,
    }
    values.update(kw)
    return AssetInfo(**values)  # type: ignore[arg-type]


def _person(key: str, faces: int) -> PersonInfo:
    return PersonInfo(key, key.title(), None, False, False, None, None, faces)


def _snapshot(layout: str = "3.1", policy: str = "skip", **kw: object) -> Snapshot:
    spec = TransferSpec(kind="album", ref="Trip", target=DST.email, duplicates=policy)  # type: ignore[arg-type]
    values: dict[str, object] = {
        "layout": layout,
        "spec": spec,
        "selection": Selection(SRC, DST, "album", "album-1", "Trip"),
        "assets": (
            _asset("a1", live_video_id="m1"),
            _asset("m1", selected=False, type="VIDEO"),
            _asset("a2", stack_id="s1"),
            _asset("a3", stack_id="s1", selected=False),
            _asset("a4"),
            _asset("ext", library_id="lib"),
        ),
        "faces": (FaceInfo("f1", "a1", "anna"), FaceInfo("f2", "a2", "ben")),
        "persons": (_person("anna", 1), _person("ben", 3)),
        "tag_links": (("a4", "t2"),),
        "tags": (TagInfo("t1", "Places", None), TagInfo("t2", "Places/Italy", "red")),
        "target_copies": (),
        "album_links": (),
    }
    values.update(kw)
    return Snapshot(**values)  # type: ignore[arg-type]


def test_live_parts_and_whole_stacks_move_external_stays() -> None:
    body = plan_transfer(_snapshot())
    assert body.asset_ids == ["a1", "a2", "a3", "a4", "m1"]
    assert body.live_parts == ["m1"]
    assert body.stack_members == ["a3"]
    assert body.stack_ids == ["s1"]
    assert body.kept_external == ["ext"]
    assert body.moved_bytes == 500


def test_exclusive_person_moves_shared_person_is_duplicated() -> None:
    body = plan_transfer(_snapshot())
    by_name = {p.key: p for p in body.persons}
    assert (by_name["anna"].action, by_name["anna"].target_key) == ("move", "anna")
    ben = by_name["ben"]
    assert (ben.action, ben.faces_in, ben.faces_out) == ("duplicate", 1, 2)
    assert uuid.UUID(ben.target_key).version == 4  # Immich validates ids as v4
    assert body.faces_relinked == 1


def test_a_duplicate_keeps_its_whole_live_pair_with_the_source() -> None:
    snap = _snapshot(target_copies=((b"m1".hex(), "bob-copy"),))
    body = plan_transfer(snap)
    assert "a1" not in body.asset_ids
    assert "m1" not in body.asset_ids
    assert [d.asset_id for d in body.duplicates] == ["m1"]
    assert body.kept_linked == ["a1"]


def test_tags_come_with_their_ancestors() -> None:
    body = plan_transfer(_snapshot())
    assert [(t.value, t.color) for t in body.tags] == [("Places", None), ("Places/Italy", "red")]
    assert body.tag_links == 1


def test_in_3_2_a_shared_cluster_group_keeps_the_group() -> None:
    same = _snapshot(
        layout="3.2",
        selection=Selection(
            SRC, DST.__class__(DST.id, DST.email, DST.name, "c1"), "album", "x", "Trip"
        ),
    )
    assert all(p.target_key == p.key for p in plan_transfer(same).persons)
    other = plan_transfer(_snapshot(layout="3.2"))
    assert all(p.target_key != p.key for p in other.persons)
    assert other.faces_relinked == 2


def test_the_plan_is_deterministic_and_destructive() -> None:
    first, second = plan(_snapshot()), plan(_snapshot())
    assert first == second
    assert first.actions[0].destructive
    assert any("Storage Template Migration" in n for n in first.notes)


def test_nothing_to_move_is_an_empty_plan() -> None:
    empty = plan(_snapshot(assets=(), faces=(), persons=(), tag_links=(), tags=()))
    assert not empty.actions
    assert "Nothing to transfer" in empty.empty_message
