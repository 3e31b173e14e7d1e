from __future__ import annotations

import logging

import pytest

from immkit.engine import LogProgress, NullProgress, Progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_log_progress_logs_at_most_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    progress: Progress = LogProgress(every=10, clock=clock)
    with caplog.at_level(logging.INFO, logger="immkit.engine.progress"):
        progress.start(1000, "albums.sync")
        for _ in range(100):
            clock.now += 0.5
            progress.advance()
        progress.finish()
    assert [r.getMessage() for r in caplog.records] == [
        "albums.sync: 20/1,000 (2%), 2.0/s, ETA 8m10s",
        "albums.sync: 40/1,000 (4%), 2.0/s, ETA 8m00s",
        "albums.sync: 60/1,000 (6%), 2.0/s, ETA 7m50s",
        "albums.sync: 80/1,000 (8%), 2.0/s, ETA 7m40s",
        "albums.sync: 100/1,000 (10%), 2.0/s, ETA 7m30s",
        "albums.sync: 100/1,000, finished in 50s",
    ]


def test_null_progress_accepts_everything() -> None:
    progress: Progress = NullProgress()
    progress.start(3, "x")
    progress.advance(3)
    progress.finish()
