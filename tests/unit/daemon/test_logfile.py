"""The daemon's rotating log file."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from immkit.daemon import attach_log_file
from immkit.errors import ConfigError


class Masking(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = record.getMessage().replace("hunter2", "***"), None
        return True


@pytest.fixture
def handlers(restore_logging: None) -> Iterator[list[logging.Handler]]:
    """Handlers a test attached; closed afterwards (restore_logging detaches them)."""
    attached: list[logging.Handler] = []
    logging.getLogger("immkit").setLevel(logging.INFO)
    yield attached
    for handler in attached:
        handler.close()


def test_log_file_rotates_and_keeps_at_most_the_backups(
    tmp_path: Path, handlers: list[logging.Handler]
) -> None:
    path = tmp_path / "deep" / "dir" / "immkit.log"  # the parents are created
    handlers.append(attach_log_file(path, max_bytes=300, backups=2))
    log = logging.getLogger("immkit.daemon.test")
    for n in range(40):
        log.info("line %02d of the rotation test", n)
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["immkit.log", "immkit.log.1", "immkit.log.2"]
    assert all(p.stat().st_size <= 300 for p in path.parent.iterdir())
    assert "line 39" in path.read_text(encoding="utf-8")  # the newest lines are in the file
    assert "line 00" not in "".join(p.read_text(encoding="utf-8") for p in path.parent.iterdir())


def test_lines_are_timestamped_with_level_and_logger(
    tmp_path: Path, handlers: list[logging.Handler]
) -> None:
    path = tmp_path / "immkit.log"
    handlers.append(attach_log_file(path, max_bytes=10_000, backups=1))
    logging.getLogger("immkit.daemon.test").warning("rule %s failed", "Kids")
    line = path.read_text(encoding="utf-8").strip()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING immkit\.daemon\.test \[\w+\]: "
        r"rule Kids failed",
        line,
    ), line


def test_filters_given_are_applied_to_the_file(
    tmp_path: Path, handlers: list[logging.Handler]
) -> None:
    path = tmp_path / "immkit.log"
    handlers.append(attach_log_file(path, max_bytes=10_000, backups=1, filters=[Masking()]))
    logging.getLogger("immkit.test").info("password is %s", "hunter2")
    text = path.read_text(encoding="utf-8")
    assert "password is ***" in text
    assert "hunter2" not in text


def test_attaching_again_replaces_the_previous_file_handler(
    tmp_path: Path, handlers: list[logging.Handler]
) -> None:
    first = attach_log_file(tmp_path / "a.log", max_bytes=10_000, backups=1)
    second = attach_log_file(tmp_path / "b.log", max_bytes=10_000, backups=1)
    handlers.extend([first, second])
    immkit_handlers = logging.getLogger("immkit").handlers
    assert second in immkit_handlers
    assert first not in immkit_handlers
    logging.getLogger("immkit.test").info("only in b")
    assert (tmp_path / "a.log").read_text(encoding="utf-8") == ""
    assert "only in b" in (tmp_path / "b.log").read_text(encoding="utf-8")


def test_unwritable_location_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigError, match=r"Cannot write the log file .*a-file/immkit\.log"):
        attach_log_file(blocker / "immkit.log", max_bytes=10_000, backups=1)


def test_rotation_needs_a_size_and_a_backup() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        attach_log_file(Path("x.log"), max_bytes=1000, backups=0)
