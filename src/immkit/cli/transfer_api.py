"""`immkit transfer --mode api`: move photos between two users' keys, no database needed."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import dataclass

import typer
from rich.console import Console

from immkit.cli.connect import immich_for
from immkit.cli.context import AppContext, app_context
from immkit.cli.logs import add_secrets
from immkit.cli.progress import make_progress
from immkit.cli.render import human_size, plan_summary, print_json, render_result
from immkit.cli.runs import register_executor
from immkit.config import Profile
from immkit.engine import Executor, Journal, Plan
from immkit.errors import ConfirmationRequired, InputError
from immkit.immich import Immich
from immkit.jobs.transfer.api_apply import ApiTransferExecutor, apply_api, unfinished_units
from immkit.jobs.transfer.api_collect import ApiSnapshot, ApiSpec, collect
from immkit.jobs.transfer.api_plan import JOB, ApiKind, Counts, counts, plan_api
from immkit.jobs.transfer.select import Kind

LIMIT = 20


@dataclass(frozen=True)
class ApiArgs:
    """The transfer command line, as API mode reads it."""

    kind: str | None  # album, tag or person (None: not given)
    ref: str | None
    to_user: str | None
    from_user: str | None
    from_profile: str | None
    to_profile: str | None
    include_album: bool
    duplicates: str
    dry_run: bool
    yes: bool
    json_out: bool


def run_api(app_: AppContext, args: ApiArgs) -> None:
    """Collect with both keys, show the plan, and (confirmed) apply it."""
    if args.kind not in ("album", "tag", "person") or not args.ref:
        raise InputError(
            "Say what to move: --album NAME (or --tag, --person), and to whom: --to-profile."
        )
    kind: Kind = "album" if args.kind == "album" else "tag" if args.kind == "tag" else "person"
    if args.to_profile is None:
        raise InputError(
            "API mode needs --to-profile PROFILE: a profile with the target user's API key "
            "(the source is --from-profile, default the current profile)."
        )
    if args.include_album:
        raise InputError(
            "--include-album needs --mode db: Immich's API cannot give an album another "
            "owner. In API mode the copies join the album when it is shared with the target "
            "as editor; share it first, or leave --include-album out."
        )
    if args.duplicates != "skip":
        raise InputError(
            "--duplicates merge needs --mode db; in API mode photos the target already has "
            "stay with the source."
        )
    source_profile = _profile(app_, args.from_profile)
    target_profile = _profile(app_, args.to_profile)
    if source_profile.name == target_profile.name:
        raise InputError(
            f"The source and target profiles are both {source_profile.name!r}; give "
            "--to-profile a profile with the target user's API key."
        )
    spec = ApiSpec(
        kind=kind,
        ref=args.ref,
        source_profile=source_profile.name,
        target_profile=target_profile.name,
        source_user=args.from_user,
        target_user=args.to_user,
    )
    with ExitStack() as stack:
        source = stack.enter_context(immich_for(source_profile))
        target = stack.enter_context(immich_for(target_profile))
        journal = stack.enter_context(Journal(app_.journal_path))
        _run(app_, args, spec, source, target, journal)


def _run(
    app_: AppContext, args: ApiArgs, spec: ApiSpec, source: Immich, target: Immich, journal: Journal
) -> None:
    snapshot = collect(spec, source, target, ours=unfinished_units(journal))
    plan = plan_api(snapshot, profile=spec.source_profile, target_profile=spec.target_profile)
    tally = counts(snapshot)
    out, err = app_.console_out, app_.console_err
    as_json = app_.wants_json(args.json_out)
    if as_json and args.dry_run:
        print_json(out, {"plan": plan.model_dump(mode="json"), "counts": tally.model_dump()})
        return
    if not as_json:
        render_api_plan(plan, snapshot, tally, out, verbose=app_.verbosity > 0)
    if args.dry_run or not plan.actions:
        return
    if not _confirmed(args.yes, snapshot, tally):
        typer.echo("Transfer cancelled; nothing changed.", err=True)
        return
    result = apply_api(
        plan,
        snapshot,
        source,
        target,
        journal,
        source_profile=spec.source_profile,
        target_profile=spec.target_profile,
        progress=make_progress(err.is_terminal, err),
    )
    if as_json:
        print_json(out, {"result": result.model_dump(mode="json"), "counts": tally.model_dump()})
    else:
        render_result(result, out, verbose=app_.verbosity > 0)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _profile(app_: AppContext, name: str | None) -> Profile:
    if name is None:
        return app_.profile
    profile = app_.config.profile(name)
    add_secrets(profile.secret_values())
    return profile


def _confirmed(yes: bool, snapshot: ApiSnapshot, tally: Counts) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise ConfirmationRequired(
            f"Moving {tally.photos:,} photos to {snapshot.target.email} trashes them at "
            f"{snapshot.source.email} once copied; rerun with --yes to confirm (nothing was "
            "changed)."
        )
    from immkit.cli.transfer_ask import confirm

    return confirm(
        f"Copy {tally.photos:,} photos to {snapshot.target.email} and trash them at "
        f"{snapshot.source.email}?"
    )


def render_api_plan(
    plan: Plan, snapshot: ApiSnapshot, tally: Counts, console: Console, *, verbose: bool
) -> None:
    """The photos (cut to 20 unless -v), what the target gets, the notes and the summary."""
    console.print(
        f"Transfer {snapshot.kind} {snapshot.label!r}: {snapshot.source.email} → "
        f"{snapshot.target.email} (API mode: download and upload every file)",
        soft_wrap=True,
        markup=False,
    )
    moves = [a for a in plan.actions if a.kind == ApiKind.MOVE]
    shown = moves if verbose else moves[:LIMIT]
    for action in shown:
        console.print(f"  ~ move {action.target_label}", soft_wrap=True, markup=False)
    if len(moves) > len(shown):
        console.print(f"  … and {len(moves) - len(shown):,} more", markup=False)
    lines = [
        f"photos to move: {tally.photos:,} ({tally.files:,} files, {tally.live_photos:,} live "
        f"photo(s), {human_size(tally.bytes)} to download and upload)",
        f"to trash at the source once verified: {tally.to_trash:,} files",
        f"people: {_names(tally.people_reused, verbose)} reused, "
        f"{_names(tally.people_created, verbose)} created; {tally.faces:,} named faces",
        f"tags: {_names(tally.tags_reused, verbose)} reused, "
        f"{_names(tally.tags_created, verbose)} created",
        f"albums the copies join: {_names(tally.albums_joined, verbose)}",
        f"stay with the source: {tally.duplicates:,} already at the target, "
        f"{tally.external:,} in an external library",
    ]
    for line in lines:
        console.print(f"  {line}", soft_wrap=True, markup=False)
    if tally.albums_left:
        console.print(
            f"! The target may not add to the album(s) {', '.join(tally.albums_left)}: the "
            "copies will not be in them and the photos leave them (share them with the target "
            "as editor first).",
            soft_wrap=True,
            markup=False,
        )
    for note in plan.notes:
        console.print(f"! {note}", soft_wrap=True, markup=False)
    if not plan.actions:
        console.print(f"No changes. {plan.empty_message}", soft_wrap=True, markup=False)
        return
    console.print(plan_summary(plan), soft_wrap=True, markup=False)


def _names(names: list[str], verbose: bool) -> str:
    if not names:
        return "none"
    shown = names if verbose else names[:5]
    more = f", … and {len(names) - len(shown):,} more" if len(names) > len(shown) else ""
    return f"{len(names):,} (" + ", ".join(shown) + more + ")"


def _executor(ctx: typer.Context, profile_name: str | None) -> Executor:
    """For `runs undo`: each inverse action names the profile of the side it acts on."""
    app_ = app_context(ctx)
    opened: dict[str, Immich] = {}

    def gateway_for(name: str) -> Immich:
        if name not in opened:
            opened[name] = immich_for(_profile(app_, name))
            ctx.call_on_close(opened[name].close)
        return opened[name]

    return ApiTransferExecutor(gateway_for)


register_executor(JOB, _executor)
