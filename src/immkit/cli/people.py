"""`immkit people`: export, import and migrate named people and their faces; duplicates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from immkit.cli.connect import immich_for
from immkit.cli.context import AppContext, app_context
from immkit.cli.options import DryRun, FromProfile, JsonOut, ToProfile
from immkit.cli.progress import make_progress
from immkit.cli.render import render_plan, render_result
from immkit.cli.runs import register_executor
from immkit.config import Profile
from immkit.engine import Executor, Journal, apply_plan
from immkit.errors import ConfigError
from immkit.jobs.people import exportfile
from immkit.jobs.people.apply import PeopleExecutor
from immkit.jobs.people.collect import read_source
from immkit.jobs.people.duplicates import JOB as DUPLICATES_JOB
from immkit.jobs.people.duplicates import Group, find_duplicates, plan_merge
from immkit.jobs.people.exportfile import PeopleFile
from immkit.jobs.people.match import DEFAULT_IOU
from immkit.jobs.people.plan import JOB, Conflict, Options
from immkit.jobs.people.run import ImportOutcome, import_people

app = typer.Typer(
    help="Copy named people and their faces between accounts or servers; merge duplicates.\n\n"
    "Example: immkit people migrate --from old --to new --dry-run",
    no_args_is_help=True,
)

Threshold = Annotated[
    float,
    typer.Option(
        "--threshold",
        min=0.05,
        max=1.0,
        metavar="IOU",
        help=f"Least overlap (IoU) of two boxes that are the same face (default {DEFAULT_IOU}).",
    ),
]
ConflictOpt = Annotated[
    Conflict,
    typer.Option(
        "--conflict",
        case_sensitive=False,
        help="A target face already on a differently named person: skip it or reassign it.",
    ),
]
CreateMissing = Annotated[
    bool,
    typer.Option(
        "--create-missing-faces",
        help="Draw a face where the target has none matching a source face.",
    ),
]
IncludeUnnamed = Annotated[
    bool,
    typer.Option("--include-unnamed", help="Also copy persons without a name."),
]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="List every conflict, unmatched face and photo.")
]


@app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE", dir_okay=False, help="File to write.")
    ],
    include_unnamed: IncludeUnnamed = False,
    json_out: JsonOut = False,
) -> None:
    """Write the profile's named people and their faces to a JSON Lines file.

    The format is in the README; edit it by hand or with jq before an import.

    Example: immkit --profile old people export --out people.jsonl
    """
    app_ = app_context(ctx)
    if not out.parent.is_dir():
        raise ConfigError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    with immich_for(app_.profile) as immich:
        data = read_source(immich, include_unnamed=include_unnamed)
    exportfile.write(out, data)
    summary = {"file": str(out), "people": len(data.people), "faces": len(data.faces)}
    if app_.wants_json(json_out):
        app_.console_out.out(json.dumps(summary, indent=2))
    else:
        app_.console_out.out(
            f"Wrote {len(data.people):,} people, {len(data.faces):,} faces to {out}."
        )


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file from `people export`.")],
    dry_run: DryRun = False,
    json_out: JsonOut = False,
    threshold: Threshold = DEFAULT_IOU,
    conflict: ConflictOpt = Conflict.SKIP,
    create_missing_faces: CreateMissing = False,
    verbose: Verbose = False,
) -> None:
    """Give the profile's faces the names in an export file: persons reused or created.

    Photos are matched by checksum, then file name and time, then a file name unique on
    both sides; faces by box overlap. Journaled: `immkit runs undo RUN` reverses it.

    Example: immkit --profile new people import people.jsonl --dry-run
    """
    app_ = app_context(ctx)
    source = exportfile.read(file)
    options = Options(threshold, conflict, create_missing_faces)
    _import(app_, app_.profile, source, options, dry_run, json_out, verbose)


@app.command("migrate")
def migrate_command(
    ctx: typer.Context,
    from_profile: FromProfile,
    to_profile: ToProfile,
    dry_run: DryRun = False,
    json_out: JsonOut = False,
    threshold: Threshold = DEFAULT_IOU,
    conflict: ConflictOpt = Conflict.SKIP,
    create_missing_faces: CreateMissing = False,
    include_unnamed: IncludeUnnamed = False,
    verbose: Verbose = False,
) -> None:
    """Copy named people and their faces from one profile to another, without a file.

    The profiles may be two users of one server or two servers.

    Example: immkit people migrate --from old --to new --create-missing-faces --dry-run
    """
    app_ = app_context(ctx)
    if from_profile == to_profile:
        raise ConfigError(f"--from and --to are both {from_profile!r}; name two profiles.")
    source_profile = app_.config.profile(from_profile)
    target_profile = app_.config.profile(to_profile)
    same_key = (
        source_profile.api_key.get_secret_value() == target_profile.api_key.get_secret_value()
    )
    if source_profile.url.rstrip("/") == target_profile.url.rstrip("/") and same_key:
        raise ConfigError(
            f"Profiles {from_profile!r} and {to_profile!r} are the same account; "
            "name a different target."
        )
    with immich_for(source_profile) as source_immich:
        source = read_source(source_immich, include_unnamed=include_unnamed)
    options = Options(threshold, conflict, create_missing_faces)
    _import(app_, target_profile, source, options, dry_run, json_out, verbose)


def _import(
    app_: AppContext,
    profile: Profile,
    source: PeopleFile,
    options: Options,
    dry_run: bool,
    json_out: bool,
    verbose: bool,
) -> None:
    err = app_.console_err
    with immich_for(profile) as immich, Journal(app_.journal_path) as journal:
        outcome = import_people(
            immich,
            source,
            options,
            journal=journal,
            profile=profile.name,
            dry_run=dry_run,
            progress=make_progress(err.is_terminal, err),
        )
    if app_.wants_json(json_out):
        app_.console_out.out(json.dumps(outcome_json(outcome), indent=2, ensure_ascii=False))
    else:
        render_import(outcome, app_.console_out, verbose=verbose or app_.verbosity > 0)
    if outcome.result is not None and outcome.result.exit_code:
        raise typer.Exit(outcome.result.exit_code)


def outcome_json(outcome: ImportOutcome) -> dict[str, Any]:
    document: dict[str, Any] = {
        "plan": outcome.plan.model_dump(mode="json"),
        "report": outcome.report.as_json(),
    }
    if outcome.result is not None:
        document["result"] = outcome.result.model_dump(mode="json")
    return document


def render_import(outcome: ImportOutcome, console: Console, *, verbose: bool) -> None:
    report = outcome.report
    lists = (
        ("Ambiguous photos (not guessed)", report.assets_ambiguous),
        ("Photos missing on the target", report.assets_missing),
        ("Conflicts", report.conflicts),
        ("Source faces with no matching face", report.faces_unmatched),
        ("People with no matched face (not created)", report.people_without_faces),
    )
    for title, items in lists:
        if not items:
            continue
        console.out(f"{title}: {len(items):,}")
        shown = items if verbose else items[:5]
        for item in shown:
            console.out(f"  {item}")
        if len(items) > len(shown):
            console.out(f"  … and {len(items) - len(shown):,} more (-v lists all)")
    render_plan(outcome.plan, console, verbose=verbose)
    if outcome.result is not None:
        render_result(outcome.result, console, verbose=verbose)


@app.command("duplicates")
def duplicates_command(
    ctx: typer.Context,
    merge: Annotated[
        bool, typer.Option("--merge", help="Merge each group into its favourite or biggest.")
    ] = False,
    dry_run: DryRun = False,
    json_out: JsonOut = False,
) -> None:
    """List persons that share a name, with photo counts; merge them with --merge.

    Each group is merged into its favourite, else the person with the most photos.
    Journaled: `immkit runs undo RUN` splits them again.

    Example: immkit people duplicates --merge --dry-run
    """
    app_ = app_context(ctx)
    profile = app_.profile
    err = app_.console_err
    with immich_for(profile) as immich, Journal(app_.journal_path) as journal:
        groups = find_duplicates(immich)
        plan = plan_merge(groups, profile=profile.name)
        result = None
        if merge and not dry_run and plan.actions:
            result = apply_plan(
                plan, PeopleExecutor(immich), journal, progress=make_progress(err.is_terminal, err)
            )
    if app_.wants_json(json_out):
        document: dict[str, Any] = {"groups": [_group_json(g) for g in groups]}
        if merge:
            document["plan"] = plan.model_dump(mode="json")
        if result is not None:
            document["result"] = result.model_dump(mode="json")
        app_.console_out.out(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        console = app_.console_out
        if not groups:
            console.out("No two persons share a name.")
        for group in groups:
            console.out(f"{group.name}: {len(group.members)} persons")
            for index, member in enumerate(group.members):
                mark = " (kept)" if index == 0 and merge else ""
                console.out(f"  {member.person.id}  {member.photos:,} photos{mark}")
        if merge and groups:
            render_plan(plan, console)
        if result is not None:
            render_result(result, console)
    if result is not None and result.exit_code:
        raise typer.Exit(result.exit_code)


def _group_json(group: Group) -> dict[str, Any]:
    return {
        "name": group.name,
        "persons": [{"id": m.person.id, "photos": m.photos} for m in group.members],
    }


def _executor(ctx: typer.Context, profile_name: str | None) -> Executor:
    """For `runs undo`: act where the run acted. Resuming: the actions a killed run left
    `applying` are settled first, and a person it created is found, not made twice."""
    app_ = app_context(ctx)
    profile = app_.config.profile(profile_name) if profile_name else app_.profile
    immich = immich_for(profile)
    ctx.call_on_close(immich.close)
    return PeopleExecutor(immich, resuming=True)


register_executor(JOB, _executor)
register_executor(DUPLICATES_JOB, _executor)
