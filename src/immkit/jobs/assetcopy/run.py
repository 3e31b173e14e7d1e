"""The journaled apply of unit actions, a batch at a time with bounded concurrency.

Same contract as `engine.apply_plan` (journal before the call, resume an unfinished run of
the same plan, failed actions retried, environment errors stop the run) but a batch of
actions is in flight at once, so uploads overlap and metadata calls are grouped. Only this
thread writes the journal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
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
from immkit.jobs.assetcopy.state import Earlier, UnitState

log = logging.getLogger(__name__)

UndoOf = Callable[[Action, UnitState], list[Action]]


class CopyBatch(Protocol):
    """`AssetCopier.copy_batch`: `earlier` and `uploaded` as documented there."""

    def __call__(
        self,
        units: Sequence[Unit],
        *,
        earlier: Sequence[Earlier],
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
    run, resumed, done, notes = _open_run(journal, plan, profile, set(units))
    for action_id, note in earlier_notes(journal, plan.job, set(units), run).items():
        notes.setdefault(action_id, note)
    todo = [a for a in plan.actions if a.id not in done]
    applied = 0
    failures: list[Failure] = []
    stopped = False
    progress.start(len(plan.actions), plan.job)
    progress.advance(len(plan.actions) - len(todo))
    try:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            ok, failed, fatal = _run_batch(journal, run, batch, units, copy_batch, undo_of, notes)
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


RUNS_SCANNED = 200


def earlier_notes(
    journal: Journal, job: str, action_ids: set[str], current: Run
) -> dict[str, dict[str, JsonValue]]:
    """What earlier runs of the job journaled about units they began and did not finish
    (failed, or cut off): a unit planned again by a new run still knows which copies
    those attempts made. The oldest attempt's knowledge wins."""
    found: dict[str, dict[str, JsonValue]] = {}
    for run in journal.runs(RUNS_SCANNED):  # newest first
        if run.id == current.id or run.job != job:
            continue
        if run.status in (RunStatus.DONE, RunStatus.UNDONE):
            continue  # no unit of it is left failed or cut off
        for entry in journal.entries(run):
            if entry.action_id not in action_ids or not entry.detail:
                continue
            if entry.status not in (EntryStatus.FAILED, EntryStatus.APPLYING):
                continue
            note = found.setdefault(entry.action_id, {})
            uploaded = Earlier.of(note).uploaded | Earlier.of(entry.detail).uploaded
            note.update(entry.detail)
            note["uploaded"] = list[JsonValue](sorted(uploaded))
    return found


def _open_run(
    journal: Journal, plan: Plan, profile: str | None, unit_ids: set[str]
) -> tuple[Run, bool, set[str], dict[str, dict[str, JsonValue]]]:
    """The run (resumed or new), whether resumed, the actions done, and per action left
    the note an earlier, cut-off attempt of the run journaled (see `note_uploads`)."""
    run = journal.find_resumable(plan.job, profile, plan.digest())
    if run is None:
        return journal.start_run(plan, profile), False, set(), {}
    done: set[str] = set()
    notes: dict[str, dict[str, JsonValue]] = {}
    entries = journal.entries(run)
    for entry in entries:
        if entry.status is EntryStatus.APPLIED:
            done.add(entry.action_id)
        else:
            notes[entry.action_id] = entry.detail
    # a run the caller has just started (transfer: people first) is not news
    if any(e.status is not EntryStatus.PLANNED for e in entries if e.action_id in unit_ids):
        log.info("Resuming run %s: %d of %d units done", run.id, len(done), len(plan.actions))
    return journal.adopt(run), True, done, notes


def _run_batch(
    journal: Journal,
    run: Run,
    batch: list[Action],
    units: Mapping[str, Unit],
    copy_batch: CopyBatch,
    undo_of: UndoOf,
    notes: dict[str, dict[str, JsonValue]],
) -> tuple[int, list[Failure], bool]:
    """One batch, journaled: how many applied, the failures, and whether one was fatal."""
    # journal before the calls (one commit for the batch): a crash must leave an undoable
    # trail
    journal.begin_many(run, batch)

    def note(states: Sequence[UnitState]) -> None:
        # before the carry: a resumed attempt tells its own uploads from the copies the
        # target had before (see `note_uploads`)
        note_uploads(journal, run, batch, states, notes)

    states = copy_batch(
        [units[a.id] for a in batch],
        earlier=[Earlier.of(notes.get(a.id, {})) for a in batch],
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


def settle_units(
    journal: Journal, run: Run, copy_batch: CopyBatch, undo_of: UndoOf, batch_size: int = 32
) -> int:
    """Finish the units a dead process left `applying` in `run`; how many applied.

    A process killed after a batch's trash but before its journal commit leaves units
    whose external asset is gone from the next plan (trashed), so no later run resumes
    them, and without their inverse actions `runs undo` could not restore them. Copying
    them again with what the cut-off attempt noted is idempotent: the uploads answer
    `duplicate` (known as ours from the note), the carry and the verification run again,
    and trashing a trashed asset changes nothing.
    """
    entries = {e.action_id: e for e in journal.entries(run) if e.status is EntryStatus.APPLYING}
    batch_all = [a for a in journal.plan(run).actions if a.id in entries]
    units = {a.id: Unit.model_validate(a.params["unit"]) for a in batch_all}
    notes = {a.id: entries[a.id].detail for a in batch_all}
    applied = 0
    for start in range(0, len(batch_all), batch_size):
        batch = batch_all[start : start + batch_size]
        ok, _, fatal = _run_batch(journal, run, batch, units, copy_batch, undo_of, notes)
        applied += ok
        if fatal:
            break
    if batch_all:
        log.info(
            "Run %s: %d of %d units cut off by a crash settled now", run.id, applied, len(batch_all)
        )
    return applied


def note_uploads(
    journal: Journal,
    run: Run,
    batch: Sequence[Action],
    states: Sequence[UnitState],
    notes: dict[str, dict[str, JsonValue]],
) -> None:
    """Journal, in one commit, each unit's `UnitState.note` that changed: the target ids
    it uploaded itself, or the state of the copy the target had already.

    A process killed after its uploads leaves its units `applying`; when the run resumes,
    each upload answers `duplicate`, and only this note tells such a copy (created by the
    run: undo removes it) from one the target had before the plan (undo must keep it, and
    put back what it was before the first attempt's carry changed it). A kill between an
    upload's answer and this commit leaves that copy unrecorded: the resumed run then
    takes it for a copy that was there before, the safe side (undo keeps it and restores
    the external asset: the photo is there twice, none is lost).
    """
    changed: list[tuple[Action, dict[str, JsonValue]]] = []
    for action, state in zip(batch, states, strict=True):
        old = notes.get(action.id, {})
        new = state.note(Earlier.of(old))
        if new != old:
            notes[action.id] = new
            changed.append((action, new))
    journal.note_many(run, changed)
