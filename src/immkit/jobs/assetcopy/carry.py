"""Carry what the user made from the source asset to its copy, a batch at a time."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from pydantic import JsonValue

from immkit.immich import AssetId, FaceId, Immich, PersonId, TagId
from immkit.jobs.assetcopy.copy_step import copy_or_add_to_albums
from immkit.jobs.assetcopy.faces import plan_faces
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
    per tag) and named faces."""
    _record_albums(states, options)
    copy_or_add_to_albums(target, states, each, lambda s: _copy(target, s))
    _metadata(target, [s for s in states if s.ok], each)
    _tags(target, [s for s in states if s.ok])
    each(lambda s: _faces(target, s), [s for s in states if s.ok and s.unit.still.faces])


def _record_albums(states: Sequence[UnitState], options: CopyOptions) -> None:
    for state in states:
        assert state.target_id is not None
        have = options.albums_of(state.target_id) if options.albums_of else set()
        state.albums_added = sorted(set(state.unit.still.albums) - have)
        had = (state.before or {}).get("tags")
        had_tags = {str(t) for t in had} if isinstance(had, list) else set()
        state.tags_added = sorted(set(state.unit.still.tags) - had_tags)


def _copy(target: Immich, state: UnitState) -> None:
    assert state.target_id is not None
    try:
        target.assets.copy(AssetId(state.unit.still.id), AssetId(state.target_id))
    except Exception as exc:
        if not step_error(exc):
            raise
        state.fail("copy albums and favourite", exc)


def _metadata(target: Immich, states: Sequence[UnitState], each: Each) -> None:
    by_target = {s.target_id: s for s in states if s.target_id}
    items: list[tuple[str, dict[str, JsonValue]]] = []
    for state in states:
        assert state.target_id is not None
        items.append((state.target_id, desired_update(state.unit.still, favorite=False)))
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


def _tags(target: Immich, states: Sequence[UnitState]) -> None:
    wanted: dict[str, list[UnitState]] = defaultdict(list)
    for state in states:
        for tag_id in state.unit.still.tags:
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


def _faces(target: Immich, state: UnitState) -> None:
    assert state.target_id is not None
    try:
        # a copy uploaded a moment ago has no detected faces yet (detection is queued after
        # the upload, and matches the manual faces drawn here by IoU when it runs): ask only
        # about a copy that existed before
        present = [] if state.created else target.faces.of_asset(AssetId(state.target_id))
        plan = plan_faces(AssetId(state.target_id), state.unit.still.faces, present)
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
