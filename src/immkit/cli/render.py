"""Human views of plans, results and runs, built from the same data `--json` prints.

Plans render Terraform-style: actions grouped by target, each line marked `+` add,
`-` remove or `~` change. The mark comes from `Action.effect`, which a job sets or which
follows the kind's verb (`album.add_assets` → +, `person.delete` → -, else ~; see
`immkit.engine.plan.effect_of`). Colours are named styles of `THEME` only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from immkit.engine import Action, Effect, Entry, EntryStatus, Plan, Result, Run, RunStatus

THEME = Theme(
    {
        "plan.add": "green",
        "plan.remove": "red",
        "plan.change": "yellow",
        "plan.summary": "bold",
        "plan.target": "bold",
        "plan.detail": "dim",
        "plan.note": "yellow",
        "result.ok": "green",
        "result.failed": "red",
    }
)
LIMIT = 20
"""Longer lists are cut to their first LIMIT items unless verbose."""

_MARK = {Effect.ADD: "+", Effect.REMOVE: "-", Effect.CHANGE: "~"}
_SHORT_LIST = 3


def render_plan(plan: Plan, console: Console, *, verbose: bool = False) -> None:
    """Print the plan grouped by target, then its notes and one summary line."""
    with console.use_theme(THEME):
        if not plan.actions:
            console.print(Text(" ".join(filter(None, ["No changes.", plan.empty_message]))))
            _print_notes(plan.notes, console)
            return
        profile = f" (profile {plan.profile})" if plan.profile else ""
        console.print(Text(f"Plan for {plan.job}{profile}:", style="plan.summary"))
        console.print(_legend(plan.actions))
        groups = _groups(plan.actions)
        shown = groups if verbose else groups[:LIMIT]
        for actions in shown:
            console.print()
            console.print(_target_heading(actions[0]))
            visible = actions if verbose else actions[:LIMIT]
            for action in visible:
                console.print(_action_line(action, verbose=verbose), soft_wrap=True)
            if len(actions) > len(visible):
                console.print(Text(f"    … and {len(actions) - len(visible):,} more"))
        hidden = sum(len(actions) for actions in groups[len(shown) :])
        if hidden:
            console.print()
            console.print(Text(f"… and {hidden:,} more on {len(groups) - len(shown):,} targets"))
        _print_notes(plan.notes, console)
        console.print()
        # one logical line, so logs and grep see it whole; the terminal wraps it
        console.print(Text(plan_summary(plan), style="plan.summary"), soft_wrap=True)


def plan_summary(plan: Plan) -> str:
    """`Plan: 3 actions (2 to add, 1 to remove); 7 requests (PUT /albums/{id}/assets ×4, …).`"""
    counts = plan.summary
    parts = [f"{counts[e.value]:,} to {e.value}" for e in Effect if counts[e.value]]
    if counts["destructive"]:
        parts.append(f"{counts['destructive']:,} destructive")
    text = f"Plan: {_count(counts['actions'], 'action')} ({', '.join(parts)})"
    totals = plan.request_totals()
    if totals:
        calls = [f"{endpoint} ×{n:,}" for endpoint, n in list(totals.items())[:_SHORT_LIST]]
        if len(totals) > _SHORT_LIST:
            calls.append("…")
        text += f"; {_count(counts['requests'], 'request')} ({', '.join(calls)})"
    return text + "."


def render_result(result: Result, console: Console, *, verbose: bool = False) -> None:
    """Print what an apply did in one line, then each failure."""
    with console.use_theme(THEME):
        if result.run_id is None:
            console.print(Text("Nothing to apply."))
            return
        parts = [f"Applied {_count(result.applied, 'action')}"]
        if result.skipped:
            parts.append(f"{result.skipped:,} already applied")
        if result.failed:
            parts.append(f"{result.failed:,} failed")
        if result.pending:
            parts.append(f"{result.pending:,} not attempted")
        how = "resumed run" if result.resumed else "run"
        style = "result.failed" if result.exit_code else "result.ok"
        line = f"{', '.join(parts)} ({how} {result.run_id}, {result.status.value})."
        console.print(Text(line, style=style))
        failures = result.failures if verbose else result.failures[:LIMIT]
        for failure in failures:
            console.print(
                Text.assemble(
                    ("  ✗ ", "result.failed"), f"{failure.kind} {failure.target}: {failure.message}"
                ),
                soft_wrap=True,
            )
        if len(result.failures) > len(failures):
            console.print(Text(f"  … and {len(result.failures) - len(failures):,} more"))
        if result.exit_code:
            console.print(Text(f"See `immkit runs show {result.run_id}`; run again to retry."))


def render_runs(runs: Sequence[Run], console: Console) -> None:
    """Print the runs as a table, newest first."""
    if not runs:
        console.print("No runs in the journal yet.")
        return
    table = Table(box=None, pad_edge=False)
    # the id starts with the UTC start time, so it doubles as the STARTED column
    for column in ("RUN", "JOB", "PROFILE", "STATUS"):
        # ids must stay whole: they are what `runs show` and `runs undo` take
        table.add_column(column, no_wrap=True)
    table.add_column("ACTIONS")
    for run in runs:
        table.add_row(
            run.id,
            run.job,
            run.profile or "-",
            run.status.value,
            _compact_counts(run),
        )
    console.print(table)


def render_run(
    run: Run, plan: Plan, entries: Sequence[Entry], console: Console, *, verbose: bool = False
) -> None:
    """Print a run's facts, its stored plan and how each action ended."""
    with console.use_theme(THEME):
        profile = f" (profile {run.profile})" if run.profile else ""
        console.print(
            Text(f"Run {run.id}: {run.job}{profile}, {run.status.value}.", style="plan.summary")
        )
        finished = f", finished {run.finished_at:%Y-%m-%d %H:%M:%S}" if run.finished_at else ""
        console.print(Text(f"Started {run.started_at:%Y-%m-%d %H:%M:%S}{finished} (UTC)."))
        if run.undo_of:
            console.print(Text(f"Undoes run {run.undo_of}."))
        console.print(Text(f"Actions: {_entry_counts(run)}."))
        console.print()
        render_plan(plan, console, verbose=verbose)
        unusual = [e for e in entries if e.status is not EntryStatus.APPLIED]
        if unusual:
            console.print()
            console.print(Text("Actions not applied:", style="plan.summary"))
            shown = unusual if verbose else unusual[:LIMIT]
            for entry in shown:
                error = f": {entry.error}" if entry.error else ""
                line = f"  {entry.status.value:<9} {entry.kind} {entry.target}{error}"
                console.print(Text(line), soft_wrap=True)
            if len(unusual) > len(shown):
                console.print(Text(f"  … and {len(unusual) - len(shown):,} more"))
        if run.status is RunStatus.UNDONE:
            console.print(Text("This run has been undone."))


