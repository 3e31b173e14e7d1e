"""The internalize plan, counts, metadata grouping, read-back comparison and face plans:
pure functions, no server."""

from __future__ import annotations

from immkit.immich import AssetFull, AssetId, Face
from immkit.jobs.assetcopy.faces import plan_faces
from immkit.jobs.assetcopy.metadata import desired_update, group_updates, mismatches
from immkit.jobs.assetcopy.model import SourceAsset, SourceFace, Unit
from immkit.jobs.library.after import After, emptied_paths, plan_after
from immkit.jobs.library.collect import LibraryInfo, Snapshot
from immkit.jobs.library.plan import counts, plan_internalize

SHA1 = "a9993e364706816aba3e25717850c26c9cd0d89d"
SHA1_B64 = "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="


def asset(asset_id: str, **fields: object) -> SourceAsset:
    base: dict[str, object] = {
        "id": asset_id,
        "file_name": f"{asset_id}.jpg",
        "path": f"/photos/{asset_id}.jpg",
        "type": "IMAGE",
        "size": 1000,
        "file_created_at": "2020-01-01T00:00:00.000Z",
    }
    return SourceAsset.model_validate(base | fields)


def snapshot(*units: Unit, offline: tuple[str, ...] = ()) -> Snapshot:
    return Snapshot(
        library=LibraryInfo(id="lib", name="Photos", owner_id="u", import_paths=("/photos",)),
        units=units,
        offline=offline,
        fingerprint="f",
    )


def test_plan_is_one_destructive_action_per_unit_and_says_files_are_deleted() -> None:
    live = Unit(still=asset("a"), motion=asset("m", type="VIDEO", file_name="a.mov"))
    plan = plan_internalize(
        snapshot(live, Unit(still=asset("b"))), keep_external=False, profile=None
    )
    assert [a.target for a in plan.actions] == ["a", "b"]
    assert all(a.destructive for a in plan.actions)
    assert any("DELETES ITS ORIGINAL FILE FROM DISK" in n for n in plan.notes)
    assert plan == plan_internalize(
        snapshot(Unit(still=asset("b")), live), keep_external=False, profile=None
    )


def test_keep_external_plans_nothing_destructive() -> None:
    plan = plan_internalize(snapshot(Unit(still=asset("a"))), keep_external=True, profile=None)
    assert not any(a.destructive for a in plan.actions)
    assert "DELETE /assets" not in plan.actions[0].requests
    assert not any("DELETES" in n for n in plan.notes)


def test_counts_for_a_dry_run() -> None:
    live = Unit(still=asset("a"), motion=asset("m", type="VIDEO", size=5000))
    snap = snapshot(live, Unit(still=asset("b")), Unit(still=asset("c")), offline=("/x",))
    tally = counts(snap, keep_external=False, existing={"a": None, "b": "internal-b"})
    assert (tally.to_upload, tally.already_internal, tally.unknown) == (2, 1, 1)
    assert (tally.to_delete, tally.bytes, tally.live_photos, tally.offline) == (4, 8000, 1, 1)


def test_equal_metadata_shares_one_request() -> None:
    same = desired_update(asset("a", description="x", rating=3), favorite=False)
    other = desired_update(asset("b", description="y"), favorite=False)
    groups = group_updates([("2", same), ("1", same), ("3", other), ("4", {})])
    assert groups == [
        ({"description": "x", "rating": 3}, ["1", "2"]),
        ({"description": "y"}, ["3"]),
    ]


def test_defaults_are_not_sent() -> None:
    assert desired_update(asset("a"), favorite=False) == {}
    assert desired_update(asset("a", visibility="archive", is_favorite=True), favorite=True) == {
        "visibility": "archive",
        "isFavorite": True,
    }


def _copy(**fields: object) -> AssetFull:
    base: dict[str, object] = {
        "id": "t",
        "ownerId": "u",
        "type": "IMAGE",
        "originalFileName": "a.jpg",
        "fileCreatedAt": "2020-01-01T00:00:00.000Z",
        "checksum": SHA1_B64,
        "exifInfo": {"description": "x", "rating": 3},
    }
    return AssetFull.model_validate(base | fields)


def test_read_back_matches_or_names_what_differs() -> None:
    source = asset("a", description="x", rating=3)
    assert mismatches(source, _copy(), sha1=SHA1) == []
    wrong = mismatches(source, _copy(exifInfo={"description": "z"}), sha1="0" * 40, tag_ids=["t1"])
    assert wrong == ["checksum differs from the file's", "description", "rating", "tags"]


def _face(face_id: str, box: tuple[int, int, int, int], person: str | None = None) -> Face:
    return Face.model_validate(
        {
            "id": face_id,
            "imageWidth": 200,
            "imageHeight": 100,
            "boundingBoxX1": box[0],
            "boundingBoxY1": box[1],
            "boundingBoxX2": box[2],
            "boundingBoxY2": box[3],
            "person": {"id": person, "name": "P"} if person else None,
        }
    )


def test_faces_reuse_an_overlapping_detected_face_and_draw_the_rest() -> None:
    alice = SourceFace(
        person_id="alice", x1=10, y1=10, x2=30, y2=30, image_width=100, image_height=50
    )
    bob = SourceFace(person_id="bob", x1=60, y1=10, x2=80, y2=30, image_width=100, image_height=50)
    detected = [_face("f1", (22, 18, 62, 62)), _face("f2", (0, 80, 10, 90), person="carol")]
    plan = plan_faces(AssetId("t"), [alice, bob], detected)
    assert plan.reassign == [("f1", "alice")]
    assert [(c.person_id, c.x, c.y, c.width) for c in plan.create] == [("bob", 60, 10, 20)]


def test_after_excludes_only_emptied_paths() -> None:
    emptied = emptied_paths(["/a", "/b"], ["/b/x.jpg"])
    assert emptied == ["/a"]
    plan = plan_after("lib", "L", ["/a", "/b"], ["**/@eaDir/**"], emptied, After.EXCLUDE, None)
    assert plan.actions[0].params["exclusion_patterns"] == ["**/@eaDir/**", "/a/**"]
    removed = plan_after("lib", "L", ["/a", "/b"], [], emptied, After.REMOVE_PATH, None)
    assert removed.actions[0].params["import_paths"] == ["/b"]
    assert not plan_after("lib", "L", ["/a"], [], [], After.EXCLUDE, None).actions
