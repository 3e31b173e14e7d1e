"""settle_cut_off: what a killed run left `applying` is applied again and journaled."""

from __future__ import annotations

import os
import sqlite3
import subprocess

from immkit.engine import EntryStatus, Journal
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
