"""The apply loop shared by every job: journal, execute, resume and count.

Executor contract (each job provides one):
- `apply(action)` performs one action and returns an `Outcome` whose `undo` holds the
  inverse actions (plain `Action`s of kinds the same executor can apply) and whose
  `detail` holds anything worth keeping (ids created, counts). It must be idempotent or
  reconcile: after a crash an action left `applying` is applied again, and the server
  may already have its effect. Undo actions are applied the same way.
- It raises an `ImmkitError` (e.g. `ApiError`) when the action failed; that action is
  journaled `failed` and the loop goes on. An action of many calls that failed part-way
  raises `PartlyApplied` instead: the error, and the inverse of the part that happened.
  Any other exception is a bug: it is journaled and propagates.
- Environment errors other than `ApiError` (server unreachable, key rejected, database
  gone) stop the loop: every later action would fail the same way. The run stays
  resumable.
- Actions and outcomes never carry secrets; they are stored in the journal as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, ConfigDict, JsonValue, computed_field

from immkit.engine.journal import EntryStatus, Journal, Run, RunStatus
from immkit.engine.plan import Action, Plan
from immkit.engine.progress import NullProgress, Progress
from immkit.errors import ApiError, EnvError, ImmkitError, StalePlanError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What applying one action left behind: how to undo it and what happened."""

    undo: list[Action] = field(default_factory=list)
    detail: dict[str, JsonValue] = field(default_factory=dict)


class Executor(Protocol):
    """Runs one job's actions (and their inverse actions) against the server."""

    def apply(self, action: Action) -> Outcome: ...


class PartlyApplied(Exception):
    """An action failed after part of it reached the server; `undo` reverses that part."""

    def __init__(self, error: ImmkitError, undo: list[Action]) -> None:
        super().__init__(str(error))
        self.error = error
        self.undo = undo


class Failure(BaseModel):
    """One action that failed, with the sentence the error gave."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action_id: str
    kind: str
    target: str
    message: str


class Result(BaseModel):
    """What an apply did; `exit_code` is 1 when any action failed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str | None
    job: str
    status: RunStatus
    resumed: bool = False
    applied: int = 0
    skipped: int = 0
    failed: int = 0
    pending: int = 0
    failures: tuple[Failure, ...] = ()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.status is RunStatus.FAILED else 0


def apply_plan(
    plan: Plan,
    executor: Executor,
    journal: Journal,
    *,
    profile: str | None = None,
    progress: Progress | None = None,
    resume: bool = True,
    stop_on_error: bool = False,
    hold_target: bool = False,
    verify_fingerprint: Callable[[], str] | None = None,
    undo_of: str | None = None,
) -> Result:
    """Apply every action of the plan in order, journaling each one before and after.

    With `resume`, an unfinished run of the same plan (same digest) is continued: applied
    entries are skipped, entries left `applying` or `failed` are applied again. With
    `hold_target`, once an action fails, the later actions on the same target wait (left
    planned) for the next attempt: undo's inverses of one target depend on each other
    (an album is deleted only once the photos put in it are out).

    Raises:
        StalePlanError: `verify_fingerprint()` differs from the plan's fingerprint.
        RunBusyError: another live process is applying the same plan.
    """
    progress = progress or NullProgress()
    profile = profile if profile is not None else plan.profile
    if not plan.actions:
        return Result(run_id=None, job=plan.job, status=RunStatus.DONE)
    run = journal.find_resumable(plan.job, profile, plan.digest()) if resume else None
    done: set[str] = set()
    touched = False
    if run is not None:
        entries = journal.entries(run)
        done = {e.action_id for e in entries if e.status is EntryStatus.APPLIED}
        touched = any(e.status is not EntryStatus.PLANNED for e in entries)
    if verify_fingerprint is not None:
        if run is not None and touched:
            # our own changes moved the fingerprint; idempotent executors cover the rest
            log.warning("Resuming run %s: the server changed since the plan, as expected", run.id)
        else:
            current = verify_fingerprint()
            if current != plan.fingerprint:
                raise StalePlanError(
                    f"The plan for {plan.job} is stale: the server changed since it was made "
                    f"(fingerprint {plan.fingerprint[:12]}, now {current[:12]}); plan again."
                )
    resumed = run is not None
    if run is None:
        run = journal.start_run(plan, profile, undo_of=undo_of)
    else:
        log.info(
            "Resuming run %s: %d of %d actions already applied",
            run.id,
            len(done),
            len(plan.actions),
        )
        run = journal.adopt(run)
    return _loop(
        plan,
        executor,
        journal,
        run,
        done,
        progress,
        resumed=resumed,
        stop_on_error=stop_on_error,
        hold_target=hold_target,
    )


def _loop(
    plan: Plan,
    executor: Executor,
    journal: Journal,
    run: Run,
    done: set[str],
    progress: Progress,
    *,
    resumed: bool,
    stop_on_error: bool,
    hold_target: bool = False,
) -> Result:
    applied = skipped = 0
    failures: list[Failure] = []
    failed_targets: set[str] = set()
    stopped = False
    progress.start(len(plan.actions), plan.job)
    try:
        for index, action in enumerate(plan.actions):
            if action.id in done:
                skipped += 1
                progress.advance()
                continue
            if hold_target and action.target in failed_targets:
                log.info("%s %s waits: an earlier action on it failed", action.kind, action.target)
                progress.advance()
                continue
            # journal before the call: a crash must leave an undoable trail
            journal.begin(run, action)
            try:
                outcome = executor.apply(action)
            except (ImmkitError, PartlyApplied) as raised:
                exc, undo = (
                    (raised.error, raised.undo)
                    if isinstance(raised, PartlyApplied)
                    else (raised, [])
                )
                journal.fail(run, action, str(exc), undo)
                failed_targets.add(action.target)
                failures.append(
                    Failure(
                        action_id=action.id,
                        kind=action.kind,
                        target=action.target,
                        message=str(exc),
                    )
                )
                log.warning("%s %s failed: %s", action.kind, action.target_label, exc)
                if stop_on_error or (isinstance(exc, EnvError) and not isinstance(exc, ApiError)):
                    stopped = index + 1 < len(plan.actions)
                    break
            except KeyboardInterrupt:
                # the call may or may not have happened: leave the entry `applying`
                journal.finish(run, RunStatus.INTERRUPTED)
                raise
            except Exception as exc:
                # only the type: a bug's message may hold anything, and the journal keeps it
                journal.fail(run, action, f"internal error: {type(exc).__name__}; rerun with -v")
                journal.finish(run, RunStatus.FAILED)
                raise
            else:
                journal.succeed(run, action, outcome.undo, outcome.detail)
                applied += 1
            progress.advance()
    finally:
        progress.finish()
    pending = len(plan.actions) - applied - skipped - len(failures)
    if stopped:
        status = RunStatus.FAILED
    elif failures:
        status = RunStatus.PARTIAL
    else:
        status = RunStatus.DONE
    journal.finish(run, status)
    return Result(
        run_id=run.id,
        job=plan.job,
        status=status,
        resumed=resumed,
        applied=applied,
        skipped=skipped,
        failed=len(failures),
        pending=pending,
        failures=tuple(failures),
    )
