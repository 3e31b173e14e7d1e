from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

from rich.console import Console

from immkit.cli.progress import BarProgress, make_progress
from immkit.cli.render import plan_summary, render_plan, render_result, render_run, render_runs
from immkit.engine import (
    Action,
    Entry,
    EntryStatus,
    Failure,
    LogProgress,
    Plan,
    Result,
    Run,
    RunStatus,
)


def _console() -> tuple[Console, StringIO]:
    out = StringIO()
    return Console(file=out, width=100, color_system=None), out


def _album(kind: str, album: str, label: str, **params: object) -> Action:
    requests = (
        {"PUT /albums/{id}/assets": 1} if "add" in kind else {"DELETE /albums/{id}/assets": 1}
    )
    return Action.model_validate(
        {
            "kind": kind,
            "target": album,
            "target_label": label,
            "params": params,
            "reason": "rule Kids",
            "requests": requests,
            "destructive": kind.endswith("remove_assets"),
        }
    )


def _plan(*actions: Action, notes: tuple[str, ...] = ()) -> Plan:
    return Plan(job="albums.sync", profile="home", fingerprint="fp", actions=actions, notes=notes)


def _render(plan: Plan, *, verbose: bool = False) -> str:
    console, out = _console()
    render_plan(plan, console, verbose=verbose)
    return out.getvalue()


def test_plan_groups_actions_by_target_with_marks_and_one_summary() -> None:
    plan = _plan(
        _album("album.add_assets", "a1", "Kids", assetIds=["x1", "x2"]),
        _album("album.remove_assets", "a1", "Kids", assetIds=["x3"]),
        _album("album.add_assets", "a2", "Holidays", assetIds=["y1"]),
    )
    assert _render(plan) == (
        "Plan for albums.sync (profile home):\n"
        "Legend:  + add  - remove\n"
        "\n"
        "Kids (a1)\n"
        "  + album.add_assets assetIds=[x1, x2]  # rule Kids\n"
        "  - album.remove_assets assetIds=[x3] (destructive)  # rule Kids\n"
        "\n"
        "Holidays (a2)\n"
        "  + album.add_assets assetIds=[y1]  # rule Kids\n"
        "\n"
        "Plan: 3 actions (2 to add, 1 to remove, 1 destructive); 3 requests "
        "(PUT /albums/{id}/assets ×2, DELETE /albums/{id}/assets ×1).\n"
    )


def test_legend_shows_only_the_marks_that_occur() -> None:
    text = _render(_plan(Action(kind="asset.set_owner", target="x", params={"owner": "u2"})))
    assert "Legend:  ~ change\n" in text
    assert "+ add" not in text
    assert "  ~ asset.set_owner owner=u2\n" in text


def test_long_lists_are_cut_unless_verbose() -> None:
    actions = [_album("album.add_assets", "a1", "Kids", assetId=f"x{i:04}") for i in range(1224)]
    text = _render(_plan(*actions))
    assert text.count("+ album.add_assets") == 20
    assert "    … and 1,204 more\n" in text
    assert _render(_plan(*actions), verbose=True).count("+ album.add_assets") == 1224


def test_long_param_lists_show_a_few_items_unless_verbose() -> None:
    action = _album("album.add_assets", "a1", "Kids", assetIds=[f"x{i}" for i in range(10)])
    assert "assetIds=[x0, x1, x2, … and 7 more]" in _render(_plan(action))
    assert "assetIds=[x0, x1, x2, x3, x4, x5, x6, x7, x8, x9]" in _render(
        _plan(action), verbose=True
    )


def test_many_targets_are_cut_too() -> None:
    actions = [_album("album.add_assets", f"a{i:02}", f"Album {i}", n=1) for i in range(25)]
    assert "… and 5 more on 5 targets\n" in _render(_plan(*actions))


