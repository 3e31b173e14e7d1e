"""Read what a rule needs from the server: its names as ids, what fits, what is in the album.

Request budget (IMMICH_PERFORMANCE.md): a person's photos cost one `personIds` search
(milliseconds); "every photo" costs a keyset scan of the library (flat pages of 1000).
So people rules search person by person (`any`) or once (`all`, which Immich ANDs), and
only rules without people scan, incrementally when a snapshot allows (`scan.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from immkit.errors import NotFoundError
from immkit.immich import Immich
from immkit.immich.bodies import MetadataSearch
from immkit.immich.models import Album, AlbumId, AssetId, Person, User
from immkit.immich.refs import AssetRef
from immkit.jobs.albums.match import DEFAULT_VISIBILITIES, Matcher
from immkit.jobs.albums.plan import AlbumNow
from immkit.jobs.albums.resolve import (
    Named,
    resolve_people,
    resolve_tags,
    resolve_user,
)
from immkit.jobs.albums.rules import AlbumRule, Faceless, Match, Role


class Shared:
    """Reads every rule of one sync shares, each made at most once."""

    def __init__(self, immich: Immich) -> None:
        self.immich = immich

    @cached_property
    def me(self) -> User:
        return self.immich.users.me()

    @cached_property
    def people(self) -> list[Person]:
        return list(self.immich.people.iter_all(with_hidden=True))

    @cached_property
    def users(self) -> list[User]:
        return self.immich.users.all()

    @cached_property
    def tags(self) -> list[Named]:
        return [Named(t.id, t.value) for t in self.immich.tags.all()]

    @cached_property
    def albums(self) -> list[Album]:
        """Albums the key's user owns: the only ones a rule fills."""
        return self.immich.albums.all(is_owned=True)

    def album_named(self, name: str, rule: str) -> Album | None:
        """The owned album with exactly this name.

        Raises:
            NotFoundError: several owned albums have it (exit 2).
        """
        hits = [a for a in self.albums if a.album_name == name]
        if len(hits) > 1:
            ids = ", ".join(a.id for a in hits)
            raise NotFoundError(
                f"Album rule {rule!r}: you own {len(hits)} albums named {name!r} (ids {ids}); "
                "rename all but one in Immich so the rule knows which to fill."
            )
        return hits[0] if hits else None


@dataclass(frozen=True)
class Resolved:
    """A rule with every name turned into an id, and its search and matcher."""

    rule: AlbumRule
    people: tuple[Named, ...] = ()
    exclude: tuple[Named, ...] = ()
    tag_ids: tuple[str, ...] = ()
    shares: tuple[tuple[Named, Role], ...] = ()
    matcher: Matcher = field(default_factory=Matcher)
    base: MetadataSearch = field(default_factory=MetadataSearch)

    def digest_parts(self) -> list[str]:
        """What the rule means on this server; a change forces a full read."""
        return [
            self.rule.model_dump_json(exclude={"schedule", "share", "description"}),
            *sorted(p.id for p in self.people),
            "-",
            *sorted(p.id for p in self.exclude),
            "#",
            *sorted(self.tag_ids),
        ]


def resolve(rule: AlbumRule, shared: Shared, *, now: datetime) -> Resolved:
    """Turn names into ids and build the server filters and the client-side matcher.

    Raises:
        NotFoundError: a person, tag or user name fits nothing or several (exit 2).
    """
    people: tuple[Named, ...] = ()
    exclude: tuple[Named, ...] = ()
    if rule.people or rule.exclude_people:
        people = tuple(resolve_people(rule.people, shared.people, rule=rule.name))
        exclude = tuple(
            resolve_people(rule.exclude_people, shared.people, rule=rule.name, key="exclude_people")
        )
    tags = tuple(resolve_tags(rule.tags, shared.tags, rule=rule.name)) if rule.tags else ()
    shares = tuple((resolve_user(s.user, shared.users, rule=rule.name), s.role) for s in rule.share)
    matcher = Matcher(
        owner=None if rule.include_partners else shared.me.id,
        globs=tuple(g.lower() for g in rule.filename),
        exclude=frozenset(p.id for p in exclude),
        only=frozenset(p.id for p in people) if rule.only_listed else None,
        faceless=rule.faceless if rule.match is Match.NONE else None,
        settled_before=now - rule.settle if rule.match is Match.NONE and rule.settle else None,
        visibilities=frozenset({rule.visibility}) if rule.visibility else DEFAULT_VISIBILITIES,
    )
    base = MetadataSearch(
        tag_ids=[t.id for t in tags] or None,
        type=rule.type,
        is_favorite=rule.favorite,
        taken_after=rule.taken_after,
        taken_before=rule.taken_before,
        visibility=rule.visibility,
        city=rule.city,
        country=rule.country,
        make=rule.make,
        model=rule.model,
        with_people=True if rule.needs_people else None,
    )
    return Resolved(rule, people, exclude, tuple(t.id for t in tags), shares, matcher, base)


def people_matches(resolved: Resolved, immich: Immich) -> dict[str, str]:
    """What fits a rule with people: asset id → file name.

    `any` is one search per person (Immich ANDs `personIds`), `all` one search in all.
    """
    ids = [p.id for p in resolved.people]
    queries = [ids] if resolved.rule.match is Match.ALL else [[i] for i in ids]
    found: dict[str, str] = {}
    for person_ids in queries:
        search = resolved.base.model_copy(update={"person_ids": person_ids})
        for ref in immich.search.iter_refs(search):
            if resolved.matcher.fits(ref):
                found[ref.id] = ref.original_file_name
    return found


def without_faces(immich: Immich, candidates: Iterable[AssetRef]) -> list[AssetRef]:
    """`faceless = "no_faces"`: drop assets with any live face, assigned or not.

    3.1's search shows only faces that belong to a person, so each candidate costs one
    `GET /faces` (run concurrently, ~500/s on a real server).
    """
    refs = list(candidates)
    faces = immich.faces.faces_of_many(AssetId(r.id) for r in refs)
    return [r for r in refs if not faces.get(AssetId(r.id))]


def needs_face_check(resolved: Resolved) -> bool:
    return resolved.matcher.faceless is Faceless.NO_FACES


def album_now(resolved: Resolved, album: Album | None, assets: frozenset[str]) -> AlbumNow:
    rule = resolved.rule
    if album is None:
        return AlbumNow(name=rule.name, description=rule.description)
    members = {str(m.user.id): m.role for m in album.album_users}
    return AlbumNow(
        name=album.album_name,
        id=album.id,
        description=album.description,
        members=members,
        assets=assets,
    )


def album_assets(immich: Immich, album_id: str) -> frozenset[str]:
    """Everything in the album (every member's assets; trashed ones are not listed)."""
    search = MetadataSearch(album_ids=[AlbumId(album_id)])
    return frozenset(r.id for r in immich.search.iter_refs(search))
