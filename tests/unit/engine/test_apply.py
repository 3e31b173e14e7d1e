from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from immkit.engine import (
    Action,
    EntryStatus,
    Journal,
    Outcome,
    RunStatus,
    apply_plan,
)
from immkit.errors import RunBusyError, StalePlanError
from tests.unit.engine.store import StoreExecutor, add, remove, store_plan


def test_apply_runs_every_action_and_journals_undo(journal: Journal, store: StoreExecutor) -> None:
    plan = store_plan(add("a", "1"), add("b", "2"))
    result = apply_plan(plan, store, journal, profile="home")
    assert store.data == {"a": "1", "b": "2"}
    assert (result.applied, result.skipped, result.failed, result.exit_code) == (2, 0, 0, 0)
    run = journal.get_run(result.run_id or "")
    assert run.status is RunStatus.DONE
    assert [e.undo for e in journal.entries(run)] == [(remove("a"),), (remove("b"),)]


def test_failed_actions_are_counted_and_give_exit_code_1(
    journal: Journal, store: StoreExecutor
) -> None:
    store.failing = {"b"}
    result = apply_plan(store_plan(add("a", "1"), add("b", "2"), add("c", "3")), store, journal)
    assert (result.applied, result.failed, result.exit_code) == (2, 1, 1)
    assert result.status is RunStatus.PARTIAL
    (failure,) = result.failures
    assert failure.target == "b"
    assert "store is full" in failure.message
    statuses = [e.status for e in journal.entries(journal.get_run(result.run_id or ""))]
    assert statuses == [EntryStatus.APPLIED, EntryStatus.FAILED, EntryStatus.APPLIED]


def test_stop_on_error_leaves_the_rest_planned(journal: Journal, store: StoreExecutor) -> None:
    store.failing = {"a"}
    plan = store_plan(add("a", "1"), add("b", "2"))
    result = apply_plan(plan, store, journal, stop_on_error=True)
    assert (result.applied, result.failed, result.pending) == (0, 1, 1)
    assert result.status is RunStatus.FAILED
    assert store.data == {}


def test_unreachable_server_stops_the_loop(journal: Journal, store: StoreExecutor) -> None:
    store.unreachable = {"a"}
    result = apply_plan(store_plan(add("a", "1"), add("b", "2")), store, journal)
    assert store.calls == ["store.add a"]
    assert (result.failed, result.pending, result.exit_code) == (1, 1, 1)


def test_a_bug_in_the_executor_is_journaled_then_raised(
    journal: Journal, store: StoreExecutor
) -> None:
    store.broken = {"a"}
    with pytest.raises(RuntimeError, match="bug in executor"):
        apply_plan(store_plan(add("a", "1")), store, journal)
    (run,) = journal.runs()
    assert run.status is RunStatus.FAILED
    (entry,) = journal.entries(run)
    assert entry.status is EntryStatus.FAILED
    assert "internal error" in (entry.error or "")


def test_stale_fingerprint_is_refused_before_any_action(
    journal: Journal, store: StoreExecutor
) -> None:
    plan = store_plan(add("a", "1"), fingerprint="fp-old")
    with pytest.raises(StalePlanError, match=r"stale.*plan again"):
        apply_plan(plan, store, journal, verify_fingerprint=lambda: "fp-new")
    assert store.calls == []
    assert journal.runs() == []


def test_matching_fingerprint_lets_apply_go_ahead(journal: Journal, store: StoreExecutor) -> None:
    plan = store_plan(add("a", "1"), fingerprint="fp-1")
    assert apply_plan(plan, store, journal, verify_fingerprint=lambda: "fp-1").applied == 1


def test_empty_plan_applies_nothing_and_records_no_run(
    journal: Journal, store: StoreExecutor
) -> None:
    result = apply_plan(store_plan(), store, journal)
    assert (result.run_id, result.exit_code) == (None, 0)
    assert journal.runs() == []


def _crash_mid_run(journal_path: Path, store: StoreExecutor) -> str:
    """Apply the first action, start the second, then stop dead, as kill -9 would."""
    plan = store_plan(add("a", "1"), add("b", "2"), add("c", "3"))
    journal = Journal(journal_path)
    run = journal.start_run(plan, "home")
    first, second, _ = plan.actions
    journal.begin(run, first)
    journal.succeed(run, first, store.apply(first).undo, {})
    journal.begin(run, second)
    store.apply(second)  # the call went out, its answer never reached the journal
    journal.close()
    return run.id


def test_resume_after_crash_skips_applied_and_reapplies_applying(
    journal_path: Path, store: StoreExecutor
) -> None:
    run_id = _crash_mid_run(journal_path, store)
    store.calls.clear()
    plan = store_plan(add("a", "1"), add("b", "2"), add("c", "3"))
    with Journal(journal_path) as journal:
        # our own changes moved the fingerprint: the drift guard must not block the resume
        result = apply_plan(plan, store, journal, verify_fingerprint=lambda: "drifted")
        assert result.run_id == run_id
        assert result.resumed
        assert (result.applied, result.skipped) == (2, 1)
        assert store.calls == ["store.add b", "store.add c"]
        run = journal.get_run(run_id)
        assert run.status is RunStatus.DONE
        assert run.counts == {EntryStatus.APPLIED: 3}


