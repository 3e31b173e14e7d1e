"""API-mode transfer: the plan, its counts, the mapping between accounts; no server."""

from __future__ import annotations

from immkit.immich import AssetId, Face, FaceId, Person, PersonId
from immkit.jobs.assetcopy.faces import plan_faces
from immkit.jobs.assetcopy.mapping import AccountMap
from immkit.jobs.assetcopy.model import SourceAsset, SourceFace, Unit
from immkit.jobs.assetcopy.state import UnitState
from immkit.jobs.transfer.api_apply import undo_actions
from immkit.jobs.transfer.api_collect import (
    AlbumRef,
    ApiSnapshot,
    Kept,
    PersonRef,
    TagRef,
    TargetView,
    UserRef,
)
from immkit.jobs.transfer.api_people import outcome_of
from immkit.jobs.transfer.api_plan import SLOW_NOTE, ApiKind, counts, plan_api

ANNA = SourceFace(
    person_id="p-anna", person_name="Anna", x1=10, y1=10, x2=30, y2=30,
    image_width=100, image_height=100,
)  # fmt: skip


def _asset(aid: str, **fields: object) -> SourceAsset:
    base: dict[str, object] = {
        "id": aid,
        "file_name": f"{aid}.jpg",
        "path": f"/upload/{aid}.jpg",
        "type": "IMAGE",
        "size": 1000,
        "checksum": aid.encode().hex().ljust(40, "0")[:40],
        "file_created_at": "2024-01-01T00:00:00.000Z",
    }
    return SourceAsset.model_validate(base | fields)


def _snapshot(view: TargetView | None = None) -> ApiSnapshot:
    units = (
        Unit(
            still=_asset("a1", albums=("al-1", "al-2"), tags=("t-sea",), faces=(ANNA,)),
            motion=_asset("a1m", type="VIDEO", visibility="hidden", size=500),
        ),
        Unit(still=_asset("a2")),
    )
    return ApiSnapshot(
        source=UserRef(id="u-a", email="alice@example.com", name="Alice"),
        target=UserRef(id="u-b", email="bob@example.com", name="Bob"),
        kind="album",
        ref_id="al-1",
        label="Holiday",
        units=units,
        people=(PersonRef(id="p-anna", name="Anna"),),
        tags=(TagRef(id="t-sea", value="Places/Sea"),),
        albums=(
            AlbumRef(id="al-1", name="Holiday", owner="alice@example.com"),
            AlbumRef(id="al-2", name="Private", owner="alice@example.com"),
        ),
        duplicates=(Kept(id="a3", file_name="a3.jpg", target_id="b3"),),
        fingerprint="f",
        view=view or TargetView(),
    )


def test_plan_has_one_destructive_action_per_photo_and_says_it_is_slower() -> None:
    plan = plan_api(_snapshot(), profile="alice", target_profile="bob")
    moves = [a for a in plan.actions if a.kind == ApiKind.MOVE]
    assert [a.target for a in moves] == ["a1", "a2"]
    assert all(a.destructive for a in moves)
    assert moves[0].requests["POST /assets"] == 2  # still and motion
    assert SLOW_NOTE in plan.notes
    assert any("1 photo(s) already exist" in n for n in plan.notes)


def test_plan_does_not_depend_on_what_the_target_has_so_a_cut_off_run_resumes() -> None:
    before = plan_api(_snapshot(), profile="alice", target_profile="bob")
    view = TargetView(album_roles={"al-1": "editor"}, people={"p-anna": "b-anna"})
    after = plan_api(_snapshot(view), profile="alice", target_profile="bob")
    assert before.digest() == after.digest()


def test_counts_show_files_bytes_and_the_targets_side() -> None:
    view = TargetView(
        album_roles={"al-1": "editor", "al-2": None},
        people={"p-anna": "b-anna"},
        tag_values=("Places",),
    )
    tally = counts(_snapshot(view))
    assert (tally.photos, tally.files, tally.live_photos, tally.bytes) == (2, 3, 1, 2500)
    assert tally.to_trash == 3
    assert tally.people_reused == ["Anna"]
    assert tally.people_created == []
    assert tally.tags_created == ["Places/Sea"]
    assert tally.albums_joined == ["Holiday"]
    assert tally.albums_left == ["Private"]
    assert tally.duplicates == 1


