"""The import plan as a pure function of a source and a target snapshot."""

from __future__ import annotations

from typing import Any, cast

import pytest

from immkit.engine import Action
from immkit.immich import Face, Person
from immkit.jobs.people import plan as plan_module
from immkit.jobs.people.collect import TargetSnapshot
from immkit.jobs.people.exportfile import FaceRecord, PeopleFile, PersonRecord
from immkit.jobs.people.match import AssetKey, Box, match_assets
from immkit.jobs.people.plan import Conflict, Options, PeopleKind, plan_import

ALICE = PersonRecord("s-alice", "Alice", "1990-01-01")
BOX = Box(0.1, 0.1, 0.3, 0.4)


def _face(fid: str, person: Person | None, box: Box = BOX, size: int = 1000) -> Face:
    x1, y1, x2, y2 = box.to_pixels(size, size)
    return Face(
        id=fid,
        image_width=size,
        image_height=size,
        bounding_box_x1=x1,
        bounding_box_y1=y1,
        bounding_box_x2=x2,
        bounding_box_y2=y2,
        person=person,
    )


def _snapshot(faces: dict[str, list[Face]], people: list[Person] = ()) -> TargetSnapshot:  # type: ignore[assignment]
    source = [AssetKey(f"s{n}", f"c{n}", f"IMG_{n}.jpg") for n in range(3)]
    target = [AssetKey(f"t{n}", f"c{n}", f"IMG_{n}.jpg") for n in range(3)]
    return TargetSnapshot(
        "me", {k.id: k for k in target}, match_assets(source, target), faces, list(people)
    )


def _groups(action: Action) -> list[dict[str, Any]]:
    """An action's per-person parts, typed for the assertions."""
    return cast(list[dict[str, Any]], action.params["groups"])


def _source(n: int = 3) -> PeopleFile:
    return PeopleFile(
        [ALICE],
        [FaceRecord("s-alice", AssetKey(f"s{i}", f"c{i}", f"IMG_{i}.jpg"), BOX) for i in range(n)],
    )


def test_create_then_assign_then_picture() -> None:
    unnamed = Person(id="u1", name="")
    snap = _snapshot({"t0": [_face("f0", None)], "t1": [_face("f1", unnamed)], "t2": []})
    plan, report = plan_import(_source(), snap)
    kinds = [a.kind for a in plan.actions]
    assert kinds == [
        PeopleKind.CREATE_PERSON,
        PeopleKind.REASSIGN,
        PeopleKind.ASSIGN,
        PeopleKind.SET_FEATURE,
    ]
    assert _groups(plan.actions[1])[0]["faces"] == [["f1", "t1", "u1"]]
    assert _groups(plan.actions[2])[0]["faces"] == [["f0", "t0", None]]
    assert report.faces_unmatched == ["IMG_2.jpg"]
    assert report.people_create == ["Alice"]


def test_existing_person_is_reused_and_right_faces_are_left_alone() -> None:
    alice = Person(id="p-alice", name="ALICE")
    snap = _snapshot({"t0": [_face("f0", alice)], "t1": [_face("f1", None)], "t2": []}, [alice])
    plan, report = plan_import(_source(2), snap)
    assert [a.kind for a in plan.actions] == [PeopleKind.ASSIGN]
    assert _groups(plan.actions[0])[0]["person_id"] == "p-alice"
    assert report.faces_already == 1
    assert report.people_reuse == ["Alice"]


def test_conflicts_follow_the_policy() -> None:
    bob = Person(id="p-bob", name="Bob")
    snap = _snapshot({"t0": [_face("f0", bob)]}, [bob])
    skip, report = plan_import(_source(1), snap)
    assert skip.actions == ()
    assert "skipped" in report.conflicts[0]
    moved, _ = plan_import(_source(1), snap, Options(conflict=Conflict.REASSIGN))
    assert [a.kind for a in moved.actions][1:] == [PeopleKind.REASSIGN, PeopleKind.SET_FEATURE]


def test_missing_faces_are_drawn_in_the_target_frame() -> None:
    other = _face("fx", None, Box(0.6, 0.6, 0.8, 0.8), size=500)
    snap = _snapshot({"t0": [other]})
    plan, report = plan_import(_source(1), snap, Options(create_missing=True))
    [draw] = [a for a in plan.actions if a.kind == PeopleKind.CREATE_FACES]
    assert _groups(draw)[0]["faces"] == [["t0", 500, 500, 50, 50, 100, 150]]
    assert report.faces_create == 1


def test_detection_warning() -> None:
    source = PeopleFile(
        [ALICE],
        [FaceRecord("s-alice", AssetKey(f"s{i}", f"c{i}"), BOX) for i in range(12)],
    )
    keys = [AssetKey(f"t{i}", f"c{i}") for i in range(12)]
    snap = TargetSnapshot(
        "me",
        {k.id: k for k in keys},
        match_assets([AssetKey(f"s{i}", f"c{i}") for i in range(12)], keys),
        {},
    )
    plan, report = plan_import(source, snap)
    assert report.detection_not_run
    assert any("Face detection seems not to have run" in n for n in plan.notes)


def test_face_actions_cover_many_persons_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Persons one per action; faces and pictures in few actions (their calls run side by
    side), at most BATCH faces each, one person's faces split across two if need be."""
    monkeypatch.setattr(plan_module, "BATCH", 3)
    people = [PersonRecord(f"s-{n}", n) for n in ("Alice", "Bob", "Carol")]
    keys = [AssetKey(f"s{i}", f"c{i}", f"IMG_{i}.jpg") for i in range(6)]
    source = PeopleFile(people, [FaceRecord(people[i // 2].key, keys[i], BOX) for i in range(6)])
    targets = [AssetKey(f"t{i}", f"c{i}", f"IMG_{i}.jpg") for i in range(6)]
    faces = {f"t{i}": [_face(f"f{i}", None)] for i in range(6)}
    snap = TargetSnapshot("me", {k.id: k for k in targets}, match_assets(keys, targets), faces)
    plan, _ = plan_import(source, snap)
    assert [a.kind for a in plan.actions] == [PeopleKind.CREATE_PERSON] * 3 + [
        PeopleKind.ASSIGN,
        PeopleKind.ASSIGN,
        PeopleKind.SET_FEATURE,
    ]
    first, second = (_groups(a) for a in plan.actions[3:5])
    assert [(g["name"], len(g["faces"])) for g in first] == [("Alice", 2), ("Bob", 1)]
    assert [(g["name"], len(g["faces"])) for g in second] == [("Bob", 1), ("Carol", 2)]
    assert plan.actions[3].requests == {"PUT /faces/{id}": 3}
    assert plan.actions[3].target_label == "Alice and Bob"
    assert len(_groups(plan.actions[5])) == 3
