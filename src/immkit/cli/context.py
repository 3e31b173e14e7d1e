"""What the root callback stores in `typer.Context.obj` for every command."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console

from immkit.cli.logs import add_secrets
from immkit.config import Config, Profile, config_path, load_config, state_dir

__all__ = ["JOURNAL_NAME", "AppContext", "app_context"]

JOURNAL_NAME = "journal.sqlite3"


@dataclass
class AppContext:
    """Global options, the environment, and the config and profile, loaded on first use."""

    config_flag: Path | None
    profile_name: str | None
    json: bool
    verbosity: int
    env: Mapping[str, str]
    console_out: Console = field(default_factory=Console)
    console_err: Console = field(default_factory=lambda: Console(stderr=True))
    _config: Config | None = field(default=None, init=False, repr=False)
    _profile: Profile | None = field(default=None, init=False, repr=False)

    @property
    def config_path(self) -> Path:
        """The config file path (`--config`, IMMKIT_CONFIG or the platform default)."""
        return config_path(self.config_flag, self.env)

    @property
    def config(self) -> Config:
        """The config file, read and validated once.

        Raises:
            ConfigError: the file is invalid, or `--config` names a missing file.
        """
        if self._config is None:
            self._config = load_config(self.config_flag, self.env)
        return self._config

    @property
    def profile(self) -> Profile:
        """The active profile with its secrets loaded; they are masked in logs from now on.

        Raises:
            ConfigError: unknown profile, no URL or API key, unreadable secret file.
        """
        if self._profile is None:
            self._profile = self.config.profile(self.profile_name)
            add_secrets(self._profile.secret_values())
        return self._profile

    @property
    def state_dir(self) -> Path:
        """Directory for the journal and other state (not created here)."""
        return state_dir(self.env)

    @property
    def journal_path(self) -> Path:
        """The SQLite journal of runs."""
        return self.state_dir / JOURNAL_NAME

    def wants_json(self, flag: bool = False) -> bool:
        """True if the global `--json` or the command's own `--json` was given."""
        return self.json or flag


def app_context(ctx: typer.Context) -> AppContext:
    """The `AppContext` of this invocation (set by the root callback in `cli/main.py`)."""
    obj = ctx.find_object(AppContext)
    if obj is None:
        raise RuntimeError("immkit command invoked without the root callback")
    return obj
