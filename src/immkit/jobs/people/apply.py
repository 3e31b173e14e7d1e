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
from collections.abc import Sequence

from pydantic import JsonValue

from immkit.engine import Action, Outcome
from immkit.errors import ApiError, NotFoundError
from immkit.immich import FaceCreate, Immich, PersonCreate, PersonUpdate
from immkit.immich.models import AssetId, Face, FaceId, PersonId
from immkit.jobs.people.plan import PeopleKind
from immkit.jobs.people.restore import MergeRestorer

log = logging.getLogger(__name__)


def _rows(value: JsonValue) -> list[list[JsonValue]]:
    if not isinstance(value, list) or not all(isinstance(v, list) for v in value):
        raise TypeError("faces must be a list of lists")
    return value  # type: ignore[return-value]


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
            return self._delete_person(action)
        if kind is PeopleKind.DELETE_FACES:
            return self._delete_faces(action)
        if kind is PeopleKind.UNASSIGN:
            return self._unassign(action)
        if kind is PeopleKind.MERGE:
            return self._merge.merge(action)
        if kind is PeopleKind.UNMERGE:
            return self._merge.restore(action)
        person = self._person(action.params)
        if kind is PeopleKind.REASSIGN:
            return self._reassign(action, person)
        if kind is PeopleKind.ASSIGN:
            return self._assign(action, person)
        if kind is PeopleKind.CREATE_FACES:
            return self._create_faces(action, person)
        asset = AssetId(str(action.params["asset_id"]))
        self.immich.people.update(person, PersonUpdate(feature_face_asset_id=asset))
        return Outcome(detail={"person_id": person, "asset_id": asset})

    # -- persons ----------------------------------------------------------------------

    def _find_named(self, name: str) -> PersonId | None:
        if not name:
            return None
        for person in self.immich.people.search(name, with_hidden=True):
            if person.name.strip().casefold() == name.strip().casefold():
                return person.id
        return None

    def _person(self, params: dict[str, JsonValue]) -> PersonId:
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

    def _create_person(self, action: Action) -> Outcome:
        p = action.params
        name = str(p.get("name") or "")
        # the plan found no such person; only a resumed run may have made it already
        found = self._find_named(name) if self.resuming else None
        undo: list[Action] = []
        if found is not None:  # made by this run before the crash
            person_id = found
            undo.append(self._delete_person_action(action, person_id))
        else:
            birth = p.get("birth_date")
            created = self.immich.people.create(
                PersonCreate(
                    name=name,
                    birth_date=str(birth) if birth else None,
                    is_hidden=bool(p.get("is_hidden")),
                    is_favorite=bool(p.get("is_favorite")),
                )
            )
            person_id = created.id
            undo.append(self._delete_person_action(action, person_id))
        self._ids[str(p["person_key"])] = person_id
        return Outcome(undo=undo, detail={"person_id": person_id, "reused": found is not None})

    def _delete_person_action(self, action: Action, person_id: str) -> Action:
        return Action(
            kind=PeopleKind.DELETE_PERSON,
            target=action.target,
            target_label=action.target_label,
            params={"person_id": person_id},
            reason="undo: immkit created this person",
            requests={"DELETE /people/{id}": 1},
            destructive=True,
        )

    def _delete_person(self, action: Action) -> Outcome:
        person_id = PersonId(str(action.params["person_id"]))
        try:
            self.immich.people.delete(person_id)
        except ApiError as exc:
            if exc.status != 400:
                raise
            return Outcome(detail={"gone": True})  # deleted already (or never ours)
        return Outcome(detail={"deleted": person_id})

    # -- faces ------------------------------------------------------------------------

    def _reassign(self, action: Action, person: PersonId) -> Outcome:
        rows = _rows(action.params["faces"])
        pairs = [(AssetId(str(r[1])), PersonId(str(r[2]))) for r in rows]
        self.immich.people.reassign(person, pairs)
        back = [[r[0], r[1], person] for r in rows]
        return Outcome(
            undo=self._back(action, rows, back), detail={"person_id": person, "faces": len(rows)}
        )

    def _assign(self, action: Action, person: PersonId) -> Outcome:
        rows = _rows(action.params["faces"])
        self.immich.client.map_concurrent(
            lambda row: self.immich.faces.reassign(FaceId(str(row[0])), person), rows
        )
        back = [[r[0], r[1], person] for r in rows]
        return Outcome(
            undo=self._back(action, rows, back), detail={"person_id": person, "faces": len(rows)}
        )

    def _back(
        self, action: Action, rows: Sequence[list[JsonValue]], back: list[list[JsonValue]]
    ) -> list[Action]:
        """Inverse actions: each face to the person it came from, or to nobody."""
        to_person: dict[str, list[list[JsonValue]]] = defaultdict(list)
        nobody: list[JsonValue] = []
        for row, inverse in zip(rows, back, strict=True):
            if row[2] is None:
                nobody.append(row[0])
            else:
                to_person[str(row[2])].append(inverse)
        undo = [
            Action(
                kind=PeopleKind.ASSIGN,
                target=action.target,
                target_label=action.target_label,
                params={"person_id": previous, "faces": list(faces)},
                reason="undo: faces back to the person they had",
                requests={"PUT /faces/{id}": len(faces)},
            )
            for previous, faces in sorted(to_person.items())
        ]
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
        return undo

    def _unassign(self, action: Action) -> Outcome:
        ids = action.params["face_ids"]
        assert isinstance(ids, list)
        holder = self.immich.people.create(PersonCreate())
        try:
            self.immich.client.map_concurrent(
                lambda face: self.immich.faces.reassign(FaceId(str(face)), holder.id), ids
            )
        finally:
            # asset_face.personId is ON DELETE SET NULL: deleting the holder unassigns
            self.immich.people.delete(holder.id)
        return Outcome(detail={"faces": len(ids)})

    def _create_faces(self, action: Action, person: PersonId) -> Outcome:
        rows = _rows(action.params["faces"])
        made = self.immich.client.map_concurrent(lambda row: self._draw(row, person), rows)
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
        return Outcome(undo=undo if ids else [], detail={"faces": len(ids)})

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
        self.immich.faces.create(face)
        made = self._drawn(face.asset_id, person, face)
        if made is None:
            log.warning("Drew a face on %s but cannot read it back", asset)
        return made

    def _delete_faces(self, action: Action) -> Outcome:
        ids = action.params["face_ids"]
        assert isinstance(ids, list)

        def delete(face: JsonValue) -> bool:
            try:
                self.immich.faces.delete(FaceId(str(face)), force=True)
            except ApiError as exc:
                if exc.status != 400:
                    raise
                return False  # gone already
            return True

        done = self.immich.client.map_concurrent(delete, ids)
        return Outcome(detail={"deleted": sum(done)})


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
