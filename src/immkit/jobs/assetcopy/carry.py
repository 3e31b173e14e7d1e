"""Carry what the user made from the source asset to its copy, a batch at a time."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from pydantic import JsonValue

from immkit.immich import AlbumId, AssetId, FaceId, Immich, PersonId, TagId
from immkit.jobs.assetcopy.copy_step import copy_or_add_to_albums
from immkit.jobs.assetcopy.faces import plan_faces
from immkit.jobs.assetcopy.mapping import (
    AccountMap,
    albums_for,
    faces_for,
    person_map,
    tags_for,
)
from immkit.jobs.assetcopy.metadata import desired_update, group_updates
from immkit.jobs.assetcopy.state import UnitState, step_error

if TYPE_CHECKING:
    from immkit.jobs.assetcopy.pipeline import CopyOptions

log = logging.getLogger(__name__)

UPDATE_BATCH = 1000
T = TypeVar("T")


class Each(Protocol):
    """Runs a function on every item, a few at a time (the pipeline's worker pool)."""

    def __call__(self, fn: Callable[[T], None], items: Sequence[T], /) -> None: ...


def carry(
    target: Immich,
    source: Immich,
    states: Sequence[UnitState],
    options: CopyOptions,
    each: Each,
) -> None:
    """Albums, favourite, stack, shared links and sidecar (`PUT /assets/copy`), then dates,
    location, description, rating and visibility (grouped `PUT /assets`), tags (one call
    per tag) and named faces.

    Between two accounts (`options.mapping`) `PUT /assets/copy` cannot be used: albums
    the target may add to get the copy (one call per album), the favourite travels with
    the other metadata, and tags and faces go to the target's own tags and people.
    """
    mapping = options.mapping
    _record_albums(states, options)
    if mapping is None:
        copy_or_add_to_albums(target, states, each, lambda s: _copy(target, s))
    else:
        _albums(target, [s for s in states if s.ok])
    _metadata(target, [s for s in states if s.ok], each, favorite=mapping is not None)
    _tags(target, [s for s in states if s.ok], mapping)
    each(
        lambda s: _faces(target, s, mapping),
        [s for s in states if s.ok and faces_for(s.unit.still, mapping)],
    )


def _record_albums(states: Sequence[UnitState], options: CopyOptions) -> None:
    for state in states:
        assert state.target_id is not None
        if state.albums_had is not None:  # a copy that existed already, as first found
            have = set(state.albums_had)
        else:
            have = options.albums_of(state.target_id) if options.albums_of else set()
        wanted = albums_for(state.unit.still, options.mapping)
        state.albums_added = sorted(set(wanted) - have)
        had = (state.before or {}).get("tags")
        had_tags = {str(t) for t in had} if isinstance(had, list) else set()
        state.tags_added = sorted(set(tags_for(state.unit.still, options.mapping)) - had_tags)


def _albums(target: Immich, states: Sequence[UnitState]) -> None:
    """Each album the copies belong in, one call; a refusal stops the unit (its source
    stays: the photo would otherwise leave that album)."""
    holders: dict[str, list[UnitState]] = defaultdict(list)
    for state in states:
        for album_id in state.albums_added:
            holders[album_id].append(state)
    for album_id, group in sorted(holders.items()):
        ids = [AssetId(s.target_id) for s in group if s.target_id]
        try:
            results = target.albums.add_assets(AlbumId(album_id), ids)
        except Exception as exc:
            if not step_error(exc):
                raise
            for state in group:
                state.fail(f"album {album_id}", exc)
            continue
        refused = {r.id: r.error for r in results if not r.success and r.error != "duplicate"}
        for state in group:
            if state.target_id in refused:
                state.error = state.error or (
                    f"album {album_id}: the target may not add to it "
                    f"({refused[state.target_id]}); source left untouched"
                )


def _copy(target: Immich, state: UnitState) -> None:
    assert state.target_id is not None
    try:
        target.assets.copy(AssetId(state.unit.still.id), AssetId(state.target_id))
    except Exception as exc:
        if not step_error(exc):
            raise
        state.fail("copy albums and favourite", exc)


def _metadata(target: Immich, states: Sequence[UnitState], each: Each, *, favorite: bool) -> None:
    by_target = {s.target_id: s for s in states if s.target_id}
    items: list[tuple[str, dict[str, JsonValue]]] = []
    for state in states:
        assert state.target_id is not None
        items.append((state.target_id, desired_update(state.unit.still, favorite=favorite)))
        if state.motion_target_id and not state.motion_created:
            items.append((state.motion_target_id, {"visibility": "hidden"}))
            by_target[state.motion_target_id] = state
    calls = [
        (body, ids[start : start + UPDATE_BATCH])
        for body, ids in group_updates(items)
        for start in range(0, len(ids), UPDATE_BATCH)
    ]

    def send(call: tuple[dict[str, JsonValue], list[str]]) -> None:
        body, chunk = call
        try:
            target.client.call("PUT", "/assets", json={"ids": chunk, **body})
        except Exception as exc:
            if not step_error(exc):
                raise
            for asset_id in chunk:
                by_target[asset_id].fail("metadata", exc)

    # dates rarely repeat, so most groups hold one asset: send them side by side
    each(send, calls)


def _tags(target: Immich, states: Sequence[UnitState], mapping: AccountMap | None) -> None:
    wanted: dict[str, list[UnitState]] = defaultdict(list)
    for state in states:
        for tag_id in tags_for(state.unit.still, mapping):
            wanted[tag_id].append(state)
    for tag_id, holders in sorted(wanted.items()):
        ids = [AssetId(s.target_id) for s in holders if s.target_id]
        try:
            results = target.tags.add_assets(TagId(tag_id), ids)
        except Exception as exc:
            if not step_error(exc):
                raise
            for state in holders:
                state.fail("tags", exc)
            continue
        refused = {r.id for r in results if not r.success and r.error != "duplicate"}
        for state in holders:
            if state.target_id in refused:
                state.error = state.error or f"tags: tag {tag_id} was refused"


def _faces(target: Immich, state: UnitState, mapping: AccountMap | None) -> None:
    assert state.target_id is not None
    try:
        # a copy uploaded a moment ago has no detected faces yet (detection is queued after
        # the upload, and matches the manual faces drawn here by IoU when it runs): ask only
        # about a copy that existed before
        # (a copy this job uploaded in an interrupted run may carry faces drawn then)
        fresh = state.created and not state.resumed
        present = [] if fresh else target.faces.of_asset(AssetId(state.target_id))
        plan = plan_faces(
            AssetId(state.target_id),
            faces_for(state.unit.still, mapping),
            present,
            person_map(mapping),
        )
        for face_id, person_id in plan.reassign:
            target.faces.reassign(FaceId(face_id), PersonId(person_id))
        for face in plan.create:
            target.faces.create(face)
    except Exception as exc:
        if not step_error(exc):
            raise
        state.fail("faces", exc)
        return
    state.faces_created = len(plan.create)
    state.faces_reassigned = len(plan.reassign)
    had = state.faces_had
    if state.created or had is None:
        return
    # a copy that existed already: what we changed on it (by this attempt or a cut-off one)
    try:
        after = target.faces.of_asset(AssetId(state.target_id))
    except Exception as exc:
        if not step_error(exc):
            raise
        state.fail("faces", exc)
        return
    state.faces_drawn = sorted(f.id for f in after if f.id not in had)
    state.faces_named = sorted(
        f.id for f in after if f.id in had and had[f.id] is None and f.person is not None
    )
