"""API-mode collect: the selection read with the source user's key, what the target has
read with the target user's key; nothing is changed.

The snapshot keeps two parts apart. `units` and the source's people, tags and albums
depend on the source alone, so the plan made from them is the same after a crash (and
the interrupted run resumes). `view` is what the target has now (people and tags of the
same name, albums it may add to): it is shown in the dry run and resolved again at apply.
A photo the target already has (same checksum) stays with the source and is left out of
the plan, unless this job's own interrupted run put it there (`ours`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from immkit.errors import InputError, NotFoundError
from immkit.immich import Asset, Immich, MetadataSearch, PersonId, TagId, UserAdmin, UserId
from immkit.jobs.assetcopy.model import Unit
from immkit.jobs.assetcopy.source import read_units
from immkit.jobs.transfer.select import Kind

EDIT_ROLES = ("owner", "editor")


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ApiSpec(Strict):
    """The command line in API mode: what to move, and the two profiles' users."""

    kind: Kind
    ref: str
    source_profile: str
    target_profile: str
    source_user: str | None = None  # --from USER: must be the source profile's user
    target_user: str | None = None  # --to USER: must be the target profile's user


class UserRef(Strict):
    id: str
    email: str
    name: str


class PersonRef(Strict):
    id: str
    name: str
    birth_date: str | None = None
    is_hidden: bool = False
    is_favorite: bool = False


class TagRef(Strict):
    id: str
    value: str


class AlbumRef(Strict):
    id: str
    name: str
    owner: str


class Kept(Strict):
    """A selected photo that stays with the source, and why."""

    id: str
    file_name: str
    target_id: str | None = None


class TargetView(Strict):
    """What the target has now, for the dry run (resolved again at apply)."""

    album_roles: dict[str, str | None] = {}  # source album id → the target's role
    people: dict[str, str] = {}  # source person id → the target's person of that name
    tag_values: tuple[str, ...] = ()  # the target's tag values


class ApiSnapshot(Strict):
    source: UserRef
    target: UserRef
    kind: Kind
    ref_id: str
    label: str
    units: tuple[Unit, ...]
    people: tuple[PersonRef, ...]
    tags: tuple[TagRef, ...]
    albums: tuple[AlbumRef, ...]
    external: tuple[Kept, ...] = ()
    duplicates: tuple[Kept, ...] = ()
    fingerprint: str = ""
    view: TargetView = TargetView()


def users(spec: ApiSpec, source: Immich, target: Immich) -> tuple[UserAdmin, UserAdmin]:
    """The users behind the two keys, checked against --from / --to.

    Raises:
        InputError: one user on both sides, or a --from / --to that is another user.
    """
    src, dst = source.users.me(), target.users.me()
    if src.id == dst.id:
        raise InputError(
            f"Profiles {spec.source_profile!r} and {spec.target_profile!r} are the same user "
            f"({src.email}); give --to-profile a profile with the target user's API key."
        )
    for given, user, flag, profile in (
        (spec.source_user, src, "--from", spec.source_profile),
        (spec.target_user, dst, "--to", spec.target_profile),
    ):
        if given is not None and given.strip().lower() not in (user.email.lower(), user.id):
            raise InputError(
                f"{flag} {given} is not the user of profile {profile!r} ({user.email}); "
                f"in API mode the profiles' keys decide who is who."
            )
    return src, dst


def collect(
    spec: ApiSpec, source: Immich, target: Immich, *, ours: Iterable[str] = ()
) -> ApiSnapshot:
    """Read the selection and what goes with it; `ours` are source ids whose copy an
    earlier, unfinished run of this job may have uploaded.

    Raises:
        NotFoundError, InputError: the selection names nothing, or something ambiguous.
    """
    src, dst = users(spec, source, target)
    ref_id, label = _resolve(spec, source, src)
    filters = MetadataSearch(with_exif=True, with_people=True)
    key = {"album": "album_ids", "tag": "tag_ids", "person": "person_ids"}[spec.kind]
    filters = filters.model_copy(update={key: [ref_id]})
    found = [a for a in source.search.iter_assets(filters) if a.owner_id == src.id]
    found = [a for a in found if not a.is_trashed]
    external = tuple(_kept(a) for a in found if a.library_id is not None)
    internal = [a for a in found if a.library_id is None]
    albums = source.albums.all()
    tags = source.tags.all()
    units = read_units(source, internal, albums, tags)
    units, duplicates = _split_duplicates(target, units, set(ours))
    people = _people(source, units)
    used_tags = {t for u in units for t in u.still.tags}
    used_albums = {a for u in units for a in u.still.albums}
    owners = {a.id: (a.owner.email if a.owner else "") for a in albums}
    snapshot = ApiSnapshot(
        source=UserRef(id=src.id, email=src.email, name=src.name),
        target=UserRef(id=dst.id, email=dst.email, name=dst.name),
        kind=spec.kind,
        ref_id=ref_id,
        label=label,
        units=tuple(units),
        people=people,
        tags=tuple(TagRef(id=t.id, value=t.value) for t in tags if t.id in used_tags),
        albums=tuple(
            AlbumRef(id=a.id, name=a.album_name, owner=owners[a.id])
            for a in sorted(albums, key=lambda a: (a.album_name, a.id))
            if a.id in used_albums
        ),
        external=external,
        duplicates=tuple(duplicates),
    )
    digest = hashlib.sha256(snapshot.model_dump_json().encode()).hexdigest()
    view = target_view(snapshot, target)
    return snapshot.model_copy(update={"fingerprint": digest, "view": view})


