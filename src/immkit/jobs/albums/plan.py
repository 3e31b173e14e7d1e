"""The albums plan: for each rule, the difference between what fits and what is there.

Pure: a `RuleSnapshot` (what collect read) in, actions out. Adds and removes go to the
bulk endpoints in batches of `ALBUM_BATCH` ids; an album that does not exist yet is
created first and shared after, so the engine's plan order is the apply order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import JsonValue

from immkit.engine import Action, ActionKind, Plan
from immkit.immich.albums import ALBUM_BATCH, batched
from immkit.jobs.albums.resolve import Named
from immkit.jobs.albums.rules import RemoveStale, Role

JOB = "albums.sync"


class AlbumKind(ActionKind):
    CREATE = "album.create"
    DELETE_IF_EMPTY = "album.delete_if_empty"  # undo of create: never deletes photos
    SHARE = "album.share_user"
    UNSHARE = "album.unshare_user"
    ADD = "album.add_assets"
    REMOVE = "album.remove_assets"


@dataclass(frozen=True)
class AlbumNow:
    """The album as it is on the server; `id` None means it does not exist yet."""

    name: str
    id: str | None = None
    description: str | None = None
    members: dict[str, str] = field(default_factory=dict)  # user id → role
    assets: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RuleSnapshot:
    """Everything the plan of one rule depends on, read from the server and the state."""

    rule: str
    album: AlbumNow
    matched: frozenset[str]
    added_by_immkit: frozenset[str] = frozenset()
    remove_stale: RemoveStale = RemoveStale.ADDED
    shares: tuple[tuple[Named, Role], ...] = ()
    names: dict[str, str] = field(default_factory=dict)  # asset id → file name, for -v

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for part in (self.rule, self.album.id or "", *sorted(self.album.assets), "|"):
            digest.update(part.encode())
        for part in sorted(self.matched):
            digest.update(part.encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class RuleChanges:
    """The difference for one rule, before it is cut into actions."""

    add: list[str]
    remove: list[str]
    kept: int  # in the album, not fitting, but left alone by remove_stale


def changes(snap: RuleSnapshot) -> RuleChanges:
    present = snap.album.assets
    add = sorted(snap.matched - present)
    stale = present - snap.matched
    if snap.remove_stale is RemoveStale.EXACT:
        remove = stale
    elif snap.remove_stale is RemoveStale.ADDED:
        remove = stale & snap.added_by_immkit
    else:
        remove = frozenset()
    return RuleChanges(add=add, remove=sorted(remove), kept=len(stale) - len(remove))


def album_ref(album: AlbumNow) -> dict[str, JsonValue]:
    """How actions name their album: by id, or by name when this run creates it."""
    return {"album_id": album.id} if album.id else {"album": album.name}


def plan_rule(snap: RuleSnapshot, *, batch: int = ALBUM_BATCH) -> tuple[list[Action], list[str]]:
    """The actions and notes of one rule."""
    album = snap.album
    ref = album_ref(album)
    actions: list[Action] = []
    notes: list[str] = []
    diff = changes(snap)
    if album.id is None:
        params: dict[str, JsonValue] = {"album": album.name}
        if album.description:
            params["description"] = album.description
        actions.append(
            Action(
                kind=AlbumKind.CREATE,
                target=f"album:{album.name}",
                target_label=album.name,
                params=params,
                reason="the album does not exist yet",
                requests={"POST /albums": 1},
            )
        )
    shared_now: set[str] = set()
    for user, role in snap.shares:
        if user.id in shared_now:
            continue  # the same user by e-mail and by id
        shared_now.add(user.id)
        current = album.members.get(user.id)
        if current is not None:
            if current not in (role.value, "owner"):
                notes.append(
                    f"{album.name}: already shared with {user.name} as {current}; "
                    f"immkit does not change roles it did not set (rule says {role.value})."
                )
            continue
        actions.append(
            Action(
                kind=AlbumKind.SHARE,
                target=f"album:{album.name}",
                target_label=f"{album.name} → {user.name} ({role.value})",
                params={**ref, "user_id": user.id, "user": user.name, "role": role.value},
                reason="the rule shares the album",
                requests={"PUT /albums/{id}/users": 1},
            )
        )
    actions += _membership(AlbumKind.ADD, snap, diff.add, "fit the rule", batch)
    why = "no longer fit the rule" + (
        "" if snap.remove_stale is RemoveStale.EXACT else " and were added by immkit"
    )
    actions += _membership(AlbumKind.REMOVE, snap, diff.remove, why, batch)
    if diff.kept:
        notes.append(
            f"{album.name}: kept {_photos(diff.kept)} not fitting the rule and not "
            "added by immkit (remove_stale = added; use exact to remove them too)."
            if snap.remove_stale is RemoveStale.ADDED
            else f"{album.name}: kept {_photos(diff.kept)} no longer fitting the rule "
            "(remove_stale = never)."
        )
    return actions, notes


def _membership(
    kind: AlbumKind, snap: RuleSnapshot, ids: Sequence[str], reason: str, batch: int
) -> list[Action]:
    chunks = batched(ids, batch)
    method = "PUT" if kind is AlbumKind.ADD else "DELETE"
    sign = "+" if kind is AlbumKind.ADD else "−"
    return [
        Action(
            kind=kind,
            target=f"album:{snap.album.name}",
            target_label=f"{snap.album.name}: {sign}{_photos(len(chunk))}"
            + (f" (batch {n} of {len(chunks)})" if len(chunks) > 1 else ""),
            params={**album_ref(snap.album), "asset_ids": list(chunk)},
            reason=f"{_photos(len(chunk))} {reason}",
            requests={f"{method} /albums/{{id}}/assets": 1},
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


def _photos(n: int) -> str:
    return f"{n:,} photo" + ("" if n == 1 else "s")


def plan_sync(snaps: Sequence[RuleSnapshot], *, profile: str | None = None) -> Plan:
    """One plan for every rule of a sync, rules in the order given."""
    actions: list[Action] = []
    notes: list[str] = []
    digest = hashlib.sha256()
    for snap in snaps:
        rule_actions, rule_notes = plan_rule(snap)
        actions += rule_actions
        notes += rule_notes
        digest.update(snap.fingerprint().encode())
    names = ", ".join(s.rule for s in snaps) or "no rules"
    return Plan(
        job=JOB,
        profile=profile,
        fingerprint=digest.hexdigest(),
        actions=tuple(actions),
        notes=tuple(notes),
        empty_message=f"Albums are up to date ({names}): nothing to add or remove.",
    )
