"""Settle what a killed process left `applying`, before anything is planned anew.

A SIGKILL between a request and its journal line leaves the action `applying`: its
effect on the server is unknown, so undo cannot reverse it. Resuming the same plan
settles it, but a re-run usually plans differently (the server moved), and the old run
would keep that hole forever. `settle_cut_off` re-applies those actions with the job's
executor (idempotent by contract: the server already has the effect, or gets it now)
and journals the outcome, so their inverse is known and `runs undo` covers them. A job
whose actions only make sense a batch at a time (and read what the cut-off attempt
journaled) settles a whole run itself: its executor is a `RunSettler`.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Protocol, runtime_checkable

from immkit.engine.apply import Executor, PartlyApplied
from immkit.engine.journal import EntryStatus, Journal, Run, RunStatus
from immkit.errors import ApiError, EnvError, ImmkitError

log = logging.getLogger(__name__)


@runtime_checkable
class RunSettler(Protocol):
    """An executor that settles a dead run's `applying` actions itself."""

    def settle_run(self, journal: Journal, run: Run) -> int | None:
        """Re-apply the run's `applying` actions, journal their fates; how many applied.
        None: not a run of this kind, settle it action by action."""
        ...


def settle_cut_off(
    journal: Journal, executor: Executor, job: str, profile: str | None, *, run: Run | None = None
) -> int:
    """Re-apply the `applying` actions of dead runs of `job` (or of `run` alone).

    Returns how many were settled. A run a live process (this one included: the daemon
    runs rules in threads) is applying is left alone.

    Raises:
        EnvError (not ApiError): the server or database is gone; nothing more is tried.
    """
    settled = 0
    for record in [run] if run is not None else journal.cut_off(job, profile):
        if journal.is_active(record) or (run is None and _this_process(record)):
            continue
        if isinstance(executor, RunSettler):
            done = executor.settle_run(journal, record)
            if done is not None:
                settled += done
                continue
        plan = {a.id: a for a in journal.plan(record).actions}
        for entry in journal.entries(record):
            action = plan.get(entry.action_id)
            if entry.status is not EntryStatus.APPLYING or action is None:
                continue
            try:
                outcome = executor.apply(action)
            except PartlyApplied as partial:
                journal.fail(record, action, str(partial.error), partial.undo)
                log.warning("Settling %s %s failed: %s", action.kind, action.target_label, partial)
                continue
            except ImmkitError as exc:
                journal.fail(record, action, str(exc))
                log.warning("Settling %s %s failed: %s", action.kind, action.target_label, exc)
                if isinstance(exc, EnvError) and not isinstance(exc, ApiError):
                    raise
                continue
            journal.succeed(record, action, outcome.undo, outcome.detail)
            settled += 1
            log.info(
                "Run %s: %s %s was cut off by a crash; settled now",
                record.id,
                action.kind,
                action.target_label,
            )
    return settled


def _this_process(run: Run) -> bool:
    """A run of this very process is live in another thread (the daemon runs rules in
    parallel); only a process that died leaves a run `applying` behind."""
    return (
        run.status is RunStatus.RUNNING
        and run.pid == os.getpid()
        and run.host == socket.gethostname()
    )
