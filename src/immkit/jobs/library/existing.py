"""Which units already have an internal twin, and which an earlier run finished."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from immkit.engine import EntryStatus, Journal
from immkit.immich import Immich, file_sha1
from immkit.jobs.assetcopy.files import readable_here
from immkit.jobs.assetcopy.model import Unit
from immkit.jobs.library.plan import JOB, LibraryKind

RUNS_LOOKED_AT = 1000


def find_existing(owner: Immich, units: Sequence[Unit]) -> dict[str, str | None]:
    """Unit id → the owner's upload with the same content (None: none), for the units whose
    file is readable here; the others are left out (unknown until the upload answers)."""
    sums: dict[str, str] = {}
    for unit in units:
        if readable_here(unit.still):
            sums[unit.id] = file_sha1(Path(unit.still.path))
    found: dict[str, str | None] = dict.fromkeys(sums)
    for check in owner.assets.bulk_upload_check(sums):
        if check.action == "reject" and check.asset_id:
            found[check.id] = check.asset_id
    return found


def done_before(journal: Journal, library_id: str) -> set[str]:
    """External asset ids that earlier runs internalized and verified in this library."""
    done: set[str] = set()
    for run in journal.runs(limit=RUNS_LOOKED_AT):
        if run.job != JOB:
            continue
        for entry in journal.entries(run):
            if (
                entry.kind == LibraryKind.INTERNALIZE
                and entry.status is EntryStatus.APPLIED
                and entry.params.get("library_id") == library_id
                and entry.detail.get("verified")
            ):
                done.add(entry.target)
    return done
