"""Apply album actions, and their inverses for `immkit runs undo`.

Every action is idempotent, as the engine requires after a crash: adding what is there
is a `duplicate` Immich ignores, creating an album first looks for one of that name the
run may already have made. Undo only ever reverses what the action itself did: the
inverse of an add removes the ids the plan added, and the inverse of a create deletes
the album only while it is empty.

A lost answer is not a lost change: the plan only adds ids that were absent when it was
made (and removes ids that were present), so an id the server calls `duplicate` (or
`not_found`) on a repeat is one an earlier, cut-off attempt moved, and is ours to undo;
a create whose answer was lost looks for the album by name before failing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pydantic import JsonValue

from immkit.engine import Action, Outcome
from immkit.errors import ApiError, EnvError, NotFoundError
from immkit.immich import Immich
from immkit.immich.bodies import AlbumMember
from immkit.immich.models import AlbumId, AssetId, BulkIdResult, UserId
from immkit.jobs.albums.plan import AlbumKind
from immkit.jobs.albums.state import AlbumStateStore

log = logging.getLogger(__name__)

# per-id answers that mean "nothing to do", not a failure
_ALREADY = {AlbumKind.ADD: "duplicate", AlbumKind.REMOVE: "not_found"}


class AlbumExecutor:
    """Runs `albums.sync` actions; records what immkit added in the state store."""

    def __init__(self, immich: Immich, store: AlbumStateStore, scope: str) -> None:
        self.immich = immich
        self.store = store
        self.scope = scope
        self._ids: dict[str, AlbumId] = {}  # album name → id, for albums this run created

    def apply(self, action: Action) -> Outcome:
        kind = AlbumKind(action.kind)
        if kind is AlbumKind.CREATE:
            return self._create(action)
        if kind is AlbumKind.DELETE_IF_EMPTY:
            return self._delete_if_empty(action)
        album_id = self._album_id(action.params)
        if kind is AlbumKind.SHARE:
            return self._share(action, album_id)
        if kind is AlbumKind.UNSHARE:
            return self._unshare(album_id, UserId(str(action.params["user_id"])))
        return self._membership(kind, action, album_id)

    def created(self, name: str) -> AlbumId | None:
        """The id of an album this executor created (or found) by name."""
        return self._ids.get(name)

    def _album_id(self, params: dict[str, JsonValue]) -> AlbumId:
        if isinstance(params.get("album_id"), str):
            return AlbumId(str(params["album_id"]))
        name = str(params["album"])
        if name not in self._ids:
            found = self.immich.albums.all(name=name, is_owned=True)
            if not found:  # its create failed earlier in this run; a re-run makes it
                raise NotFoundError(
                    f"Album {name} does not exist: creating it failed earlier in this run; "
                    "run the sync again."
                )
            self._ids[name] = found[0].id
        return self._ids[name]

    def _create(self, action: Action) -> Outcome:
        name = str(action.params["album"])
        existing = self.immich.albums.all(name=name, is_owned=True)
        if existing:  # made by this run before a crash
            album = existing[0]
        else:
            description = action.params.get("description")
            try:
                album = self.immich.albums.create(
                    name, description=str(description) if description else None
                )
            except EnvError:
                # the answer may be lost while the album was made: a POST is never retried
                made = self.immich.albums.all(name=name, is_owned=True)
                if not made:
                    raise
                album = made[0]
        self._ids[name] = album.id
        undo = Action(
            kind=AlbumKind.DELETE_IF_EMPTY,
            target=action.target,
            target_label=name,
            params={"album_id": album.id, "album": name},
            reason=f"undo: immkit created {name}",
            requests={"GET /albums/{id}": 1, "DELETE /albums/{id}": 1},
            destructive=True,
        )
        return Outcome(undo=[undo], detail={"album_id": album.id})

    def _delete_if_empty(self, action: Action) -> Outcome:
        album_id = AlbumId(str(action.params["album_id"]))
        try:
            album = self.immich.albums.get(album_id)
        except ApiError as exc:
            # Immich answers 400 for a missing album: gone already (an undo cut off after
            # its DELETE), if the owner's own list agrees
            if exc.status != 400 or "not found" not in exc.message.lower():
                raise
            if album_id in {a.id for a in self.immich.albums.all(is_owned=True)}:
                raise
            return Outcome(detail={"deleted": album_id, "already": True})
        if album.asset_count:
            log.warning(
                "Kept album %s: it holds %d photos immkit did not put there",
                album.album_name,
                album.asset_count,
            )
            return Outcome(detail={"kept": True, "assets": album.asset_count})
        self.immich.albums.delete(album_id)
        return Outcome(detail={"deleted": album_id})

    def _share(self, action: Action, album_id: AlbumId) -> Outcome:
        user_id = UserId(str(action.params["user_id"]))
        album = self.immich.albums.get(album_id)
        if album.role_of(user_id) is not None:
            return Outcome(detail={"already": True})  # not ours to undo
        role = str(action.params["role"])
        self.immich.albums.add_members(album_id, [AlbumMember(user_id=user_id, role=role)])
        undo = Action(
            kind=AlbumKind.UNSHARE,
            target=action.target,
            target_label=action.target_label,
            params={**action.params, "album_id": album_id},
            reason="undo: immkit shared the album",
            requests={"DELETE /albums/{id}/user/{userId}": 1},
        )
        return Outcome(undo=[undo], detail={"album_id": album_id})

    def _unshare(self, album_id: AlbumId, user_id: UserId) -> Outcome:
        try:
            self.immich.albums.remove_member(album_id, user_id)
        except ApiError as exc:
            # an undo cut off after its DELETE: the user is not a member any more
            if exc.status != 400 or self.immich.albums.get(album_id).role_of(user_id):
                raise
            return Outcome(detail={"album_id": album_id, "already": True})
        return Outcome(detail={"album_id": album_id})

    def _membership(self, kind: AlbumKind, action: Action, album_id: AlbumId) -> Outcome:
        ids = [AssetId(str(i)) for i in _list(action.params["asset_ids"])]
        if kind is AlbumKind.ADD:
            results = self.immich.albums.add_assets(album_id, ids)
        else:
            results = self.immich.albums.remove_assets(album_id, ids)
        # `duplicate`/`not_found`: moved by an attempt whose answer was lost (see above)
        done = [r.id for r in results if r.success or r.error == _ALREADY[kind]]
        skipped = _skipped(kind, results)
        if kind is AlbumKind.ADD and not action.params.get("restores"):
            self.store.record_added(self.scope, album_id, done)
        elif kind is AlbumKind.REMOVE:
            self.store.forget_added(self.scope, album_id, done)
        detail: dict[str, JsonValue] = {"album_id": album_id, "done": len(done)}
        if skipped:
            detail["skipped"] = {key: count for key, count in skipped.items()}
            log.warning(
                "%s: %d of %d ids were skipped by the server (%s)",
                action.target_label,
                sum(skipped.values()),
                len(ids),
                ", ".join(f"{k}: {v}" for k, v in skipped.items()),
            )
        if not done:
            return Outcome(detail=detail)
        inverse = AlbumKind.REMOVE if kind is AlbumKind.ADD else AlbumKind.ADD
        params: dict[str, JsonValue] = {"album_id": album_id, "asset_ids": list(done)}
        if inverse is AlbumKind.ADD:
            params["restores"] = True  # put back, not added by a rule
        method = "PUT" if inverse is AlbumKind.ADD else "DELETE"
        undo = Action(
            kind=inverse,
            target=action.target,
            target_label=f"{action.target.removeprefix('album:')}: undo {len(done):,}",
            params=params,
            reason=f"undo: {action.reason}",
            requests={f"{method} /albums/{{id}}/assets": 1},
        )
        return Outcome(undo=[undo], detail=detail)


def _skipped(kind: AlbumKind, results: Sequence[BulkIdResult]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        if not result.success and result.error != _ALREADY[kind]:
            key = result.error or "unknown"
            counts[key] = counts.get(key, 0) + 1
    return counts


def _list(value: JsonValue) -> list[JsonValue]:
    if not isinstance(value, list):
        raise TypeError("asset_ids must be a list")
    return value
