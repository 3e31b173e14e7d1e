from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from immkit.engine import EntryStatus, Journal, RunStatus
from immkit.errors import BadFileError, InputError, NotFoundError
from tests.unit.engine.store import add, remove, store_plan


def _ticking_clock() -> Callable[[], datetime]:
    start = datetime(2026, 11, 21, 6, 15, 2, tzinfo=UTC)
    moments = (start + timedelta(seconds=s) for s in range(1000))
    return lambda: next(moments)


def test_run_lifecycle_is_recorded_entry_by_entry(journal: Journal) -> None:
    plan = store_plan(add("a", "1"), remove("b"))
    run = journal.start_run(plan, "home")
    assert run.status is RunStatus.RUNNING
    assert run.counts == {EntryStatus.PLANNED: 2}
    assert run.plan_digest == plan.digest()
    assert journal.plan(run) == plan

    first, second = plan.actions
    journal.begin(run, first)
    journal.succeed(run, first, [remove("a")], {"previous": None})
    journal.begin(run, second)
    journal.fail(run, second, "Immich answered 500")
    done = journal.finish(run, RunStatus.PARTIAL)

    assert done.status is RunStatus.PARTIAL
    assert done.finished_at is not None
    entries = journal.entries(done)
    assert [(e.seq, e.status) for e in entries] == [
        (0, EntryStatus.APPLIED),
        (1, EntryStatus.FAILED),
    ]
    assert entries[0].undo == (remove("a"),)
    assert entries[0].detail == {"previous": None}
    assert entries[1].error == "Immich answered 500"


def test_run_ids_are_short_and_sortable(journal_path: Path) -> None:
    with Journal(journal_path, clock=_ticking_clock()) as journal:
        first = journal.start_run(store_plan(add("a", "1")), "home")
        second = journal.start_run(store_plan(add("b", "1")), "home")
        assert first.id.startswith("20261121-061502-")
        assert len(first.id) == len("20261121-061502-a1b2")
        assert [r.id for r in journal.runs()] == [second.id, first.id]


def test_get_run_accepts_a_unique_prefix(journal: Journal) -> None:
    run = journal.start_run(store_plan(add("a", "1")), None)
    assert journal.get_run(run.id[:-2]).id == run.id


def test_ambiguous_prefix_asks_for_more_of_the_id(journal: Journal) -> None:
    journal.start_run(store_plan(add("a", "1")), None)
    journal.start_run(store_plan(add("b", "1")), None)
    with pytest.raises(InputError, match="several runs"):
        journal.get_run("2")


def test_unknown_run_points_to_runs_list(journal: Journal) -> None:
    with pytest.raises(NotFoundError, match="`immkit runs list`"):
        journal.get_run("19990101")


def test_a_second_connection_reads_while_a_run_writes(journal: Journal, journal_path: Path) -> None:
    plan = store_plan(add("a", "1"))
    run = journal.start_run(plan, "home")
    journal.begin(run, plan.actions[0])
    with Journal(journal_path) as reader:
        (seen,) = reader.entries(reader.get_run(run.id))
        assert seen.status is EntryStatus.APPLYING
    raw = sqlite3.connect(journal_path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()


def test_find_resumable_returns_only_unfinished_runs_of_the_same_plan(journal: Journal) -> None:
    plan = store_plan(add("a", "1"))
    run = journal.start_run(plan, "home")
    assert journal.find_resumable("store.sync", "home", plan.digest()) == run
    assert journal.find_resumable("store.sync", "other", plan.digest()) is None
    assert journal.find_resumable("store.sync", "home", "other-digest") is None
    journal.finish(run, RunStatus.DONE)
    assert journal.find_resumable("store.sync", "home", plan.digest()) is None


def test_garbage_journal_is_a_bad_file_that_says_to_move_it(journal_path: Path) -> None:
    journal_path.parent.mkdir(parents=True)
    journal_path.write_bytes(b"this is not sqlite at all" * 200)
    with pytest.raises(BadFileError, match=r"journal\.sqlite3 is damaged.*move it aside"):
        Journal(journal_path)


def test_truncated_journal_is_a_bad_file(journal_path: Path) -> None:
    with Journal(journal_path) as journal:
        for n in range(40):
            plan = store_plan(*(add(f"k{n}-{i}", "v" * 200) for i in range(20)))
            journal.start_run(plan, "home")
    size = journal_path.stat().st_size
    with journal_path.open("r+b") as file:
        file.truncate(size // 3)
    with pytest.raises(BadFileError, match="damaged"):
        _read_everything(journal_path)


def _read_everything(path: Path) -> None:
    with Journal(path) as journal:
        for run in journal.runs(limit=100):
            journal.entries(run)
            journal.plan(run)


def test_check_reports_a_healthy_journal(journal: Journal) -> None:
    journal.start_run(store_plan(add("a", "1")), "home")
    journal.check()


def test_a_plan_without_secrets_leaves_no_secret_in_the_journal(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # actions must never carry keys; the journal stores exactly what plans hold, nothing else
    secret = "s3cr3t-api-key-0123456789"
    monkeypatch.setenv("IMMICH_API_KEY", secret)
    plan = store_plan(add("album-1", "Kids"))
    with Journal(journal_path) as journal:
        run = journal.start_run(plan, "home")
        journal.begin(run, plan.actions[0])
        journal.succeed(run, plan.actions[0], [remove("album-1")], {"created": "album-1"})
        journal.finish(run, RunStatus.DONE)
    for path in journal_path.parent.iterdir():
        assert secret.encode() not in path.read_bytes()
