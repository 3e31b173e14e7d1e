"""Apply people actions on the target, and their inverses for `immkit runs undo`.

Idempotent as the engine requires: a person is created only when none of that name
exists yet (after a crash the run finds its own), a reassign moves only faces still on
the old person, and drawing a face after a crash first looks for the one drawn before.
Undo reverses only what happened: faces go back to the person they came from (or to
nobody, through a short-lived unnamed person whose deletion unassigns them, as Immich
has no "unassign" call), drawn faces and created persons are deleted.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import TypeVar, cast

from pydantic import JsonValue

from immkit.engine import Action, Outcome, PartlyApplied
from immkit.errors import ApiError, EnvError, ImmkitError, NotFoundError
from immkit.immich import FaceCreate, Immich, PersonCreate, PersonUpdate
from immkit.immich.models import AssetId, Face, FaceId, PersonId
from immkit.jobs.people.face_undo import delete_faces, unassign_faces
from immkit.jobs.people.plan import PeopleKind
from immkit.jobs.people.restore import MergeRestorer

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


Group = tuple[Mapping[str, JsonValue], PersonId]
"""One person's part of an action (its params) and the person's id on the target."""


def _rows(value: JsonValue) -> list[list[JsonValue]]:
    if not isinstance(value, list) or not all(isinstance(v, list) for v in value):
        raise TypeError("faces must be a list of lists")
    return value  # type: ignore[return-value]


def _mappings(value: JsonValue, what: str) -> list[Mapping[str, JsonValue]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TypeError(f"{what} must be a list of objects")
    return value  # type: ignore[return-value]


def _groups(params: dict[str, JsonValue]) -> list[Mapping[str, JsonValue]]:
    """An action's per-person parts; actions of one person (older runs' undo) are one part."""
    return _mappings(params["groups"], "groups") if "groups" in params else [params]


class PeopleExecutor:
    """Runs people actions against one target server."""

    def __init__(self, immich: Immich, *, resuming: bool = False) -> None:
        self.immich = immich
        self.resuming = resuming
        self._ids: dict[str, PersonId] = {}  # person_key → id of a person this run made
        self._merge = MergeRestorer(immich)

    def apply(self, action: Action) -> Outcome:
        kind = PeopleKind(action.kind)
        if kind is PeopleKind.CREATE_PERSON:
            return self._create_person(action)
        if kind is PeopleKind.DELETE_PERSON:
            return self._delete_people(action)
        if kind is PeopleKind.DELETE_FACES:
            return self._delete_faces(action)
        if kind is PeopleKind.UNASSIGN:
            return self._unassign(action)
        if kind is PeopleKind.MERGE:
            return self._merge.merge(action)
        if kind is PeopleKind.UNMERGE:
            return self._merge.restore(action)
        groups = self._resolve(_groups(action.params))
        if kind is PeopleKind.REASSIGN:
            return self._reassign(action, groups)
        if kind is PeopleKind.ASSIGN:
            return self._assign(action, groups)
        if kind is PeopleKind.CREATE_FACES:
            return self._create_faces(action, groups)
        return self._set_features(groups)

    # -- persons ----------------------------------------------------------------------

    def _find_named(self, name: str) -> PersonId | None:
        if not name:
            return None
        for person in self.immich.people.search(name, with_hidden=True):
            if person.name.strip().casefold() == name.strip().casefold():
                return person.id
        return None

    def _person(self, params: Mapping[str, JsonValue]) -> PersonId:
        if isinstance(params.get("person_id"), str):
            return PersonId(str(params["person_id"]))
        key = str(params["person_key"])
        if key not in self._ids:
            found = self._find_named(str(params.get("name") or ""))
            if found is None:
                raise NotFoundError(
                    f"The person {params.get('name') or key!r} this run should have created "
                    "is not on the target; plan again."
                )
            self._ids[key] = found
        return self._ids[key]

    def _resolve(self, groups: list[Mapping[str, JsonValue]]) -> list[Group]:
        """Each group with the id of its person (found by name after a crash)."""
        people = self.immich.client.map_concurrent(self._person, groups)
        return list(zip(groups, people, strict=True))

    def _create_person(self, action: Action) -> Outcome:
        p = action.params
        name = str(p.get("name") or "")
        # the plan found no such person; only a resumed run may have made it already
        found = self._find_named(name) if self.resuming else None
        if found is None:
            birth = p.get("birth_date")
            try:
                created = self.immich.people.create(
                    PersonCreate(
                        name=name,
                        birth_date=str(birth) if birth else None,
                        is_hidden=bool(p.get("is_hidden")),
                        is_favorite=bool(p.get("is_favorite")),
                    )
                )
                person_id = created.id
            except EnvError:
                # the answer may be lost while the person was made: a POST is never retried
                if (made := self._find_named(name)) is None:
                    raise
                person_id = made
        else:  # made by this run before the crash
            person_id = found
        self._ids[str(p["person_key"])] = person_id
        undo = Action(
            kind=PeopleKind.DELETE_PERSON,
            target=action.target,
            target_label=action.target_label,
            params={"person_id": person_id},
            reason="undo: immkit created this person",
            requests={"DELETE /people/{id}": 1},
            destructive=True,
        )
        return Outcome(undo=[undo], detail={"person_id": person_id, "reused": found is not None})

    def _delete_people(self, action: Action) -> Outcome:
        ids = action.params.get("person_ids")
        if not isinstance(ids, list):
            ids = [action.params["person_id"]]

        def delete(person: JsonValue) -> bool:
            try:
                self.immich.people.delete(PersonId(str(person)))
            except ApiError as exc:
                if exc.status != 400:
                    raise
                return False  # deleted already (or never ours)
            return True

        done = self.immich.client.map_concurrent(delete, ids)
        return Outcome(detail={"deleted": sum(done)})

    def _set_features(self, groups: list[Group]) -> Outcome:
        def picture(group: Group) -> None:
            params, person = group
            asset = AssetId(str(params["asset_id"]))
            self.immich.people.update(person, PersonUpdate(feature_face_asset_id=asset))

        self.immich.client.map_concurrent(picture, groups)
        return Outcome(detail={"people": len(groups)})

    # -- faces ------------------------------------------------------------------------

    def _attempt_all(
        self, fn: Callable[[T], R], items: list[T]
    ) -> tuple[list[bool], list[R], ImmkitError | None]:
        """`fn` on every item (concurrently): which calls succeeded, their results, and the
        first error. Raises it if no call succeeded (the action then changed nothing)."""
        errors: list[ImmkitError] = []

        def one(item: T) -> tuple[bool, R | None]:
            try:
                return True, fn(item)
            except ImmkitError as exc:
                errors.append(exc)
                return False, None

        outcomes = self.immich.client.map_concurrent(one, items)
        if errors and not any(ok for ok, _ in outcomes):
            raise errors[0]
        results = [cast(R, r) for ok, r in outcomes if ok]
        return [ok for ok, _ in outcomes], results, errors[0] if errors else None

    @staticmethod
    def _partial(outcome: Outcome, error: ImmkitError | None) -> Outcome:
        """The outcome, or, when a call of the action failed, `PartlyApplied` with the
        inverse of the calls that succeeded."""
        if error is not None:
            raise PartlyApplied(error, outcome.undo)
        return outcome

    def _reassign(self, action: Action, groups: list[Group]) -> Outcome:
        def move(group: Group) -> None:
            rows = _rows(group[0]["faces"])
            pairs = [(AssetId(str(r[1])), PersonId(str(r[2]))) for r in rows]
            self.immich.people.reassign(group[1], pairs)

        done, _, error = self._attempt_all(move, groups)
        moved = [g for g, ok in zip(groups, done, strict=True) if ok]
        return self._partial(self._moved(action, moved), error)

    def _assign(self, action: Action, groups: list[Group]) -> Outcome:
        calls = [(row, person) for params, person in groups for row in _rows(params["faces"])]
        done, _, error = self._attempt_all(
            lambda call: self.immich.faces.reassign(FaceId(str(call[0][0])), call[1]), calls
        )
        ok = {str(row[0]) for (row, _), d in zip(calls, done, strict=True) if d}
        moved: list[Group] = [
            ({**params, "faces": [r for r in _rows(params["faces"]) if str(r[0]) in ok]}, person)
            for params, person in groups
        ]
        return self._partial(self._moved(action, moved), error)

    def _moved(self, action: Action, groups: list[Group]) -> Outcome:
        """Inverse actions: each face to the person it came from, or to nobody."""
        to_person: dict[str, list[JsonValue]] = defaultdict(list)
        nobody: list[JsonValue] = []
        for params, person in groups:
            for row in _rows(params["faces"]):
                if row[2] is None:
                    nobody.append(row[0])
                else:
                    to_person[str(row[2])].append([row[0], row[1], person])
        undo: list[Action] = []
        if to_person:
            back: list[JsonValue] = [
                {"person_id": previous, "faces": faces}
                for previous, faces in sorted(to_person.items())
            ]
            undo.append(
                Action(
                    kind=PeopleKind.ASSIGN,
                    target=action.target,
                    target_label=action.target_label,
                    params={"groups": back},
                    reason="undo: faces back to the person they had",
                    requests={"PUT /faces/{id}": sum(len(f) for f in to_person.values())},
                )
            )
        if nobody:
            undo.append(
                Action(
                    kind=PeopleKind.UNASSIGN,
                    target=action.target,
                    target_label=action.target_label,
                    params={"face_ids": nobody},
                    reason="undo: these faces had no person",
                    requests={
                        "POST /people": 1,
                        "PUT /faces/{id}": len(nobody),
                        "DELETE /people/{id}": 1,
                    },
                )
            )
        faces = sum(len(_rows(params["faces"])) for params, _ in groups)
        return Outcome(undo=undo, detail={"people": len(groups), "faces": faces})

    def _unassign(self, action: Action) -> Outcome:
        ids = action.params["face_ids"]
        assert isinstance(ids, list)
        unassign_faces(self.immich, [FaceId(str(face)) for face in ids])
        return Outcome(detail={"faces": len(ids)})

    def _create_faces(self, action: Action, groups: list[Group]) -> Outcome:
        calls = [(row, person) for params, person in groups for row in _rows(params["faces"])]
        _, made, error = self._attempt_all(lambda call: self._draw(*call), calls)
        ids: list[JsonValue] = [m for m in made if m is not None]
        undo = [
            Action(
                kind=PeopleKind.DELETE_FACES,
                target=action.target,
                target_label=action.target_label,
                params={"face_ids": ids},
                reason="undo: immkit drew these faces",
                requests={"DELETE /faces/{id}": len(ids)},
                destructive=True,
            )
        ]
        return self._partial(Outcome(undo=undo if ids else [], detail={"faces": len(ids)}), error)

    def _drawn(self, asset: AssetId, person: PersonId, face: FaceCreate) -> FaceId | None:
        box = (face.x, face.y, face.x + face.width, face.y + face.height)
        for found in self.immich.faces.of_asset(asset):
            if _same_drawing(found, person, box, face.image_width, face.image_height):
                return found.id
        return None

    def _draw(self, row: list[JsonValue], person: PersonId) -> str | None:
        asset, width, height, x1, y1, w, h = row
        face = FaceCreate(
            asset_id=AssetId(str(asset)),
            person_id=person,
            image_width=int(str(width)),
            image_height=int(str(height)),
            x=int(str(x1)),
            y=int(str(y1)),
            width=int(str(w)),
            height=int(str(h)),
        )
        if self.resuming and (existing := self._drawn(face.asset_id, person, face)) is not None:
            return existing
        try:
            self.immich.faces.create(face)
        except EnvError:
            # the answer may be lost while the face was drawn: a POST is never retried
            if (drawn := self._drawn(face.asset_id, person, face)) is None:
                raise
            return drawn
        made = self._drawn(face.asset_id, person, face)
        if made is None:
            log.warning("Drew a face on %s but cannot read it back", asset)
        return made

    def _delete_faces(self, action: Action) -> Outcome:
        ids = action.params["face_ids"]
        assert isinstance(ids, list)
        deleted = delete_faces(self.immich, [FaceId(str(face)) for face in ids])
        return Outcome(detail={"deleted": deleted})


def _same_drawing(
    face: Face, person: PersonId, box: tuple[int, int, int, int], width: int, height: int
) -> bool:
    return (
        face.source_type == "manual"
        and face.person is not None
        and face.person.id == person
        and (face.image_width, face.image_height) == (width, height)
        and (face.bounding_box_x1, face.bounding_box_y1, face.bounding_box_x2, face.bounding_box_y2)
        == box
    )
