"""`immkit quickstart`: the first thing to run — your server if configured, else a sandbox."""

from __future__ import annotations

import tempfile
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import typer

from immkit.cli.albums import render_outcome
from immkit.cli.connect import immich_for
from immkit.cli.context import AppContext, app_context
from immkit.cli.doctor import NOTHING_RUNS, render_report
from immkit.config import Profile
from immkit.engine import Journal
from immkit.errors import ConfigError
from immkit.immich import Immich
from immkit.jobs.albums import STATE_NAME, AlbumStateStore, SyncOutcome, load_rules, sync
from immkit.jobs.doctor.check import run_doctor
from immkit.sim.sandbox import Sandbox


def quickstart(ctx: typer.Context) -> None:
    """Check your configured server, or, with none configured, try immkit on a sandbox.

    Changes nothing. With a profile (config file or IMMICH_INSTANCE_URL/IMMICH_API_KEY)
    it runs `immkit doctor` against it; otherwise it starts the sandbox, runs doctor and
    a smart-album dry run against it as the sample user Alice, and stops it again.

    Example: immkit quickstart
    """
    app = app_context(ctx)
    profile = _configured_profile(app)
    if profile is not None:
        app.console_err.print(f"Using profile {profile.name} ({profile.url}).")
        with immich_for(profile) as immich:
            report = run_doctor(immich, profile.url)
        render_report(report, app.console_out)
        if report.exit_code:
            app.console_err.out(NOTHING_RUNS)
        raise typer.Exit(report.exit_code)
    app.console_err.print("No Immich server configured: starting the built-in sandbox…")
    out = app.console_out
    with Sandbox() as box, tempfile.TemporaryDirectory(prefix="immkit-quickstart-") as tmp:
        profile = Profile(name="sandbox", url=box.url, api_key=box.library.key("alice"))
        with immich_for(profile) as immich:
            report = run_doctor(immich, box.url)
            render_report(report, out)
            out.out("")
            out.out("A smart-album dry run as the sample user Alice, with these rules:")
            for line in SAMPLE_RULES_TOML.strip().splitlines():
                out.out(f"  {line}")
            out.out("")
            outcome = _dry_run(immich, Path(tmp))
        render_outcome(outcome, out, verbose=False)
    out.out("")
    out.out("That was immkit's sandbox (stopped again; nothing was changed). Next steps:")
    out.out("  immkit sandbox            keep a sandbox running to try commands against it")
    out.out("  immkit config init        then edit the file to point immkit at your server")
    out.out("  immkit doctor             check your server and what your API key can do")
    out.out("  immkit albums sync --dry-run   preview your own [[albums]] rules")
    raise typer.Exit(report.exit_code)


SAMPLE_RULES_TOML = """
[[albums]]
name = "Alice & Bob"
people = ["Alice", "Bob"]
match = "any"

[[albums]]
name = "Nobody in it"
match = "none"
"""


def _dry_run(immich: Immich, state: Path) -> SyncOutcome:
    rules = load_rules(tomllib.loads(SAMPLE_RULES_TOML)["albums"], "the sample rules")
    with (
        Journal(state / "journal.sqlite3") as journal,
        AlbumStateStore(state / STATE_NAME) as store,
    ):
        return sync(
            immich,
            rules,
            journal=journal,
            store=store,
            lock_dir=state,
            now=datetime.now(UTC),
            profile="sandbox",
            dry_run=True,
        )


def _configured_profile(app: AppContext) -> Profile | None:
    """The active profile, or None when nothing at all is configured (no file, no env)."""
    config = app.config
    if not config.exists and not app.env.get("IMMICH_INSTANCE_URL"):
        return None
    try:
        return app.profile
    except ConfigError:
        if config.profile_names or app.env.get("IMMICH_INSTANCE_URL"):
            raise
        return None
