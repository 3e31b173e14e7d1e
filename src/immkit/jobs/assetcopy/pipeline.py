"""The per-unit pipeline: upload as the owner → carry → verify → remove the source.

Units go through in batches: uploads and read-backs run `workers` at a time, while the
metadata of a whole batch is grouped into few `PUT /assets` calls and the sources of a
batch are trashed in one `DELETE /assets`. A unit whose step fails stops there; in
particular its source is never removed unless its copy was read back and matched.
Every step is idempotent (a second upload of the same bytes answers `duplicate`), so a
batch interrupted anywhere is simply run again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import JsonValue

from immkit.immich import AssetFull, AssetId, AssetUpdate, Immich, UploadCheck, file_sha1
from immkit.jobs.assetcopy.carry import carry
from immkit.jobs.assetcopy.files import SourceMode, UnreadableFile, original, readable_here
from immkit.jobs.assetcopy.mapping import AccountMap, faces_for, people_for, tags_for
from immkit.jobs.assetcopy.metadata import checksum_hex, mismatches
from immkit.jobs.assetcopy.model import SourceAsset, Unit
from immkit.jobs.assetcopy.state import Earlier, UnitState, step_error
from immkit.jobs.assetcopy.verify_batch import batch_start, verify_batch

log = logging.getLogger(__name__)

T = TypeVar("T")
DELETE_BATCH = 1000


@dataclass(frozen=True)
class CopyOptions:
    """How the pipeline behaves; `delete_source=False` is `--keep-external`."""

    delete_source: bool = True
    source_mode: SourceMode = SourceMode.AUTO
    tmp_dir: Path | None = None
    # read a batch's copies back by search (one account only; see verify_batch)
    batch_verify: bool = False
    workers: int = 4
    # albums the target asset is in already (None: unknown, treated as none)
    albums_of: Callable[[str], set[str]] | None = None
    # another account: its albums, tags and people by source id (None: the same account)
    mapping: AccountMap | None = None
    # ask the target for the units' checksums first (`bulk-upload-check`): bytes it has
    # are neither downloaded nor uploaded again (needs `SourceAsset.checksum`)
    precheck: bool = False
    # with `precheck`: hash the files readable here that have no server checksum (an
    # external asset's is a hash of its path), so they are checked too
    hash_local: bool = False
    # a copy the target has already is this job's own upload from an interrupted attempt
    # (the caller planned away every copy that was there before): it counts as created,
    # so undo removes it, and one in the target's trash is taken back out
    duplicates_are_ours: bool = False


class CorruptDownload(Exception):
    """The bytes read do not have the checksum the source server recorded."""


class AssetCopier:
    """Copies units from `source` to `target` (one account, or two with a mapping).

    Within one account the carry step uses `PUT /assets/copy`; between two users
    (`CopyOptions.mapping`, the API-mode transfer) it maps albums, tags and people to
    the target's, with the same upload, verify and delete steps.
    """

    def __init__(self, source: Immich, target: Immich, options: CopyOptions) -> None:
        self.source = source
        self.target = target
        self.options = options
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, options.workers), thread_name_prefix="assetcopy"
        )
        self._known: dict[str, UploadCheck] = {}
        self._local_sums: dict[str, str] = {}  # source asset id → SHA-1 of its file here

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> AssetCopier:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def copy_batch(
        self,
        units: Sequence[Unit],
        *,
        earlier: Sequence[Earlier] = (),
        uploaded: Callable[[Sequence[UnitState]], None] | None = None,
    ) -> list[UnitState]:
        """`earlier[i]`: what a cut-off attempt of this run journaled about `units[i]` (its
        own uploads answer `duplicate` now); `uploaded` journals `UnitState.note`: once
        the batch's uploads are done, before anything else, and with `precheck` also
        before the uploads (which units the target had none of)."""
        since = batch_start(self.target) if self.options.batch_verify else None
        states = [UnitState(unit) for unit in units]
        before = list(earlier) or [Earlier()] * len(units)
        if self.options.precheck:
            self._local_sums = {}  # this batch's files only: memory stays flat
            self._known = self._precheck(units)
            for state in states:
                state.absent_before = self._absent(state.unit)
            if uploaded is not None:
                uploaded(states)  # journaled before the uploads: what was absent is ours
        self._each(lambda pair: self._upload(*pair), list(zip(states, before, strict=True)))
        if uploaded is not None:
            uploaded(states)
        carry(self.target, self.source, [s for s in states if s.ok], self.options, self._each)
        verify_batch(self.target, [s for s in states if s.ok], since, self._verify, self._each)
        if self.options.delete_source:
            self._delete([s for s in states if s.ok and s.verified])
        return states

    # -- phases -----------------------------------------------------------------------

    def _each(self, fn: Callable[[T], None], items: Sequence[T]) -> None:
        """`fn` on every item, `workers` at a time; a bug's exception propagates."""
        for future in [self._pool.submit(fn, item) for item in items]:
            future.result()

    def _upload(self, state: UnitState, earlier: Earlier) -> None:
        unit = state.unit
        try:
            if unit.motion is not None:
                state.motion_target_id, state.motion_created, state.motion_sha1, _ = self._send(
                    unit.motion, visibility="hidden", favorite=None, live=None
                )
            state.target_id, state.created, state.sha1, state.read_locally = self._send(
                unit.still,
                visibility=unit.still.visibility,
                favorite=unit.still.is_favorite,
                live=state.motion_target_id,
            )
        except (UnreadableFile, CorruptDownload) as exc:
            state.fail("read", exc)
            return
        except Exception as exc:
            if not step_error(exc):
                raise
            state.fail("upload", exc)
            return
        if self.options.duplicates_are_ours:
            state.resumed = not state.created
            state.created = True
            state.motion_created = state.motion_target_id is not None
        elif not state.created and (state.target_id in earlier.uploaded or earlier.absent_before):
            # our own upload from a cut-off attempt (journaled then, or made from bytes the
            # target did not have before: its answer was lost): ours to undo
            state.resumed = state.created = True
        if state.motion_target_id in earlier.uploaded or (
            earlier.absent_before and state.motion_target_id is not None
        ):
            state.motion_created = True
        if not state.created:
            self._adopt_existing(state, earlier)

    def _precheck(self, units: Sequence[Unit]) -> dict[str, UploadCheck]:
        """Checksum → the target's verdict, for every file of the batch in one call."""
        files = [a for u in units for a in (u.still, u.motion) if a is not None]
        if self.options.hash_local and self.options.source_mode is not SourceMode.DOWNLOAD:
            self._each(self._hash_here, [a for a in files if not a.checksum])
        sums = {s: s for a in files if (s := self._checksum(a))}
        if not sums:
            return {}
        found = self.target.assets.bulk_upload_check(sums)
        return {c.id: c for c in found if c.action == "reject" and c.asset_id}

    def _hash_here(self, asset: SourceAsset) -> None:
        if readable_here(asset):
            with suppress(OSError):  # read (and reported) at upload time
                self._local_sums[asset.id] = file_sha1(Path(asset.path))

    def _checksum(self, asset: SourceAsset) -> str:
        return asset.checksum or self._local_sums.get(asset.id, "")

    def _absent(self, unit: Unit) -> bool | None:
        """None unless every file of the unit was checked; then whether the target had none."""
        sums = [self._checksum(a) for a in (unit.still, unit.motion) if a is not None]
        if not all(sums):
            return None
        return not any(s in self._known for s in sums)

    def _send(
        self, asset: SourceAsset, *, visibility: str, favorite: bool | None, live: str | None
    ) -> tuple[str, bool, str, bool]:
        checksum = self._checksum(asset)
        known = self._known.get(checksum) if checksum else None
        if known is not None and known.asset_id is not None:
            if known.is_trashed and self.options.duplicates_are_ours:
                self.target.assets.restore([known.asset_id])
            log.debug("%s %s: the target has it (%s)", asset.file_name, asset.id, known.asset_id)
            return known.asset_id, False, checksum, False
        with original(
            self.source,
            asset,
            self.options.source_mode,
            self.options.tmp_dir,
            local_sha1=self._local_sums.get(asset.id),
        ) as got:
            if asset.checksum and got.sha1.lower() != asset.checksum.lower():
                raise CorruptDownload(
                    f"the file read for {asset.file_name} does not have the server's checksum"
                )
            result = self.target.assets.upload(
                got.path,
                file_created_at=asset.date_time_original or asset.file_created_at,
                file_modified_at=asset.file_modified_at,
                filename=asset.file_name,
                is_favorite=favorite,
                visibility=visibility,
                live_photo_video_id=AssetId(live) if live else None,
                duration_ms=asset.duration_ms,
                checksum=got.sha1,
            )
        log.debug("%s %s → %s (%s)", asset.file_name, asset.id, result.id, result.status)
        return result.id, not result.duplicate, got.sha1, got.local

    def _adopt_existing(self, state: UnitState, earlier: Earlier) -> None:
        """The bytes were there already: keep what that asset had (for undo: as a cut-off
        attempt of this run first found it, if one did), link the motion."""
        assert state.target_id is not None
        if earlier.twin == state.target_id and earlier.before is not None:
            state.before, state.albums_had = earlier.before, list(earlier.albums_had)
            if earlier.faces_had is not None:
                state.faces_had = dict(earlier.faces_had)
        try:
            existing = self.target.assets.get_full(AssetId(state.target_id))
            if state.before is None:
                state.before = _before(existing)
                albums_of = self.options.albums_of
                state.albums_had = sorted(albums_of(state.target_id)) if albums_of else []
                if faces_for(state.unit.still, self.options.mapping):
                    state.faces_had = {
                        f.id: f.person.id if f.person else None
                        for f in self.target.faces.of_asset(AssetId(state.target_id))
                    }
            want = state.motion_target_id
            if want is not None and existing.live_photo_video_id != want:
                self.target.assets.update(
                    AssetId(state.target_id), AssetUpdate(live_photo_video_id=AssetId(want))
                )
        except Exception as exc:
            if not step_error(exc):
                raise
            state.fail("read existing copy", exc)

    def _verify(self, state: UnitState) -> None:
        unit = state.unit
        assert state.target_id is not None
        try:
            copy = self.target.assets.get_full(AssetId(state.target_id))
            mapping = self.options.mapping
            wrong = mismatches(
                unit.still,
                copy,
                sha1=state.sha1,
                tag_ids=tags_for(unit.still, mapping),
                person_ids=people_for(unit.still, mapping),
                motion_id=state.motion_target_id,
            )
            if unit.motion is not None and state.motion_target_id is not None:
                motion = self.target.assets.get_full(AssetId(state.motion_target_id))
                wrong += [f"motion video: {w}" for w in _motion_mismatch(motion, state)]
        except Exception as exc:
            if not step_error(exc):
                raise
            state.fail("verify", exc)
            return
        if wrong:
            state.error = "verification failed (" + ", ".join(wrong) + "); source left untouched"
            return
        state.verified = True

    def _delete(self, states: Sequence[UnitState]) -> None:
        for start in range(0, len(states), DELETE_BATCH):
            batch = states[start : start + DELETE_BATCH]
            ids = [AssetId(i) for s in batch for i in s.unit.source_ids]
            try:
                # trash, not force: Immich deletes the file when the trash is emptied
                self.source.assets.delete(ids, force=False)
            except Exception as exc:
                if not step_error(exc):
                    raise
                for state in batch:
                    state.fail("copied and verified, but trashing the source failed", exc)
                continue
            for state in batch:
                state.source_deleted = True


def _motion_mismatch(motion: AssetFull, state: UnitState) -> list[str]:
    if checksum_hex(motion.checksum) != state.motion_sha1.lower():
        return ["checksum differs from the file's"]
    return []


def _before(asset: AssetFull) -> dict[str, JsonValue]:
    exif = asset.exif_info
    return {
        "is_favorite": asset.is_favorite,
        "visibility": asset.visibility,
        "description": (exif.description if exif else None) or "",
        "rating": exif.rating if exif else None,
        "latitude": exif.latitude if exif else None,
        "longitude": exif.longitude if exif else None,
        "date_time_original": exif.date_time_original if exif else None,
        "time_zone": exif.time_zone if exif else None,
        "tags": list[JsonValue](sorted(str(t.id) for t in asset.tags)),
        "live_photo_video_id": asset.live_photo_video_id,
    }
