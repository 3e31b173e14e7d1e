"""Matches of rules without people (faceless, or filters only): full or incremental.

A full scan reads the whole library in keyset pages. A warm run instead asks only what
can have changed since the snapshot:

- assets whose `updatedAt` is newer than the watermark (uploads, edits, trash, restore):
  once with the rule's filters (what fits now) and once without (what may have left);
- faceless rules: uploads that have just become older than `settle`;
- rules that look at people: the assets of every person who is new or changed (renamed,
  hidden, a new face cluster).

Some changes leave no trace the API can see cheaply: a face added by hand to an old photo,
or a person deleted or merged. The last is detected (a person missing from the list) and
forces a full scan; the first is caught by the full scan a warm run does anyway once the
last one is older than `FULL_SCAN_EVERY` (or with `--full`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from immkit.immich import Immich
from immkit.immich.bodies import MetadataSearch
from immkit.immich.keyset import format_time, parse_time
from immkit.immich.models import Person
from immkit.immich.refs import AssetRef
from immkit.jobs.albums.collect import Resolved, needs_face_check, without_faces
from immkit.jobs.albums.state import Saved

FULL_SCAN_EVERY = timedelta(hours=24)
MARGIN = timedelta(seconds=30)  # transactions committing after the server clock was read


@dataclass(frozen=True)
class ScanResult:
    matched: dict[str, str]  # asset id → file name (file names only for new reads)
    watermark: str | None
    settled_cutoff: str | None
    incremental: bool
    reevaluated: int = 0


def person_versions(people: list[Person]) -> dict[str, str]:
    """What changes when a person is renamed, hidden, or touched by recognition."""
    return {p.id: f"{p.updated_at}|{p.name}|{int(p.is_hidden)}" for p in people}


def server_time(immich: Immich) -> str | None:
    """The server's clock, from the last answer's `Date` header (whole seconds, rounded
    down): the next incremental read starts from when this one did, by the server's
    own clock, so neither clock skew nor a burst of old updates makes it miss or repeat."""
    if not immich.client.server_date:
        return None
    try:
        return format_time(parsedate_to_datetime(immich.client.server_date))
    except (TypeError, ValueError):
        return None


def full_scan(resolved: Resolved, immich: Immich, *, now: datetime) -> ScanResult:
    started = server_time(immich)
    watermark: str | None = None
    candidates: list[AssetRef] = []
    for ref in immich.search.iter_refs(resolved.base):
        if watermark is None or ref.updated_at > watermark:
            watermark = ref.updated_at
        if resolved.matcher.fits(ref):
            candidates.append(ref)
    if needs_face_check(resolved):
        candidates = without_faces(immich, candidates)
    return ScanResult(
        matched={r.id: r.original_file_name for r in candidates},
        watermark=started or watermark,
        settled_cutoff=_cutoff(resolved),
        incremental=False,
    )


def can_go_incremental(
    resolved: Resolved, saved: Saved | None, digest: str, people: dict[str, str], *, now: datetime
) -> bool:
    if saved is None or saved.rule_digest != digest or saved.watermark is None:
        return False
    if now - parse_time(saved.full_at) >= FULL_SCAN_EVERY:
        return False
    # a person gone (deleted, merged) may have left faceless photos behind
    return not (resolved.rule.needs_people and set(saved.people) - set(people))


def incremental_scan(
    resolved: Resolved, immich: Immich, saved: Saved, people: dict[str, str]
) -> ScanResult:
    assert saved.watermark is not None
    started = server_time(immich)
    since = format_time(parse_time(saved.watermark) - MARGIN)
    matched = dict.fromkeys(saved.matched, "")
    watermark = saved.watermark
    changed_ids: set[str] = set()
    fresh: list[AssetRef] = []
    recent = resolved.base.model_copy(update={"updated_after": since})
    if set(resolved.base.filters()) <= {"withPeople"}:
        # no server-side filter: one read of what changed serves both purposes
        recent = recent.model_copy(update={"with_deleted": True})
    else:
        # what may have stopped fitting: every changed asset, trashed ones too
        everything = MetadataSearch(updated_after=since, with_deleted=True)
        for ref in immich.search.iter_refs(everything):
            changed_ids.add(ref.id)
            watermark = max(watermark, ref.updated_at)
    for ref in immich.search.iter_refs(recent):
        changed_ids.add(ref.id)
        watermark = max(watermark, ref.updated_at)
        fresh.append(ref)
    for ref_id in changed_ids:
        matched.pop(ref_id, None)
    cutoff = _cutoff(resolved)
    if cutoff is not None and saved.settled_cutoff is not None:
        settled_since = format_time(parse_time(saved.settled_cutoff) - MARGIN)
        window = {"created_after": settled_since, "created_before": cutoff}
        fresh += immich.search.iter_refs(resolved.base.model_copy(update=window))
    if resolved.rule.needs_people:
        for person_id, version in people.items():
            if saved.people.get(person_id) != version:
                query = resolved.base.model_copy(update={"person_ids": [person_id]})
                fresh += immich.search.iter_refs(query)
    unique = {r.id: r for r in fresh}
    for ref_id in unique:
        matched.pop(ref_id, None)
    fits = [r for r in unique.values() if resolved.matcher.fits(r)]
    if needs_face_check(resolved):
        fits = without_faces(immich, fits)
    matched.update((r.id, r.original_file_name) for r in fits)
    return ScanResult(
        matched=matched,
        watermark=started or watermark,
        settled_cutoff=cutoff,
        incremental=True,
        reevaluated=len(changed_ids | set(unique)),
    )


def _cutoff(resolved: Resolved) -> str | None:
    before = resolved.matcher.settled_before
    return format_time(before) if before is not None else None
