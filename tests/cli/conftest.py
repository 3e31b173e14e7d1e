"""CLI tests: every test restores the logging setup the CLI changes."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _restore_logging_always(restore_logging: None) -> None:
    """`setup_logging` installs handlers; undo them after every CLI test."""
