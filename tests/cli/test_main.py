"""The root command: global options, exit codes, and the one error handler."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immkit import __version__
from immkit.cli import config_cmd
from immkit.cli.context import AppContext
from immkit.cli.main import app
from immkit.errors import NotFoundError, Unreachable

runner = CliRunner()
CANARY = "canary-in-an-exception-92d1"


def fail_with(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    """Make `immkit config init` raise `exc` from inside the command."""

    def boom(path: Path, *, force: bool = False) -> None:
        raise exc

    monkeypatch.setattr(config_cmd, "write_starter_config", boom)


def test_version() -> None:
    result = runner.invoke(app, ["--version"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == f"immkit {__version__}\n"


def test_no_arguments_prints_help() -> None:
    result = runner.invoke(app, [], catch_exceptions=False)
    assert result.exit_code == 2
    assert "Usage: immkit" in result.output
    assert "config" in result.output


def test_help_lists_global_options_and_example() -> None:
    result = runner.invoke(app, ["--help"], catch_exceptions=False)
    assert result.exit_code == 0
    for option in ("--config", "--profile", "--json", "--verbose", "--quiet", "--version"):
        assert option in result.stdout
    assert "Example: immkit" in result.stdout
    assert "config" in result.stdout
    assert "runs" in result.stdout


def test_unknown_command_exits_2() -> None:
    result = runner.invoke(app, ["frobnicate"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "No such command" in result.stderr
    assert result.stdout == ""


def test_unknown_option_exits_2() -> None:
    result = runner.invoke(app, ["config", "path", "--bogus"], catch_exceptions=False)
    assert result.exit_code == 2


def test_verbose_and_quiet_together_exit_2() -> None:
    result = runner.invoke(app, ["-v", "-q", "config", "path"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "either -v or -q" in result.stderr


@pytest.mark.parametrize(("exc", "code"), [(NotFoundError("x"), 2), (Unreachable("x"), 3)])
def test_immkit_error_exit_code_is_the_error_class_code(
    monkeypatch: pytest.MonkeyPatch, exc: Exception, code: int
) -> None:
    fail_with(monkeypatch, exc)
    result = runner.invoke(app, ["config", "init"], catch_exceptions=False)
    assert result.exit_code == code
    assert result.stderr == "error: x\n"


def test_immkit_error_one_sentence_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    message = "Album 'Kids' not found on profile home; list albums with `immkit library list`."
    fail_with(monkeypatch, NotFoundError(message))
    result = runner.invoke(app, ["config", "init"], catch_exceptions=False)
    assert result.stderr == f"error: {message}\n"
    assert "Traceback" not in result.output


def test_internal_error_exits_1_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    fail_with(monkeypatch, ZeroDivisionError(CANARY))
    result = runner.invoke(app, ["config", "init"])
    assert result.exit_code == 1
    assert result.stderr == ("internal error: ZeroDivisionError; rerun with -v for details\n")
    assert CANARY not in result.output


def test_internal_error_traceback_only_with_verbose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMMICH_API_KEY", CANARY)
    fail_with(monkeypatch, ZeroDivisionError(f"key {CANARY}"))
    result = runner.invoke(app, ["-v", "config", "init"])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert "ZeroDivisionError: key ***" in result.stderr
    assert CANARY not in result.output
    assert result.stderr.endswith("internal error: ZeroDivisionError; rerun with -v for details\n")


def test_keyboard_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    fail_with(monkeypatch, KeyboardInterrupt())
    result = runner.invoke(app, ["config", "init"])
    assert result.exit_code == 130
    assert result.stderr == "interrupted\n"


def test_context_holds_paths_from_the_environment(tmp_path: Path) -> None:
    env = {"IMMKIT_STATE_DIR": str(tmp_path / "state"), "IMMKIT_CONFIG": str(tmp_path / "c.toml")}
    app_ctx = AppContext(config_flag=None, profile_name=None, json=False, verbosity=0, env=env)
    assert app_ctx.journal_path == tmp_path / "state" / "journal.sqlite3"
    assert app_ctx.config_path == tmp_path / "c.toml"
    assert app_ctx.config.exists is False
    assert app_ctx.wants_json(True)
    assert not app_ctx.wants_json(False)


def test_console_script_entry_exits_with_the_error_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[profiles.home\n", "utf-8")
    env = {"PATH": os.environ.get("PATH", ""), "IMMKIT_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-m", "immkit", "--config", str(bad), "config", "show"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"error: Config file {bad} is not valid TOML:")
    assert "line 1" in done.stderr
