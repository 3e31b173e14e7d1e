"""`immkit transfer`: hand an album's (a tag's, a person's) photos to another user."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from immkit.cli.context import AppContext, app_context
from immkit.cli.options import DryRun, JsonOut, Yes
from immkit.cli.progress import make_progress
from immkit.cli.render import render_plan, render_result
from immkit.cli.runs import register_executor
from immkit.cli.transfer_api import ApiArgs, run_api
from immkit.cli.transfer_render import render_transfer
from immkit.engine import Executor, Journal
from immkit.errors import ConfigError, ConfirmationRequired, InputError
from immkit.jobs.transfer import repair
from immkit.jobs.transfer.apply import TransferExecutor
from immkit.jobs.transfer.plan import JOB
from immkit.jobs.transfer.run import apply, connector, make_plan
from immkit.jobs.transfer.select import Kind, Policy, TransferSpec

app = typer.Typer(
    help="Move photos to another user with their people, faces, tags and stacks.\n\n"
    'Example: immkit transfer --album "Holiday 2024" --to bob@example.com --dry-run',
    invoke_without_command=True,
)

User = Annotated[str | None, typer.Option(metavar="USER", help="E-mail or id.")]


@app.callback()
def transfer(
    ctx: typer.Context,
    album: Annotated[
        str | None, typer.Option("--album", metavar="NAME|ID", help="Move this album's photos.")
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", metavar="NAME", help="Move the photos with this tag.")
    ] = None,
    person: Annotated[
        str | None, typer.Option("--person", metavar="NAME", help="Move the photos of a person.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", metavar="USER", help="The new owner (e-mail or id).")
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option("--from", metavar="USER", help="The current owner (default: the album's)."),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option("--mode", metavar="db|api", help="db (default with a database_url) or api."),
    ] = None,
    include_album: Annotated[
        bool, typer.Option("--include-album", help="Also make the target the album's owner.")
    ] = False,
    keep_editor: Annotated[
        bool,
        typer.Option("--keep-editor", help="With --include-album: the old owner stays as editor."),
    ] = False,
    duplicates: Annotated[
        str,
        typer.Option(
            "--duplicates",
            metavar="skip|merge",
            help="Photos the target already has: leave them (skip) or also put the target's "
            "copy in their albums (merge).",
        ),
    ] = "skip",
    from_profile: Annotated[
        str | None,
        typer.Option(
            "--from-profile",
            metavar="PROFILE",
            help="API mode: the profile with the source user's key (default: the current one).",
        ),
    ] = None,
    to_profile: Annotated[
        str | None,
        typer.Option(
            "--to-profile", metavar="PROFILE", help="API mode: the profile with the target's key."
        ),
    ] = None,
    dry_run: DryRun = False,
    yes: Yes = False,
    json_out: JsonOut = False,
) -> None:
    """Move photos to another user, keeping people, faces, live photos, stacks and tags.

    Runs as ONE database transaction (undo with `immkit runs undo RUN`). Files on disk
    stay where they are. Without arguments on a terminal it asks what to move.
    Without database access, --mode api copies each photo from the source's key
    (--from-profile, default the current profile) to the target's (--to-profile),
    then trashes the source's once the copy is verified.

    Example: immkit transfer --album "Holiday 2024" --to bob@example.com --dry-run
    """
    if ctx.invoked_subcommand is not None:
        return
    app_ = app_context(ctx)
    api = _api_mode(app_, mode, from_profile, to_profile)
    dsn = "" if api else _database_url(app_, mode)
    chosen = _chosen(album, tag, person, duplicates)
    if api:
        run_api(
            app_,
            ApiArgs(chosen[0] if chosen else None, album or tag or person, to, from_, from_profile,
                    to_profile, include_album, duplicates, dry_run, yes, json_out),
        )  # fmt: skip
        return
    if not chosen or to is None:
        if not sys.stdin.isatty():
            raise InputError(
                "Say what to move and to whom: --album NAME (or --tag, --person) and --to USER."
            )
        from immkit.cli.transfer_ask import ask_missing

        from_, asked, to = ask_missing(dsn, from_, album, to, selection=bool(chosen))
        if not chosen:
            album, chosen = asked, ["album"]
    kind: Kind = "album" if chosen[0] == "album" else "tag" if chosen[0] == "tag" else "person"
    ref = album if kind == "album" else tag if kind == "tag" else person
    policy: Policy = "merge" if duplicates == "merge" else "skip"
    spec = TransferSpec(
        kind=kind,
        ref=str(ref),
        target=str(to),
        source=from_,
        include_album=include_album,
        keep_editor=keep_editor,
        duplicates=policy,
    )
    planned = make_plan(dsn, spec, app_.profile.name)
    as_json = app_.wants_json(json_out)
    out = app_.console_out
    if as_json and dry_run:
        out.out(json.dumps(planned.plan.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    if not as_json:
        render_transfer(planned.plan, planned.body, out, verbose=app_.verbosity > 0)
    if dry_run or not planned.plan.actions:
        return
    if not _confirmed(yes, planned.body.target_email, len(planned.body.asset_ids)):
        typer.echo("Transfer cancelled; nothing changed.", err=True)
        return
    err = app_.console_err
    with Journal(app_.journal_path) as journal:
        result = apply(dsn, planned, spec, journal, progress=make_progress(err.is_terminal, err))
    if as_json:
        out.out(json.dumps(result.model_dump(mode="json"), indent=2))
    else:
        render_result(result, out, verbose=app_.verbosity > 0)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@app.command("repair-faces")
def repair_faces(ctx: typer.Context, dry_run: DryRun = False, yes: Yes = False) -> None:
    """Repair faces left behind by hand-made SQL transfers, in one transaction.

    A face whose person belongs to another user than its photo gets a person of the
    photo's owner (duplicated: name, birth date, flags); persons whose feature face is
    gone get one of their faces.

    Example: immkit transfer repair-faces --dry-run
    """
    app_ = app_context(ctx)
    dsn = _database_url(app_, None)
    plan = repair.make_plan(dsn, app_.profile.name)
    out = app_.console_out
    if app_.wants_json():
        out.out(json.dumps(plan.model_dump(mode="json"), indent=2))
    else:
        render_plan(plan, out, verbose=app_.verbosity > 0)
    if dry_run or not plan.actions:
        return
    if not _confirmed(yes, "their photos' owners", 0):
        typer.echo("Repair cancelled; nothing changed.", err=True)
        return
    with Journal(app_.journal_path) as journal:
        result = repair.apply(dsn, plan, journal)
    render_result(result, out, verbose=app_.verbosity > 0)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _chosen(album: str | None, tag: str | None, person: str | None, duplicates: str) -> list[str]:
    chosen = [k for k, v in (("album", album), ("tag", tag), ("person", person)) if v]
    if len(chosen) > 1:
        raise InputError("Give one of --album, --tag or --person, not several.")
    if duplicates not in ("skip", "merge"):
        raise InputError(f"--duplicates must be skip or merge, not {duplicates!r}.")
    return chosen


def _api_mode(
    app_: AppContext, mode: str | None, from_profile: str | None, to_profile: str | None
) -> bool:
    """--mode, else db when the profile has a database_url, else api."""
    if mode not in (None, "db", "api"):
        raise InputError(f"--mode must be db or api, not {mode!r}.")
    api = mode == "api" or (mode is None and app_.profile.database_url is None)
    if not api and (from_profile or to_profile):
        raise InputError(
            "--from-profile and --to-profile are for --mode api; in database mode give the "
            "users with --from and --to."
        )
    return api


def _database_url(app_: AppContext, mode: str | None) -> str:
    profile = app_.profile
    url = profile.database_url
    if url is None:
        raise ConfigError(
            f"Profile {profile.name} has no database_url; add it (or database_url_file) "
            "for --mode db."
        )
    return url.get_secret_value()


def _confirmed(yes: bool, target: str, count: int) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise ConfirmationRequired(
            "Changing ownership needs confirmation: rerun with --yes (nothing was changed)."
        )
    from immkit.cli.transfer_ask import confirm

    what = f"{count:,} photos" if count else "the faces"
    return confirm(f"Give {what} to {target} now?")


def _executor(ctx: typer.Context, profile_name: str | None) -> Executor:
    """For `runs undo`: act on the database of the run's profile."""
    app_ = app_context(ctx)
    profile = app_.config.profile(profile_name) if profile_name else app_.profile
    if profile.database_url is None:
        raise ConfigError(f"Profile {profile.name} has no database_url; undo needs it.")
    return TransferExecutor(connector(profile.database_url.get_secret_value()))


register_executor(JOB, _executor)
register_executor(repair.JOB, _executor)