def human_size(n: int) -> str:
    """Bytes as people read them (decimal units, like disk makers and `df -H`)."""
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{n:,} bytes"


def print_json(console: Console, document: object) -> None:
    """One JSON document on stdout, as written (no Rich markup or wrapping)."""
    console.out(json.dumps(document, indent=2, ensure_ascii=False))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _entry_counts(run: Run) -> str:
    return ", ".join(f"{n:,} {status.value}" for status, n in sorted(run.counts.items())) or "0"


def _compact_counts(run: Run) -> str:
    failed = run.counts.get(EntryStatus.FAILED, 0)
    return f"{run.total:,}" + (f", {failed:,} failed" if failed else "")


def _legend(actions: Iterable[Action]) -> Text:
    present = {a.effect for a in actions}
    legend = Text("Legend:")
    for effect in Effect:
        if effect in present:
            legend.append("  ")
            legend.append(_MARK[effect], style=f"plan.{effect.value}")
            legend.append(f" {effect.value}")
    return legend


def _groups(actions: Iterable[Action]) -> list[list[Action]]:
    by_target: dict[str, list[Action]] = {}
    for action in actions:
        by_target.setdefault(action.target, []).append(action)
    return list(by_target.values())


def _target_heading(action: Action) -> Text:
    heading = Text(action.target_label or action.target, style="plan.target")
    if action.target_label and action.target_label != action.target:
        heading.append(f" ({action.target})", style="plan.detail")
    return heading


def _action_line(action: Action, *, verbose: bool) -> Text:
    style = f"plan.{action.effect.value}"
    line = Text.assemble("  ", (_MARK[action.effect], style), " ", (action.kind, style))
    for key, value in action.params.items():
        line.append(f" {key}={_value(value, verbose=verbose)}")
    if action.destructive:
        line.append(" (destructive)", style="plan.remove")
    if action.reason:
        line.append(f"  # {action.reason}", style="plan.detail")
    return line


def _value(value: object, *, verbose: bool) -> str:
    if isinstance(value, list):
        if verbose or len(value) <= _SHORT_LIST:
            return "[" + ", ".join(_value(v, verbose=verbose) for v in value) + "]"
        shown = ", ".join(_value(v, verbose=verbose) for v in value[:_SHORT_LIST])
        return f"[{shown}, … and {len(value) - _SHORT_LIST:,} more]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_value(v, verbose=verbose)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return value if value and " " not in value else repr(value)
    return (
        "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )


def _print_notes(notes: Sequence[str], console: Console) -> None:
    if notes:
        console.print()
        console.print(Text("Notes:", style="plan.note"))
        for note in notes:
            console.print(Text(f"  ! {note}", style="plan.note"))
