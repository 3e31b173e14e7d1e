"""settle_cut_off: what a killed run left `applying` is applied again and journaled."""

from __future__ import annotations

import os
import sqlite3
import subprocess

from immkit.engine import EntryStatus, Journal, Run
from immkit.engine.settle import settle_cut_off
from tests.unit.engine.store import StoreExecutor, add, store_plan


def test_a_dead_runs_cut_off_action_is_applied_and_gets_its_undo(
    journal: Journal, store: StoreExecutor
) -> None:
    plan = store_plan(add("a", "1"), add("b", "2"))
    run = journal.start_run(plan, "home")
    journal.begin(run, plan.actions[0])  # the process died here
    _set_pid(journal, run.id, _dead_pid())
    assert [r.id for r in journal.cut_off(plan.job, "home")] == [run.id]
    assert settle_cut_off(journal, store, plan.job, "home") == 1
    entries = journal.entries(run)
    assert [e.status for e in entries] == [EntryStatus.APPLIED, EntryStatus.PLANNED]
    assert entries[0].undo  # runs undo can now reverse it
    assert store.data == {"a": "1"}
    assert journal.cut_off(plan.job, "home") == []
    assert settle_cut_off(journal, store, plan.job, "home") == 0


def test_a_run_another_live_process_applies_is_left_alone(
    journal: Journal, store: StoreExecutor
) -> None:
    plan = store_plan(add("a", "1"))
    run = journal.start_run(plan, "home")
    journal.begin(run, plan.actions[0])
    _set_pid(journal, run.id, os.getppid())
    assert settle_cut_off(journal, store, plan.job, "home") == 0
    assert store.data == {}


def test_a_failing_settle_is_journaled_failed(journal: Journal, store: StoreExecutor) -> None:
    plan = store_plan(add("a", "1"))
    run = journal.start_run(plan, "home")
    journal.begin(run, plan.actions[0])
    _set_pid(journal, run.id, _dead_pid())
    store.failing.add("a")
    assert settle_cut_off(journal, store, plan.job, "home") == 0
    assert journal.entries(run)[0].status is EntryStatus.FAILED


def test_a_run_of_this_process_is_live_in_another_thread(
    journal: Journal, store: StoreExecutor
) -> None:
    plan = store_plan(add("a", "1"))
    run = journal.start_run(plan, "home")
    journal.begin(run, plan.actions[0])  # the daemon's other thread is mid-call
    assert settle_cut_off(journal, store, plan.job, "home") == 0
    assert store.data == {}


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _set_pid(journal: Journal, run_id: str, pid: int) -> None:
    raw = sqlite3.connect(journal.path)
    try:
        with raw:
            raw.execute("UPDATE runs SET pid = ? WHERE id = ?", (pid, run_id))
    finally:
        raw.close()


class WholeRunSettler(StoreExecutor):
    """Settles runs of key `w*` itself (as one batch); others it leaves to the engine."""

    def __init__(self) -> None:
        super().__init__()
        self.settled: list[str] = []

    def settle_run(self, journal: Journal, run: Run) -> int | None:
        plan = journal.plan(run)
        if not all(a.target.startswith("w") for a in plan.actions):
            return None
        self.settled.append(run.id)
        for entry in journal.entries(run):
            if entry.status is EntryStatus.APPLYING:
                action = next(a for a in plan.actions if a.id == entry.action_id)
                outcome = self.apply(action)
                journal.succeed(run, action, outcome.undo, outcome.detail)
        return 1


def test_a_run_settler_settles_its_runs_and_leaves_the_others_to_the_engine(
    journal: Journal,
) -> None:
    settler = WholeRunSettler()
    ours, theirs = store_plan(add("w1", "1")), store_plan(add("x", "2"), fingerprint="fp-2")
    runs = []
    for plan in (ours, theirs):
        run = journal.start_run(plan, "home")
        journal.begin(run, plan.actions[0])
        _set_pid(journal, run.id, _dead_pid())
        runs.append(run)
    assert settle_cut_off(journal, settler, ours.job, "home") == 2
    assert settler.settled == [runs[0].id]
    assert settler.data == {"w1": "1", "x": "2"}
    assert [journal.entries(r)[0].status for r in runs] == [EntryStatus.APPLIED] * 2
