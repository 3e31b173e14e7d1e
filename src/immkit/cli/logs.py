"""Logging for the CLI: one stderr handler, levels from -v/-q, and a filter that masks secrets."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.logging import RichHandler

__all__ = ["HANDLER_NAME", "SecretFilter", "add_secrets", "setup_logging"]

HANDLER_NAME = "immkit.cli"
"""Name of the handler `setup_logging` installs on the root logger (replaced on each call)."""

NOISY_LOGGERS = ("httpx", "httpcore", "uvicorn", "uvicorn.access", "uvicorn.error")
PLAIN_FORMAT = "%(levelname)s %(name)s: %(message)s"
MASK = "***"

# secrets that have a recognisable shape, whoever logs them: (pattern, replacement)
_PATTERNS = (
    # x-api-key: VALUE, 'x-api-key': 'VALUE', x-api-key=VALUE
    (re.compile(r"(?i)(x-api-key['\"]?\s*[:=]\s*(?:b?['\"])?)[^\s'\",}]+"), r"\1***"),
    # password=VALUE in query strings and libpq keyword strings
    (re.compile(r"(?i)(password=)[^&\s'\"]+"), r"\1***"),
    # scheme://user:PASSWORD@host
    (re.compile(r"(://[^:/@\s]*:)[^@\s]+@"), r"\1***@"),
)


class SecretFilter(logging.Filter):
    """Replace every known secret (and secret-shaped text) in a record by `***`.

    The message is formatted with its args first, so a secret passed as an argument
    is masked too; the record then carries the masked text and no args.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Mask these values from now on (empty strings are ignored)."""
        self._secrets.update(s for s in secrets if s)

    def mask(self, text: str) -> str:
        """Return `text` with every secret masked."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.mask(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is at emit time (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def setup_logging(
    verbosity: int,
    is_tty: bool,
    secrets: Iterable[str] = (),
    *,
    console: Console | None = None,
) -> SecretFilter:
    """Install the one stderr handler on the root logger; calling again replaces it.

    `verbosity` is -1 for `-q`, 0 by default, and the `-v` count otherwise: immkit logs
    at WARNING / INFO / DEBUG; httpx, httpcore and uvicorn stay at WARNING below `-vv`.
    """
    handler: logging.Handler
    if is_tty:
        handler = RichHandler(
            console=console or Console(stderr=True),
            show_path=False,
            markup=False,
            rich_tracebacks=False,  # tracebacks go through the formatter, so they are masked
        )
    else:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
    handler.set_name(HANDLER_NAME)
    secret_filter = SecretFilter(secrets)
    handler.addFilter(secret_filter)

    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)

    level = logging.DEBUG if verbosity > 0 else logging.WARNING if verbosity < 0 else logging.INFO
    logging.getLogger("immkit").setLevel(level)
    noisy = logging.DEBUG if verbosity > 1 else logging.WARNING
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(noisy)
    return secret_filter


def add_secrets(secrets: Iterable[str]) -> None:
    """Add secrets (say, a profile's API key once it is loaded) to the installed filter."""
    values = list(secrets)
    for handler in logging.getLogger().handlers:
        if handler.get_name() == HANDLER_NAME:
            for f in handler.filters:
                if isinstance(f, SecretFilter):
                    f.add(values)
