"""`PUT /assets/copy` only where it carries something nothing else can.

Within one account `PUT /assets/copy` carries albums, favourite, stack, shared links and
the sidecar file, one asset per request. A fresh upload already got its favourite from the
upload form, and its albums can be added a whole album at a time (`PUT /albums/{id}/assets`).
So the copy is sent only for a unit that may have more: a copy that existed before (its
favourite), a source the collect found in a stack, an individual shared link or an album
of another user (`SourceAsset.copy_extras`, True when not known), or a source with a
sidecar file next to its original (`<file>.xmp` or `<stem>.xmp`, as Immich discovers
them; when the original was not read from its path here, a sidecar cannot be ruled out).
A unit whose album add is refused falls back to the copy.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from immkit.immich import AlbumId, AssetId, Immich
from immkit.jobs.assetcopy.state import UnitState, step_error

log = logging.getLogger(__name__)

T = TypeVar("T")


class EachOf(Protocol):
    """Runs a function on every item, a few at a time (the pipeline's worker pool)."""

    def __call__(self, fn: Callable[[T], None], items: Sequence[T], /) -> None: ...


def sidecar_possible(path: str) -> bool:
    """True unless no sidecar Immich would discover sits next to the original here."""
    original = Path(path)
    candidates = [
        original.with_name(original.name + suffix) for suffix in (".xmp", ".XMP", ".Xmp")
    ] + [original.with_suffix(suffix) for suffix in (".xmp", ".XMP", ".Xmp")]
    try:
        return any(c.exists() for c in candidates if c != original)
    except OSError:
        return True


def needs_copy(state: UnitState) -> bool:
    still = state.unit.still
    if not state.created or still.copy_extras or not state.read_locally:
        return True
    return sidecar_possible(still.path)


def copy_or_add_to_albums(
    target: Immich,
    states: Sequence[UnitState],
    each: EachOf,
    copy_one: Callable[[UnitState], None],
) -> None:
    """`copy_one` for the units that need it; album adds, one call per album (side by
    side), for the rest."""
    slow = [s for s in states if needs_copy(s)]
    holders: dict[str, list[UnitState]] = defaultdict(list)
    for state in states:
        if not needs_copy(state):
            for album_id in state.unit.still.albums:
                holders[album_id].append(state)
    refused: dict[int, UnitState] = {}
    lock = threading.Lock()

    def add(album_id: str) -> None:
        members = holders[album_id]
        ids = [AssetId(s.target_id) for s in members if s.target_id]
        try:
            results = target.albums.add_assets(AlbumId(album_id), ids)
        except Exception as exc:
            if not step_error(exc):
                raise
            bad_ones = list(members)
        else:
            bad = {r.id for r in results if not r.success and r.error != "duplicate"}
            bad_ones = [s for s in members if s.target_id in bad]
        with lock:
            refused.update((id(s), s) for s in bad_ones)

    each(add, sorted(holders))
    if refused:
        log.debug("%d album adds refused: copying those units instead", len(refused))
    each(copy_one, [*slow, *refused.values()])
