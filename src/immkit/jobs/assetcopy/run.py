"""The journaled apply of unit actions, a batch at a time with bounded concurrency.

Same contract as `engine.apply_plan` (journal before the call, resume an unfinished run of
the same plan, failed actions retried, environment errors stop the run) but a batch of
actions is in flight at once, so uploads overlap and metadata calls are grouped. Only this
thread writes the journal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

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
    RunStatus,
)
from immkit.jobs.assetcopy.model import Unit
from immkit.jobs.assetcopy.state import UnitState

log = logging.getLogger(__name__)

CopyBatch = Callable[[Sequence[Unit]], list[UnitState]]
UndoOf = Callable[[Action, UnitState], list[Action]]


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
    run = journal.find_resumable(plan.job, profile, plan.digest())
    done: set[str] = set()
    resumed = run is not None
    if run is None:
        run = journal.start_run(plan, profile)
    else:
        done = {e.action_id for e in journal.entries(run) if e.status is EntryStatus.APPLIED}
        log.info("Resuming run %s: %d of %d units done", run.id, len(done), len(plan.actions))
        run = journal.adopt(run)
    todo = [a for a in plan.actions if a.id not in done]
    applied = 0
    failures: list[Failure] = []
    stopped = False
    progress.start(len(plan.actions), plan.job)
    progress.advance(len(plan.actions) - len(todo))
    try:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            # journal before the calls (one commit for the batch): a crash must leave an
            # undoable trail
            journal.begin_many(run, batch)
            states = copy_batch([units[a.id] for a in batch])
            done_ok: list[tuple[Action, list[Action], dict[str, JsonValue]]] = []
            done_failed: list[tuple[Action, str]] = []
            for action, state in zip(batch, states, strict=True):
                if state.ok:
                    done_ok.append((action, undo_of(action, state), state.detail()))
                else:
                    message = state.error or "failed"
                    done_failed.append((action, message))
                    failures.append(
                        Failure(
                            action_id=action.id,
                            kind=action.kind,
                            target=action.target,
                            message=message,
                        )
                    )
                    log.warning("%s failed: %s", action.target_label, message)
            # the batch's fates in one commit
            journal.finish_many(run, done_ok, done_failed)
            applied += len(done_ok)
            progress.advance(len(batch))
            if any(s.fatal for s in states):
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
