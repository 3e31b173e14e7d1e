"""`immkit daemon`: every album rule on its schedule, in one process, until stopped."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Executor
from datetime import UTC, datetime
from typing import Annotated

import typer

from immkit.cli.albums import configured_rules, rule_lines
from immkit.cli.connect import immich_for
from immkit.cli.context import AppContext, app_context
from immkit.cli.logs import SecretFilter, add_secrets
from immkit.config import Profile
from immkit.daemon import (
    Clock,
    Daemon,
    DaemonSettings,
    JobReport,
    Notifier,
    Runner,
    attach_log_file,
    install_stop_handlers,
    parse_schedule,
)
from immkit.engine import Journal
from immkit.errors import ConfigError
from immkit.jobs.albums import STATE_NAME, AlbumRule, AlbumStateStore, sync

log = logging.getLogger("immkit.daemon")

DEFAULT_SCHEDULE = "every 1h"


def daemon(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Run every rule once and exit (for cron).")
    ] = False,
) -> None:
    """Run every album rule on its schedule until SIGTERM or Ctrl-C.

    Rules come from the config's [[albums]] tables and IMMKIT_ALBUM_* variables; a rule
    without `schedule` runs every hour. Failures are logged, notified through the
    [notify] apprise URLs, and never stop the other rules. Exit code with --once: 0 if
    every rule succeeded, 1 if any failed.

    Example: immkit daemon --once
    """
    app = app_context(ctx)
    stop = threading.Event()
    built, names = build_daemon(app, stop)
    if once:
        reports = built.run_once()
        for report in reports:
            (app.console_out if report.ok else app.console_err).out(report.summary)
        raise typer.Exit(0 if all(r.ok for r in reports) else 1)
    restore = install_stop_handlers(stop)
    try:
        log.info("immkit daemon started: %s", "; ".join(names))
        built.run_forever()
    finally:
        restore()
    log.info("immkit daemon stopped")


def build_daemon(
    app: AppContext,
    stop: threading.Event,
    clock: Clock | None = None,
    executor: Executor | None = None,
) -> tuple[Daemon, list[str]]:
    """Everything `immkit daemon` checks before running anything: rules, schedules,
    profile, settings, log file and notifications (a mistake is exit 2 at start).
    Returns the daemon and its rules with their schedules, for the start-up line.
    `clock` and `executor` let tests run it on fake time, one rule at a time."""
    rules = configured_rules(app)
    if not rules:
        raise ConfigError(
            f"The daemon has no album rules to run: add [[albums]] tables to {app.config.path} "
            "or set IMMKIT_ALBUM_NAME and friends (see the README)."
        )
    schedules = {}
    for rule in rules:
        try:
            schedules[rule.name] = parse_schedule(rule.schedule or DEFAULT_SCHEDULE)
        except ConfigError as exc:
            raise ConfigError(f"Album rule {rule.name!r}: {exc}") from exc
    profile = app.profile
    file = app.config.file
    settings = DaemonSettings.load(
        file.daemon, file.notify, app.env, relative_to=app.config.path.parent
    )
    add_secrets(settings.secret_values())
    if settings.log_file is not None:
        secrets = SecretFilter([*profile.secret_values(), *settings.secret_values()])
        attach_log_file(
            settings.log_file, settings.log_max_bytes, settings.log_backups, filters=[secrets]
        )
    notifier = Notifier(settings.notify_urls, settings.notify_on)
    runner = rule_runner(app, profile, {r.name: r for r in rules})
    described = [f"{name} ({schedule})" for name, schedule in schedules.items()]
    return Daemon(
        schedules,
        runner,
        stop=stop,
        clock=clock,
        notifier=notifier,
        logger=log,
        workers=settings.workers,
        run_at_start=settings.run_at_start,
        executor=executor,
    ), described


def rule_runner(app: AppContext, profile: Profile, rules: dict[str, AlbumRule]) -> Runner:
    """Sync one rule per call; each call opens its own connection, journal and state
    (rules may run in parallel threads)."""

    def run(name: str) -> JobReport:
        rule = rules[name]
        with (
            immich_for(profile) as immich,
            Journal(app.journal_path) as journal,
            AlbumStateStore(app.state_dir / STATE_NAME) as store,
        ):
            outcome = sync(
                immich,
                [rule],
                journal=journal,
                store=store,
                lock_dir=app.state_dir / "locks",
                now=datetime.now(UTC),
                profile=profile.name,
            )
        (line,) = rule_lines(outcome)
        result = outcome.result
        changed = line["add"] + line["remove"]
        run_id = f", run {result.run_id}" if result and result.run_id else ""
        if result is not None and result.exit_code:
            return JobReport(
                name,
                ok=False,
                summary=f"{name}: {result.failed} of {result.applied + result.failed} "
                f"actions failed{run_id}; see `immkit runs show`",
                changed=changed,
            )
        summary = (
            f"{name}: +{line['add']} −{line['remove']}{run_id}"
            if changed or line["create"]
            else f"{name}: up to date"
        )
        return JobReport(name, ok=True, summary=summary, changed=changed)

    return run
