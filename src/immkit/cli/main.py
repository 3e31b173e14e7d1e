"""The `immkit` command: global options, sub-apps, and the one error handler."""

from __future__ import annotations

import logging
import os
from typing import Annotated, Any

import typer
from rich.console import Console

# Typer vendors Click: these are the types its groups receive and raise
from typer._click import ClickException
from typer._click import Context as ClickContext
from typer.core import TyperGroup

from immkit import __version__
from immkit.cli import (
    albums,
    config_cmd,
    daemon,
    doctor,
    library,
    people,
    quickstart,
    runs,
    sandbox,
    transfer,
)
from immkit.cli.context import AppContext
from immkit.cli.logs import setup_logging
from immkit.cli.options import ConfigOpt, JsonOut, ProfileOpt, Quiet, Verbose
from immkit.config import ENV_API_KEY, read_environment
from immkit.errors import ImmkitError

__all__ = ["app", "main"]

log = logging.getLogger("immkit.cli")


class RootGroup(TyperGroup):
    """The root command group; its `invoke` is the one place errors become exit codes.

    Usage errors never get here: Click reports them and exits 2 before invoking.
    """

    def invoke(self, ctx: ClickContext) -> Any:
        """Run the command; map `ImmkitError` to its exit code and anything else to 1."""
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise  # Click's own: exit codes, usage errors (2), aborts
        except ImmkitError as err:
            _details(ctx, err)
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except Exception as err:
            _details(ctx, err)
            typer.echo(f"internal error: {type(err).__name__}; rerun with -v for details", err=True)
            raise typer.Exit(1) from None


def _details(ctx: ClickContext, err: BaseException) -> None:
    # the traceback, masked by the logging filter, and only with -v
    if int(ctx.params.get("verbose") or 0) > 0:
        log.debug("%s", type(err).__name__, exc_info=err)


app = typer.Typer(
    name="immkit",
    cls=RootGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(config_cmd.app, name="config")
app.add_typer(runs.app, name="runs")
app.add_typer(albums.app, name="albums")
app.add_typer(transfer.app, name="transfer")
app.add_typer(people.app, name="people")
app.add_typer(library.app, name="library")
app.command("doctor")(doctor.doctor)
app.command("daemon")(daemon.daemon)
app.command("sandbox")(sandbox.sandbox)
app.command("quickstart")(quickstart.quickstart)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"immkit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    json_out: JsonOut = False,
    verbose: Verbose = 0,
    quiet: Quiet = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Safe, fast admin jobs for Immich servers: plan, apply, journal, undo.

    Example: immkit --profile home config show
    """
    if verbose and quiet:
        raise typer.BadParameter("use either -v or -q, not both", param_hint="-q")
    env = read_environment(os.environ)
    err_console = Console(stderr=True)
    verbosity = -1 if quiet else verbose
    setup_logging(
        verbosity, err_console.is_terminal, [env.get(ENV_API_KEY, "")], console=err_console
    )
    ctx.obj = AppContext(
        config_flag=config,
        profile_name=profile,
        json=json_out,
        verbosity=verbosity,
        env=env,
        console_err=err_console,
    )


def main() -> None:
    """Console-script entry point: run `app` and exit with its code."""
    app(prog_name="immkit")
