"""`immkit config init | show | path` through Typer's CliRunner."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immkit.cli.main import app
from immkit.config import load_config

CANARY_KEY = "canary-api-key-7f3d9"
CANARY_DB_PASSWORD = "canary-db-pw-41c2"

CONFIG = f"""
[profiles.home]
url = "http://immich.local:2283"
api_key = "{CANARY_KEY}"
database_url = "postgresql://immich:{CANARY_DB_PASSWORD}@127.0.0.1:5432/immich"

[profiles.work]
url = "https://photos.example.com"
api_key = "work-key"
"""

runner = CliRunner()


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A config file with two profiles, `home` holding the canary secrets."""
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text(CONFIG, encoding="utf-8")
    return path


def assert_no_secret(*outputs: str) -> None:
    for out in outputs:
        assert CANARY_KEY not in out
        assert CANARY_DB_PASSWORD not in out


# --- init -------------------------------------------------------------------------------------


def test_init_writes_a_private_starter_config(tmp_path: Path) -> None:
    result = runner.invoke(app, ["config", "init"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "config" / "config.toml"
    assert str(path) in result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "[profiles.default]" in path.read_text("utf-8")
    assert load_config(path, {}).profile_names == ["default"]


def test_init_refuses_to_overwrite(config_file: Path) -> None:
    result = runner.invoke(app, ["config", "init"], catch_exceptions=False)
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: Config file {config_file} already exists; pass --force to overwrite it.\n"
    )
    assert config_file.read_text("utf-8") == CONFIG


def test_init_force_overwrites(config_file: Path) -> None:
    result = runner.invoke(app, ["config", "init", "--force"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "[profiles.default]" in config_file.read_text("utf-8")


def test_init_at_config_flag_path_with_json(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "immkit.toml"
    result = runner.invoke(
        app, ["--config", str(target), "config", "init", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"path": str(target), "created": True}
    assert target.is_file()


# --- show -------------------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [[], ["-v"], ["-vv"], ["--json"], ["-v", "--json"]])
def test_show_never_prints_secrets(config_file: Path, flags: list[str]) -> None:
    result = runner.invoke(
        app, [*flags, "--profile", "home", "config", "show"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert_no_secret(result.stdout, result.stderr)
    assert "immich:***@127.0.0.1" in result.stdout


def test_show_json_shape(config_file: Path) -> None:
    result = runner.invoke(app, ["-p", "home", "config", "show", "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc == {
        "config_file": str(config_file),
        "config_file_exists": True,
        "profiles": ["home", "work"],
        "profile": {
            "name": "home",
            "url": "http://immich.local:2283",
            "api_key": "<set>",
            "database_url": "postgresql://immich:***@127.0.0.1:5432/immich",
            "ca_file": None,
            "insecure": False,
            "concurrency": 8,
        },
    }


def test_show_human_lists_file_and_profile(config_file: Path) -> None:
    result = runner.invoke(app, ["-p", "work", "config", "show"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"config file: {config_file}"
    assert "name: work" in lines
    assert "api_key: <set>" in lines
    assert "database_url: -" in lines


def test_show_env_key_is_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMMICH_INSTANCE_URL", "http://immich:2283")
    monkeypatch.setenv("IMMICH_API_KEY", CANARY_KEY)
    result = runner.invoke(app, ["-v", "config", "show", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert_no_secret(result.stdout, result.stderr)
    doc = json.loads(result.stdout)
    assert doc["config_file_exists"] is False
    assert doc["profile"]["name"] == "env"


def test_show_reads_dotenv_in_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"IMMICH_INSTANCE_URL=http://dotenv:2283\nIMMICH_API_KEY={CANARY_KEY}\n", "utf-8"
    )
    result = runner.invoke(app, ["config", "show", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["profile"]["url"] == "http://dotenv:2283"
    assert_no_secret(result.stdout, result.stderr)


def test_show_unknown_profile_exits_2_with_one_sentence(config_file: Path) -> None:
    result = runner.invoke(app, ["-p", "holiday", "config", "show"], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: Unknown profile 'holiday'; known profiles: home, work (see `immkit config show`).\n"
    )


def test_show_invalid_file_exits_2_naming_the_key(config_file: Path) -> None:
    config_file.write_text('[profiles.home]\nurl = "http://x"\nconcurrency = "x"\n', "utf-8")
    result = runner.invoke(app, ["config", "show"], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: Config file {config_file}: profiles.home.concurrency must be an integer.\n"
    )


def test_show_without_api_key_says_how_to_set_one(config_file: Path) -> None:
    config_file.write_text('[profiles.home]\nurl = "http://x"\n', "utf-8")
    result = runner.invoke(app, ["config", "show"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "no API key" in result.stderr
    assert "IMMICH_API_KEY" in result.stderr
    assert len(result.stderr.splitlines()) == 1


# --- path -------------------------------------------------------------------------------------


def test_path_prints_the_config_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["config", "path"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == f"{tmp_path / 'config' / 'config.toml'}\n"


def test_path_follows_the_config_flag_and_global_json(tmp_path: Path) -> None:
    target = tmp_path / "x.toml"
    result = runner.invoke(
        app, ["--json", "--config", str(target), "config", "path"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"path": str(target), "exists": False}


def test_every_config_command_has_help_with_an_example() -> None:
    for command in ("init", "show", "path"):
        result = runner.invoke(app, ["config", command, "--help"], catch_exceptions=False)
        assert result.exit_code == 0
        assert "Example: immkit" in result.stdout
