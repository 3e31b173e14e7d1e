"""Open a connection to Immich's database; failures become DbUnavailable, password masked."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import psycopg
from psycopg.rows import DictRow, dict_row

from immkit.errors import DbUnavailable
from immkit.redact import mask_url

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10


def _reason(exc: psycopg.Error, dsn: str) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    parts = urlsplit(dsn) if "://" in dsn else None
    if parts is not None and parts.password:
        text = text.replace(parts.password, "***")
    if "password authentication failed" in text:
        return "the password was refused; check database_url (or database_url_file) in the profile"
    return text


def connect(dsn: str) -> psycopg.Connection[DictRow]:
    """A connection with dict rows, not in autocommit: callers own the transaction.

    Raises:
        DbUnavailable: the server is unreachable or refused the login.
    """
    try:
        conn = psycopg.connect(dsn, row_factory=dict_row, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.Error as exc:
        raise DbUnavailable(
            f"Cannot connect to the database {mask_url(dsn)}: {_reason(exc, dsn)}."
        ) from None
    log.debug("connected to %s", mask_url(dsn))
    return conn
