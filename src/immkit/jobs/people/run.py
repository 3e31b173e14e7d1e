"""Import people into a target: collect → plan → (unless dry-run) apply, journaled."""

from __future__ import annotations

from dataclasses import dataclass

from immkit.engine import Journal, Plan, Progress, Result, apply_plan
from immkit.engine.settle import settle_cut_off
from immkit.immich import Immich
from immkit.jobs.people.apply import PeopleExecutor
from immkit.jobs.people.collect import read_target
from immkit.jobs.people.exportfile import PeopleFile
from immkit.jobs.people.plan import JOB, Options, Report, plan_import


@dataclass
class ImportOutcome:
    plan: Plan
    report: Report
    result: Result | None = None


def import_people(
    target: Immich,
    source: PeopleFile,
    options: Options,
    *,
    journal: Journal,
    profile: str | None,
    dry_run: bool,
    progress: Progress | None = None,
    executor: PeopleExecutor | None = None,
) -> ImportOutcome:
    """Plan the import of `source` into `target`; apply it unless `dry_run`.

    What a killed run left `applying` is settled first: a person it created before the
    kill would otherwise be taken for one the target had (the new plan reuses it), and
    no undo would remove it.
    """
    if not dry_run:
        settle_cut_off(journal, PeopleExecutor(target, resuming=True), JOB, profile)
    snapshot = read_target(target, source)
    plan, report = plan_import(source, snapshot, options, profile=profile)
    if dry_run or not plan.actions:
        return ImportOutcome(plan, report)
    resuming = journal.find_resumable(plan.job, profile, plan.digest()) is not None
    executor = executor or PeopleExecutor(target)
    executor.resuming = executor.resuming or resuming
    result = apply_plan(plan, executor, journal, profile=profile, progress=progress)
    return ImportOutcome(plan, report, result)
