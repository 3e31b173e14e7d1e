"""`immkit library list | internalize`: external libraries turned into uploaded assets."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from immkit.cli.connect import immich_for
from immkit.cli.context import AppContext, app_context
from immkit.cli.options import Concurrency, DryRun, JsonOut, Yes
from immkit.cli.progress import make_progress
from immkit.cli.render import human_size, plan_summary, print_json, render_result
from immkit.cli.runs import register_executor
from immkit.engine import Executor, Journal, Plan, Result, apply_plan
from immkit.engine.settle import settle_cut_off
from immkit.errors import ConfirmationRequired, InputError
from immkit.immich import Immich, Library, MetadataSearch
from immkit.jobs.assetcopy.files import SourceMode
from immkit.jobs.library.after import AFTER_JOB, After, emptied_paths, plan_after
from immkit.jobs.library.apply import LibraryExecutor, internalize
from immkit.jobs.library.collect import Snapshot, check_import_paths, collect
from immkit.jobs.library.existing import done_before, find_existing
from immkit.jobs.library.find import find_library, require_admin
from immkit.jobs.library.plan import JOB, Counts, counts, plan_internalize

app = typer.Typer(
    help="External libraries: list them, turn one into normal uploaded assets.\n\n"
    "Example: immkit library internalize Photos --dry-run",
    no_args_is_help=True,
)

LIMIT = 20


@app.command("list")
def list_command(ctx: typer.Context, json_out: JsonOut = False) -> None:
    """List external libraries: id, name, owner, import paths and asset count (admin key).

    Example: immkit library list
    """
    app_ = app_context(ctx)
    with immich_for(app_.profile) as admin:
        require_admin(admin)
        users = {u.id: u.email for u in admin.users.admin_all()}
        rows: list[dict[str, Any]] = []
        for lib in admin.libraries.all():
            stats = admin.libraries.statistics(lib.id)
            rows.append(
                {
                    "id": lib.id,
                    "name": lib.name,
                    "owner": users.get(lib.owner_id, lib.owner_id),
                    "import_paths": lib.import_paths,
                    "assets": stats.total,
                }
            )
    if app_.wants_json(json_out):
        app_.console_out.out(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        app_.console_out.print("No external libraries.")
        return
    table = Table("id", "name", "owner", "import paths", "assets")
    for row in rows:
        table.add_row(
            row["id"],
            row["name"],
            row["owner"],
            "\n".join(row["import_paths"]),
            f"{row['assets']:,}",
        )
    app_.console_out.print(table)


@app.command("internalize")
def internalize_command(
    ctx: typer.Context,
    library: Annotated[str, typer.Argument(metavar="LIBRARY", help="Library name or id.")],
    dry_run: DryRun = False,
    concurrency: Concurrency = None,
    keep_external: Annotated[
        bool,
        typer.Option("--keep-external", help="Keep the external assets and their files."),
    ] = False,
    yes: Yes = False,
    after: Annotated[
        After,
        typer.Option(
            "--after",
            help="Then keep the next scan from re-importing: exclude the emptied import "
            "paths, remove them, or nothing (default).",
        ),
    ] = After.NOTHING,
    owner_profile: Annotated[
        str | None,
        typer.Option(
            "--owner-profile",
            metavar="PROFILE",
            help="Profile with the library owner's key, when the admin is someone else.",
        ),
    ] = None,
    source: Annotated[
        SourceMode,
        typer.Option(
            "--source",
            help="Where originals are read: the file itself when readable here (auto), "
            "only there (local), or always downloaded from the server (download).",
        ),
    ] = SourceMode.AUTO,
    json_out: JsonOut = False,
) -> None:
    """Upload a library's assets as its owner, carry albums, metadata, tags, faces and live
    photos, verify each copy, and only then move the external asset to the trash.

    Immich deletes a trashed external asset's ORIGINAL FILE FROM DISK when the trash is
    emptied. Run with --dry-run first; --keep-external keeps every file. Exit codes: 0 done,
    1 some assets failed (run again to retry them), 2 bad input (unknown library, owner's
    key missing, import path unreadable, no confirmation), 3 environment (non-admin key).

    Example: immkit library internalize "Old photos" --dry-run
    """
    app_ = app_context(ctx)
    if after is not After.NOTHING and keep_external:
        raise InputError(
            "--after needs the external assets gone; leave it out with --keep-external."
        )
    workers = concurrency or 4
    with immich_for(app_.profile, concurrency=workers) as admin:
        lib = find_library(admin, library)
        owner = _owner_gateway(app_, admin, lib, owner_profile, workers)
        try:
            _internalize(
                app_,
                admin,
                owner,
                lib,
                dry_run,
                keep_external,
                yes,
                after,
                owner_profile,
                source,
                workers,
                json_out,
            )
        finally:
            if owner is not admin:
                owner.close()


def _internalize(
    app_: AppContext,
    admin: Immich,
    owner: Immich,
    lib: Library,
    dry_run: bool,
    keep_external: bool,
    yes: bool,
    after: After,
    owner_profile: str | None,
    source: SourceMode,
    workers: int,
    json_out: bool,
) -> None:
    check_import_paths(admin, lib)
    out, err = app_.console_out, app_.console_err
    with Journal(app_.journal_path) as journal:

        def planned() -> tuple[Snapshot, Plan]:
            skip = done_before(journal, lib.id) if keep_external else set()
            snapshot = collect(owner, lib, skip=skip)
            plan = plan_internalize(
                snapshot,
                keep_external=keep_external,
                profile=app_.profile.name,
                owner_profile=owner_profile,
            )
            return snapshot, plan

        snapshot, plan = planned()
        resumes = journal.find_resumable(JOB, app_.profile.name, plan.digest()) is not None
        if not dry_run and not resumes and _settle(app_, journal, admin, owner):
            snapshot, plan = planned()  # the settled units are done: out of the plan
        existing = find_existing(owner, snapshot.units) if dry_run else None
        tally = counts(snapshot, keep_external=keep_external, existing=existing)
        as_json = app_.wants_json(json_out)
        if dry_run:
            if as_json:
                print_json(
                    out, {"plan": plan.model_dump(mode="json"), "counts": tally.model_dump()}
                )
            else:
                render_library_plan(plan, tally, out, verbose=app_.verbosity > 0)
            return
        if not as_json:
            render_library_plan(plan, tally, out, verbose=app_.verbosity > 0)
        if not plan.actions:
            return
        if not keep_external and not _confirmed(lib.name, len(plan.actions), yes):
            raise typer.Exit(1)
        result = internalize(
            plan,
            snapshot,
            owner,
            journal,
            owner_profile=owner_profile,
            concurrency=workers,
            source_mode=source,
            progress=make_progress(err.is_terminal, err),
        )
        after_result = _after(app_, admin, owner, lib, after, keep_external, journal)
    if as_json:
        document: dict[str, Any] = {
            "result": result.model_dump(mode="json"),
            "counts": tally.model_dump(),
        }
        if after_result is not None:
            document["after"] = after_result.model_dump(mode="json")
        print_json(out, document)
    else:
        render_result(result, out, verbose=app_.verbosity > 0)
        if after_result is not None:
            render_result(after_result, out)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _settle(app_: AppContext, journal: Journal, admin: Immich, owner: Immich) -> int:
    """Finish what a killed run (of another plan) left mid-way: assets it trashed are out
    of every new plan, and undo needs to know their copies."""
    executor = LibraryExecutor(admin, lambda _: owner)
    settled = settle_cut_off(journal, executor, JOB, app_.profile.name)
    if settled:
        app_.console_err.print(
            f"Finished {settled:,} asset(s) an interrupted run had left mid-way.",
            soft_wrap=True,
            markup=False,
        )
    return settled


def _owner_gateway(
    app_: AppContext, admin: Immich, lib: Library, owner_profile: str | None, workers: int
) -> Immich:
    if owner_profile is None:
        if admin.users.me().id == lib.owner_id:
            return admin
        owner_email = next(
            (u.email for u in admin.users.admin_all() if u.id == lib.owner_id), lib.owner_id
        )
        raise InputError(
            f"Library {lib.name!r} belongs to {owner_email}, and uploads must be made as its "
            "owner; pass --owner-profile PROFILE with a profile holding that user's API key."
        )
    owner = immich_for(app_.config.profile(owner_profile), concurrency=workers)
    if owner.users.me().id != lib.owner_id:
        owner.close()
        raise InputError(
            f"Profile {owner_profile!r} is not the owner of library {lib.name!r}; give the "
            "profile of the user who owns it."
        )
    return owner


def _confirmed(name: str, n: int, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise ConfirmationRequired(
            f"Internalizing library {name!r} trashes {n:,} external assets (Immich deletes their "
            "files when the trash is emptied); rerun with --yes to confirm, or --dry-run to look."
        )
    return typer.confirm(
        f"Upload {n:,} assets and trash their external originals (files deleted when the trash "
        "is emptied)?",
        default=False,
    )


def _after(
    app_: AppContext,
    admin: Immich,
    owner: Immich,
    lib: Library,
    after: After,
    keep_external: bool,
    journal: Journal,
) -> Result | None:
    if keep_external:
        return None
    if after is After.NOTHING:
        app_.console_err.print(
            f"The import paths of {lib.name!r} are unchanged. If Immich cannot delete the files "
            "(read-only mount), the next scan imports them again: run again with --after exclude "
            "(add exclusion patterns) or --after remove-path."
        )
        return None
    fresh = admin.libraries.get(lib.id)
    remaining = [
        a.original_path for a in owner.search.iter_assets(MetadataSearch(library_id=lib.id))
    ]
    emptied = emptied_paths(fresh.import_paths, remaining)
    plan = plan_after(
        lib.id,
        lib.name,
        fresh.import_paths,
        fresh.exclusion_patterns,
        emptied,
        after,
        app_.profile.name,
    )
    if not plan.actions:
        app_.console_err.print(
            "No import path is empty of external assets yet; the library's paths are unchanged."
        )
        return None
    return apply_plan(plan, LibraryExecutor(admin, lambda _: owner), journal)


def render_library_plan(plan: Plan, tally: Counts, console: Console, *, verbose: bool) -> None:
    """One line per unit (cut to 20 unless -v), the notes, the counts and the summary."""
    if not plan.actions:
        console.print(f"No changes. {plan.empty_message}")
    else:
        console.print(f"Plan for {plan.job}:")
        shown = plan.actions if verbose else plan.actions[:LIMIT]
        for action in shown:
            unit = action.params.get("unit")
            still = unit.get("still") if isinstance(unit, dict) else None
            bits = []
            if isinstance(unit, dict) and unit.get("motion"):
                bits.append("live photo")
            if isinstance(still, dict):
                for key, noun in (("albums", "album"), ("tags", "tag"), ("faces", "face")):
                    value = still.get(key)
                    n = len(value) if isinstance(value, list) else 0
                    if n:
                        bits.append(f"{n} {noun}{'s' if n != 1 else ''}")
            extra = f" ({', '.join(bits)})" if bits else ""
            mark = " → trash" if action.destructive else ""
            console.print(
                f"  ~ upload {action.target_label}{extra}{mark}", soft_wrap=True, markup=False
            )
        if len(plan.actions) > len(shown):
            console.print(f"  … and {len(plan.actions) - len(shown):,} more")
    for note in plan.notes:
        console.print(f"! {note}", soft_wrap=True, markup=False)
    unknown = f", {tally.unknown:,} not checked" if tally.unknown else ""
    console.print(
        f"Assets: {tally.to_upload:,} to upload, {tally.already_internal:,} already internal"
        f"{unknown}, {tally.to_delete:,} to delete, {human_size(tally.bytes)}"
        f" ({tally.live_photos:,} live photos, {tally.offline:,} offline skipped).",
        soft_wrap=True,
        markup=False,
    )
    if plan.actions:
        console.print(plan_summary(plan), soft_wrap=True, markup=False)


def _executor(ctx: typer.Context, profile_name: str | None) -> Executor:
    """For `runs undo`: the run's profile as admin, the owner's profile where recorded."""
    app_ = app_context(ctx)
    profile = app_.config.profile(profile_name) if profile_name else app_.profile
    admin = immich_for(profile)
    ctx.call_on_close(admin.close)
    opened: dict[str, Immich] = {}

    def owner_for(name: str | None) -> Immich:
        if name is None:
            return admin
        if name not in opened:
            opened[name] = immich_for(app_.config.profile(name))
            ctx.call_on_close(opened[name].close)
        return opened[name]

    return LibraryExecutor(admin, owner_for)


register_executor(JOB, _executor)
register_executor(AFTER_JOB, _executor)
