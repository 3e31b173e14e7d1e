"""Profiles from the TOML config file, the environment and `.env`; secrets kept masked.

The file format is in DESIGN.md ("Configuration"). Loading never mutates `os.environ`:
callers pass the environment mapping in (see `read_environment`), so tests control it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit

import platformdirs
from dotenv import dotenv_values
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from immkit.errors import ConfigError
from immkit.redact import mask_url

ENV_URL = "IMMICH_INSTANCE_URL"
ENV_API_KEY = "IMMICH_API_KEY"
ENV_API_KEY_FILE = "IMMICH_API_KEY_FILE"
ENV_PROFILE = "IMMKIT_PROFILE"
ENV_CONFIG = "IMMKIT_CONFIG"
ENV_STATE_DIR = "IMMKIT_STATE_DIR"
ENV_PROFILE_NAME = "env"
"""Name of the ad-hoc profile made from the environment when the file has no profiles."""

DEFAULT_CONCURRENCY = 8
MaskedValue = str | int | bool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Open(BaseModel):
    # tables whose jobs are not written yet: known keys typed, other keys kept
    model_config = ConfigDict(extra="allow", frozen=True)


def _check_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return url


class ProfileConfig(_Strict):
    """One `[profiles.NAME]` table as written in the file."""

    url: str | None = None
    api_key: SecretStr | None = None
    api_key_file: Path | None = None
    database_url: SecretStr | None = None
    database_url_file: Path | None = None
    ca_file: Path | None = None
    insecure: StrictBool = False
    concurrency: Annotated[StrictInt, Field(ge=1, le=64)] = DEFAULT_CONCURRENCY
    timeout: Annotated[StrictInt | StrictFloat, Field(gt=0, le=3600)] = 60  # s per request

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, url: str | None) -> str | None:
        return None if url is None else _check_url(url)

    @model_validator(mode="after")
    def _one_source_per_secret(self) -> Self:
        if self.api_key is not None and self.api_key_file is not None:
            raise ValueError("must have only one of api_key and api_key_file")
        if self.database_url is not None and self.database_url_file is not None:
            raise ValueError("must have only one of database_url and database_url_file")
        return self


class AlbumRuleConfig(_Open):
    """One `[[albums]]` rule; the albums job tightens this model."""

    name: str


class NotifyConfig(_Strict):
    """The `[notify]` table: apprise URLs (they may hold passwords) and when to send.

    Environment variables override it; see `immkit.daemon.settings`.
    """

    urls: list[SecretStr] = []
    on: list[str] = ["failure"]

    @field_validator("on")
    @classmethod
    def _known_events(cls, on: list[str]) -> list[str]:
        if any(event not in ("failure", "success") for event in on):
            raise ValueError("must list only 'failure' and 'success'")
        return on


class DaemonConfig(_Strict):
    """The `[daemon]` table; unset keys take the defaults of `immkit.daemon.DaemonSettings`.

    Environment variables override it (Docker), and are checked against these bounds.
    """

    log_file: Path | None = None
    log_max_bytes: Annotated[StrictInt, Field(ge=1024)] | None = None
    log_backups: Annotated[StrictInt, Field(ge=1, le=100)] | None = None
    workers: Annotated[StrictInt, Field(ge=1, le=16)] | None = None
    run_at_start: StrictBool | None = None


class ConfigFile(_Strict):
    """The whole config file."""

    default_profile: str | None = None
    profiles: dict[str, ProfileConfig] = {}
    albums: list[AlbumRuleConfig] = []
    notify: NotifyConfig | None = None
    daemon: DaemonConfig | None = None


class Profile(_Strict):
    """A resolved profile: file and environment merged, secrets read from their files."""

    name: str
    url: str
    api_key: SecretStr
    api_key_file: Path | None = None
    database_url: SecretStr | None = None
    database_url_file: Path | None = None
    ca_file: Path | None = None
    insecure: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = 60.0

    def masked(self) -> dict[str, MaskedValue]:
        """Return the profile as a dict that is safe to print: no secret in it."""
        db: str | None = None
        if self.database_url is not None:
            db = mask_url(self.database_url.get_secret_value())
        return {
            "name": self.name,
            "url": self.url,
            "api_key": _source(self.api_key_file),
            "database_url": db,
            "ca_file": None if self.ca_file is None else str(self.ca_file),
            "insecure": self.insecure,
            "concurrency": self.concurrency,
        }

    def secret_values(self) -> list[str]:
        """Every secret string of this profile, for the logging filter."""
        values = [self.api_key.get_secret_value()]
        if self.database_url is not None:
            url = self.database_url.get_secret_value()
            values.append(url)
            try:
                password = urlsplit(url).password
            except ValueError:
                password = None
            if password:
                values.append(password)
        return values


def _source(path: Path | None) -> str:
    return "<set>" if path is None else f"<from file {path}>"


@dataclass(frozen=True)
class Config:
    """A loaded config file plus the environment it is resolved against."""

    path: Path
    exists: bool
    file: ConfigFile
    env: Mapping[str, str]

    @property
    def profile_names(self) -> list[str]:
        """Profile names defined in the file, sorted."""
        return sorted(self.file.profiles)

    def profile_name(self, name: str | None = None) -> str:
        """Name of the active profile: flag, IMMKIT_PROFILE, default_profile, only, `default`.

        Raises:
            ConfigError: the name is unknown, or several profiles exist and none is chosen.
        """
        profiles = self.file.profiles
        chosen = name or self.env.get(ENV_PROFILE) or self.file.default_profile
        if chosen:
            if chosen in profiles:
                return chosen
            if chosen == ENV_PROFILE_NAME and not profiles and self._env_defines():
                return chosen
            raise ConfigError(
                f"Unknown profile '{chosen}'; known profiles: {self._known()} "
                "(see `immkit config show`)."
            )
        if len(profiles) == 1:
            return next(iter(profiles))
        if "default" in profiles:
            return "default"
        if profiles:
            raise ConfigError(
                f"Several profiles in {self.path} ({self._known()}) and none chosen; "
                "pass --profile NAME or set default_profile in the file."
            )
        if self._env_defines():
            return ENV_PROFILE_NAME
        raise ConfigError(
            f"No profile configured: {self.path} has none; create one with "
            f"`immkit config init`, or set {ENV_URL} and {ENV_API_KEY}."
        )

    def profile(self, name: str | None = None) -> Profile:
        """The active profile with environment overrides applied and secrets loaded.

        Raises:
            ConfigError: unknown profile, no URL, no API key, unreadable secret file.
        """
        chosen = self.profile_name(name)
        raw = self.file.profiles.get(chosen, ProfileConfig())
        env = self.env
        where = f"[profiles.{chosen}] of {self.path}"

        url = env.get(ENV_URL) or raw.url
        if not url:
            raise ConfigError(
                f"Profile '{chosen}' has no url; set url in {where} or set {ENV_URL}."
            )
        try:
            url = _check_url(url)
        except ValueError as exc:
            raise ConfigError(f"{ENV_URL} {exc}, for example http://immich.local:2283.") from None

        api_key: str | None
        if env.get(ENV_API_KEY):  # the environment wins over the file
            api_key, api_key_file = env[ENV_API_KEY], None
        elif env.get(ENV_API_KEY_FILE):
            api_key_file = Path(env[ENV_API_KEY_FILE]).expanduser()
            api_key = _read_secret(api_key_file, chosen, ENV_API_KEY_FILE)
        else:
            api_key, api_key_file = self._secret(chosen, "api_key", raw.api_key, raw.api_key_file)
        if api_key is None:
            raise ConfigError(
                f"Profile '{chosen}' has no API key; set api_key_file (or api_key) in {where}, "
                f"or set {ENV_API_KEY_FILE} or {ENV_API_KEY}."
            )
        database_url, database_url_file = self._secret(
            chosen, "database_url", raw.database_url, raw.database_url_file
        )

        return Profile(
            name=chosen,
            url=url,
            api_key=SecretStr(api_key),
            api_key_file=api_key_file,
            database_url=None if database_url is None else SecretStr(database_url),
            database_url_file=database_url_file,
            ca_file=None if raw.ca_file is None else self._relative(raw.ca_file),
            insecure=raw.insecure,
            concurrency=raw.concurrency,
            timeout=raw.timeout,
        )

    def _env_defines(self) -> bool:
        return any(self.env.get(k) for k in (ENV_URL, ENV_API_KEY, ENV_API_KEY_FILE))

    def _known(self) -> str:
        names = self.profile_names
        if not names and self._env_defines():
            names = [ENV_PROFILE_NAME]
        return ", ".join(names) if names else f"none in {self.path}"

    def _secret(
        self, profile: str, key: str, value: SecretStr | None, file: Path | None
    ) -> tuple[str | None, Path | None]:
        if value is not None:
            return value.get_secret_value(), None
        if file is None:
            return None, None
        path = self._relative(file)
        return _read_secret(path, profile, f"{key}_file"), path

    def _relative(self, path: Path) -> Path:
        # relative paths in the file are relative to the file, as in most config formats
        path = path.expanduser()
        return path if path.is_absolute() else self.path.parent / path


def _read_secret(path: Path, profile: str, key: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise ConfigError(
            f"Profile '{profile}': cannot read {key} {path} ({reason}); "
            "check the path and its permissions."
        ) from None
    if not value:
        raise ConfigError(f"Profile '{profile}': {key} {path} is empty; put the secret in it.")
    return value


def read_environment(environ: Mapping[str, str], cwd: Path | None = None) -> dict[str, str]:
    """Merge `.env` from `cwd` (default: the working directory) under `environ`.

    Real environment variables win over `.env`; neither mapping is changed.
    """
    dotenv = (cwd if cwd is not None else Path.cwd()) / ".env"
    merged: dict[str, str] = {}
    if dotenv.is_file():
        merged = {k: v for k, v in dotenv_values(dotenv).items() if v is not None}
    merged.update(environ)
    return merged


def config_path(flag: Path | None, env: Mapping[str, str]) -> Path:
    """The config file: `--config`, else IMMKIT_CONFIG, else the platform config dir."""
    if flag is not None:
        return flag.expanduser()
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser()
    return platformdirs.user_config_path("immkit") / "config.toml"


def state_dir(env: Mapping[str, str]) -> Path:
    """Where the journal lives: IMMKIT_STATE_DIR, else the platform state dir."""
    if env.get(ENV_STATE_DIR):
        return Path(env[ENV_STATE_DIR]).expanduser()
    return platformdirs.user_state_path("immkit")


def load_config(path: Path | None, env: Mapping[str, str]) -> Config:
    """Read and validate the config file.

    `path` is the `--config` flag: a file named there must exist. Without it the path
    comes from `config_path`, and a missing file means "no profiles" (environment only).

    Raises:
        ConfigError: one sentence naming the file, the key path and what is wrong.
    """
    resolved = config_path(path, env)
    if not resolved.exists():
        if path is not None:
            raise ConfigError(
                f"Config file {resolved} does not exist; create it with `immkit config init`."
            )
        return Config(path=resolved, exists=False, file=ConfigFile(), env=dict(env))
    try:
        with resolved.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"Config file {resolved} is not valid TOML: {_lower(str(exc))}."
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"Config file {resolved} is not UTF-8 text.") from None
    except OSError as exc:
        raise ConfigError(
            f"Cannot read config file {resolved} ({exc.strerror}); check its permissions."
        ) from None
    try:
        parsed = ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(resolved, exc)) from None
    return Config(path=resolved, exists=True, file=parsed, env=dict(env))


def _describe(path: Path, exc: ValidationError) -> str:
    errors = exc.errors(include_input=False, include_url=False)
    first = errors[0]
    where = _loc(first)
    what = _reason(first)
    more = len(errors) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    subject = f"{where} " if where else ""
    return f"Config file {path}: {subject}{what}{tail}."


def _loc(error: ErrorDetails) -> str:
    out = ""
    for part in error["loc"]:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


_REASONS = {
    "extra_forbidden": "is not a known setting",
    "missing": "is required",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "list_type": "must be a list",
}


def _reason(error: ErrorDetails) -> str:
    if error["type"] in _REASONS:
        return _REASONS[error["type"]]
    msg = error["msg"].removeprefix("Value error, ")
    msg = msg.replace("Input should be", "must be").replace("input should be", "must be")
    return _lower(msg.rstrip("."))


def _lower(text: str) -> str:
    # "Expected '='" -> "expected '='", but "TOML ..." stays as it is
    if text[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]
