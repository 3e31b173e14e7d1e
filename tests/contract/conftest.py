"""Contract tests: the replay of the recordings reports its match count at the end."""

from __future__ import annotations

import pytest

from tests.contract.replay_session import TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY.outcomes:
        terminalreporter.write_sep("-", "Immich 3.1.0 recordings")
        terminalreporter.write_line(TALLY.line())
