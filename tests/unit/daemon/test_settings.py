"""Daemon settings: the `[daemon]` and `[notify]` tables, overridden by the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import SecretStr

import immkit.daemon.settings as settings_module
from immkit.config import DaemonConfig, NotifyConfig, load_config
from immkit.daemon import ENV_VARS, DaemonSettings
from immkit.errors import ConfigError


def load(
    env: dict[str, str],
    daemon: DaemonConfig | None = None,
    notify: NotifyConfig | None = None,
) -> DaemonSettings:
    return DaemonSettings.load(daemon, notify, env)


def urls(settings: DaemonSettings) -> list[str]:
    return [u.get_secret_value() for u in settings.notify_urls]


def test_defaults_without_file_or_environment() -> None:
    assert load({}) == DaemonSettings(
        log_file=None,
        log_max_bytes=10_000_000,
        log_backups=5,
        workers=2,
        run_at_start=True,
        notify_urls=[],
        notify_on=frozenset({"failure"}),
    )


def test_config_file_tables_are_used(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        """
[daemon]
log_file = "logs/immkit.log"
log_max_bytes = 2048
log_backups = 3
workers = 4
run_at_start = false

[notify]
urls = ["mailtos://me:pw@smtp.example.com?to=me@example.com"]
on = ["failure", "success"]
""",
        encoding="utf-8",
    )
    file = load_config(config, {}).file
    settings = DaemonSettings.load(file.daemon, file.notify, {}, relative_to=tmp_path)
    assert settings.log_file == tmp_path / "logs" / "immkit.log"
    assert (settings.log_max_bytes, settings.log_backups, settings.workers) == (2048, 3, 4)
    assert settings.run_at_start is False
    assert urls(settings) == ["mailtos://me:pw@smtp.example.com?to=me@example.com"]
    assert settings.notify_on == {"failure", "success"}
    assert "pw@" not in repr(settings)


def test_environment_overrides_every_daemon_setting(tmp_path: Path) -> None:
    file = DaemonConfig(log_file=Path("/var/log/a.log"), workers=1, run_at_start=True)
    settings = load(
        {
            "IMMKIT_DAEMON_LOG_FILE": str(tmp_path / "b.log"),
            "IMMKIT_DAEMON_LOG_MAX_BYTES": "4096",
            "IMMKIT_DAEMON_LOG_BACKUPS": "7",
            "IMMKIT_DAEMON_WORKERS": " 3 ",
            "IMMKIT_DAEMON_RUN_AT_START": "No",
        },
        daemon=file,
    )
    assert settings.log_file == tmp_path / "b.log"
    assert (settings.log_max_bytes, settings.log_backups, settings.workers) == (4096, 7, 3)
    assert settings.run_at_start is False


def test_empty_variables_count_as_unset() -> None:
    file = DaemonConfig(workers=3)
    assert load({"IMMKIT_DAEMON_WORKERS": "", "IMMKIT_NOTIFY_ON": " "}, daemon=file).workers == 3


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        (
            "IMMKIT_DAEMON_WORKERS",
            "two",
            "IMMKIT_DAEMON_WORKERS must be a whole number, not 'two'.",
        ),
        (
            "IMMKIT_DAEMON_WORKERS",
            "0",
            "IMMKIT_DAEMON_WORKERS must be greater than or equal to 1 (it is '0'); "
            "change it or unset it for the default.",
        ),
        (
            "IMMKIT_DAEMON_WORKERS",
            "17",
            "IMMKIT_DAEMON_WORKERS must be less than or equal to 16 (it is '17'); "
            "change it or unset it for the default.",
        ),
        (
            "IMMKIT_DAEMON_LOG_MAX_BYTES",
            "100",
            "IMMKIT_DAEMON_LOG_MAX_BYTES must be greater than or equal to 1024 (it is '100'); "
            "change it or unset it for the default.",
        ),
        (
            "IMMKIT_DAEMON_LOG_BACKUPS",
            "0",
            "IMMKIT_DAEMON_LOG_BACKUPS must be greater than or equal to 1 (it is '0'); "
            "change it or unset it for the default.",
        ),
        (
            "IMMKIT_DAEMON_RUN_AT_START",
            "maybe",
            "IMMKIT_DAEMON_RUN_AT_START must be true or false, not 'maybe'.",
        ),
        (
            "IMMKIT_NOTIFY_ON",
            "failure,always",
            "IMMKIT_NOTIFY_ON holds 'always'; use failure, success, failure,success or none.",
        ),
    ],
)
def test_bad_variable_is_one_sentence_naming_it(var: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load({var: value})
    assert str(caught.value) == expected


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("[daemon]\nworkers = 0", "daemon.workers must be greater than or equal to 1"),
        ("[daemon]\nlog_backups = 101", "daemon.log_backups must be less than or equal to 100"),
        ('[daemon]\nworkers = "2"', "daemon.workers must be an integer"),
        ('[daemon]\nlog_dir = "/var/log"', "daemon.log_dir is not a known setting"),
        ('[notify]\non = ["always"]', "notify.on must list only 'failure' and 'success'"),
        ('[notify]\nurl = ["x"]', "notify.url is not a known setting"),
    ],
)
def test_bad_config_key_names_the_key(tmp_path: Path, table: str, expected: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(table + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        load_config(config, {})


def test_notify_urls_from_the_environment_replace_the_file() -> None:
    file = NotifyConfig(urls=[SecretStr("json://file.example")])
    text = (
        "mailto://u:p@mail.example?to=a@example.com,b@example.com, ntfy://ntfy.example/topic"
        "\n tgram://token/chat,discord://id/token"
    )
    settings = load({"IMMKIT_NOTIFY_URLS": text}, notify=file)
    assert urls(settings) == [
        "mailto://u:p@mail.example?to=a@example.com,b@example.com",
        "ntfy://ntfy.example/topic",
        "tgram://token/chat",
        "discord://id/token",
    ]


def test_notify_urls_file_holds_one_url_per_line_and_adds_to_the_variable(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "notify_urls"
    secret.write_text("# Docker secret\nmailto://u:p@mail.example\n\n  ntfy://n/topic  \n")
    settings = load(
        {"IMMKIT_NOTIFY_URLS_FILE": str(secret), "IMMKIT_NOTIFY_URLS": "json://hook.example"},
        notify=NotifyConfig(urls=[SecretStr("json://file.example")]),
    )
    assert urls(settings) == ["json://hook.example", "mailto://u:p@mail.example", "ntfy://n/topic"]


def test_unreadable_or_empty_urls_file_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "absent"
    with pytest.raises(ConfigError, match=r"IMMKIT_NOTIFY_URLS_FILE names .*absent, which cannot"):
        load({"IMMKIT_NOTIFY_URLS_FILE": str(missing)})
    empty = tmp_path / "empty"
    empty.write_text("# nothing yet\n")
    with pytest.raises(ConfigError, match=r"holds no URL; put one apprise URL per line"):
        load({"IMMKIT_NOTIFY_URLS_FILE": str(empty)})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("failure", {"failure"}),
        ("failure,success", {"failure", "success"}),
        ("SUCCESS  failure", {"failure", "success"}),
        ("none", set()),
    ],
)
def test_notify_on_from_the_environment(value: str, expected: set[str]) -> None:
    file = NotifyConfig(on=["success"])
    assert load({"IMMKIT_NOTIFY_ON": value}, notify=file).notify_on == expected


def test_secret_values_hold_each_url_and_its_password() -> None:
    settings = load({"IMMKIT_NOTIFY_URLS": "mailtos://me:S3cr%40t@smtp.example ntfy://n/t"})
    secrets = settings.secret_values()
    assert "mailtos://me:S3cr%40t@smtp.example" in secrets
    assert {"S3cr%40t", "S3cr@t"} <= set(secrets)
    assert "ntfy://n/t" in secrets


def test_env_vars_lists_every_variable_the_module_reads() -> None:
    source = Path(settings_module.__file__).read_text(encoding="utf-8")
    read = {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("IMMKIT_")
    }
    assert read == set(ENV_VARS)
    # each description starts with the config key it overrides; together they cover all
    keys = {description.split(":")[0].split()[0] for description in ENV_VARS.values()}
    expected = {f"daemon.{name}" for name in DaemonConfig.model_fields}
    assert keys == expected | {f"notify.{name}" for name in NotifyConfig.model_fields}
