"""Read a whole batch of copies back in a few searches instead of one `GET /assets/{id}` each.

`POST /search/metadata` with `withExif` and `withPeople` answers, per asset, the same
`AssetResponseDto` fields the verification compares (checksum, favourite, visibility,
description, rating, location, date and time zone, people, live-photo link) — all but
tags, which search results never carry. So the batch is verified the same way, from the
server's current state, with these exceptions sent to the per-asset read-back:

- a unit with tags (only `GET /assets/{id}` lists an asset's tags);
- any copy the searches did not return (not updated since the batch began, a clock skew
  larger than the margin, a `locked` asset, more results than `MAX_PAGES`).

So every unit is checked exactly as strictly as before; only the number of requests
changes. The searches ask for everything of the owner updated since the batch began (the
server's clock, from the `Date` header of its last answer, minus `CLOCK_MARGIN`): every
copy this batch uploaded or changed, plus whatever else changed meanwhile (filtered out).
For one account only (library internalization): the expectations are the source's ids.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from email.utils import parsedate_to_datetime

from immkit.immich import Asset, AssetFull, Immich, MetadataSearch
from immkit.immich.keyset import format_time
from immkit.jobs.assetcopy.metadata import checksum_hex, mismatches
from immkit.jobs.assetcopy.state import UnitState, step_error

log = logging.getLogger(__name__)

CLOCK_MARGIN = timedelta(seconds=10)
MAX_PAGES = 5


def batch_start(target: Immich) -> str | None:
    """The server's time a little before now, for `updatedAfter`; None if unknown."""
    stamp = target.client.server_date
    if not stamp:
        return None
    try:
        return format_time(parsedate_to_datetime(stamp) - CLOCK_MARGIN)
    except (TypeError, ValueError):
        return None


def verify_batch(
    target: Immich,
    states: Sequence[UnitState],
    since: str | None,
    verify_one: Callable[[UnitState], None],
    each: Callable[[Callable[[UnitState], None], Sequence[UnitState]], None],
) -> None:
    """Set `verified` or `error` on every state, by search where it can, else by `verify_one`."""
    searchable = [s for s in states if s.target_id and not s.unit.still.tags]
    found = _search(target, searchable, since) if since and searchable else {}
    rest: list[UnitState] = []
    for state in states:
        if not _settle(state, found):
            rest.append(state)
    if rest:
        log.debug("%d of %d copies read back one by one", len(rest), len(states))
    each(verify_one, rest)


def _search(target: Immich, states: Sequence[UnitState], since: str) -> dict[str, Asset]:
    wanted = {i for s in states for i in (s.target_id, s.motion_target_id) if i}
    found: dict[str, Asset] = {}
    filters = MetadataSearch(updated_after=since, with_exif=True, with_people=True)
    try:
        for number, page in enumerate(target.search.pages(filters), start=1):
            found.update((a.id, a) for a in page.items if a.id in wanted)
            if len(found) == len(wanted) or number >= MAX_PAGES:
                break
    except Exception as exc:
        if not step_error(exc):
            raise
        # the per-asset read-back decides (and reports) instead
        log.debug("batch read-back search failed: %s", exc)
    return found


def _settle(state: UnitState, found: dict[str, Asset]) -> bool:
    """Verify one unit from the search results; False if they do not cover it."""
    unit = state.unit
    if unit.still.tags or state.target_id not in found:
        return False
    motion: Asset | None = None
    if unit.motion is not None and state.motion_target_id is not None:
        motion = found.get(state.motion_target_id)
        if motion is None:
            return False
    copy = AssetFull.model_validate(found[state.target_id].model_dump(by_alias=True))
    wrong = mismatches(
        unit.still,
        copy,
        sha1=state.sha1,
        person_ids=sorted({f.person_id for f in unit.still.faces}),
        motion_id=state.motion_target_id,
    )
    if motion is not None and checksum_hex(motion.checksum) != state.motion_sha1.lower():
        wrong.append("motion video: checksum differs from the file's")
    if wrong:
        state.error = "verification failed (" + ", ".join(wrong) + "); source left untouched"
    else:
        state.verified = True
    return True
