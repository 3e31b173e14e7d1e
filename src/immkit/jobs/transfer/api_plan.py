"""API-mode plan: one action per person the photos show (the target's person of that name,
found or created, before any photo), then one per photo (a live photo's two files
together); pure.

The actions and notes come from the source's side of the snapshot only, so the same
selection always gives the same plan, and a run cut off halfway resumes. What the target
has (people and tags of the same name, albums it may add to) is summed up in `Counts`,
shown next to the plan, and resolved again when the plan is applied.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from immkit.engine import Action, ActionKind, Plan
from immkit.jobs.assetcopy.model import Unit
from immkit.jobs.transfer.api_collect import EDIT_ROLES, ApiSnapshot, PersonRef

JOB = "transfer.api"

SLOW_NOTE = (
    "API mode downloads every original from the source and uploads it as the target: "
    "slower than --mode db (which changes the owner in the database and copies nothing), "
    "but it needs no database access."
)
SAFETY_NOTE = (
    "Each source photo goes to the source's trash only after its copy was read back from "
    "the target and matched (checksum, date taken and time zone, location, description, "
    "favourite, rating, visibility, tags, named faces); a photo that does not match stays."
)
UNDO_NOTE = (
    "`immkit runs undo RUN` takes the source photos out of the trash and trashes the "
    "target's copies. It cannot once the source's trash is emptied (Immich then deletes the "
    "files); people it created for the target are deleted unless the target has used them "
    "since (tags it created are kept)."
)


class ApiKind(ActionKind):
    PERSON = "transfer.api.person"
    MOVE = "transfer.api.move"
    # inverse actions, for `immkit runs undo`
    RESTORE_SOURCE = "transfer.api.restore_source"
    REMOVE_COPY = "transfer.api.remove_copy"
    REMOVE_PERSON = "transfer.api.remove_person"
    KEEP_PERSON = "transfer.api.keep_person"  # the target had the person before: nothing


class Counts(BaseModel):
    """What the dry run promises; the target's side as it is now."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    photos: int
    files: int
    live_photos: int
    bytes: int
    to_trash: int
    duplicates: int
    external: int
    people_reused: list[str]
    people_created: list[str]
    faces: int
    tags_reused: list[str]
    tags_created: list[str]
    albums_joined: list[str]
    albums_left: list[str]  # the target may not add to them: the copies will not be in them


def plan_api(snapshot: ApiSnapshot, *, profile: str | None, target_profile: str) -> Plan:
    """Decide what happens to every unit; the servers are never asked."""
    moves = [_action(unit, snapshot, target_profile) for unit in snapshot.units]
    people = person_actions(snapshot, target_profile)
    return Plan(
        job=JOB,
        profile=profile,
        fingerprint=snapshot.fingerprint,
        actions=(*sorted(people), *sorted(moves)),
        notes=tuple(notes(snapshot)),
        empty_message=(
            f"Nothing to transfer: {snapshot.kind} {snapshot.label!r} holds no photo of "
            f"{snapshot.source.email} that can move to {snapshot.target.email}."
        ),
    )


def counts(snapshot: ApiSnapshot) -> Counts:
    view = snapshot.view
    units = snapshot.units
    names = {p.id: p.name for p in snapshot.people}
    reused = sorted({names[p] for p in view.people if p in names})
    created = sorted({p.name for p in snapshot.people} - set(reused))
    values = {t.value for t in snapshot.tags}
    have = set(view.tag_values)
    joined = [a.name for a in snapshot.albums if view.album_roles.get(a.id) in EDIT_ROLES]
    left = [a.name for a in snapshot.albums if view.album_roles.get(a.id) not in EDIT_ROLES]
    files = sum(len(u.source_ids) for u in units)
    return Counts(
        photos=len(units),
        files=files,
        live_photos=sum(1 for u in units if u.motion),
        bytes=sum(u.size for u in units),
        to_trash=files,
        duplicates=len(snapshot.duplicates),
        external=len(snapshot.external),
        people_reused=reused,
        people_created=created,
        faces=sum(len(u.still.faces) for u in units),
        tags_reused=sorted(values & have),
        tags_created=sorted(values - have),
        albums_joined=joined,
        albums_left=left,
    )


def notes(snapshot: ApiSnapshot) -> list[str]:
    """The plan's sentences: how API mode works, and what stays with the source."""
    out = [SLOW_NOTE, SAFETY_NOTE, UNDO_NOTE] if snapshot.units else []
    if snapshot.duplicates:
        out.append(
            f"{len(snapshot.duplicates):,} photo(s) already exist at {snapshot.target.email} "
            "(same checksum) and stay with the source."
        )
    if snapshot.external:
        out.append(
            f"{len(snapshot.external):,} photo(s) of an external library stay with "
            f"{snapshot.source.email}: the library is theirs (internalize them first)."
        )
    return out


def person_actions(snapshot: ApiSnapshot, target_profile: str) -> list[Action]:
    """One action per name the photos' faces carry (the target's people go by name).

    From the source's side only, like the moves: the plan stays the same after a crash.
    `checksums` are the photos showing the person, so undo can tell the copies this job
    made from photos the target has put the person on since.
    """
    by_name: dict[str, list[PersonRef]] = {}
    for person in snapshot.people:
        by_name.setdefault(person.name.strip().casefold(), []).append(person)
    actions: list[Action] = []
    for refs in by_name.values():
        ids = {r.id for r in refs}
        showing = [u for u in snapshot.units if any(f.person_id in ids for f in u.still.faces)]
        if not showing:
            continue
        sums = sorted({u.still.checksum for u in showing if u.still.checksum})
        first = refs[0]
        actions.append(
            Action(
                kind=ApiKind.PERSON,
                target=first.id,
                target_label=first.name,
                params={
                    "name": first.name,
                    "birth_date": first.birth_date,
                    "is_hidden": first.is_hidden,
                    "is_favorite": first.is_favorite,
                    "source_ids": sorted(ids),
                    "checksums": list(sums),
                    "target_user": snapshot.target.id,
                    "target_profile": target_profile,
                },
                reason=(
                    f"use {snapshot.target.email}'s person of this name, or create it "
                    "(undo deletes it again)"
                ),
                requests={"GET /search/person": 1, "POST /people": 1},
            )
        )
    return actions


def _action(unit: Unit, snapshot: ApiSnapshot, target_profile: str) -> Action:
    files = len(unit.source_ids)
    still = unit.still
    requests = {
        "GET /assets/{id}/original": files,
        "POST /assets": files,
        "PUT /assets": 1,
        "GET /assets/{id}": files,
        "DELETE /assets": 1,
    }
    if still.albums:
        requests["PUT /albums/{id}/assets"] = len(still.albums)
    if still.tags:
        requests["PUT /tags/{id}/assets"] = len(still.tags)
    if still.faces:
        requests["POST /faces"] = len(still.faces)
    what = "live photo" if unit.motion else still.type.lower()
    return Action(
        kind=ApiKind.MOVE,
        target=unit.id,
        target_label=still.file_name,
        params={
            "source_user": snapshot.source.id,
            "target_user": snapshot.target.id,
            "target_profile": target_profile,
            "unit": unit.model_dump(mode="json"),
        },
        reason=(
            f"download this {what}, upload it as {snapshot.target.email} with its metadata, "
            "verify, then trash it at the source"
        ),
        requests=requests,
        destructive=True,
    )
