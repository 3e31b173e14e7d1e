"""Apply a transfer plan (and its undo) in one database transaction each.

The executor re-checks the layout, runs the set-based statements of `db.transfer_tx`,
and returns as undo one action holding the journal state: what moved, which rows were
created, what the old values were. A failed check or a refused statement rolls back the
whole transaction; the run's action is journaled `failed` and nothing changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg

from immkit.db import detect_layout
from immkit.db.repair_faces import run_repair, run_unrepair
from immkit.db.statements import Conn
from immkit.db.transfer_tx import MoveArgs, TransferAborted, run_transfer, run_undo
from immkit.engine import Action, Outcome
from immkit.errors import DbUnavailable, ImmkitError, StalePlanError
from immkit.jobs.transfer.plan import TransferKind, TransferPlan

log = logging.getLogger(__name__)

Connect = Callable[[], Conn]
T = TypeVar("T")


class TransferFailed(ImmkitError):
    """The transaction was rolled back: nothing changed (exit 1, journaled as failed)."""


def move_args(body: TransferPlan, target_cluster: str | None = None) -> MoveArgs:
    """The plan as the plain arguments of the SQL layer."""
    return MoveArgs(
        source=body.source_id,
        target=body.target_id,
        asset_ids=body.asset_ids,
        stack_ids=body.stack_ids,
        persons=[(p.key, p.target_key, p.action) for p in body.persons],
        faces_relinked=body.faces_relinked,
        tag_values=[(t.value, t.color) for t in body.tags],
        tag_links=body.tag_links,
        album=body.include_album,
        keep_editor=body.keep_editor,
        merge_links=list(body.merge_links),
        target_cluster=target_cluster,
    )


class TransferExecutor:
    """Runs `transfer.change_owner` and its inverse against Immich's database."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect
        self.statements = 0  # of the last transaction, for the benchmark and tests

    def apply(self, action: Action) -> Outcome:
        kind = TransferKind(action.kind)
        with self._connect() as conn:
            layout = _guard(lambda: _layout(conn))
            if kind is TransferKind.MOVE:
                return self._move(conn, layout, TransferPlan.model_validate(action.params), action)
            if kind is TransferKind.REPAIR:
                return self._repair(conn, action)
            if kind is TransferKind.UNREPAIR:
                count = _guard(lambda: run_unrepair(conn, dict(action.params)))
                return Outcome(detail={"statements": count})
            return self._undo(conn, layout, dict(action.params))

    def _move(self, conn: Conn, layout: str, body: TransferPlan, action: Action) -> Outcome:
        if layout != body.layout:
            raise StalePlanError(
                f"The database layout is now {layout}, the plan was made for {body.layout}; "
                "plan again."
            )
        cluster = _guard(lambda: _cluster(conn, body.target_id)) if layout != "3.1" else None
        result = _guard(lambda: run_transfer(conn, layout, move_args(body, cluster)))
        self.statements = result.statements
        undo = Action(
            kind=TransferKind.UNDO,
            target=action.target,
            target_label=f"{body.target_email} → {body.source_email}",
            params=result.state,
            reason=f"undo: {action.reason}",
            requests={"SQL transaction": 1},
            destructive=True,
        )
        detail: dict[str, Any] = {
            "assets": len(body.asset_ids),
            "persons": len(body.persons),
            "bytes": result.bytes_moved,
            "statements": result.statements,
        }
        return Outcome(undo=[undo], detail=detail)

    def _undo(self, conn: Conn, layout: str, state: dict[str, Any]) -> Outcome:
        if layout != state.get("layout"):
            raise StalePlanError(f"The database layout is now {layout}; this run cannot be undone.")
        count = _guard(lambda: run_undo(conn, state))
        self.statements = count
        return Outcome(detail={"assets": len(state["asset_ids"]), "statements": count})

    def _repair(self, conn: Conn, action: Action) -> Outcome:
        params = action.params
        copies = [tuple(str(x) for x in c) for c in _list(params["copies"])]
        features = [str(x) for x in _list(params["features"])]
        state, count = _guard(
            lambda: run_repair(
                conn, [(c[0], c[1], c[2]) for c in copies], features, int(str(params["faces"]))
            )
        )
        self.statements = count
        undo = Action(
            kind=TransferKind.UNREPAIR,
            target=action.target,
            target_label=f"undo: {action.target_label}",
            params=state,
            reason=f"undo: {action.reason}",
            requests={"SQL transaction": 1},
            destructive=True,
        )
        return Outcome(undo=[undo], detail={"statements": count})


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _layout(conn: Conn) -> str:
    name = detect_layout(conn).name
    conn.commit()
    return name


def _cluster(conn: Conn, user_id: str) -> str | None:
    row = conn.execute('SELECT "clusterGroupId"::text AS c FROM "user" WHERE id = %s', (user_id,))
    found = row.fetchone()
    conn.commit()
    return None if found is None else found["c"]


def _guard(work: Callable[[], T]) -> T:
    try:
        return work()
    except TransferAborted as exc:
        raise TransferFailed(f"Transfer rolled back, nothing changed: {exc}.") from None
    except psycopg.OperationalError as exc:
        raise DbUnavailable(f"The database connection failed mid-transfer ({_first(exc)}); "
                            "it was rolled back, nothing changed.") from None  # fmt: skip
    except psycopg.Error as exc:
        raise TransferFailed(
            f"Transfer rolled back, nothing changed: the database refused it ({_first(exc)})."
        ) from None


def _first(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
