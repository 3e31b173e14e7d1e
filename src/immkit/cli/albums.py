"""`immkit albums sync`: smart albums from the config's rules, or one rule from flags."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console

from immkit.cli.connect import immich_for
from immkit.cli.context import AppContext, app_context
from immkit.cli.options import DryRun, JsonOut
from immkit.cli.progress import make_progress
from immkit.cli.render import render_plan, render_result
from immkit.cli.runs import register_executor
from immkit.engine import Executor, Journal
from immkit.errors import ConfigError, NotFoundError
from immkit.jobs.albums import (
    JOB,
    STATE_NAME,
    AlbumExecutor,
    AlbumRule,
    AlbumStateStore,
    SyncOutcome,
    load_rules,
    rule_from_flags,
    rules_from_environment,
    scope_of,
    sync,
)
from immkit.jobs.albums.plan import changes
from immkit.jobs.albums.resolve import closest

app = typer.Typer(
    help="Smart albums: keep albums in sync with rules about who is in the photos.\n\n"
    "Example: immkit albums sync --dry-run",
    no_args_is_help=True,
)

Many = list[str] | None


@app.command("sync")
def sync_command(
    ctx: typer.Context,
    rules: Annotated[
        list[str] | None,
        typer.Argument(metavar="[RULE]...", help="Rules (album names) to sync; default: all."),
    ] = None,
    dry_run: DryRun = False,
    json_out: JsonOut = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List the file names each rule adds or removes.")
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Read everything again instead of what changed.")
    ] = False,
    album: Annotated[
        str | None,
        typer.Option("--album", metavar="NAME", help="Ad-hoc rule: the album to fill."),
    ] = None,
    person: Annotated[
        Many, typer.Option("--person", metavar="NAME", help="Ad-hoc: a person (repeat).")
    ] = None,
    match: Annotated[
        str | None,
        typer.Option(
            "--match",
            metavar="any|all|none",
            help="Ad-hoc: how people combine; none = nobody in the photo.",
        ),
    ] = None,
    exclude: Annotated[
        Many,
        typer.Option(
            "--exclude", metavar="NAME", help="Ad-hoc: leave out photos with this person (repeat)."
        ),
    ] = None,
    only_listed: Annotated[
        bool, typer.Option("--only-listed", help="Ad-hoc: no other named person in the photo.")
    ] = False,
    faceless: Annotated[
        str | None,
        typer.Option(
            "--faceless",
            metavar="no_people|no_named|no_faces",
            help="Ad-hoc: what counts as nobody (README).",
        ),
    ] = None,
    settle: Annotated[
        str | None,
        typer.Option(
            "--settle",
            metavar="DURATION",
            help="Ad-hoc: faceless leaves out uploads younger than this (default 1h).",
        ),
    ] = None,
    filename: Annotated[
        Many,
        typer.Option(
            "--filename", metavar="GLOB", help="Ad-hoc: file-name pattern, e.g. '*.heic' (repeat)."
        ),
    ] = None,
    type_: Annotated[
        str | None, typer.Option("--type", metavar="image|video", help="Ad-hoc: only this type.")
    ] = None,
    favorite: Annotated[
        bool | None,
        typer.Option(
            "--favorite/--not-favorite", help="Ad-hoc: only favourites (or only the others)."
        ),
    ] = None,
    taken_after: Annotated[
        str | None,
        typer.Option(
            "--taken-after", metavar="DATE", help="Ad-hoc: taken on or after (2024-01-31)."
        ),
    ] = None,
    taken_before: Annotated[
        str | None,
        typer.Option("--taken-before", metavar="DATE", help="Ad-hoc: taken on or before."),
    ] = None,
    visibility: Annotated[
        str | None,
        typer.Option(
            "--visibility", metavar="timeline|archive|hidden", help="Ad-hoc: only this visibility."
        ),
    ] = None,
    city: Annotated[str | None, typer.Option("--city", help="Ad-hoc: EXIF city.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Ad-hoc: EXIF country.")] = None,
    make: Annotated[str | None, typer.Option("--make", help="Ad-hoc: camera make.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Ad-hoc: camera model.")] = None,
    tag: Annotated[
        Many,
        typer.Option(
            "--tag",
            metavar="TAG",
            help="Ad-hoc: a tag, e.g. Places/Italy (repeat; all must be on the photo).",
        ),
    ] = None,
    share: Annotated[
        Many,
        typer.Option(
            "--share",
            metavar="EMAIL[:ROLE]",
            help="Ad-hoc: share with a user, viewer or editor (repeat).",
        ),
    ] = None,
    include_partners: Annotated[
        bool, typer.Option("--include-partners", help="Ad-hoc: partners' photos fit too.")
    ] = False,
    remove_stale: Annotated[
        str | None,
        typer.Option(
            "--remove-stale",
            metavar="added|exact|never",
            help="Ad-hoc: what leaves the album (default added).",
        ),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="Ad-hoc: description of a new album.")
    ] = None,
) -> None:
    """Bring albums in line with their rules: add what fits, remove what no longer does.

    Rules come from the config's [[albums]] tables (and IMMKIT_ALBUM_* variables), or
    one ad-hoc rule from --album and the other flags. A second run with nothing changed
    plans nothing. Every applied run is journaled: `immkit runs undo RUN` reverses it.

    Example: immkit albums sync --album "Kids" --person Alice --person Bob --dry-run
    """
    app_ = app_context(ctx)
    flags: dict[str, Any] = {
        "name": album,
        "people": person,
        "match": match,
        "exclude_people": exclude,
        "only_listed": only_listed or None,
        "faceless": faceless,
        "settle": settle,
        "filename": filename,
        "type": type_,
        "favorite": favorite,
        "taken_after": taken_after,
        "taken_before": taken_before,
        "visibility": visibility,
        "city": city,
        "country": country,
        "make": make,
        "model": model,
        "tags": tag,
        "share": share,
        "include_partners": include_partners or None,
        "remove_stale": remove_stale,
        "description": description,
    }
    chosen = _chosen_rules(app_, rules or [], flags)
    outcome = _run(app_, chosen, dry_run=dry_run, full=full)
    if app_.wants_json(json_out):
        app_.console_out.out(json.dumps(outcome_json(outcome), indent=2, ensure_ascii=False))
    else:
        render_outcome(outcome, app_.console_out, verbose=verbose or app_.verbosity > 0)
    if outcome.result is not None and outcome.result.exit_code:
        raise typer.Exit(outcome.result.exit_code)


def configured_rules(app_: AppContext) -> list[AlbumRule]:
    """The config file's rules and the IMMKIT_ALBUM_* ones; names are unique across both."""
    tables = [rule.model_dump() for rule in app_.config.file.albums]
    rules = load_rules(tables, str(app_.config.path)) + rules_from_environment(app_.env)
    seen: set[str] = set()
    for rule in rules:
        if rule.name.casefold() in seen:
            raise ConfigError(
                f"The album {rule.name!r} has a rule in the config file and in IMMKIT_ALBUM_* "
                "variables; keep one."
            )
        seen.add(rule.name.casefold())
    return rules


