"""The transfer's dry-run table, built from the same TransferPlan `--json` prints."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from immkit.cli.render import LIMIT, THEME, human_size
from immkit.engine import Plan
from immkit.jobs.transfer.plan import PersonMove, TransferPlan


def render_transfer(plan: Plan, body: TransferPlan, console: Console, *, verbose: bool) -> None:
    """What moves, what stays, and why; then the notes and one summary line."""
    with console.use_theme(THEME):
        console.print(
            Text(
                f"Transfer {body.kind} {body.label!r}: {body.source_email} → "
                f"{body.target_email} (database, layout {body.layout})",
                style="plan.summary",
            )
        )
        table = Table("", "what", "count", "detail", box=None, pad_edge=False)
        live = len(body.live_parts)
        stacked = len(body.stack_members)
        table.add_row(
            "~",
            "photos and videos to move",
            f"{len(body.asset_ids):,}",
            f"{body.selected:,} selected, {live:,} live-photo part(s), "
            f"{stacked:,} stack member(s); {human_size(body.moved_bytes)} of quota",
        )
        table.add_row("~", "stacks (moved whole)", f"{len(body.stack_ids):,}", "")
        moved = [p for p in body.persons if p.action == "move"]
        dups = [p for p in body.persons if p.action == "duplicate"]
        table.add_row("~", "persons to transfer", f"{len(moved):,}", _people(moved, verbose))
        table.add_row("+", "persons to duplicate", f"{len(dups):,}", _people(dups, verbose))
        table.add_row(
            "~", "faces moving", f"{body.faces_moved:,}", f"{body.faces_relinked:,} re-linked"
        )
        table.add_row(
            "+",
            "tags for the target",
            f"{len(body.tags):,}",
            _names([t.value for t in body.tags], verbose) + f"; {body.tag_links:,} link(s)",
        )
        table.add_row(
            "=",
            f"duplicates at the target ({body.duplicate_policy})",
            f"{len(body.duplicates):,}",
            _names([d.file_name for d in body.duplicates], verbose),
        )
        table.add_row("=", "external-library photos kept", f"{len(body.kept_external):,}", "")
        album_line = ", ".join(f"{a.name} ({a.assets:,})" for a in body.albums[:LIMIT])
        table.add_row("=", "albums affected (photos stay in them)", f"{len(body.albums):,}",
                      album_line)  # fmt: skip
        if body.include_album:
            stays = "stays as editor" if body.keep_editor else "loses access"
            table.add_row(
                "~", "album handed over", "1", f"{body.label}: {body.source_email} {stays}"
            )
        console.print(table)
        for note in plan.notes:
            console.print(Text(f"note: {note}", style="plan.note"), soft_wrap=True)
        if not plan.actions:
            console.print(Text(f"No changes. {plan.empty_message}"))
            return
        console.print(
            Text(
                f"Plan: {len(body.asset_ids):,} photos, {len(body.persons):,} persons and "
                f"{len(body.tags):,} tags to {body.target_email} in one database transaction.",
                style="plan.summary",
            ),
            soft_wrap=True,
        )


def _people(people: list[PersonMove], verbose: bool) -> str:
    parts = [
        f"{p.name or '(unnamed)'} {p.faces_in} in / {p.faces_out} out"
        + (f" (shared {p.shares}×: row kept)" if p.shares else "")
        for p in people
    ]
    return _names(parts, verbose)


def _names(names: list[str], verbose: bool) -> str:
    shown = names if verbose else names[:5]
    more = f", … and {len(names) - len(shown):,} more" if len(names) > len(shown) else ""
    return ", ".join(shown) + more
