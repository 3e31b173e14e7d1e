"""The daemon's settings: the `[daemon]` and `[notify]` tables, overridden by the environment.

Every setting is also an environment variable (the Docker convention), listed in
`ENV_VARS`; a variable that is set and not empty wins over the file. Bounds are those of
`immkit.config.DaemonConfig`, so the file and the environment are checked alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from immkit.config import DaemonConfig, NotifyConfig
from immkit.daemon.notify import secret_parts
from immkit.errors import ConfigError

__all__ = ["ENV_VARS", "DaemonSettings"]

ENV_LOG_FILE = "IMMKIT_DAEMON_LOG_FILE"
ENV_LOG_MAX_BYTES = "IMMKIT_DAEMON_LOG_MAX_BYTES"
ENV_LOG_BACKUPS = "IMMKIT_DAEMON_LOG_BACKUPS"
ENV_WORKERS = "IMMKIT_DAEMON_WORKERS"
ENV_RUN_AT_START = "IMMKIT_DAEMON_RUN_AT_START"
ENV_NOTIFY_URLS = "IMMKIT_NOTIFY_URLS"
ENV_NOTIFY_URLS_FILE = "IMMKIT_NOTIFY_URLS_FILE"
ENV_NOTIFY_ON = "IMMKIT_NOTIFY_ON"

ENV_VARS: Final[Mapping[str, str]] = {
    ENV_LOG_FILE: "daemon.log_file: also write the log to this file, rotated by size",
    ENV_LOG_MAX_BYTES: "daemon.log_max_bytes: rotate the log file at this size (10000000)",
    ENV_LOG_BACKUPS: "daemon.log_backups: how many rotated log files to keep (5)",
    ENV_WORKERS: "daemon.workers: how many rules may run at the same time (2)",
    ENV_RUN_AT_START: "daemon.run_at_start: run every rule when the daemon starts (true)",
    ENV_NOTIFY_URLS: "notify.urls: apprise URLs, separated by spaces or commas",
    ENV_NOTIFY_URLS_FILE: "notify.urls read from a file, one per line (Docker secrets)",
    ENV_NOTIFY_ON: "notify.on: failure, success, both (failure,success) or none (failure)",
}
"""Every environment variable the daemon reads, with the setting it overrides."""

_DAEMON_VARS = {
    "log_file": ENV_LOG_FILE,
    "log_max_bytes": ENV_LOG_MAX_BYTES,
    "log_backups": ENV_LOG_BACKUPS,
    "workers": ENV_WORKERS,
    "run_at_start": ENV_RUN_AT_START,
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# commas separate URLs only before the next scheme: `mailto://…?to=a@x.org,b@x.org` is one
_URL_SEPARATOR = re.compile(r"\s+|,\s*(?=[A-Za-z][\w+.-]*://)")


class DaemonSettings(BaseModel):
    """Resolved settings of `immkit daemon`; build them with `DaemonSettings.load`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    log_file: Path | None = None
    log_max_bytes: int = 10_000_000
    log_backups: int = 5
    workers: int = 2
    run_at_start: bool = True
    notify_urls: list[SecretStr] = []
    notify_on: frozenset[str] = frozenset({"failure"})

    @classmethod
    def load(
        cls,
        daemon: DaemonConfig | None,
        notify: NotifyConfig | None,
        env: Mapping[str, str],
        *,
        relative_to: Path | None = None,
    ) -> DaemonSettings:
        """Merge the config file's tables with the environment, which wins.

        `relative_to` (the config file's directory) anchors a relative `log_file` from
        the file; a relative path from the environment is relative to the working directory.

        Raises:
            ConfigError: a variable is malformed or out of bounds, or the URLs file
                cannot be read; the sentence names the variable.
        """
        daemon = daemon if daemon is not None else DaemonConfig()
        notify = notify if notify is not None else NotifyConfig()
        values = daemon.model_dump(exclude_none=True)
        if daemon.log_file is not None and relative_to is not None:
            values["log_file"] = relative_to / daemon.log_file.expanduser()
        for field, var in _DAEMON_VARS.items():
            raw = env.get(var, "").strip()
            if raw:
                values[field] = _daemon_value(field, var, raw)
        urls = _env_urls(env)
        on = _env_events(env)
        return cls(
            **values,
            notify_urls=list(notify.urls) if urls is None else urls,
            notify_on=frozenset(notify.on) if on is None else on,
        )

    def secret_values(self) -> list[str]:
        """Every notify URL and its password, for the CLI's logging filter."""
        return [part for url in self.notify_urls for part in secret_parts(url.get_secret_value())]


def _daemon_value(field: str, var: str, raw: str) -> Path | int | bool:
    value: Path | int | bool
    if field == "log_file":
        value = Path(raw).expanduser()
    elif field == "run_at_start":
        if raw.lower() not in _TRUE | _FALSE:
            raise ConfigError(f"{var} must be true or false, not {raw!r}.")
        value = raw.lower() in _TRUE
    else:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{var} must be a whole number, not {raw!r}.") from None
    try:
        DaemonConfig.model_validate({field: value})
    except ValidationError as exc:
        reason = exc.errors(include_url=False)[0]["msg"].replace("Input should be", "must be")
        raise ConfigError(
            f"{var} {reason} (it is {raw!r}); change it or unset it for the default."
        ) from None
    return value


def _env_urls(env: Mapping[str, str]) -> list[SecretStr] | None:
    """URLs from IMMKIT_NOTIFY_URLS and IMMKIT_NOTIFY_URLS_FILE together, or None if unset."""
    inline = env.get(ENV_NOTIFY_URLS, "").strip()
    path_text = env.get(ENV_NOTIFY_URLS_FILE, "").strip()
    if not inline and not path_text:
        return None
    urls = [u for u in _URL_SEPARATOR.split(inline) if u]
    if path_text:
        path = Path(path_text).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8"
            raise ConfigError(
                f"{ENV_NOTIFY_URLS_FILE} names {path}, which cannot be read ({reason}); "
                "check the path and its permissions."
            ) from None
        lines = [line.strip() for line in text.splitlines()]
        from_file = [line for line in lines if line and not line.startswith("#")]
        if not from_file:
            raise ConfigError(
                f"{ENV_NOTIFY_URLS_FILE} names {path}, which holds no URL; "
                "put one apprise URL per line in it."
            )
        urls.extend(from_file)
    return [SecretStr(u) for u in urls]


def _env_events(env: Mapping[str, str]) -> frozenset[str] | None:
    raw = env.get(ENV_NOTIFY_ON, "").strip()
    if not raw:
        return None
    words = {w.lower() for w in re.split(r"[\s,]+", raw) if w}
    if words == {"none"}:
        return frozenset()
    unknown = sorted(words - {"failure", "success"})
    if unknown:
        raise ConfigError(
            f"{ENV_NOTIFY_ON} holds {unknown[0]!r}; use failure, success, failure,success or none."
        )
    return frozenset(words)
