"""Apply an internalize plan through the asset-copy pipeline; undo what can be undone.

Undo restores the external asset from the trash (possible until the trash is emptied:
then Immich has deleted its file and nothing can bring it back), and only once the
external asset is back does it remove the internal copy it uploaded, or put back the
albums, tags and metadata an internal copy that existed before had. It never removes an
internal copy whose external asset is gone: that copy is the only one left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pydantic import JsonValue

from immkit.engine import Action, Journal, Outcome, Plan, Progress, Result, Run
from immkit.errors import ImmkitError, InputError, NotFoundError
from immkit.immich import AlbumId, AssetId, AssetUpdate, FaceId, Immich, LibraryUpdate, TagId
from immkit.jobs.assetcopy.files import SourceMode
from immkit.jobs.assetcopy.model import Unit
from immkit.jobs.assetcopy.pipeline import AssetCopier, CopyOptions
from immkit.jobs.assetcopy.run import run_units, settle_units
from immkit.jobs.assetcopy.state import UnitState
from immkit.jobs.library.collect import Snapshot, albums_by_asset
from immkit.jobs.library.plan import JOB, LibraryKind
from immkit.jobs.people.face_undo import delete_faces, unassign_faces

log = logging.getLogger(__name__)

OwnerFor = Callable[[str | None], Immich]


def internalize(
    plan: Plan,
    snapshot: Snapshot,
    owner: Immich,
    journal: Journal,
    *,
    owner_profile: str | None = None,
    concurrency: int = 4,
    source_mode: SourceMode = SourceMode.AUTO,
    tmp_dir: Path | None = None,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> Result:
    """Run the plan; each unit's external asset is trashed only after its copy verified."""
    units = {a.id: Unit.model_validate(a.params["unit"]) for a in plan.actions}
    keep = {a.id: bool(a.params.get("keep_external")) for a in plan.actions}
    keep_external = all(keep.values()) if keep else True
    albums_of = {k: set(v) for k, v in snapshot.albums_of.items()}
    options = copy_options(
        delete_source=not keep_external,
        albums_of=lambda asset_id: albums_of.get(asset_id, set()),
        source_mode=source_mode,
        tmp_dir=tmp_dir,
        workers=concurrency,
    )

    def undo_of(action: Action, state: UnitState) -> list[Action]:
        return undo_actions(state, owner_profile)

    with AssetCopier(owner, owner, options) as copier:
        return run_units(
            plan,
            units,
            copier.copy_batch,
            undo_of,
            journal,
            progress=progress,
            batch_size=batch_size or max(16, 16 * concurrency),
        )


def copy_options(
    *,
    delete_source: bool,
    albums_of: Callable[[str], set[str]],
    source_mode: SourceMode = SourceMode.AUTO,
    tmp_dir: Path | None = None,
    workers: int = 4,
) -> CopyOptions:
    """How internalize copies, for a run and for settling a killed one alike: read back by
    search, and the batch checked before its uploads (local files hashed) so a copy whose
    answer was lost is still known as the job's own."""
    return CopyOptions(
        delete_source=delete_source,
        source_mode=source_mode,
        tmp_dir=tmp_dir,
        workers=workers,
        albums_of=albums_of,
        batch_verify=True,
        precheck=True,
        hash_local=True,
    )


def undo_actions(state: UnitState, owner_profile: str | None) -> list[Action]:
    """Inverse actions of one finished unit, in the order undo must run them."""
    unit = state.unit
    actions: list[Action] = []
    if state.source_deleted:
        actions.append(
            Action(
                kind=LibraryKind.RESTORE_EXTERNAL,
                target=unit.id,
                target_label=unit.still.path,
                params={"ids": list(unit.source_ids), "owner_profile": owner_profile},
                reason="take the external asset out of the trash",
                requests={"POST /trash/restore/assets": 1},
                effect="add",
            )
        )
    params: dict[str, JsonValue] = {
        "owner_profile": owner_profile,
        "source_ids": list(unit.source_ids),
        "target_id": state.target_id,
        "motion_target_id": state.motion_target_id,
        "created": state.created,
        "motion_created": state.motion_created,
        "albums_added": list(state.albums_added),
        "tags_added": list(state.tags_added),
        "before": state.before,
        "faces_drawn": list[JsonValue](state.faces_drawn),
        "faces_named": list[JsonValue](state.faces_named),
    }
    actions.append(
        Action(
            kind=LibraryKind.REVERT_INTERNAL,
            target=state.target_id or unit.id,
            target_label=unit.still.file_name,
            params=params,
            reason=(
                "trash the uploaded copy"
                if state.created
                else "put back the copy's albums, tags and metadata"
            ),
            destructive=state.created,
            effect="remove" if state.created else "change",
        )
    )
    return actions


def set_paths_action(
    library_id: str,
    name: str,
    import_paths: list[str],
    exclusion_patterns: list[str],
    reason: str,
) -> Action:
    return Action(
        kind=LibraryKind.SET_PATHS,
        target=library_id,
        target_label=name,
        params={
            "library_id": library_id,
            "import_paths": list[JsonValue](import_paths),
            "exclusion_patterns": list[JsonValue](exclusion_patterns),
        },
        reason=reason,
        requests={"PUT /libraries/{id}": 1},
    )


