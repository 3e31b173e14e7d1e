"""`albums sync` end to end: read every rule, plan once, apply, remember.

Every name of every rule is resolved before the first write, so a typo in the third
rule stops the run before the first rule changed anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from immkit.engine import Journal, Plan, Progress, Result, apply_plan
from immkit.engine.settle import settle_cut_off
from immkit.immich import Immich
from immkit.immich.keyset import format_time, parse_time
from immkit.immich.models import Album, AlbumId
from immkit.immich.version import require_supported
from immkit.jobs.albums.apply import AlbumExecutor
from immkit.jobs.albums.collect import (
    Resolved,
    Shared,
    album_assets,
    album_now,
    people_matches,
    resolve,
)
from immkit.jobs.albums.plan import JOB, RuleSnapshot, changes, plan_sync
from immkit.jobs.albums.rules import AlbumRule
from immkit.jobs.albums.scan import (
    FULL_SCAN_EVERY,
    can_go_incremental,
    full_scan,
    incremental_scan,
    person_versions,
)
from immkit.jobs.albums.state import AlbumStateStore, Saved, rule_lock, scope_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleRead:
    """One rule as read: its snapshot for the plan, and what to remember after apply."""

    resolved: Resolved
    snapshot: RuleSnapshot
    saved: Saved  # what to remember; album fields are completed after apply
    mode: str  # "people", "full" or "incremental"


@dataclass(frozen=True)
class SyncOutcome:
    plan: Plan
    reads: list[RuleRead]
    result: Result | None  # None for a dry run


def _digest(resolved: Resolved) -> str:
    return hashlib.sha256("\n".join(resolved.digest_parts()).encode()).hexdigest()[:24]


def read_rule(
    rule: AlbumRule,
    shared: Shared,
    store: AlbumStateStore,
    scope: str,
    *,
    now: datetime,
    full: bool = False,
) -> RuleRead:
    """Resolve a rule, then read what fits it and what its album holds."""
    resolved = resolve(rule, shared, now=now)
    immich = shared.immich
    digest = _digest(resolved)
    album = shared.album_named(rule.name, rule.name)
    saved = store.snapshot(scope, rule.name)
    if saved is not None and (album is None or saved.album_id != album.id):
        saved = None  # the album was deleted or replaced: start over
    stale = saved is None or full or _older(saved.full_at, now)
    people = person_versions(shared.people) if rule.needs_people else {}
    watermark = cutoff = None
    if not rule.scans_library:
        matched = people_matches(resolved, immich)
        mode = "people"
    elif not stale and can_go_incremental(resolved, saved, digest, people, now=now):
        assert saved is not None
        scan = incremental_scan(resolved, immich, saved, people)
        matched, watermark, cutoff, mode = (
            scan.matched,
            scan.watermark,
            scan.settled_cutoff,
            "incremental",
        )
    else:
        scan = full_scan(resolved, immich, now=now)
        matched, watermark, cutoff, mode = scan.matched, scan.watermark, scan.settled_cutoff, "full"
    contents: frozenset[str] = frozenset()
    if album is not None:
        if saved is not None and not stale and _unchanged(saved, album):
            contents = saved.album_assets
        else:
            contents = album_assets(immich, album.id)
    snapshot = RuleSnapshot(
        rule=rule.name,
        album=album_now(resolved, album, contents),
        matched=frozenset(matched),
        added_by_immkit=store.added(scope, album.id) if album is not None else frozenset(),
        remove_stale=rule.remove_stale,
        shares=resolved.shares,
        names={k: v for k, v in matched.items() if v},
    )
    if saved is not None and not stale and mode != "full":
        full_at = saved.full_at
    else:
        full_at = format_time(now)
    remembered = Saved(
        rule_digest=digest,
        album_id=album.id if album is not None else "",
        album_count=album.asset_count if album is not None else 0,
        album_updated=(album.updated_at or "") if album is not None else "",
        album_assets=contents,
        matched=frozenset(matched),
        full_at=full_at,
        watermark=watermark if mode != "people" else None,
        settled_cutoff=cutoff,
        people=people,
    )
    log.info("%s: %d fit (%s read), %d in the album", rule.name, len(matched), mode, len(contents))
    return RuleRead(resolved, snapshot, remembered, mode)


def _older(moment: str, now: datetime) -> bool:
    return now - parse_time(moment) >= FULL_SCAN_EVERY


def _unchanged(saved: Saved, album: Album) -> bool:
    return saved.album_count == album.asset_count and saved.album_updated == (
        album.updated_at or ""
    )


def sync(
    immich: Immich,
    rules: Sequence[AlbumRule],
    *,
    journal: Journal,
    store: AlbumStateStore,
    lock_dir: Path,
    now: datetime,
    profile: str | None = None,
    dry_run: bool = False,
    full: bool = False,
    progress: Progress | None = None,
) -> SyncOutcome:
    """Collect, plan and (unless `dry_run`) apply the rules.

    Raises:
        UnsupportedVersion: the server is older than immkit supports.
        NotFoundError: a name in a rule fits nothing or several (before any write).
        RunBusyError: another immkit process is syncing one of the rules.
    """
    require_supported(immich.server.version())  # before reading anything else
    shared = Shared(immich)
    scope = scope_of(immich.client.base_url, shared.me.id)
    with contextlib.ExitStack() as locks:
        if not dry_run:
            for rule in rules:
                locks.enter_context(rule_lock(lock_dir, scope, rule.name))
        executor = AlbumExecutor(immich, store, scope)
        if not dry_run:  # a killed run's last action, journaled before we read
            settle_cut_off(journal, executor, JOB, profile)
        reads = [read_rule(r, shared, store, scope, now=now, full=full) for r in rules]
        plan = plan_sync([r.snapshot for r in reads], profile=profile)
        if dry_run:
            return SyncOutcome(plan, reads, None)
        result = apply_plan(plan, executor, journal, profile=profile, progress=progress)
        _remember(reads, result, executor, store, scope)
        return SyncOutcome(plan, reads, result)


def _remember(
    reads: Sequence[RuleRead],
    result: Result,
    executor: AlbumExecutor,
    store: AlbumStateStore,
    scope: str,
) -> None:
    """Keep each rule's snapshot as the server now is, or drop it when unsure."""
    after: dict[str, Album] | None = None  # one GET /albums for every album we changed
    for read in reads:
        name = read.snapshot.rule
        if result.failed or result.pending:
            store.drop_snapshot(scope, name)
            continue
        diff = changes(read.snapshot)
        album_id = read.snapshot.album.id or executor.created(read.snapshot.album.name)
        if album_id is None:
            continue
        if read.saved.album_id and not diff.add and not diff.remove:
            store.save_snapshot(scope, name, read.saved)
            continue
        if after is None:
            after = {a.id: a for a in executor.immich.albums.all(is_owned=True)}
        album = after.get(AlbumId(album_id))
        if album is None:
            store.drop_snapshot(scope, name)
            continue
        contents = (read.snapshot.album.assets | set(diff.add)) - set(diff.remove)
        store.save_snapshot(
            scope,
            name,
            replace(
                read.saved,
                album_id=album_id,
                album_count=album.asset_count,
                album_updated=album.updated_at or "",
                album_assets=frozenset(contents),
            ),
        )
