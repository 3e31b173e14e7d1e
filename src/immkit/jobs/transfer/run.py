"""The transfer job end to end: connect, detect the layout, collect, plan, apply."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from immkit.db import connect, detect_layout
from immkit.db.statements import Conn
from immkit.engine import Journal, Plan, Progress, Result, apply_plan
from immkit.errors import DbUnavailable
from immkit.jobs.transfer.apply import TransferExecutor
from immkit.jobs.transfer.collect import Snapshot, collect
from immkit.jobs.transfer.plan import TransferPlan, plan, plan_transfer
from immkit.jobs.transfer.select import TransferSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Planned:
    """What the dry run shows: the engine plan and the transfer it carries."""

    plan: Plan
    body: TransferPlan
    layout: str


def connector(dsn: str) -> Callable[[], Conn]:
    """A factory of fresh connections (DbUnavailable when the login fails)."""
    return lambda: connect(dsn)


@contextmanager
def _reading() -> Iterator[None]:
    """A connection lost while only reading is an environment failure, not a crash."""
    try:
        yield
    except psycopg.OperationalError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DbUnavailable(
            f"The database connection was lost while reading ({first}); nothing was changed,"
            " run the command again."
        ) from None


def make_plan(dsn: str, spec: TransferSpec, profile: str | None = None) -> Planned:
    """Read and plan; nothing is changed.

    Raises:
        DbUnavailable, UnknownLayout: the database cannot be used.
        NotFoundError, InputError: the spec names something wrong.
    """
    with _reading(), connect(dsn) as conn:
        layout = detect_layout(conn).name
        snapshot = collect(conn, spec, layout)
        conn.rollback()
    engine_plan = plan(snapshot).model_copy(update={"profile": profile})
    return Planned(engine_plan, plan_transfer(snapshot), layout)


def fingerprint(dsn: str, spec: TransferSpec) -> str:
    """The snapshot's fingerprint now, so apply refuses a plan the database outgrew."""
    with _reading(), connect(dsn) as conn:
        snapshot: Snapshot = collect(conn, spec, detect_layout(conn).name)
        conn.rollback()
    return snapshot.fingerprint


def apply(
    dsn: str,
    planned: Planned,
    spec: TransferSpec,
    journal: Journal,
    *,
    progress: Progress | None = None,
    executor: TransferExecutor | None = None,
) -> Result:
    """Apply the plan as one journaled action (one transaction)."""
    return apply_plan(
        planned.plan,
        executor or TransferExecutor(connector(dsn)),
        journal,
        progress=progress,
        resume=False,
        verify_fingerprint=lambda: fingerprint(dsn, spec),
    )
