"""`immkit runs`: list, show and undo runs from the journal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from immkit.cli import runs
from immkit.cli.main import RootGroup, root
from immkit.engine import Executor, Journal, RunStatus, apply_plan
from tests.unit.engine.store import StoreExecutor, add, remove, store_plan

runner = CliRunner()


def _cli() -> typer.Typer:
    """The root app as cli/main.py builds it, with the runs sub-app added."""
    cli = typer.Typer(cls=RootGroup, pretty_exceptions_enable=False)
    cli.callback()(root)
    cli.add_typer(runs.app, name="runs")
    return cli


def invoke(*args: str, catch: bool = False) -> Result:
    return runner.invoke(_cli(), list(args), catch_exceptions=catch)


@pytest.fixture
def store() -> Iterator[StoreExecutor]:
    store = StoreExecutor()

    def factory(ctx: typer.Context, profile: str | None) -> Executor:
        assert profile == "home"
        return store

    runs.register_executor("store.sync", factory)
    yield store
    runs.unregister_executor("store.sync")


@pytest.fixture
def run_id(store: StoreExecutor) -> str:
    """A finished run that added key a and removed key b."""
    store.data = {"b": "old"}
    with Journal(runs.journal_path()) as journal:
        result = apply_plan(store_plan(add("a", "1"), remove("b")), store, journal)
    assert result.run_id is not None
    return result.run_id


def test_journal_path_honours_the_state_dir(tmp_path: Path) -> None:
    assert runs.journal_path() == tmp_path / "state" / "journal.sqlite3"


def test_list_shows_runs_newest_first(run_id: str) -> None:
    result = invoke("runs", "list")
    assert result.exit_code == 0
    assert run_id in result.stdout
    assert "store.sync" in result.stdout
    assert result.stdout.splitlines()[1].split()[-1] == "2"


def test_list_on_an_empty_journal_says_so() -> None:
    result = invoke("runs", "list")
    assert (result.exit_code, result.stdout) == (0, "No runs in the journal yet.\n")


def test_list_json_is_one_document(run_id: str) -> None:
    document = json.loads(invoke("--json", "runs", "list").stdout)
    assert [run["id"] for run in document["runs"]] == [run_id]
    assert document["runs"][0]["counts"] == {"applied": 2}


def test_show_renders_the_stored_plan(run_id: str) -> None:
    result = invoke("runs", "show", run_id[:-1])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Run {run_id}: store.sync (profile home), done.\n")
    assert "  + store.add value=1" in result.stdout
    assert "  - store.remove (destructive)" in result.stdout


def test_show_json_is_the_same_plan_document(run_id: str) -> None:
    document = json.loads(invoke("runs", "show", run_id, "--json").stdout)
    assert document["plan"] == store_plan(add("a", "1"), remove("b")).model_dump(mode="json")
    assert [e["status"] for e in document["entries"]] == ["applied", "applied"]
    assert document["run"]["status"] == "done"


def test_unknown_run_is_one_sentence_and_exit_2() -> None:
    result = invoke("runs", "show", "19990101")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: Run '19990101' is not in the journal; list runs with `immkit runs list`.\n"
    )


def test_undo_dry_run_shows_the_inverse_plan_and_changes_nothing(
    run_id: str, store: StoreExecutor
) -> None:
    result = invoke("runs", "undo", run_id, "--dry-run")
    assert result.exit_code == 0
    assert "Plan for store.sync.undo (profile home):" in result.stdout
    assert result.stdout.index("+ store.add value=old") < result.stdout.index("- store.remove")
    assert store.data == {"a": "1"}


def test_undo_dry_run_json_prints_the_plan(run_id: str) -> None:
    document = json.loads(invoke("runs", "undo", run_id, "--dry-run", "--json").stdout)
    assert document["job"] == "store.sync.undo"
    assert [a["kind"] for a in document["actions"]] == ["store.add", "store.remove"]


def test_destructive_undo_without_tty_or_yes_stops_with_exit_2(
    run_id: str, store: StoreExecutor
) -> None:
    result = invoke("runs", "undo", run_id)
    assert result.exit_code == 2
    assert "rerun with --yes" in result.stderr
    assert store.data == {"a": "1"}


def test_undo_with_yes_restores_and_marks_the_run_undone(run_id: str, store: StoreExecutor) -> None:
    result = invoke("runs", "undo", run_id, "--yes")
    assert result.exit_code == 0
    assert store.data == {"b": "old"}
    assert "Applied 2 actions" in result.stdout
    with Journal(runs.journal_path()) as journal:
        assert journal.get_run(run_id).status is RunStatus.UNDONE


def test_undoing_twice_is_refused_with_exit_2(run_id: str) -> None:
    assert invoke("runs", "undo", run_id, "--yes").exit_code == 0
    result = invoke("runs", "undo", run_id, "--yes")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: Run {run_id} was already undone by run ")


def test_failed_undo_exits_1_and_json_says_why(run_id: str, store: StoreExecutor) -> None:
    store.failing = {"b"}
    result = invoke("--json", "runs", "undo", run_id, "--yes")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert (document["failed"], document["exit_code"]) == (1, 1)


def test_undo_of_a_job_without_executor_is_refused(run_id: str) -> None:
    runs.unregister_executor("store.sync")
    result = invoke("runs", "undo", run_id, "--yes")
    assert result.exit_code == 2
    assert "no executor for store.sync" in result.stderr


def test_damaged_journal_is_exit_2_with_what_to_do() -> None:
    path = runs.journal_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database" * 500)
    result = invoke("runs", "list", catch=True)
    assert result.exit_code == 2
    assert "move it aside" in result.stderr


def test_every_runs_command_has_help_with_an_example() -> None:
    for command in ("list", "show", "undo"):
        result = invoke("runs", command, "--help")
        assert result.exit_code == 0
        assert "Example: immkit runs" in result.stdout


@pytest.mark.parametrize("flags", [["runs", "show", "-v"], ["-v", "runs", "show"]])
def test_show_verbose_lists_every_action_either_way_round(
    store: StoreExecutor, flags: list[str]
) -> None:
    keys = [f"k{i:02d}" for i in range(30)]
    with Journal(runs.journal_path()) as journal:
        result = apply_plan(store_plan(*(add(k, "1") for k in keys)), store, journal)
    run_id = result.run_id or ""
    short = invoke("runs", "show", run_id).stdout
    assert "k29" not in short
    full = invoke(*flags[:2], run_id, *flags[2:]) if flags[0] == "runs" else invoke(*flags, run_id)
    assert full.exit_code == 0, full.output
    assert all(k in full.stdout for k in keys)
