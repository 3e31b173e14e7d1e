from __future__ import annotations

import os
import sqlite3

import pytest

from immkit.engine import EntryStatus, Journal, Result, RunStatus, apply_plan, plan_undo, undo_run
from immkit.errors import InputError
from tests.unit.engine.store import StoreExecutor, add, remove, store_plan


def _applied(journal: Journal, store: StoreExecutor) -> Result:
    store.data = {"b": "old"}
    plan = store_plan(add("a", "1"), add("b", "2"), remove("b"))
    return apply_plan(plan, store, journal, profile="home")


def test_undo_plan_inverts_applied_actions_newest_first(
    journal: Journal, store: StoreExecutor
) -> None:
    run = journal.get_run(_applied(journal, store).run_id or "")
    plan = plan_undo(journal, run)
    assert plan.job == "store.sync.undo"
    assert plan.profile == "home"
    assert [(a.kind, a.target, a.params) for a in plan.actions] == [
        ("store.add", "b", {"value": "2"}),
        ("store.add", "b", {"value": "old"}),
        ("store.remove", "a", {}),
    ]
    assert all(run.id in a.reason for a in plan.actions)


def test_undo_restores_the_store_and_marks_the_run_undone(
    journal: Journal, store: StoreExecutor
) -> None:
    run = journal.get_run(_applied(journal, store).run_id or "")
    result = undo_run(journal, run, store)
    assert store.data == {"b": "old"}
    assert (result.applied, result.exit_code) == (3, 0)
    original = journal.get_run(run.id)
    assert original.status is RunStatus.UNDONE
    assert original.counts == {EntryStatus.UNDONE: 3}
    undo = journal.get_run(result.run_id or "")
    assert (undo.job, undo.undo_of, undo.status) == ("store.sync.undo", run.id, RunStatus.DONE)


def test_undoing_twice_is_refused_with_the_undo_run_named(
    journal: Journal, store: StoreExecutor
) -> None:
    run = journal.get_run(_applied(journal, store).run_id or "")
    first = undo_run(journal, run, store)
    with pytest.raises(InputError, match=f"already undone by run {first.run_id}"):
        undo_run(journal, journal.get_run(run.id), store)


def test_failed_and_unfinished_entries_are_reported_as_blockers(
    journal: Journal, store: StoreExecutor
) -> None:
    store.failing = {"b"}
    result = apply_plan(store_plan(add("a", "1"), add("b", "2")), store, journal)
    run = journal.get_run(result.run_id or "")
    plan = plan_undo(journal, run)
    assert [a.target for a in plan.actions] == ["a"]
    assert plan.notes == (f"1 action(s) of run {run.id} failed; they changed nothing.",)


def test_a_partial_undo_can_be_finished_later(journal: Journal, store: StoreExecutor) -> None:
    run = journal.get_run(_applied(journal, store).run_id or "")
    store.failing = {"a"}
    first = undo_run(journal, run, store)
    assert (first.failed, first.exit_code) == (1, 1)
    assert journal.get_run(run.id).status is not RunStatus.UNDONE
    store.failing = set()
    second = undo_run(journal, journal.get_run(run.id), store)
    assert second.exit_code == 0
    assert journal.get_run(run.id).status is RunStatus.UNDONE
    assert store.data == {"b": "old"}


def test_an_undo_run_can_itself_be_undone(journal: Journal, store: StoreExecutor) -> None:
    run = journal.get_run(_applied(journal, store).run_id or "")
    undo = undo_run(journal, run, store)
    undo_run(journal, journal.get_run(undo.run_id or ""), store)
    assert store.data == {"a": "1"}


def test_a_run_being_applied_elsewhere_cannot_be_undone(
    journal: Journal, store: StoreExecutor
) -> None:
    plan = store_plan(add("a", "1"))
    run = journal.start_run(plan, "home")
    raw = sqlite3.connect(journal.path)
    try:
        with raw:
            raw.execute("UPDATE runs SET pid = ? WHERE id = ?", (os.getppid(), run.id))
    finally:
        raw.close()
    with pytest.raises(InputError, match="undo it once it has finished"):
        plan_undo(journal, journal.get_run(run.id))


def test_a_run_cut_off_mid_call_is_settled_then_undone(
    journal: Journal, store: StoreExecutor
) -> None:
    plan = store_plan(add("a", "1"), add("b", "2"))
    run = journal.start_run(plan, "home")
    first, second = plan.actions
    journal.begin(run, first)
    journal.succeed(run, first, store.apply(first).undo, {})
    journal.begin(run, second)  # killed here: did "b" reach the store? unknown
    undo_plan = plan_undo(journal, run)
    assert "cut off mid-call" in undo_plan.notes[0]
    undo_run(journal, run, store)
    assert store.data == {}  # "b" applied again (idempotent), then both reversed
    assert journal.get_run(run.id).status is RunStatus.UNDONE


def test_an_undo_killed_before_its_bookkeeping_is_caught_up_not_repeated(
    journal: Journal, store: StoreExecutor
) -> None:
    _applied(journal, store)
    run = journal.runs(1)[0]
    # the undo's actions all applied, then SIGKILL before the entries were marked
    apply_plan(plan_undo(journal, run), store, journal, profile=run.profile, undo_of=run.id)
    calls = len(store.calls)
    again = undo_run(journal, journal.get_run(run.id), store)
    assert len(store.calls) == calls  # nothing applied twice
    assert again.run_id is None
    assert journal.get_run(run.id).status is RunStatus.UNDONE


def test_an_action_failed_part_way_is_reversed_by_undo(
    journal: Journal, store: StoreExecutor
) -> None:
    store.partly = {"a"}
    result = apply_plan(store_plan(add("a", "1"), add("b", "2")), store, journal, profile="home")
    assert (result.applied, result.failed) == (1, 1)
    assert store.data == {"a": "1", "b": "2"}
    run = journal.get_run(result.run_id or "")
    plan = plan_undo(journal, run)
    assert [(a.kind, a.target) for a in plan.actions] == [
        ("store.remove", "b"),
        ("store.remove", "a"),
    ]
    assert any("failed part-way" in note for note in plan.notes)
    undo_run(journal, run, store)
    assert store.data == {}
    assert journal.get_run(run.id).status is RunStatus.UNDONE


def test_after_a_failed_inverse_the_older_ones_of_its_target_wait(
    journal: Journal, store: StoreExecutor
) -> None:
    """k set twice: undo puts back "1", then removes k. If putting back "1" fails, removing
    k must wait, or the retry would leave k = "1" for good."""
    result = apply_plan(store_plan(add("k", "1"), add("k", "2"), add("j", "3")), store, journal)
    run = journal.get_run(result.run_id or "")
    store.failing = {"k"}
    first = undo_run(journal, run, store)
    assert (first.applied, first.failed, first.pending) == (1, 1, 1)
    assert store.data == {"k": "2"}  # j undone; k untouched, both its inverses to come
    store.failing = set()
    undo_run(journal, journal.get_run(run.id), store)
    assert store.data == {}
    assert journal.get_run(run.id).status is RunStatus.UNDONE
