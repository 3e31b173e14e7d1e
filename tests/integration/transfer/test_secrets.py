"""Secrets never leave: `transfer --mode db -v` with a refused database login and with a
run that succeeds prints neither the database password nor the API key — not on stdout or
stderr, not in the journal, not in the plan (as printed by `--json --dry-run` and as the
journal stores it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.transfer.conftest import PASSWORD, Family, Invoke


def _saved(state: Path) -> bytes:
    """Every byte immkit wrote under its state directory (journal, WAL, anything else)."""
    return b"".join(p.read_bytes() for p in sorted(state.rglob("*")) if p.is_file())


def _assert_secret_free(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, f"a secret leaked:\n{text}"


@pytest.mark.parametrize("verbosity", ["-v", "-vv"])
def test_no_secret_in_output_journal_or_plan(
    family: Family, invoke: Invoke, password_login: str, tmp_path: Path, verbosity: str
) -> None:
    key = family.keys["alice"]
    args = ["transfer", "--album", "Holiday", "--to", "bob@example.com", "--mode", "db"]
    wrong = invoke(
        verbosity, *args, "--yes", database_url=password_login.format("canary-wrong-7Hk")
    )
    assert wrong.exit_code == 3, wrong.output
    assert "the password was refused" in wrong.stderr
    _assert_secret_free(wrong.stdout + wrong.stderr, "canary-wrong-7Hk", key)

    url = password_login.format(PASSWORD)
    plan = invoke(verbosity, "--json", *args, "--dry-run", database_url=url)
    assert plan.exit_code == 0, plan.output
    assert family.assets["IMG_1"] in plan.stdout  # it is the plan
    done = invoke(verbosity, *args, "--yes", database_url=url)
    assert done.exit_code == 0, done.output
    assert "connected to" in done.stderr  # the verbose log did talk about the database
    listed = invoke(verbosity, "--json", "runs", "list")
    assert listed.exit_code == 0, listed.output
    for result in (plan, done, listed):
        _assert_secret_free(result.stdout + result.stderr, PASSWORD, key)
    saved = _saved(tmp_path / "state")
    assert b"Holiday" in saved  # the journal holds the run and its plan
    _assert_secret_free(saved.decode("utf-8", errors="replace"), PASSWORD, key)
