"""Faults on the database side, for jobs that write through PostgreSQL (transfer DB mode).

The HTTP fault matrix cannot reach a job that never calls the API, so its connection is
cut instead: a watcher terminates immkit's backend (found by `application_name`) while it
is busy, which is what a database restart or a dropped network link does mid-transaction.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

APP = "immkit_rel"  # the application_name in the scenarios' database_url
LATER_RATE = 0.03  # the first busy statement of a trial is always cut, later ones this often


@contextmanager
def cut_db_connections(admin_url: str, rng: random.Random) -> Iterator[Counter[str]]:
    """Cut immkit's busy database connections while the block runs; counts what was cut."""
    stop = threading.Event()
    cut: Counter[str] = Counter()
    seen: set[tuple[int, object]] = set()  # (backend, statement start): one chance each

    def watch() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            while not stop.is_set():
                rows = conn.execute(
                    "SELECT pid, query_start FROM pg_stat_activity WHERE application_name = %s"
                    " AND state IN ('active', 'idle in transaction')",
                    (APP,),
                ).fetchall()
                for pid, start in rows:
                    if (pid, start) in seen:
                        continue
                    seen.add((pid, start))
                    if not cut or rng.random() < LATER_RATE:
                        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
                        cut["db_drop"] += 1
                time.sleep(0.001)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield cut
    finally:
        stop.set()
        thread.join()