def test_resume_retries_failed_actions_of_a_partial_run(
    journal: Journal, store: StoreExecutor
) -> None:
    plan = store_plan(add("a", "1"), add("b", "2"))
    store.failing = {"b"}
    first = apply_plan(plan, store, journal)
    store.failing = set()
    second = apply_plan(plan, store, journal)
    assert second.run_id == first.run_id
    assert (second.applied, second.skipped, second.exit_code) == (1, 1, 0)


def test_without_resume_a_new_run_starts(journal: Journal, store: StoreExecutor) -> None:
    plan = store_plan(add("a", "1"))
    store.failing = {"a"}
    first = apply_plan(plan, store, journal)
    second = apply_plan(plan, store, journal, resume=False)
    assert second.run_id != first.run_id


def test_a_run_another_live_process_applies_is_not_resumed(
    journal: Journal, journal_path: Path, store: StoreExecutor
) -> None:
    plan = store_plan(add("a", "1"))
    run = journal.start_run(plan, "home")
    raw = sqlite3.connect(journal_path)
    try:
        with raw:
            raw.execute("UPDATE runs SET pid = ? WHERE id = ?", (os.getppid(), run.id))
    finally:
        raw.close()
    with pytest.raises(RunBusyError, match="wait for it to finish"):
        apply_plan(plan, store, journal, profile="home")


def test_progress_sees_every_action(journal: Journal, store: StoreExecutor) -> None:
    seen: list[str] = []

    class Recorder:
        def start(self, total: int, label: str) -> None:
            seen.append(f"start {total} {label}")

        def advance(self, n: int = 1) -> None:
            seen.append(f"+{n}")

        def finish(self) -> None:
            seen.append("finish")

    apply_plan(store_plan(add("a", "1"), add("b", "1")), store, journal, progress=Recorder())
    assert seen == ["start 2 store.sync", "+1", "+1", "finish"]


def test_outcome_defaults_to_no_undo_and_no_detail(journal: Journal) -> None:
    class Irreversible:
        def apply(self, action: Action) -> Outcome:
            return Outcome()

    result = apply_plan(store_plan(add("a", "1")), Irreversible(), journal)
    (entry,) = journal.entries(journal.get_run(result.run_id or ""))
    assert (entry.undo, entry.detail) == ((), {})


def test_result_document_carries_the_exit_code(journal: Journal, store: StoreExecutor) -> None:
    store.failing = {"a"}
    document = apply_plan(store_plan(add("a", "1")), store, journal).model_dump(mode="json")
    assert document["exit_code"] == 1
    assert document["status"] == "partial"


def test_interrupt_leaves_the_action_applying_and_the_run_resumable(
    journal: Journal, store: StoreExecutor
) -> None:
    class Interrupted(StoreExecutor):
        def apply(self, action: Action) -> Outcome:
            if action.target == "b":
                raise KeyboardInterrupt
            return super().apply(action)

    plan = store_plan(add("a", "1"), add("b", "2"))
    with pytest.raises(KeyboardInterrupt):
        apply_plan(plan, Interrupted(), journal)
    (run,) = journal.runs()
    assert run.status is RunStatus.INTERRUPTED
    assert [e.status for e in journal.entries(run)] == [
        EntryStatus.APPLIED,
        EntryStatus.APPLYING,
    ]
    result = apply_plan(plan, store, journal)
    assert (result.run_id, result.applied, result.skipped) == (run.id, 1, 1)


_KILLED_MID_RUN = """
import os, sys
from pathlib import Path
from immkit.engine import Journal, apply_plan
from tests.unit.engine.store import StoreExecutor, add, store_plan

class Dies(StoreExecutor):
    def apply(self, action):
        if action.target == "b":
            os._exit(9)  # as kill -9: no cleanup, no finally, no close
        return super().apply(action)

apply_plan(store_plan(add("a", "1"), add("b", "2")), Dies(), Journal(Path(sys.argv[1])))
"""


def test_a_killed_process_leaves_a_readable_resumable_journal(
    journal_path: Path, store: StoreExecutor
) -> None:
    repo = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_MID_RUN, str(journal_path)], cwd=repo, env=env, check=False
    )
    assert done.returncode == 9
    with Journal(journal_path) as journal:
        (run,) = journal.runs()
        assert run.status is RunStatus.RUNNING
        assert run.counts == {EntryStatus.APPLIED: 1, EntryStatus.APPLYING: 1}
        result = apply_plan(store_plan(add("a", "1"), add("b", "2")), store, journal)
    assert (result.run_id, result.applied, result.skipped) == (run.id, 1, 1)
    assert store.calls == ["store.add b"]
