"""From a source (export) and a target snapshot to a plan: a pure function, no server.

Actions go by phase, each covering many persons so that its calls can run side by side:
create persons, move faces (batched reassigns, then single assigns), draw missing faces,
then set the picture of each created person. The `Report` holds what the plan does not do
and why (conflicts, unmatched faces, ambiguous or missing assets).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import JsonValue

from immkit.engine import Action, ActionKind, Effect, Plan
from immkit.immich import Face
from immkit.jobs.people.collect import TargetSnapshot, face_box, source_asset_id
from immkit.jobs.people.exportfile import FaceRecord, PeopleFile, PersonRecord
from immkit.jobs.people.match import DEFAULT_IOU, match_faces

JOB = "people.import"
BATCH = 500
"""Faces per action: one journal entry for that many calls, run concurrently."""
PEOPLE_BATCH = 100
"""Persons per picture action."""
NO_DETECTION_MIN = 10
"""Matched photos with no face at all from which we say detection has not run."""


class PeopleKind(ActionKind):
    CREATE_PERSON = "person.create"
    REASSIGN = "faces.reassign"  # PUT /people/{id}/reassign, from an unnamed/other person
    ASSIGN = "faces.assign"  # PUT /faces/{personId}, one face at a time
    CREATE_FACES = "faces.create"  # POST /faces
    SET_FEATURE = "person.set_feature"
    # inverses, for undo
    DELETE_PERSON = "person.delete"
    UNASSIGN = "faces.unassign"
    DELETE_FACES = "faces.delete"
    MERGE = "people.merge"
    UNMERGE = "people.restore_merged"


class Conflict(StrEnum):
    SKIP = "skip"
    REASSIGN = "reassign"


@dataclass(frozen=True)
class Options:
    threshold: float = DEFAULT_IOU
    conflict: Conflict = Conflict.SKIP
    create_missing: bool = False


@dataclass
class Report:
    """Counts and lists for the plan view and `--json`."""

    people_create: list[str] = field(default_factory=list)
    people_reuse: list[str] = field(default_factory=list)
    people_without_faces: list[str] = field(default_factory=list)
    assets_matched: int = 0
    assets_ambiguous: list[str] = field(default_factory=list)
    assets_missing: list[str] = field(default_factory=list)
    faces_assign: int = 0
    faces_already: int = 0
    faces_create: int = 0
    faces_unmatched: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    detection_not_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Target:
    """Where one source person's faces go: an existing person, or one to create."""

    label: str
    person_id: str | None = None
    create: PersonRecord | None = None
    feature: tuple[float, str] | None = None  # (score, target asset id)

    def ref(self) -> dict[str, JsonValue]:
        if self.person_id is not None:
            return {"person_id": self.person_id}
        assert self.create is not None
        return {"person_key": self.create.key, "name": self.create.name}


@dataclass
class _Moves:
    reassign: list[list[JsonValue]] = field(default_factory=list)
    assign: list[list[JsonValue]] = field(default_factory=list)
    create: list[list[JsonValue]] = field(default_factory=list)


def _fold(name: str) -> str:
    return name.strip().casefold()


def _targets(source: PeopleFile, snap: TargetSnapshot, report: Report) -> dict[str, _Target]:
    """Source person key → target person: reuse a named person of that name, else create."""
    named: dict[str, list[str]] = defaultdict(list)
    for existing_person in snap.people:
        if existing_person.name.strip():
            named[_fold(existing_person.name)].append(existing_person.id)
    by_name: dict[str, _Target] = {}
    result: dict[str, _Target] = {}
    for person in source.people:
        if not person.name:
            result[person.key] = _Target(label=f"unnamed {person.key[:8]}", create=person)
            continue
        fold = _fold(person.name)
        if fold not in by_name:
            existing = named.get(fold, [])
            if existing:
                by_name[fold] = _Target(label=person.name, person_id=existing[0])
                if len(existing) > 1:
                    report.conflicts.append(
                        f"{len(existing)} target persons are named {person.name}; faces go "
                        "to the first (see `immkit people duplicates`)"
                    )
            else:
                by_name[fold] = _Target(label=person.name, create=person)
        result[person.key] = by_name[fold]
    return result


def _describe(face: FaceRecord) -> str:
    return face.asset.original_file_name or face.asset.checksum or face.asset.id


