"""Undo: a run's applied actions turned back, as a plan of their inverse actions.

Undo is a run of its own (job `<job>.undo`, linked by `undo_of`), so it is journaled,
resumable and can itself be undone.
"""

from __future__ import annotations

import hashlib
import logging

from immkit.engine.apply import Executor, Result, apply_plan
from immkit.engine.journal import Entry, EntryStatus, Journal, Run, RunStatus
from immkit.engine.plan import Action, Plan
from immkit.engine.progress import Progress
from immkit.engine.settle import settle_cut_off
from immkit.errors import InputError

log = logging.getLogger(__name__)


def plan_undo(journal: Journal, run: Run) -> Plan:
    """The inverse actions of every applied entry, newest first; blockers become notes.

    Raises:
        InputError: the run was undone already, or is being applied right now.
    """
    _refuse_if_final(journal, run)
    entries = _applied_newest_first(journal.entries(run))
    actions: list[Action] = []
    seen: set[str] = set()
    for entry in entries:
        for inverse in entry.undo:
            # two entries can share an inverse (e.g. the same album deleted); run it once
            if inverse.id not in seen:
                seen.add(inverse.id)
                actions.append(_with_reason(inverse, entry, run))
    notes = _blockers(journal.entries(run), run)
    digest = hashlib.sha256(
        "\n".join([run.id, *(f"{e.action_id}:{e.applied_order}" for e in entries)]).encode()
    ).hexdigest()
    return Plan(
        job=f"{run.job}.undo",
        profile=run.profile,
        fingerprint=digest,
        actions=tuple(actions),
        notes=tuple(notes),
        empty_message=f"Run {run.id} left nothing that can be undone.",
    )


def undo_run(
    journal: Journal,
    run: Run,
    executor: Executor,
    progress: Progress | None = None,
    *,
    stop_on_error: bool = False,
) -> Result:
    """Apply `plan_undo(run)` as a run of its own, then mark the original `undone`.

    Actions the run left `applying` (a killed process) are settled first, so their
    effect is known and reversed too.

    Entries whose inverse actions all applied are marked `undone`, so a partial undo
    can be finished by undoing the same run again.

    Raises:
        InputError: the run was undone already, or is being applied right now.
    """
    _refuse_if_final(journal, run)
    if settle_cut_off(journal, executor, run.job, run.profile, run=run):
        run = journal.get_run(run.id)
    # an earlier undo killed between its last action and this bookkeeping: catch up
    _mark_undone(journal, run)
    plan = plan_undo(journal, run)
    result = apply_plan(
        plan,
        executor,
        journal,
        profile=run.profile,
        progress=progress,
        stop_on_error=stop_on_error,
        hold_target=True,
        undo_of=run.id,
    )
    # undone only when nothing of the run is left on the server, as far as we know
    if _mark_undone(journal, run) == 0:
        journal.finish(run, RunStatus.UNDONE)
        log.info("Run %s undone by run %s", run.id, result.run_id)
    return result


def _mark_undone(journal: Journal, run: Run) -> int:
    """Mark `undone` the entries whose inverses every undo run of `run` together applied;
    returns how many applied (or cut-off) entries are left."""
    applied_inverses = {
        e.action_id
        for undo in journal.undo_runs_of(run)
        for e in journal.entries(undo)
        if e.status is EntryStatus.APPLIED
    }
    left = 0
    for entry in journal.entries(run):
        if _reversible(entry) and entry.undo and all(a.id in applied_inverses for a in entry.undo):
            journal.mark(run, entry.action_id, EntryStatus.UNDONE)
        elif _reversible(entry) or entry.status is EntryStatus.APPLYING:
            left += 1
    return left


def _refuse_if_final(journal: Journal, run: Run) -> None:
    if run.status is RunStatus.UNDONE:
        by = journal.undo_runs_of(run)
        how = f" by run {by[0].id}" if by else ""
        raise InputError(f"Run {run.id} was already undone{how}; there is nothing left to undo.")
    if journal.is_active(run):
        raise InputError(
            f"Run {run.id} is being applied by process {run.pid}; undo it once it has finished."
        )


def _reversible(entry: Entry) -> bool:
    """Applied, or failed part-way (the part that happened has its inverse)."""
    return entry.status is EntryStatus.APPLIED or (
        entry.status is EntryStatus.FAILED and bool(entry.undo)
    )


def _applied_newest_first(entries: list[Entry]) -> list[Entry]:
    applied = [e for e in entries if _reversible(e)]
    return sorted(applied, key=lambda e: (e.applied_order or 0, e.seq), reverse=True)


def _with_reason(inverse: Action, entry: Entry, run: Run) -> Action:
    # reason is not part of the id, so the copy keeps the executor's identity of the action
    reason = inverse.reason or f"undo {entry.kind} {entry.target}"
    return inverse.model_copy(update={"reason": f"{reason} (run {run.id})"})


def _blockers(entries: list[Entry], run: Run) -> list[str]:
    notes: list[str] = []
    by_status: dict[EntryStatus, list[Entry]] = {}
    for entry in entries:
        by_status.setdefault(entry.status, []).append(entry)
    failed = by_status.get(EntryStatus.FAILED, [])
    if clean := [e for e in failed if not e.undo]:
        notes.append(f"{len(clean):,} action(s) of run {run.id} failed; they changed nothing.")
    if partly := [e for e in failed if e.undo]:
        notes.append(
            f"{len(partly):,} action(s) of run {run.id} failed part-way; the part that reached "
            "the server is reversed."
        )
    if applying := by_status.get(EntryStatus.APPLYING):
        ids = ", ".join(e.action_id for e in applying[:5])
        notes.append(
            f"{len(applying):,} action(s) were cut off mid-call ({ids}); the undo applies "
            "them again first (they are idempotent), then reverses them too."
        )
    if pending := by_status.get(EntryStatus.PLANNED):
        notes.append(f"{len(pending):,} action(s) were never applied.")
    if undone := by_status.get(EntryStatus.UNDONE):
        notes.append(f"{len(undone):,} action(s) were undone already and are left alone.")
    irreversible = [e for e in by_status.get(EntryStatus.APPLIED, []) if not e.undo]
    if irreversible:
        kinds = ", ".join(sorted({e.kind for e in irreversible}))
        notes.append(f"{len(irreversible):,} applied action(s) cannot be undone ({kinds}).")
    return notes
