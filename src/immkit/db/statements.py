"""A connection wrapper that counts the statements it runs: the transfer's SQL budget.

The ownership transfer promises a constant number of statements whatever the number of
assets; counting them here is what the tests and the benchmark check.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

Conn = psycopg.Connection[DictRow]


class Statements:
    """Runs statements on one connection and counts them."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.count = 0

    def run(self, query: str, params: Any = None) -> psycopg.Cursor[DictRow]:
        self.count += 1
        return self.conn.execute(query.encode(), params)

    def rows(self, query: str, params: Any = None) -> list[DictRow]:
        return self.run(query, params).fetchall()

    def one(self, query: str, params: Any = None) -> DictRow:
        row = self.run(query, params).fetchone()
        if row is None:
            raise LookupError("the statement returned no row")
        return row

    def rowcount(self, query: str, params: Any = None) -> int:
        return self.run(query, params).rowcount