def plan_import(
    source: PeopleFile,
    snap: TargetSnapshot,
    options: Options = Options(),
    *,
    profile: str | None = None,
) -> tuple[Plan, Report]:
    report = Report()
    targets = _targets(source, snap, report)
    moves: dict[int, _Moves] = defaultdict(_Moves)  # keyed by id(_Target)
    order: dict[int, _Target] = {}
    names = {p.key: p.name for p in source.people}
    by_asset: dict[str, list[FaceRecord]] = defaultdict(list)
    for face in source.faces:
        by_asset[source_asset_id(face.asset)].append(face)
    report.assets_matched = len(snap.match.pairs)
    for sid in snap.match.ambiguous:
        report.assets_ambiguous.append(_describe(by_asset[sid][0]))
    for sid in snap.match.missing:
        report.assets_missing.append(_describe(by_asset[sid][0]))
    with_faces = 0
    for sid, faces in by_asset.items():
        tid = snap.match.target_of(sid)
        if tid is None:
            continue
        on_target = snap.faces.get(tid, [])
        with_faces += bool(on_target)
        boxes = [(f, b) for f in on_target if (b := face_box(f)) is not None]
        pairs = dict(match_faces([f.box for f in faces], [b for _, b in boxes], options.threshold))
        per_person = _faces_per_person(on_target)
        for index, face in enumerate(faces):
            target = targets[face.person]
            order.setdefault(id(target), target)
            move = moves[id(target)]
            if index not in pairs:
                _unmatched(face, tid, on_target, target, move, options, report)
                continue
            tface = boxes[pairs[index]][0]
            _matched(face, tface, tid, target, move, names, per_person, options, report)
    report.detection_not_run = (
        report.assets_matched >= NO_DETECTION_MIN and with_faces == 0 and bool(source.faces)
    )
    ordered = sorted(order.values(), key=lambda t: (t.label.casefold(), t.label))
    actions = _actions(ordered, moves, report)
    for target in {id(t): t for t in targets.values()}.values():
        if target.create is not None and id(target) not in order:
            report.people_without_faces.append(target.label)
    notes = _notes(report, options)
    plan = Plan(
        job=JOB,
        profile=profile,
        fingerprint=snap.fingerprint(),
        actions=tuple(actions),
        notes=tuple(notes),
        empty_message="Nothing to do: every matched face already has its person.",
    )
    return plan, report


