"""`immkit config`: create, show and locate the config file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from immkit.cli.context import AppContext, app_context
from immkit.cli.options import Force, JsonOut
from immkit.errors import ConfigError

__all__ = ["STARTER_CONFIG", "app", "write_starter_config"]

app = typer.Typer(
    name="config",
    help="Create, show and locate the config file.",
    no_args_is_help=True,
)

STARTER_CONFIG = """\
# immkit configuration: one [profiles.NAME] table per Immich server (or account).
# Choose a profile with --profile NAME or IMMKIT_PROFILE; see `immkit config show`.
# The environment (IMMICH_INSTANCE_URL, IMMICH_API_KEY, IMMICH_API_KEY_FILE) overrides
# the active profile, and a .env file in the working directory is read too.

# default_profile = "default"

[profiles.default]
url = "http://immich.local:2283"             # with or without /api
# The API key: a file holding it (best), the key itself, or IMMICH_API_KEY.
# api_key_file = "/run/secrets/immich_api_key"
# api_key = "..."
# Only for `immkit transfer --mode db`; or database_url_file = "/path/to/file".
# database_url = "postgresql://immich:PASSWORD@127.0.0.1:5432/immich"
# ca_file = "/etc/ssl/certs/my-ca.pem"       # a private CA for https
# insecure = false                           # true skips TLS verification
# concurrency = 8                            # requests in flight at once (1-64)

# Smart albums for `immkit albums sync` and `immkit daemon`:
# [[albums]]
# name = "Kids"
# people = ["Alice", "Bob"]
# match = "any"            # any | all | none (= faceless)
# schedule = "every 1h"

# [notify]
# urls = ["mailtos://user:pass@smtp.example.com?to=me@example.com"]   # apprise URLs
# on = ["failure"]
"""


def write_starter_config(path: Path, *, force: bool = False) -> None:
    """Write `STARTER_CONFIG` to `path` with mode 0600 (parents 0700), atomically.

    Raises:
        ConfigError: the file exists and `force` is false, or it cannot be written.
    """
    if path.exists() and not force:
        raise ConfigError(f"Config file {path} already exists; pass --force to overwrite it.")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(STARTER_CONFIG)
        os.chmod(tmp, 0o600)  # O_CREAT honours the umask; an old tmp file keeps its mode
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(
            f"Cannot write config file {path} ({exc.strerror}); "
            "choose another path with --config FILE."
        ) from None


def _emit(app_ctx: AppContext, doc: dict[str, object], lines: list[str], as_json: bool) -> None:
    if app_ctx.wants_json(as_json):
        app_ctx.console_out.out(json.dumps(doc, indent=2), highlight=False)
    else:
        app_ctx.console_out.out("\n".join(lines), highlight=False)


@app.command()
def init(ctx: typer.Context, force: Force = False, json_out: JsonOut = False) -> None:
    """Write a commented starter config file (mode 0600) at the config path.

    Refuses to overwrite an existing file unless --force is given; asks nothing.

    Example: immkit --config ./immkit.toml config init
    """
    app_ctx = app_context(ctx)
    path = app_ctx.config_path
    write_starter_config(path, force=force)
    _emit(
        app_ctx,
        {"path": str(path), "created": True},
        [
            f"Wrote {path}; set the url and API key of [profiles.default], then run "
            "`immkit config show`."
        ],
        json_out,
    )


@app.command()
def show(ctx: typer.Context, json_out: JsonOut = False) -> None:
    """Show the config file and the active profile, with every secret masked.

    Example: immkit --profile home config show --json
    """
    app_ctx = app_context(ctx)
    config = app_ctx.config
    profile = app_ctx.profile
    masked = profile.masked()
    doc: dict[str, object] = {
        "config_file": str(config.path),
        "config_file_exists": config.exists,
        "profiles": config.profile_names,
        "profile": masked,
    }
    suffix = "" if config.exists else " (not found; using the environment)"
    lines = [f"config file: {config.path}{suffix}"]
    lines += [f"{key}: {_text(value)}" for key, value in masked.items()]
    _emit(app_ctx, doc, lines, json_out)


@app.command()
def path(ctx: typer.Context, json_out: JsonOut = False) -> None:
    """Print the path of the config file (it may not exist yet).

    Example: immkit config path
    """
    app_ctx = app_context(ctx)
    found = app_ctx.config_path
    _emit(app_ctx, {"path": str(found), "exists": found.exists()}, [str(found)], json_out)


def _text(value: str | int | bool | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
