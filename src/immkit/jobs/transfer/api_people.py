"""The target's people for an API-mode transfer: journaled before the photos, undone last.

Each person action finds the target's person of that name or creates it. The lookup comes
first, and the entry is journaled `applying` only when it found none, right before
`POST /people`: an entry left `applying` (or `failed`) by a crash therefore means "this run
set out to create the person", and a person of that name found on the rerun is the one it
made (reused, not created twice, and still deleted by undo). A person the target had
before is journaled with a no-op inverse, so undo never touches it and the run can still
be marked undone.

The person entries are applied before every photo, so undo (newest first) deletes a
created person after it has trashed the copies; and only if the person still has its name
and shows on no photo of the target but the trashed copies of this transfer's photos.
"""

from __future__ import annotations

import logging

from pydantic import JsonValue

from immkit.engine import Action, EntryStatus, Journal, Outcome, Plan, Run
from immkit.errors import ApiError, InputError
from immkit.immich import Immich, MetadataSearch, Person, PersonCreate, PersonId
from immkit.jobs.assetcopy.metadata import checksum_hex
from immkit.jobs.transfer.api_collect import find_person
from immkit.jobs.transfer.api_plan import ApiKind

log = logging.getLogger(__name__)

# a crash after the lookup found no such person, before the create was journaled
BEGUN = (EntryStatus.APPLYING, EntryStatus.FAILED)


def person_steps(plan: Plan) -> list[Action]:
    return [a for a in plan.actions if a.kind == ApiKind.PERSON]


def resolve_people(plan: Plan, run: Run, journal: Journal, target: Immich) -> dict[str, str]:
    """Source person id → the target's person, each person action journaled as it goes."""
    entries = {e.action_id: e for e in journal.entries(run)}
    people: dict[str, str] = {}
    for action in person_steps(plan):
        entry = entries.get(action.id)
        status = entry.status if entry is not None else EntryStatus.PLANNED
        person = entry.detail.get("person") if entry is not None else None
        if status is not EntryStatus.APPLIED or not isinstance(person, str):
            person = _resolve(action, status in BEGUN, run, journal, target)
        for source_id in _strings(action.params.get("source_ids")):
            people[source_id] = person
    return people


def _resolve(action: Action, begun: bool, run: Run, journal: Journal, target: Immich) -> str:
    name = str(action.params["name"])
    found = find_person(target, name)
    if found is not None and not begun:
        undo, detail = outcome_of(action, found, created=False)
        journal.succeed(run, action, undo, detail)
        return found
    if found is None:
        # journaled before the call: a crash from here on leaves the intent to create
        journal.begin(run, action)
        birth = action.params.get("birth_date")
        found = target.people.create(
            PersonCreate(
                name=name,
                birth_date=str(birth) if birth else None,
                is_hidden=bool(action.params.get("is_hidden")),
                is_favorite=bool(action.params.get("is_favorite")),
            )
        ).id
        log.info("Created person %s for the target", name)
    else:
        log.info("Person %s was created by this run before it was cut off", name)
    undo, detail = outcome_of(action, found, created=True)
    journal.succeed(run, action, undo, detail)
    return found


def outcome_of(
    action: Action, person: str | None, *, created: bool
) -> tuple[list[Action], dict[str, JsonValue]]:
    """The inverse and detail of a person action: delete what it created, keep the rest."""
    name = str(action.params["name"])
    detail: dict[str, JsonValue] = {"person": person, "created": created}
    if not created or person is None:
        keep = Action(
            kind=ApiKind.KEEP_PERSON,
            target=action.target,
            target_label=name,
            params={"person": person},
            reason=(
                "the target had this person before the transfer: kept"
                if person
                else "the transfer created no such person: nothing to undo"
            ),
        )
        return [keep], detail
    remove = Action(
        kind=ApiKind.REMOVE_PERSON,
        target=person,
        target_label=name,
        params={
            "person": person,
            "name": name,
            "checksums": action.params.get("checksums", []),
            "target_profile": action.params["target_profile"],
        },
        reason="delete the person the transfer created for the target, unless used since",
        requests={"GET /people/{id}": 1, "POST /search/metadata": 1, "DELETE /people/{id}": 1},
        destructive=True,
    )
    return [remove], detail


def settle_person(action: Action, target: Immich) -> Outcome:
    """A person action a killed run left `applying`: it had found no such person and was
    creating it, so one of that name now is its own (none: it never got that far)."""
    found = find_person(target, str(action.params["name"]))
    undo, detail = outcome_of(action, found, created=found is not None)
    return Outcome(undo=undo, detail=detail)


def remove_person(action: Action, target: Immich) -> Outcome:
    """Delete a person the transfer created, once its copies are in the trash.

    Raises:
        InputError: the target renamed the person, or put it on photos of its own since.
    """
    person_id = PersonId(str(action.params["person"]))
    name = str(action.params["name"])
    person = _get(target, person_id)
    if person is None:  # an undo cut off after its DELETE
        return Outcome(detail={"deleted": person_id, "already": True})
    if person.name.strip().casefold() != name.strip().casefold():
        raise InputError(
            f"The person {name!r} is kept: the target renamed it {person.name!r} since the "
            "transfer."
        )
    ours = {checksum_hex(str(s)) for s in _strings(action.params.get("checksums"))}
    filters = MetadataSearch(person_ids=[person_id], with_deleted=True)
    others = [
        a
        for a in target.search.iter_assets(filters)
        if not (a.is_trashed and a.checksum and checksum_hex(a.checksum) in ours)
    ]
    if others:
        raise InputError(
            f"The person {name!r} is kept: {len(others):,} photo(s) of the target show them "
            "besides the transfer's trashed copies (undo the later transfers first, or keep "
            "the person)."
        )
    try:
        target.people.delete(person_id)
    except ApiError:
        # a retried DELETE whose first answer was lost: gone is what we wanted
        if _get(target, person_id) is not None:
            raise
    return Outcome(detail={"deleted": person_id})


def _get(target: Immich, person_id: PersonId) -> Person | None:
    """The person, or None when Immich says it is not there (400 Not found, 404)."""
    try:
        return target.people.get(person_id)
    except ApiError as exc:
        if exc.status in (400, 404):
            return None
        raise


def _strings(value: JsonValue) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


__all__ = ["outcome_of", "person_steps", "remove_person", "resolve_people", "settle_person"]
