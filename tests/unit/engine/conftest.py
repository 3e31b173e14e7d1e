from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from immkit.engine import Journal
from tests.unit.engine.store import StoreExecutor


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "journal.sqlite3"


@pytest.fixture
def journal(journal_path: Path) -> Iterator[Journal]:
    with Journal(journal_path) as journal:
        yield journal


@pytest.fixture
def store() -> StoreExecutor:
    return StoreExecutor()
