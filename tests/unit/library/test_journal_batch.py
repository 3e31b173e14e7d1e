"""`Journal.begin_many` / `finish_many`: a batch's entries in one commit, same records as
one commit per entry (the internalize apply journals a batch at a time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from immkit.engine import EntryStatus, Journal, RunStatus
from tests.unit.engine.store import add, remove, store_plan


def test_batch_records_equal_entry_by_entry_records(tmp_path: Path) -> None:
    plan = store_plan(add("a", "1"), add("b", "2"), remove("c"))
    with Journal(tmp_path / "j.sqlite3") as journal:
        run = journal.start_run(plan, "home")
        first, second, third = plan.actions
        journal.begin_many(run, plan.actions)
        assert journal.get_run(run.id).counts == {EntryStatus.APPLYING: 3}
        journal.finish_many(
            run,
            [(third, [add("c", "x")], {"n": 3}), (first, [remove("a")], {"n": 1})],
            [(second, "Immich answered 500")],
        )
        entries = {e.action_id: e for e in journal.entries(journal.finish(run, RunStatus.PARTIAL))}
    assert entries[first.id].status is EntryStatus.APPLIED
    assert entries[first.id].undo == (remove("a"),)
    assert entries[first.id].detail == {"n": 1}
    assert entries[second.id].status is EntryStatus.FAILED
    assert entries[second.id].error == "Immich answered 500"
    # applied in the order given: undo replays them backwards
    assert (entries[third.id].applied_order, entries[first.id].applied_order) == (1, 2)


def test_an_unknown_action_rolls_the_whole_batch_back(tmp_path: Path) -> None:
    plan = store_plan(add("a", "1"))
    other = store_plan(add("z", "9")).actions[0]
    with Journal(tmp_path / "j.sqlite3") as journal:
        run = journal.start_run(plan, None)
        with pytest.raises(ValueError, match="not part of run"):
            journal.begin_many(run, [plan.actions[0], other])
        assert journal.get_run(run.id).counts == {EntryStatus.PLANNED: 1}