class LibraryExecutor:
    """Applies the inverse actions (and the import-path changes) of internalize runs."""

    def __init__(self, admin: Immich, owner_for: OwnerFor) -> None:
        self._admin = admin
        self._owner_for = owner_for

    def apply(self, action: Action) -> Outcome:
        kind = action.kind
        if kind == LibraryKind.RESTORE_EXTERNAL:
            return self._restore(action)
        if kind == LibraryKind.REVERT_INTERNAL:
            return self._revert(action)
        if kind == LibraryKind.SET_PATHS:
            return self._set_paths(action)
        raise InputError(
            f"{kind} is applied by `immkit library internalize`, not here; run it again."
        )

    def settle_run(self, journal: Journal, run: Run) -> int | None:
        """Copy again the units a killed internalize left `applying` (see `settle_units`);
        None for a run of other actions (`--after`'s path changes), settled one by one."""
        actions = [a for a in journal.plan(run).actions if a.kind == LibraryKind.INTERNALIZE]
        if not actions:
            return None
        profile = actions[0].params.get("owner_profile")
        owner_profile = profile if isinstance(profile, str) else None
        owner = self._owner_for(owner_profile)
        read: list[dict[str, set[str]]] = []

        def albums_of(asset_id: str) -> set[str]:
            if not read:  # only if a copy the owner had before turns up
                read.append(albums_by_asset(owner))
            return read[0].get(asset_id, set())

        options = copy_options(
            delete_source=not all(a.params.get("keep_external") for a in actions),
            albums_of=albums_of,
        )
        with AssetCopier(owner, owner, options) as copier:
            return settle_units(
                journal,
                run,
                copier.copy_batch,
                lambda _, state: undo_actions(state, owner_profile),
            )

    def _owner(self, action: Action) -> Immich:
        name = action.params.get("owner_profile")
        return self._owner_for(name if isinstance(name, str) else None)

    def _restore(self, action: Action) -> Outcome:
        owner = self._owner(action)
        ids = [AssetId(str(i)) for i in _list(action.params.get("ids"))]
        owner.assets.restore(ids)
        for asset_id in ids:
            if not _live(owner, asset_id):
                raise NotFoundError(
                    f"External asset {asset_id} ({action.target_label}) cannot be restored: the "
                    "trash was emptied and Immich deleted its file; its internal copy is kept."
                )
        return Outcome(detail={"restored": len(ids)})

    def _revert(self, action: Action) -> Outcome:
        owner = self._owner(action)
        p = action.params
        target = AssetId(str(p["target_id"]))
        for source_id in _list(p.get("source_ids")):
            if not _live(owner, AssetId(str(source_id))):
                raise InputError(
                    f"The internal copy {target} of {action.target_label} is kept: its external "
                    "asset is gone (deleted, or still in the trash), so the copy is the only one."
                )
        if p.get("created"):
            ids = [target]
            if p.get("motion_created") and p.get("motion_target_id"):
                ids.append(AssetId(str(p["motion_target_id"])))
            owner.assets.delete(ids, force=False)
            return Outcome(detail={"trashed": len(ids)})
        delete_faces(owner, [FaceId(str(f)) for f in _list(p.get("faces_drawn"))])
        unassign_faces(owner, [FaceId(str(f)) for f in _list(p.get("faces_named"))])
        for album_id in _list(p.get("albums_added")):
            owner.albums.remove_assets(AlbumId(str(album_id)), [target])
        for tag_id in _list(p.get("tags_added")):
            owner.tags.remove_assets(TagId(str(tag_id)), [target])
        before = p.get("before")
        if isinstance(before, dict):
            owner.assets.update(target, _update_from(before))
        return Outcome(detail={"reverted": target})

    def _set_paths(self, action: Action) -> Outcome:
        p = action.params
        library_id = str(p["library_id"])
        old = self._admin.libraries.get(library_id)  # type: ignore[arg-type]
        self._admin.libraries.update(
            library_id,  # type: ignore[arg-type]
            LibraryUpdate(
                import_paths=[str(x) for x in _list(p.get("import_paths"))],
                exclusion_patterns=[str(x) for x in _list(p.get("exclusion_patterns"))],
            ),
        )
        inverse = set_paths_action(
            library_id,
            old.name,
            old.import_paths,
            old.exclusion_patterns,
            "put the import paths and exclusion patterns back",
        )
        return Outcome(undo=[inverse])


def _list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


def _live(owner: Immich, asset_id: AssetId) -> bool:
    try:
        return not owner.assets.get(asset_id).is_trashed
    except ImmkitError:
        return False


def _update_from(before: dict[str, JsonValue]) -> AssetUpdate:
    fields: dict[str, object] = {
        "description": before.get("description") or "",
        "rating": before.get("rating"),
    }
    for key in ("is_favorite", "visibility"):
        if before.get(key) is not None:
            fields[key] = before[key]
    if before.get("latitude") is not None and before.get("longitude") is not None:
        fields["latitude"] = before["latitude"]
        fields["longitude"] = before["longitude"]
    if before.get("date_time_original"):
        fields["date_time_original"] = before["date_time_original"]
    if before.get("time_zone"):
        fields["time_zone"] = before["time_zone"]
    return AssetUpdate.model_validate(fields)


__all__ = ["JOB", "LibraryExecutor", "internalize", "set_paths_action", "undo_actions"]
