"""README and --help are product: every command is documented and has help with an example."""

from __future__ import annotations

from pathlib import Path

import typer

# Typer vendors its own Click; commands derive from its Command
from typer._click.core import Command
from typer.core import TyperGroup as Group
from typer.testing import CliRunner

from immkit.cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> list[tuple[str, Command]]:
    root = typer.main.get_command(app)
    assert isinstance(root, Group)
    found: list[tuple[str, Command]] = []

    def walk(group: Group, prefix: str) -> None:
        for name, cmd in sorted(group.commands.items()):
            path = f"{prefix} {name}".strip()
            if isinstance(cmd, Group):
                walk(cmd, path)
            else:
                found.append((path, cmd))

    walk(root, "")
    return found


def test_there_are_commands_to_check() -> None:
    names = [name for name, _ in _commands()]
    assert {"doctor", "sandbox", "quickstart", "config show", "runs undo"} <= set(names)


def test_every_command_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = []
    for name, _ in _commands():
        words = name.split()
        if f"immkit {name}" not in readme and not (
            len(words) == 2 and f"immkit {words[0]} " in readme and words[1] in readme
        ):
            missing.append(name)
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name, _ in _commands():
        result = runner.invoke(app, [*name.split(), "--help"], catch_exceptions=False)
        assert result.exit_code == 0, name
        assert "Example:" in result.stdout, f"`immkit {name} --help` has no example"


def test_every_daemon_environment_variable_is_in_the_readme() -> None:
    from immkit.daemon import ENV_VARS

    readme = README.read_text(encoding="utf-8")
    missing = [name for name in ENV_VARS if f"`{name}`" not in readme]
    assert not missing, f"environment variables missing from README.md: {missing}"
