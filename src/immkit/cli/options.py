"""Options shared by several commands, written once as `Annotated` aliases.

Use them as parameter types: `def sync(dry_run: DryRun = False, yes: Yes = False)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "Concurrency",
    "ConfigOpt",
    "DryRun",
    "Force",
    "FromProfile",
    "JsonOut",
    "ProfileOpt",
    "Quiet",
    "ToProfile",
    "Verbose",
    "Yes",
]

DryRun = Annotated[
    bool,
    typer.Option("--dry-run", help="Show the plan and change nothing."),
]
Yes = Annotated[
    bool,
    typer.Option("--yes", "-y", help="Confirm a destructive apply without asking."),
]
JsonOut = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON document on stdout; logs stay on stderr."),
]
Force = Annotated[
    bool,
    typer.Option("--force", help="Overwrite what is already there."),
]
Concurrency = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        min=1,
        max=64,
        metavar="N",
        help="Requests in flight at once (default: the profile's concurrency).",
    ),
]
ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        "-p",
        metavar="NAME",
        help="Profile from the config file (or IMMKIT_PROFILE).",
    ),
]
FromProfile = Annotated[
    str,
    typer.Option("--from", metavar="PROFILE", help="Profile to read from."),
]
ToProfile = Annotated[
    str,
    typer.Option("--to", metavar="PROFILE", help="Profile to write to."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        dir_okay=False,
        help="Config file (or IMMKIT_CONFIG; default: see `immkit config path`).",
    ),
]
Verbose = Annotated[
    int,
    typer.Option("--verbose", "-v", count=True, help="More log detail (-vv: HTTP too)."),
]
Quiet = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Only warnings and errors on stderr."),
]
