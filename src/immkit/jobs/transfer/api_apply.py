"""API-mode apply: each photo through the asset-copy pipeline from the source's key to the
target's, journaled per photo; and the inverse actions `immkit runs undo` applies.

Before the first photo, the target's side is resolved: its people of the same names
(found or created by the plan's person actions, journaled in the same run so undo deletes
the ones created: see `api_people`), its tags of the same values (created, with their
parents; undo keeps them) and the albums it may add to (owned, or shared with it as editor).
A photo whose copy the target had already is one this job uploaded before a crash (the
plan left out every copy that was there before), so it is finished, not uploaded again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from pydantic import JsonValue

from immkit.engine import (
    Action,
    EntryStatus,
    Journal,
    Outcome,
    Plan,
    Progress,
    Result,
    Run,
    RunStatus,
)
from immkit.errors import ImmkitError, InputError, NotFoundError
from immkit.immich import AssetId, Immich, UserId
from immkit.jobs.assetcopy.files import SourceMode
from immkit.jobs.assetcopy.mapping import AccountMap
from immkit.jobs.assetcopy.model import Unit
from immkit.jobs.assetcopy.pipeline import AssetCopier, CopyOptions
from immkit.jobs.assetcopy.run import run_units
from immkit.jobs.assetcopy.state import UnitState
from immkit.jobs.transfer.api_collect import EDIT_ROLES, ApiSnapshot, tag_ids
from immkit.jobs.transfer.api_people import (
    person_steps,
    remove_person,
    resolve_people,
    settle_person,
)
from immkit.jobs.transfer.api_plan import JOB, ApiKind

log = logging.getLogger(__name__)

GatewayFor = Callable[[str], Immich]
RUNS_SCANNED = 200


def unfinished_units(journal: Journal) -> set[str]:
    """Source ids whose copy an earlier run of this job may have uploaded without
    finishing (cut off, or failed after the upload), in runs not undone."""
    found: set[str] = set()
    for run in journal.runs(RUNS_SCANNED):
        if run.job != JOB or run.status is RunStatus.UNDONE:
            continue
        for entry in journal.entries(run):
            if entry.kind != ApiKind.MOVE:
                continue
            if entry.status in (EntryStatus.APPLYING, EntryStatus.FAILED):
                found.add(entry.target)
    return found


def resolve_mapping(snapshot: ApiSnapshot, target: Immich, people: Mapping[str, str]) -> AccountMap:
    """The target's albums and tags for the snapshot's (tags created), and its `people`."""
    roles: dict[str, str | None] = {
        a.id: a.role_of(UserId(snapshot.target.id)) for a in target.albums.all()
    }
    albums = {a.id: a.id for a in snapshot.albums if roles.get(a.id) in EDIT_ROLES}
    by_value = tag_ids(target, [t.value for t in snapshot.tags])
    tags = {t.id: by_value[t.value] for t in snapshot.tags if t.value in by_value}
    return AccountMap(albums=albums, tags=tags, people=dict(people))


def open_run(plan: Plan, journal: Journal) -> tuple[Run, bool]:
    """The unfinished run of this plan (adopted), or a new one; and whether it resumes.
    `run_units` then finds the same run and goes on with the photos."""
    run = journal.find_resumable(plan.job, plan.profile, plan.digest())
    if run is None:
        return journal.start_run(plan, plan.profile), False
    return journal.adopt(run), True


def apply_api(
    plan: Plan,
    snapshot: ApiSnapshot,
    source: Immich,
    target: Immich,
    journal: Journal,
    *,
    source_profile: str,
    target_profile: str,
    concurrency: int = 4,
    tmp_dir: Path | None = None,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> Result:
    """Run the plan; a source photo is trashed only after its copy was read back and matched."""
    units = {
        a.id: Unit.model_validate(a.params["unit"]) for a in plan.actions if a.kind == ApiKind.MOVE
    }
    mapping = AccountMap()
    resumed = False
    if plan.actions:
        run, resumed = open_run(plan, journal)
        try:
            people = resolve_people(plan, run, journal, target)
            mapping = resolve_mapping(snapshot, target, people)
        except KeyboardInterrupt:
            journal.finish(run, RunStatus.INTERRUPTED)
            raise
        except BaseException:
            journal.finish(run, RunStatus.FAILED)
            raise
    options = CopyOptions(
        delete_source=True,
        source_mode=SourceMode.DOWNLOAD,
        tmp_dir=tmp_dir,
        workers=concurrency,
        mapping=mapping,
        precheck=True,
        duplicates_are_ours=True,
    )

    def undo_of(action: Action, state: UnitState) -> list[Action]:
        return undo_actions(state, source_profile, target_profile)

    with AssetCopier(source, target, options) as copier:
        result = run_units(
            plan,
            units,
            copier.copy_batch,
            undo_of,
            journal,
            progress=progress,
            batch_size=batch_size or max(16, 16 * concurrency),
        )
    # the person actions were applied above, not skipped as done by an earlier attempt
    skipped = max(0, result.skipped - len(person_steps(plan)))
    return result.model_copy(update={"resumed": resumed, "skipped": skipped})


def undo_actions(state: UnitState, source_profile: str, target_profile: str) -> list[Action]:
    """Restore the source first, then remove the copy (never the other way round)."""
    unit = state.unit
    actions: list[Action] = []
    if state.source_deleted:
        actions.append(
            Action(
                kind=ApiKind.RESTORE_SOURCE,
                target=unit.id,
                target_label=unit.still.file_name,
                params={"ids": list(unit.source_ids), "source_profile": source_profile},
                reason="take the source's photo out of its trash",
                requests={"POST /trash/restore/assets": 1},
                effect="add",
            )
        )
    copies: list[JsonValue] = [state.target_id] if state.target_id else []
    if state.motion_target_id and state.motion_created:
        copies.append(state.motion_target_id)
    if state.created and copies:
        actions.append(
            Action(
                kind=ApiKind.REMOVE_COPY,
                target=state.target_id or unit.id,
                target_label=unit.still.file_name,
                params={
                    "source_ids": list(unit.source_ids),
                    "copies": copies,
                    "source_profile": source_profile,
                    "target_profile": target_profile,
                },
                reason="trash the target's copy",
                requests={"DELETE /assets": 1},
                destructive=True,
                effect="remove",
            )
        )
    return actions


class ApiTransferExecutor:
    """Applies the inverse actions of API-mode transfer runs, with each side's own key."""

    def __init__(self, gateway_for: GatewayFor) -> None:
        self._gateway_for = gateway_for

    def apply(self, action: Action) -> Outcome:
        if action.kind == ApiKind.RESTORE_SOURCE:
            return self._restore(action)
        if action.kind == ApiKind.REMOVE_COPY:
            return self._remove(action)
        if action.kind == ApiKind.REMOVE_PERSON:
            return remove_person(action, self._side(action, "target_profile"))
        if action.kind == ApiKind.KEEP_PERSON:
            return Outcome(detail={"kept": action.params.get("person")})
        if action.kind == ApiKind.PERSON:  # cut off by a crash, settled before an undo
            return settle_person(action, self._side(action, "target_profile"))
        raise InputError(f"{action.kind} is applied by `immkit transfer --mode api`; run it again.")

    def _side(self, action: Action, key: str) -> Immich:
        return self._gateway_for(str(action.params[key]))

    def _restore(self, action: Action) -> Outcome:
        source = self._side(action, "source_profile")
        ids = [AssetId(str(i)) for i in _list(action.params.get("ids"))]
        source.assets.restore(ids)
        for asset_id in ids:
            if not _live(source, asset_id):
                raise NotFoundError(
                    f"The source's photo {action.target_label} ({asset_id}) cannot be restored: "
                    "its trash was emptied and Immich deleted the file; the target's copy is kept."
                )
        return Outcome(detail={"restored": len(ids)})

    def _remove(self, action: Action) -> Outcome:
        source = self._side(action, "source_profile")
        for source_id in _list(action.params.get("source_ids")):
            if not _live(source, AssetId(str(source_id))):
                raise InputError(
                    f"The target's copy of {action.target_label} is kept: the source's photo is "
                    "gone (deleted, or still in the trash), so the copy is the only one."
                )
        target = self._side(action, "target_profile")
        copies = [AssetId(str(i)) for i in _list(action.params.get("copies"))]
        target.assets.delete(copies, force=False)
        return Outcome(detail={"trashed": len(copies)})


def _list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


def _live(owner: Immich, asset_id: AssetId) -> bool:
    try:
        return not owner.assets.get(asset_id).is_trashed
    except ImmkitError:
        return False


__all__ = [
    "ApiTransferExecutor",
    "apply_api",
    "resolve_mapping",
    "undo_actions",
    "unfinished_units",
]
