"""Merging duplicate persons so that `immkit runs undo` can split them again.

Immich's merge deletes the merged persons; their faces are not listed anywhere after.
So before merging, the executor records each merged person (name, birth date, flags)
and the ids of its faces; the inverse action creates the person again and gives it
back exactly those faces.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import JsonValue

from immkit.engine import Action, Outcome
from immkit.immich import Immich, MetadataSearch, PersonCreate
from immkit.immich.models import FaceId, PersonId

MERGE = "people.merge"
UNMERGE = "people.restore_merged"


class MergeRestorer:
    def __init__(self, immich: Immich) -> None:
        self.immich = immich

    def faces_of(self, person: PersonId) -> list[str]:
        """Ids of the person's faces: its assets by search, then their faces."""
        search = MetadataSearch(person_ids=[person])
        assets = [a.id for page in self.immich.search.pages(search) for a in page.items]
        faces = self.immich.faces.faces_of_many(assets)
        return [
            f.id
            for on_asset in faces.values()
            for f in on_asset
            if f.person is not None and f.person.id == person
        ]

    def merge(self, action: Action) -> Outcome:
        into = PersonId(str(action.params["into"]))
        merged = action.params["merged"]
        assert isinstance(merged, list)
        saved: list[JsonValue] = []
        for item in merged:
            assert isinstance(item, Mapping)
            pid = PersonId(str(item["person_id"]))
            saved.append({**item, "face_ids": list(self.faces_of(pid))})
        ids = [PersonId(str(m["person_id"])) for m in merged if isinstance(m, Mapping)]
        results = self.immich.people.merge(into, ids)
        done = {r.id for r in results if r.success}
        restore = [s for s in saved if isinstance(s, Mapping) and s["person_id"] in done]
        undo = [
            Action(
                kind=UNMERGE,
                target=action.target,
                target_label=action.target_label,
                params={"into": into, "people": restore},
                reason="undo: split the merged persons again",
                requests={
                    "POST /people": len(restore),
                    "PUT /faces/{id}": sum(_count(s.get("face_ids")) for s in restore),
                },
            )
        ]
        return Outcome(undo=undo if restore else [], detail={"merged": len(done)})

    def restore(self, action: Action) -> Outcome:
        """Create each merged person again and give it back its faces.

        Idempotent: a rerun after a crash finds the person it created before (same name,
        not `into`, holding some of those faces or none yet) instead of making another.
        """
        into = PersonId(str(action.params["into"]))
        people = action.params["people"]
        assert isinstance(people, list)
        made: list[JsonValue] = []
        for item in people:
            assert isinstance(item, Mapping)
            faces = item.get("face_ids") or []
            assert isinstance(faces, list)
            taken = {into, *(PersonId(str(m)) for m in made)}
            pid = self._restored(item, {str(f) for f in faces}, taken) or self._create(item)

            def give(face: JsonValue, pid: PersonId = pid) -> None:
                self.immich.faces.reassign(FaceId(str(face)), pid)

            self.immich.client.map_concurrent(give, faces)
            made.append(pid)
        return Outcome(detail={"restored": made})

    def _create(self, item: Mapping[str, JsonValue]) -> PersonId:
        birth = item.get("birth_date")
        person = self.immich.people.create(
            PersonCreate(
                name=str(item.get("name") or ""),
                birth_date=str(birth) if birth else None,
                is_hidden=bool(item.get("is_hidden")),
                is_favorite=bool(item.get("is_favorite")),
            )
        )
        return person.id

    def _restored(
        self, item: Mapping[str, JsonValue], faces: set[str], taken: set[PersonId]
    ) -> PersonId | None:
        """The person an interrupted restore of `item` created, if there is one."""
        name = str(item.get("name") or "").strip()
        if not name:
            return None
        for person in self.immich.people.search(name, with_hidden=True):
            if person.name.strip().casefold() != name.casefold() or person.id in taken:
                continue
            if self._holds_some_or_none(person.id, faces):
                return person.id
        return None

    def _holds_some_or_none(self, person: PersonId, faces: set[str]) -> bool:
        """True when the person has no face at all, or one of `faces`; reads page by page
        and stops at the first hit."""
        empty = True
        for page in self.immich.search.pages(MetadataSearch(person_ids=[person])):
            on_page = self.immich.faces.faces_of_many(a.id for a in page.items)
            for found in (f for fs in on_page.values() for f in fs):
                if found.person is not None and found.person.id == person:
                    if found.id in faces:
                        return True
                    empty = False
        return empty


def _count(value: object) -> int:
    return len(value) if isinstance(value, list) else 0