def _chosen_rules(app_: AppContext, names: Sequence[str], flags: dict[str, Any]) -> list[AlbumRule]:
    adhoc = {k: v for k, v in flags.items() if v not in (None, [])}
    if adhoc:
        if "name" not in adhoc:
            raise ConfigError("Rule flags need --album NAME: the album the rule fills.")
        if names:
            raise ConfigError("Give rule names or an ad-hoc rule with --album, not both.")
        return [rule_from_flags(adhoc)]
    rules = configured_rules(app_)
    if not rules:
        raise ConfigError(
            f"No album rules: add [[albums]] tables to {app_.config.path} (see the README) "
            'or give one rule with flags, e.g. --album "Kids" --person Alice.'
        )
    if not names:
        return rules
    by_name = {r.name.casefold(): r for r in rules}
    chosen = []
    for name in names:
        if name.casefold() not in by_name:
            near = closest(name, [r.name for r in rules])
            hint = (
                f"closest: {', '.join(near)}"
                if near
                else f"rules: {', '.join(r.name for r in rules)}"
            )
            raise NotFoundError(f"No album rule is called {name!r} ({hint}).")
        chosen.append(by_name[name.casefold()])
    return chosen


def _run(app_: AppContext, rules: list[AlbumRule], *, dry_run: bool, full: bool) -> SyncOutcome:
    profile = app_.profile
    err = app_.console_err
    with (
        immich_for(profile) as immich,
        Journal(app_.journal_path) as journal,
        AlbumStateStore(app_.state_dir / STATE_NAME) as store,
    ):
        return sync(
            immich,
            rules,
            journal=journal,
            store=store,
            lock_dir=app_.state_dir / "locks",
            now=datetime.now(UTC),
            profile=profile.name,
            dry_run=dry_run,
            full=full,
            progress=make_progress(err.is_terminal, err),
        )


def rule_lines(outcome: SyncOutcome) -> list[dict[str, Any]]:
    """Per-rule counts, the same for the text view, JSON and the daemon's summaries."""
    lines = []
    for read in outcome.reads:
        diff = changes(read.snapshot)
        lines.append(
            {
                "rule": read.snapshot.rule,
                "read": read.mode,
                "fit": len(read.snapshot.matched),
                "in_album": len(read.snapshot.album.assets),
                "add": len(diff.add),
                "remove": len(diff.remove),
                "kept": diff.kept,
                "create": read.snapshot.album.id is None,
            }
        )
    return lines


def outcome_json(outcome: SyncOutcome) -> dict[str, Any]:
    document: dict[str, Any] = {
        "plan": outcome.plan.model_dump(mode="json"),
        "rules": rule_lines(outcome),
    }
    if outcome.result is not None:
        document["result"] = outcome.result.model_dump(mode="json")
    return document


def render_outcome(outcome: SyncOutcome, console: Console, *, verbose: bool) -> None:
    for line in rule_lines(outcome):
        new = " (new album)" if line["create"] else ""
        console.out(
            f"{line['rule']}{new}: {line['fit']:,} fit the rule, {line['in_album']:,} in the "
            f"album → +{line['add']:,} −{line['remove']:,} ({line['read']} read)"
        )
    if verbose:
        for read in outcome.reads:
            diff = changes(read.snapshot)
            for asset_id in diff.add:
                console.out(f"  + {read.snapshot.names.get(asset_id) or asset_id}")
            for asset_id in diff.remove:
                console.out(f"  − {read.snapshot.names.get(asset_id) or asset_id}")
    render_plan(outcome.plan, console, verbose=verbose)
    if outcome.result is not None:
        render_result(outcome.result, console, verbose=verbose)


def _executor(ctx: typer.Context, profile_name: str | None) -> Executor:
    """For `runs undo`: act where the run acted."""
    app_ = app_context(ctx)
    profile = app_.config.profile(profile_name) if profile_name else app_.profile
    immich = immich_for(profile)
    ctx.call_on_close(immich.close)
    store = AlbumStateStore(app_.state_dir / STATE_NAME)
    ctx.call_on_close(store.close)
    return AlbumExecutor(immich, store, scope_of(immich.client.base_url, immich.users.me().id))


register_executor(JOB, _executor)
