"""Progress on the terminal: a Rich bar with rate and ETA on a TTY, log lines otherwise."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichBar
from rich.text import Text

from immkit.engine import LogProgress, Progress


class _RateColumn(ProgressColumn):
    """Actions per second; Rich's own speed column counts bytes."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.1f}/s", style="progress.data.speed")


class BarProgress:
    """A Rich progress bar on the stderr console, so stdout keeps only the result."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(stderr=True)
        self._bar: RichBar | None = None
        self._task = TaskID(0)

    def start(self, total: int, label: str) -> None:
        self.finish()
        self._bar = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeRemainingColumn(),
            console=self._console,
            transient=False,
        )
        self._task = self._bar.add_task(label, total=total)
        self._bar.start()

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def make_progress(console_is_tty: bool, console: Console | None = None) -> Progress:
    """A bar for people watching a terminal, periodic log lines for cron and CI."""
    return BarProgress(console) if console_is_tty else LogProgress()
