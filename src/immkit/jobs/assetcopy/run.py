"""The journaled apply of unit actions, a batch at a time with bounded concurrency.

Same contract as `engine.apply_plan` (journal before the call, resume an unfinished run of
the same plan, failed actions retried, environment errors stop the run) but a batch of
actions is in flight at once, so uploads overlap and metadata calls are grouped. Only this
thread writes the journal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Protocol

from pydantic import JsonValue

from immkit.engine import (
    Action,
    EntryStatus,
    Failure,
    Journal,
    NullProgress,
    Plan,
    Progress,
    Result,
    Run,
    RunStatus,
)
from immkit.jobs.assetcopy.model import Unit
from immkit.jobs.assetcopy.state import UnitState

log = logging.getLogger(__name__)

UndoOf = Callable[[Action, UnitState], list[Action]]
UPLOADED = "uploaded"  # the detail key of an `applying` entry: ids this run uploaded


class CopyBatch(Protocol):
    """`AssetCopier.copy_batch`: `ours` and `uploaded` as documented there."""

    def __call__(
        self,
        units: Sequence[Unit],
        *,
        ours: AbstractSet[str],
        uploaded: Callable[[Sequence[UnitState]], None],
    ) -> list[UnitState]: ...


def run_units(
    plan: Plan,
    units: Mapping[str, Unit],
    copy_batch: CopyBatch,
    undo_of: UndoOf,
    journal: Journal,
    *,
    profile: str | None = None,
    progress: Progress | None = None,
    batch_size: int = 32,
) -> Result:
    """Apply every action (`units[action.id]` is its unit); returns counts and failures.

    Raises:
        RunBusyError: another live process applies the same plan.
    """
    progress = progress or NullProgress()
    profile = profile if profile is not None else plan.profile
    if not plan.actions:
        return Result(run_id=None, job=plan.job, status=RunStatus.DONE)
    run, resumed, done, ours = _open_run(journal, plan, profile)
    todo = [a for a in plan.actions if a.id not in done]
    applied = 0
    failures: list[Failure] = []
    stopped = False
    progress.start(len(plan.actions), plan.job)
    progress.advance(len(plan.actions) - len(todo))
    try:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            ok, failed, fatal = _run_batch(journal, run, batch, units, copy_batch, undo_of, ours)
            applied += ok
            failures += failed
            progress.advance(len(batch))
            if fatal:
                stopped = start + batch_size < len(todo)
                break
    except KeyboardInterrupt:
        # units in flight stay `applying`: the next run redoes them (uploads are idempotent)
        journal.finish(run, RunStatus.INTERRUPTED)
        raise
    except BaseException:
        journal.finish(run, RunStatus.FAILED)
        raise
    finally:
        progress.finish()
    status = RunStatus.FAILED if stopped else RunStatus.PARTIAL if failures else RunStatus.DONE
    journal.finish(run, status)
    return Result(
        run_id=run.id,
        job=plan.job,
        status=status,
        resumed=resumed,
        applied=applied,
        skipped=len(plan.actions) - len(todo),
        failed=len(failures),
        pending=len(todo) - applied - len(failures),
        failures=tuple(failures),
    )


def _open_run(
    journal: Journal, plan: Plan, profile: str | None
) -> tuple[Run, bool, set[str], dict[str, set[str]]]:
    """The run (resumed or new), whether resumed, the actions done, and per action the
    target ids an earlier attempt of the run uploaded itself (journaled)."""
    run = journal.find_resumable(plan.job, profile, plan.digest())
    if run is None:
        return journal.start_run(plan, profile), False, set(), {}
    done: set[str] = set()
    ours: dict[str, set[str]] = {}
    for entry in journal.entries(run):
        if entry.status is EntryStatus.APPLIED:
            done.add(entry.action_id)
        else:
            ours[entry.action_id] = _uploaded(entry.detail)
    log.info("Resuming run %s: %d of %d units done", run.id, len(done), len(plan.actions))
    return journal.adopt(run), True, done, ours


def _run_batch(
    journal: Journal,
    run: Run,
    batch: list[Action],
    units: Mapping[str, Unit],
    copy_batch: CopyBatch,
    undo_of: UndoOf,
    ours: dict[str, set[str]],
) -> tuple[int, list[Failure], bool]:
    """One batch, journaled: how many applied, the failures, and whether one was fatal."""
    # journal before the calls (one commit for the batch): a crash must leave an undoable
    # trail
    journal.begin_many(run, batch)

    def note(states: Sequence[UnitState]) -> None:
        # before the carry: a resumed attempt tells its own uploads from the copies the
        # target had before (see `note_uploads`)
        note_uploads(journal, run, batch, states, ours)

    states = copy_batch(
        [units[a.id] for a in batch],
        ours=set().union(*(ours.get(a.id, set()) for a in batch)),
        uploaded=note,
    )
    done_ok: list[tuple[Action, list[Action], dict[str, JsonValue]]] = []
    done_failed: list[tuple[Action, str]] = []
    failures: list[Failure] = []
    for action, state in zip(batch, states, strict=True):
        if state.ok:
            done_ok.append((action, undo_of(action, state), state.detail()))
            continue
        message = state.error or "failed"
        done_failed.append((action, message))
        failures.append(
            Failure(action_id=action.id, kind=action.kind, target=action.target, message=message)
        )
        log.warning("%s failed: %s", action.target_label, message)
    # the batch's fates in one commit
    journal.finish_many(run, done_ok, done_failed)
    return len(done_ok), failures, any(s.fatal for s in states)


def note_uploads(
    journal: Journal,
    run: Run,
    batch: Sequence[Action],
    states: Sequence[UnitState],
    ours: dict[str, set[str]],
) -> None:
    """Journal, in one commit, the target ids each unit of the batch uploaded itself.

    A process killed after its uploads leaves its units `applying`; when the run resumes,
    each upload answers `duplicate`, and only this note tells such a copy (created by the
    run: undo removes it) from one the target had before the plan (undo must keep it). A
    kill between an upload's answer and this commit leaves that copy unrecorded: the
    resumed run then takes it for a copy that was there before, the safe side (undo keeps
    it and restores the external asset: the photo is there twice, none is lost).
    """
    notes: list[tuple[Action, dict[str, JsonValue]]] = []
    for action, state in zip(batch, states, strict=True):
        mine = set(ours.get(action.id, set()))
        if state.created and state.target_id:
            mine.add(state.target_id)
        if state.motion_created and state.motion_target_id:
            mine.add(state.motion_target_id)
        if mine != ours.get(action.id, set()):
            ours[action.id] = mine
            notes.append((action, {UPLOADED: list[JsonValue](sorted(mine))}))
    journal.note_many(run, notes)


def _uploaded(detail: Mapping[str, JsonValue]) -> set[str]:
    ids = detail.get(UPLOADED)
    return {str(i) for i in ids} if isinstance(ids, list) else set()