def test_notes_come_before_the_summary() -> None:
    text = _render(
        _plan(_album("album.add_assets", "a1", "Kids", n=1), notes=("files stay on disk",))
    )
    assert text.endswith(
        "Notes:\n  ! files stay on disk\n\nPlan: 1 action (1 to add); 1 request "
        "(PUT /albums/{id}/assets ×1).\n"
    )


def test_empty_plan_says_no_changes_and_why() -> None:
    plan = Plan(job="albums.sync", fingerprint="fp", empty_message="Every album matches its rule.")
    assert _render(plan) == "No changes. Every album matches its rule.\n"


def test_summary_elides_endpoints_after_three() -> None:
    actions = [
        Action(kind="x.change", target=str(i), requests={f"PUT /e{i}": i + 1}) for i in range(4)
    ]
    assert plan_summary(_plan(*actions)) == (
        "Plan: 4 actions (4 to change); 10 requests (PUT /e3 ×4, PUT /e2 ×3, PUT /e1 ×2, …)."
    )


def test_result_reports_counts_and_failures() -> None:
    console, out = _console()
    failure = Failure(action_id="f1", kind="album.add_assets", target="a1", message="boom")
    result = Result(
        run_id="20261121-061502-a1b2",
        job="albums.sync",
        status=RunStatus.PARTIAL,
        applied=2,
        skipped=1,
        failed=1,
        failures=(failure,),
    )
    render_result(result, console)
    assert out.getvalue() == (
        "Applied 2 actions, 1 already applied, 1 failed (run 20261121-061502-a1b2, partial).\n"
        "  ✗ album.add_assets a1: boom\n"
        "See `immkit runs show 20261121-061502-a1b2`; run again to retry.\n"
    )


def test_result_of_an_empty_plan_says_nothing_to_apply() -> None:
    console, out = _console()
    render_result(Result(run_id=None, job="albums.sync", status=RunStatus.DONE), console)
    assert out.getvalue() == "Nothing to apply.\n"


def test_no_runs_yet_is_said_in_words() -> None:
    console, out = _console()
    render_runs([], console)
    assert out.getvalue() == "No runs in the journal yet.\n"


def test_run_view_shows_facts_plan_and_actions_not_applied() -> None:
    action = _album("album.add_assets", "a1", "Kids", n=1)
    started = datetime(2026, 11, 21, 6, 15, 2, tzinfo=UTC)
    run = Run(
        id="20261121-061502-a1b2",
        job="albums.sync",
        profile="home",
        started_at=started,
        finished_at=started,
        status=RunStatus.PARTIAL,
        plan_digest="d",
        undo_of=None,
        host="h",
        pid=1,
        counts={EntryStatus.FAILED: 1},
    )
    entry = Entry(
        run_id=run.id,
        seq=0,
        action_id=action.id,
        kind=action.kind,
        target=action.target,
        params=action.params,
        status=EntryStatus.FAILED,
        error="Immich answered 500",
        undo=(),
        detail={},
        started_at=started,
        finished_at=started,
        applied_order=None,
    )
    console, out = _console()
    render_run(run, _plan(action), [entry], console)
    text = out.getvalue()
    assert text.startswith(
        "Run 20261121-061502-a1b2: albums.sync (profile home), partial.\n"
        "Started 2026-11-21 06:15:02, finished 2026-11-21 06:15:02 (UTC).\n"
        "Actions: 1 failed.\n\nPlan for albums.sync"
    )
    assert text.endswith(
        "Actions not applied:\n  failed    album.add_assets a1: Immich answered 500\n"
    )


def test_progress_is_a_bar_on_a_tty_and_log_lines_otherwise() -> None:
    assert isinstance(make_progress(console_is_tty=False), LogProgress)
    console, out = _console()
    progress = make_progress(console_is_tty=True, console=console)
    assert isinstance(progress, BarProgress)
    progress.start(2, "albums.sync")
    progress.advance(2)
    progress.finish()
    assert "albums.sync" in out.getvalue()
    assert "2/2" in out.getvalue()
