"""Fixtures for CLI tests: a clean environment and working directory, logging restored."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's Immich settings, config file, state dir or `.env`."""
    for name in list(os.environ):
        if name.startswith(("IMMICH_", "IMMKIT_")) and name != "IMMKIT_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("IMMKIT_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("IMMKIT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Undo whatever a test does to the root, immkit and third-party loggers."""
    names = ["", "immkit", "httpx", "httpcore", "uvicorn", "uvicorn.access", "uvicorn.error"]
    loggers = [logging.getLogger(n) for n in names]
    saved = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    yield
    for lg, level, handlers in saved:
        for h in lg.handlers:
            if h not in handlers:
                lg.removeHandler(h)
        lg.setLevel(level)
