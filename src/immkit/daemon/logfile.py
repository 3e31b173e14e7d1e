"""The daemon's own log file: timestamped lines, rotated by size, a few old files kept."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from logging.handlers import RotatingFileHandler
from pathlib import Path

from immkit.errors import ConfigError

__all__ = ["FILE_FORMAT", "HANDLER_NAME", "attach_log_file"]

FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"
HANDLER_NAME = "immkit.daemon.file"
"""Name of the handler `attach_log_file` installs (a second call replaces it)."""


def attach_log_file(
    path: Path,
    max_bytes: int,
    backups: int,
    *,
    filters: Sequence[logging.Filter] = (),
) -> logging.Handler:
    """Add a rotating file handler to the `immkit` logger and return it.

    The file rolls over when it would pass `max_bytes`; `backups` old files are kept
    (`immkit.log.1` newest). Pass the CLI's secret filter in `filters`: the file must
    never hold a secret. The `immkit` logger's level still decides what is written.

    Raises:
        ConfigError: the directory cannot be created or the file cannot be opened.
    """
    if max_bytes < 1 or backups < 1:
        # RotatingFileHandler never rotates when either is 0: the file would grow forever
        raise ValueError("max_bytes and backups must both be at least 1")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    except OSError as exc:
        raise ConfigError(
            f"Cannot write the log file {path} ({exc.strerror or type(exc).__name__}); "
            "choose another path or fix the directory's permissions."
        ) from None
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FILE_FORMAT))
    for log_filter in filters:
        handler.addFilter(log_filter)
    logger = logging.getLogger("immkit")
    for old in [h for h in logger.handlers if h.get_name() == HANDLER_NAME]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    return handler
