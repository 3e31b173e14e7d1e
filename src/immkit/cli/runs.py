"""`immkit runs`: list, show and undo the runs recorded in the journal.

Undo needs the executor of the job that made the run. Job CLI modules register a
factory with `register_executor("albums.sync", factory)`; the factory receives the
Typer context and the run's profile (undo acts where the run acted, whatever
`--profile` says now).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from immkit.cli.context import JOURNAL_NAME, AppContext
from immkit.cli.options import DryRun, JsonOut, Yes
from immkit.cli.progress import make_progress
from immkit.cli.render import render_plan, render_result, render_run, render_runs
from immkit.config import state_dir
from immkit.engine import EntryStatus, Executor, Journal, plan_undo, undo_run
from immkit.errors import ConfirmationRequired, InputError

__all__ = [
    "ExecutorFactory",
    "app",
    "executor_for",
    "journal_path",
    "register_executor",
    "unregister_executor",
]

ExecutorFactory = Callable[[typer.Context, str | None], Executor]
"""Builds a job's executor for a profile; called only when an undo really applies."""

_EXECUTORS: dict[str, ExecutorFactory] = {}

app = typer.Typer(
    help="List, inspect and undo the runs in the journal.\n\nExample: immkit runs list",
    no_args_is_help=True,
)

ShowAll = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="List every action, not the first ones (as immkit -v)."),
]


RunArg = Annotated[
    str,
    typer.Argument(metavar="RUN", help="Run id, or its start (see `immkit runs list`)."),
]


def register_executor(job: str, factory: ExecutorFactory) -> None:
    """Let `runs undo` apply the inverse actions of `job`'s runs."""
    _EXECUTORS[job] = factory


def unregister_executor(job: str) -> None:
    _EXECUTORS.pop(job, None)


def executor_for(job: str, ctx: typer.Context, profile: str | None = None) -> Executor:
    """The executor for a job's runs, undo runs (`<job>.undo`) included.

    Raises:
        InputError: no executor is registered for the job.
    """
    base = job
    while base.endswith(".undo"):
        base = base.removesuffix(".undo")
    factory = _EXECUTORS.get(base)
    if factory is None:
        raise InputError(f"This immkit cannot apply {job} actions: no executor for {base}.")
    return factory(ctx, profile)


def journal_path() -> Path:
    """The journal file: IMMKIT_STATE_DIR, else the platform state dir."""
    return state_dir(os.environ) / JOURNAL_NAME


@app.command("list")
def list_runs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many runs to show.")] = 20,
    json_out: JsonOut = False,
) -> None:
    """List the newest runs first.

    Example: immkit runs list --limit 5
    """
    with _journal(ctx) as journal:
        runs = journal.runs(limit)
    if _wants_json(ctx, json_out):
        _print_json({"runs": [run.model_dump(mode="json") for run in runs]})
    else:
        render_runs(runs, _out(ctx))


@app.command()
def show(
    ctx: typer.Context, run: RunArg, json_out: JsonOut = False, verbose: ShowAll = False
) -> None:
    """Show a run: its stored plan and how each action ended.

    Example: immkit runs show 20261121-0615
    """
    with _journal(ctx) as journal:
        record = journal.get_run(run)
        plan = journal.plan(record)
        entries = journal.entries(record)
    if _wants_json(ctx, json_out):
        _print_json(
            {
                "run": record.model_dump(mode="json"),
                "plan": plan.model_dump(mode="json"),
                "entries": [entry.model_dump(mode="json") for entry in entries],
            }
        )
    else:
        render_run(record, plan, entries, _out(ctx), verbose=verbose or _verbose(ctx))


@app.command()
def undo(
    ctx: typer.Context,
    run: RunArg,
    dry_run: DryRun = False,
    yes: Yes = False,
    json_out: JsonOut = False,
) -> None:
    """Undo a run: apply the inverse of its applied actions, newest first.

    The undo is a run of its own, so it can be resumed and undone too.

    Example: immkit runs undo 20261121-061502-a1b2 --dry-run
    """
    as_json = _wants_json(ctx, json_out)
    with _journal(ctx) as journal:
        record = journal.get_run(run)
        plan = plan_undo(journal, record)
        if not as_json:
            render_plan(plan, _out(ctx), verbose=_verbose(ctx))
        # actions a killed process left `applying` are settled by the undo, then reversed
        cut_off = bool(record.counts.get(EntryStatus.APPLYING))
        if dry_run or not (plan.actions or cut_off):
            if as_json:
                _print_json(plan.model_dump(mode="json"))
            return
        executor = executor_for(record.job, ctx, record.profile)
        destructive = cut_off or any(action.destructive for action in plan.actions)
        if destructive and not _confirmed(record.id, yes):
            typer.echo("Undo cancelled; nothing changed.", err=True)
            return
        err = _err(ctx)
        result = undo_run(journal, record, executor, make_progress(err.is_terminal, err))
    if as_json:
        _print_json(result.model_dump(mode="json"))
    else:
        render_result(result, _out(ctx), verbose=_verbose(ctx))
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _confirmed(run_id: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise ConfirmationRequired(
            f"Undoing run {run_id} removes data; rerun with --yes to confirm."
        )
    return typer.confirm(f"Undo run {run_id}?", default=False)


def _context(ctx: typer.Context) -> AppContext | None:
    return ctx.find_object(AppContext)


def _journal(ctx: typer.Context) -> Journal:
    app_ctx = _context(ctx)
    return Journal(app_ctx.journal_path if app_ctx else journal_path())


def _wants_json(ctx: typer.Context, flag: bool) -> bool:
    app_ctx = _context(ctx)
    return app_ctx.wants_json(flag) if app_ctx else flag


def _verbose(ctx: typer.Context) -> bool:
    app_ctx = _context(ctx)
    return bool(app_ctx and app_ctx.verbosity > 0)


def _out(ctx: typer.Context) -> Console:
    app_ctx = _context(ctx)
    return app_ctx.console_out if app_ctx else Console()


def _err(ctx: typer.Context) -> Console:
    app_ctx = _context(ctx)
    return app_ctx.console_err if app_ctx else Console(stderr=True)


def _print_json(document: object) -> None:
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
