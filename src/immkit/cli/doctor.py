"""`immkit doctor`: can immkit work with this server, this key and this database?"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from immkit.cli.connect import immich_for
from immkit.cli.context import app_context
from immkit.cli.options import JsonOut
from immkit.errors import ConfigError
from immkit.jobs.doctor.check import DoctorReport, run_doctor

NOTHING_RUNS = (
    "error: no immkit job can run with this API key; create a key with the permissions "
    "listed as missing (or `all`)."
)


def doctor(
    ctx: typer.Context,
    db: Annotated[
        bool, typer.Option("--db", help="Also check database access (database_url).")
    ] = False,
    json_out: JsonOut = False,
) -> None:
    """Check reachability, version, the API key's permissions per job, and DB access.

    Example: immkit --profile home doctor --db
    """
    app = app_context(ctx)
    profile = app.profile
    database_url = None
    if db:
        if profile.database_url is None:
            raise ConfigError(
                f"Profile {profile.name} has no database_url; add it (or database_url_file) "
                "to use --db."
            )
        database_url = profile.database_url.get_secret_value()
    with immich_for(profile) as immich:
        report = run_doctor(immich, profile.url, database_url=database_url)
    if app.wants_json(json_out):
        app.console_out.out(json.dumps(report.to_json(), indent=2))
    else:
        render_report(report, app.console_out)
    if report.exit_code:
        app.console_err.out(NOTHING_RUNS)
    raise typer.Exit(report.exit_code)


def render_report(report: DoctorReport, console: Console) -> None:
    admin = " (admin)" if report.is_admin else ""
    console.out(f"Server    {report.url}")
    console.out(f"Immich    {report.version} — supported")
    console.out(f"User      {report.user or 'unknown'}{admin}")
    console.out(f"API key   {report.key_name or '(unnamed)'}: {', '.join(report.permissions)}")
    if report.database is not None:
        db = report.database
        console.out(f"Database  {db.url}: layout {db.layout}, {db.description}")
    table = Table("job", "can run", "missing", title=None, box=None, pad_edge=False)
    for row in report.jobs:
        table.add_row(row.job, "yes" if row.ok else "no", ", ".join(row.missing) or "—")
    console.print(table)
    for warning in report.warnings:
        console.out(f"warning: {warning}")