def test_empty_selection_is_an_empty_plan() -> None:
    snap = _snapshot().model_copy(update={"units": (), "duplicates": ()})
    plan = plan_api(snap, profile="alice", target_profile="bob")
    assert plan.actions == ()
    assert "Nothing to transfer" in plan.empty_message


def test_mapping_leaves_out_what_the_target_has_no_counterpart_for() -> None:
    still = _asset("a1", albums=("al-1", "al-2"), tags=("t-sea", "t-x"), faces=(ANNA,))
    mapping = AccountMap(albums={"al-1": "al-1"}, tags={"t-sea": "b-sea"}, people={})
    assert mapping.albums_of(still) == ["al-1"]
    assert mapping.tags_of(still) == ["b-sea"]
    assert mapping.faces_of(still) == []
    assert mapping.people_of(still) == []


def test_detected_face_on_the_target_goes_to_the_mapped_person() -> None:
    detected = Face(
        id=FaceId("f-1"), image_width=200, image_height=200, bounding_box_x1=20,
        bounding_box_y1=20, bounding_box_x2=60, bounding_box_y2=60,
    )  # fmt: skip
    named = detected.model_copy(
        update={"id": FaceId("f-2"), "person": Person(id=PersonId("b-ben"), name="Ben")}
    )
    people = {"p-anna": PersonId("b-anna")}
    found = plan_faces(AssetId("c1"), [ANNA], [detected], people)
    assert found.reassign == [(FaceId("f-1"), PersonId("b-anna"))]
    assert found.create == []
    # a face the target named someone else is never taken over: Anna is drawn instead
    drawn = plan_faces(AssetId("c1"), [ANNA], [named], people)
    assert drawn.reassign == []
    assert [(f.person_id, f.x, f.width) for f in drawn.create] == [("b-anna", 10, 20)]


def test_undo_restores_the_source_before_it_removes_the_copy() -> None:
    unit = _snapshot().units[0]
    state = UnitState(unit, target_id="c1", motion_target_id="c1m", created=True)
    state.motion_created = True
    state.source_deleted = True
    actions = undo_actions(state, "alice", "bob")
    assert [a.kind for a in actions] == [ApiKind.RESTORE_SOURCE, ApiKind.REMOVE_COPY]
    assert actions[0].params["ids"] == ["a1", "a1m"]
    assert actions[1].params["copies"] == ["c1", "c1m"]
    assert actions[1].params["target_profile"] == "bob"


def test_people_come_first_one_per_name_with_the_photos_that_show_them() -> None:
    ann2 = ANNA.model_copy(update={"person_id": "p-anna2", "person_name": "anna "})
    snap = _snapshot()
    units = (*snap.units, Unit(still=_asset("a4", faces=(ann2,))))
    people = (*snap.people, PersonRef(id="p-anna2", name="anna "), PersonRef(id="p-x", name="X"))
    snap = snap.model_copy(update={"units": units, "people": people})
    plan = plan_api(snap, profile="alice", target_profile="bob")
    assert [a.kind for a in plan.actions] == [ApiKind.PERSON, *[ApiKind.MOVE] * 3]
    person = plan.actions[0]
    # two source persons of one name are one person at the target; X shows on no photo
    assert person.params["source_ids"] == ["p-anna", "p-anna2"]
    assert person.params["checksums"] == sorted(u.still.checksum for u in (units[0], units[2]))
    assert person.params["target_profile"] == "bob"
    assert not person.destructive


def test_undo_deletes_a_created_person_and_keeps_one_the_target_had() -> None:
    person = plan_api(_snapshot(), profile="alice", target_profile="bob").actions[0]
    (remove,), detail = outcome_of(person, "b-anna", created=True)
    assert remove.kind == ApiKind.REMOVE_PERSON
    assert remove.destructive
    assert remove.params["person"] == "b-anna"
    assert remove.params["checksums"] == person.params["checksums"]
    assert detail == {"person": "b-anna", "created": True}
    (keep,), detail = outcome_of(person, "b-anna", created=False)
    assert keep.kind == ApiKind.KEEP_PERSON
    assert detail["created"] is False