def _faces_per_person(faces: list[Face]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for face in faces:
        if face.person is not None:
            counts[face.person.id] += 1
    return counts


def _feature(target: _Target, face: FaceRecord, tid: str) -> None:
    score = (2.0 if face.feature else 0.0) + face.box.area
    if target.feature is None or score > target.feature[0]:
        target.feature = (score, tid)


def _matched(
    face: FaceRecord,
    tface: Face,
    tid: str,
    target: _Target,
    move: _Moves,
    names: dict[str, str],
    per_person: dict[str, int],
    options: Options,
    report: Report,
) -> None:
    current = tface.person
    wanted = names.get(face.person, "")
    if current is not None and (current.id == target.person_id):
        report.faces_already += 1
        return
    if current is not None and current.name.strip():
        if wanted and _fold(current.name) == _fold(wanted):
            report.faces_already += 1
            return
        shown = wanted or "an unnamed person"
        if not wanted or options.conflict is Conflict.SKIP:
            report.conflicts.append(
                f"{_describe(face)}: the face is {current.name} on the target, {shown} on the "
                "source (skipped)"
            )
            return
        report.conflicts.append(
            f"{_describe(face)}: the face is {current.name} on the target, {wanted} on the "
            "source (reassigned)"
        )
    elif current is not None and not wanted:
        report.faces_already += 1  # unnamed on both sides: nothing to add
        return
    report.faces_assign += 1
    _feature(target, face, tid)
    if current is not None and per_person.get(current.id, 0) == 1:
        move.reassign.append([tface.id, tid, current.id])
    else:
        move.assign.append([tface.id, tid, current.id if current else None])


def _unmatched(
    face: FaceRecord,
    tid: str,
    on_target: list[Face],
    target: _Target,
    move: _Moves,
    options: Options,
    report: Report,
) -> None:
    if not options.create_missing:
        report.faces_unmatched.append(_describe(face))
        return
    # draw it in the frame the target's own faces use, else in the source's frame
    frame = on_target[0] if on_target else None
    width = frame.image_width if frame else face.image_width or 1000
    height = frame.image_height if frame else face.image_height or 1000
    x1, y1, x2, y2 = face.box.to_pixels(width, height)
    move.create.append([tid, width, height, x1, y1, max(1, x2 - x1), max(1, y2 - y1)])
    report.faces_create += 1
    _feature(target, face, tid)


def _label(targets: list[_Target]) -> str:
    labels = list(dict.fromkeys(t.label for t in targets))
    if len(labels) <= 2:
        return " and ".join(labels)
    return f"{labels[0]}, {labels[1]} and {len(labels) - 2} more"


def _where(targets: list[_Target]) -> str:
    first = targets[0].label
    return f"person:{first}" if len(targets) == 1 else f"people:{first}+{len(targets) - 1}"


def _pack(groups: list[tuple[_Target, list[list[JsonValue]]]]) -> list[list[tuple[_Target, Rows]]]:
    """Groups packed into chunks of at most BATCH faces; a long group spans chunks."""
    chunks: list[list[tuple[_Target, Rows]]] = []
    room = 0
    for target, rows in groups:
        for start in range(0, len(rows), BATCH):
            part = rows[start : start + BATCH]
            while part:
                if room == 0:
                    chunks.append([])
                    room = BATCH
                taken, part = part[:room], part[room:]
                chunks[-1].append((target, taken))
                room -= len(taken)
    return chunks


Rows = list[list[JsonValue]]


def _actions(order: list[_Target], moves: dict[int, _Moves], report: Report) -> list[Action]:
    """Actions by phase, each covering many persons: persons first, then their faces,
    then their pictures. An action's calls run at the client's concurrency limit."""
    creates: list[_Target] = []
    faces: dict[PeopleKind, list[tuple[_Target, Rows]]] = {
        PeopleKind.REASSIGN: [],
        PeopleKind.ASSIGN: [],
        PeopleKind.CREATE_FACES: [],
    }
    features: list[_Target] = []
    for target in order:
        move = moves[id(target)]
        has_work = bool(move.reassign or move.assign or move.create)
        if target.create is not None and not has_work:
            report.people_without_faces.append(target.label)
            continue
        if target.create is not None:
            if target.label not in report.people_create:
                report.people_create.append(target.label)
            creates.append(target)
            if target.feature is not None:
                features.append(target)
        elif has_work and target.label not in report.people_reuse:
            report.people_reuse.append(target.label)
        for kind, rows in (
            (PeopleKind.REASSIGN, move.reassign),
            (PeopleKind.ASSIGN, move.assign),
            (PeopleKind.CREATE_FACES, move.create),
        ):
            if rows:
                faces[kind].append((target, rows))
    actions = [_create_action(target) for target in creates]
    for kind, groups in faces.items():
        actions.extend(_face_action(kind, chunk) for chunk in _pack(groups))
    actions.extend(
        _feature_action(features[i : i + PEOPLE_BATCH])
        for i in range(0, len(features), PEOPLE_BATCH)
    )
    return actions


def _create_action(target: _Target) -> Action:
    """One person per action: a crash mid-call leaves at most one person the journal
    does not know of (persons, unlike face moves, are not found again by undo)."""
    p = target.create
    assert p is not None
    return Action(
        kind=PeopleKind.CREATE_PERSON,
        target=f"person:{target.label}",
        target_label=target.label,
        params={
            "person_key": p.key,
            "name": p.name,
            "birth_date": p.birth_date,
            "is_hidden": p.is_hidden,
            "is_favorite": p.is_favorite,
        },
        reason="no person of that name on the target",
        requests={"POST /people": 1},
        effect=Effect.ADD,
    )


def _face_action(kind: PeopleKind, chunk: list[tuple[_Target, Rows]]) -> Action:
    targets = [t for t, _ in chunk]
    count = sum(len(rows) for _, rows in chunk)
    groups: list[JsonValue] = [{**t.ref(), "faces": list(rows)} for t, rows in chunk]
    if kind is PeopleKind.REASSIGN:
        requests = {"PUT /people/{id}/reassign": len(chunk)}
    elif kind is PeopleKind.ASSIGN:
        requests = {"PUT /faces/{id}": count}
    else:
        assets = {str(r[0]) for _, rows in chunk for r in rows}
        requests = {"POST /faces": count, "GET /faces": len(assets)}
    return Action(
        kind=kind,
        target=_where(targets),
        target_label=_label(targets),
        params={"groups": groups},
        reason=f"{count:,} faces matched on the source",
        requests=requests,
        effect=Effect.ADD if kind is PeopleKind.CREATE_FACES else Effect.CHANGE,
    )


def _feature_action(targets: list[_Target]) -> Action:
    groups: list[JsonValue] = []
    for target in targets:
        assert target.feature is not None
        groups.append({**target.ref(), "asset_id": target.feature[1]})
    return Action(
        kind=PeopleKind.SET_FEATURE,
        target=_where(targets),
        target_label=_label(targets),
        params={"groups": groups},
        reason="the pictures of new persons",
        requests={"PUT /people/{id}": len(targets)},
    )


def _notes(report: Report, options: Options) -> list[str]:
    notes = [
        f"{report.assets_matched:,} photos matched, {len(report.assets_ambiguous):,} ambiguous, "
        f"{len(report.assets_missing):,} missing on the target",
        f"people: {len(report.people_create):,} to create, {len(report.people_reuse):,} reused; "
        f"faces: {report.faces_assign:,} to assign, {report.faces_create:,} to draw, "
        f"{report.faces_already:,} already right",
    ]
    if report.detection_not_run:
        notes.append(
            "Face detection seems not to have run on the target: none of the matched photos "
            "has a face. Run Face Detection there first, or use --create-missing-faces."
        )
    if report.faces_unmatched:
        notes.append(
            f"{len(report.faces_unmatched):,} source faces have no matching face on the target "
            "(--create-missing-faces draws them)"
        )
    if report.conflicts:
        notes.append(f"{len(report.conflicts):,} conflicts (policy: {options.conflict.value})")
    return notes
