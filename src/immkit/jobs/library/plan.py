"""The internalize plan: one action per unit (a still, with its motion video if live).

Pure: the same snapshot and options always give the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from immkit.engine import Action, ActionKind, Plan
from immkit.jobs.assetcopy.model import Unit
from immkit.jobs.library.collect import Snapshot

JOB = "library.internalize"


class LibraryKind(ActionKind):
    INTERNALIZE = "library.internalize"
    # inverse actions, for `immkit runs undo`
    RESTORE_EXTERNAL = "library.restore_external"
    REVERT_INTERNAL = "library.revert_internal"
    SET_PATHS = "library.set_paths"


class Counts(BaseModel):
    """What a dry run promises; `unknown` = not checked (file not readable here)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    assets: int
    live_photos: int
    to_upload: int
    already_internal: int
    unknown: int
    to_delete: int
    bytes: int
    offline: int
    done_before: int


def plan_internalize(
    snapshot: Snapshot,
    *,
    keep_external: bool,
    profile: str | None,
    owner_profile: str | None = None,
) -> Plan:
    """Decide what happens to every unit; the server is never asked. `owner_profile` (the
    profile uploads are made with, when not `profile`) is kept for settling a cut-off run."""
    actions = [
        _action(unit, snapshot.library.id, keep_external, owner_profile) for unit in snapshot.units
    ]
    return Plan(
        job=JOB,
        profile=profile,
        fingerprint=snapshot.fingerprint,
        actions=tuple(sorted(actions)),
        notes=tuple(_notes(snapshot, keep_external)),
        empty_message=(
            f"No changes: library {snapshot.library.name!r} has no external asset left "
            "to internalize."
        ),
    )


def counts(
    snapshot: Snapshot, *, keep_external: bool, existing: Mapping[str, str | None] | None = None
) -> Counts:
    """Dry-run counts; `existing` maps a unit id to its internal twin (None: none, absent:
    not checked)."""
    found = existing or {}
    internal = sum(1 for u in snapshot.units if found.get(u.id))
    checked = sum(1 for u in snapshot.units if u.id in found)
    return Counts(
        assets=sum(len(u.source_ids) for u in snapshot.units),
        live_photos=sum(1 for u in snapshot.units if u.motion),
        to_upload=len(snapshot.units) - internal,
        already_internal=internal,
        unknown=len(snapshot.units) - checked,
        to_delete=0 if keep_external else sum(len(u.source_ids) for u in snapshot.units),
        bytes=sum(u.size for u in snapshot.units),
        offline=len(snapshot.offline),
        done_before=len(snapshot.done_before),
    )


def _action(unit: Unit, library_id: str, keep_external: bool, owner_profile: str | None) -> Action:
    uploads = len(unit.source_ids)
    # per unit; album adds, the batch read-back search and the trash are shared by a batch
    # (a sidecar found at apply time adds a copy)
    requests = {"POST /assets": uploads, "PUT /assets": 1}
    if unit.still.copy_extras:
        requests["PUT /assets/copy"] = 1
    if unit.still.tags:
        requests["GET /assets/{id}"] = uploads
    if unit.still.tags:
        requests["PUT /tags/{id}/assets"] = len(unit.still.tags)
    if unit.still.faces:
        requests["GET /faces"] = 1
        requests["POST /faces"] = len(unit.still.faces)
    if not keep_external:
        requests["DELETE /assets"] = 1
    what = "live photo" if unit.motion else unit.still.type.lower()
    reason = f"upload this {what} as the owner, carry albums and metadata, verify"
    if not keep_external:
        reason += ", then trash the external asset (its file is deleted when the trash is emptied)"
    return Action(
        kind=LibraryKind.INTERNALIZE,
        target=unit.id,
        target_label=unit.still.path,
        params={
            "library_id": library_id,
            "keep_external": keep_external,
            "owner_profile": owner_profile,
            "unit": unit.model_dump(mode="json"),
        },
        reason=reason,
        requests=requests,
        destructive=not keep_external,
    )


def _notes(snapshot: Snapshot, keep_external: bool) -> list[str]:
    lib = snapshot.library
    paths = ", ".join(lib.import_paths) or "its import paths"
    notes: list[str] = []
    if snapshot.units and not keep_external:
        notes.append(
            f"WARNING: once its internal copy is verified, each external asset goes to the "
            f"trash, and Immich DELETES ITS ORIGINAL FILE FROM DISK (under {paths}) when the "
            "trash is emptied, by you or automatically after the trash period. An asset whose "
            "copy was not verified is never touched. Use --keep-external to keep every file."
        )
    elif snapshot.units:
        notes.append("External assets and their files are kept (--keep-external).")
    if snapshot.offline:
        notes.append(
            f"{len(snapshot.offline)} offline assets are skipped: their files are gone from "
            f"{paths}."
        )
    if snapshot.done_before:
        notes.append(
            f"{len(snapshot.done_before)} assets were internalized by an earlier run and are "
            "not done again."
        )
    return notes