def target_view(snapshot: ApiSnapshot, target: Immich) -> TargetView:
    """The target's albums roles, people of the same names and tag values, now."""
    roles: dict[str, str | None] = {a.id: None for a in snapshot.albums}
    for album in target.albums.all():
        if album.id in roles:
            roles[album.id] = album.role_of(UserId(snapshot.target.id))
    people = {p.id: pid for p in snapshot.people if (pid := find_person(target, p.name))}
    values = tuple(sorted(t.value for t in target.tags.all())) if snapshot.tags else ()
    return TargetView(album_roles=roles, people=people, tag_values=values)


def find_person(target: Immich, name: str) -> PersonId | None:
    """The target's person of this name (case-insensitive; the first when several)."""
    fold = name.strip().casefold()
    for person in target.people.search(name, with_hidden=True):
        if person.name.strip().casefold() == fold:
            return person.id
    return None


def tag_ids(target: Immich, values: Iterable[str]) -> dict[str, TagId]:
    """Tag value → the target's tag id, the missing ones created (`PUT /tags`, with parents)."""
    wanted = sorted(set(values))
    if not wanted:
        return {}
    return {t.value: t.id for t in target.tags.upsert(wanted)}


def _resolve(spec: ApiSpec, source: Immich, user: UserAdmin) -> tuple[str, str]:
    ref = spec.ref.strip()
    if spec.kind == "album":
        return _album(source, ref, user)
    if spec.kind == "tag":
        tags = [t for t in source.tags.all() if ref in (t.id, t.value, t.value.strip("/"))]
        if not tags:
            raise NotFoundError(
                f"No tag {ref!r} of {user.email}; give its full value, e.g. Places/Italy."
            )
        return tags[0].id, tags[0].value
    fold = ref.casefold()
    people = [
        p
        for p in source.people.search(ref, with_hidden=True)
        if p.id == ref or p.name.strip().casefold() == fold
    ]
    if not people:
        raise NotFoundError(f"No person {ref!r} of {user.email}; check the name.")
    if len(people) > 1:
        raise InputError(
            f"{len(people)} persons of {user.email} are called {ref!r}; give the person's id "
            "(or merge them first: `immkit people duplicates`)."
        )
    return people[0].id, people[0].name


def _album(source: Immich, ref: str, user: UserAdmin) -> tuple[str, str]:
    found = [a for a in source.albums.all() if ref in (a.id, a.album_name)]
    if not found:
        raise NotFoundError(f"No album {ref!r} of {user.email}; check its name or give its id.")
    owned = [a for a in found if a.owner_id == user.id]
    if not owned:
        raise InputError(
            f"The album {ref!r} is not owned by {user.email}; run the transfer with its "
            "owner's profile as the source."
        )
    if len(owned) > 1:
        raise InputError(f"{len(owned)} albums are called {ref!r}; give the album's id.")
    return owned[0].id, owned[0].album_name


def _kept(asset: Asset, target_id: str | None = None) -> Kept:
    return Kept(id=asset.id, file_name=asset.original_file_name, target_id=target_id)


def _split_duplicates(
    target: Immich, units: list[Unit], ours: set[str]
) -> tuple[list[Unit], list[Kept]]:
    """Units the target already has (live, same checksum) stay with the source."""
    sums = {u.id: u.still.checksum for u in units if u.still.checksum}
    if not sums:
        return units, []
    present = {
        c.id: c.asset_id
        for c in target.assets.bulk_upload_check(sums)
        if c.action == "reject" and c.asset_id and not c.is_trashed
    }
    moving: list[Unit] = []
    kept: list[Kept] = []
    for unit in units:
        other = present.get(unit.id)
        if other is None or unit.id in ours:
            moving.append(unit)
        else:
            kept.append(Kept(id=unit.id, file_name=unit.still.file_name, target_id=other))
    return moving, kept


def _people(source: Immich, units: list[Unit]) -> tuple[PersonRef, ...]:
    ids = sorted({f.person_id for u in units for f in u.still.faces})
    out = []
    for person_id in ids:
        person = source.people.get(PersonId(person_id))
        out.append(
            PersonRef(
                id=person.id,
                name=person.name,
                birth_date=person.birth_date,
                is_hidden=person.is_hidden,
                is_favorite=person.is_favorite,
            )
        )
    return tuple(out)
