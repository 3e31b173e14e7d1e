"""Run a transfer (or its undo) as ONE transaction of set-based statements.

The invariants are checked in SQL before commit; any failure rolls everything back. The
returned state is what the journal keeps so that undo restores the previous state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from immkit.db import transfer_common as common
from immkit.db import transfer_people, transfer_people_32
from immkit.db.statements import Conn, Statements
from immkit.db.transfer_common import MoveArgs, TransferAborted

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TxResult:
    state: dict[str, Any]
    statements: int
    bytes_moved: int


def _people(layout: str) -> ModuleType:
    return transfer_people if layout == "3.1" else transfer_people_32


def run_transfer(conn: Conn, layout: str, args: MoveArgs) -> TxResult:
    """Raises:
    TransferAborted: a check failed; nothing was changed.
    psycopg.Error: the database refused a statement; nothing was changed.
    """
    people = _people(layout)
    with conn.transaction():
        db = Statements(conn)
        common.move_assets(db, args)
        state: dict[str, Any] = {
            "layout": layout,
            "source": args.source,
            "target": args.target,
            "asset_ids": args.asset_ids,
            "stack_ids": args.stack_ids,
        }
        state |= people.move_people(db, args)
        state |= common.move_tags(db, args)
        state |= common.move_album(db, args)
        state["merged"] = common.merge_albums(db, args)
        state["bytes"] = common.move_quota(db, args)
        _verify(people.check(db, args.asset_ids, people.touched_keys(args), args.target), args)
        count = db.count
    log.info("transfer committed: %d assets, %d statements", len(args.asset_ids), count)
    return TxResult(state, count, int(state["bytes"]))


def run_undo(conn: Conn, state: dict[str, Any]) -> int:
    """Restore what `run_transfer` changed, in one transaction; returns the statements run.

    Raises:
        TransferAborted: the photos changed since (moved again, deleted); nothing changed.
    """
    people = _people(str(state["layout"]))
    with conn.transaction():
        db = Statements(conn)
        common.restore_merge(db, state)
        common.restore_album(db, state)
        common.restore_tags(db, state)
        people.restore_people(db, state)
        common.restore_assets(db, state)
        common.restore_quota(db, state)
        found = people.check(db, state["asset_ids"], people.touched_keys_of(state), state["source"])
        if found["bad_faces"] or found["owned"] != len(state["asset_ids"]):
            raise TransferAborted(f"the undo would leave an inconsistent database ({found})")
        return db.count


def _verify(found: dict[str, int], args: MoveArgs) -> None:
    problems = []
    if found["bad_faces"]:
        problems.append(f"{found['bad_faces']} face(s) would belong to another user's person")
    if found.get("bad_features"):
        problems.append(f"{found['bad_features']} person(s) would lack a valid feature face")
    if found.get("cross_cluster"):
        problems.append(f"{found['cross_cluster']} face(s) would point outside their cluster")
    if found["owned"] != len(args.asset_ids):
        problems.append(f"{found['owned']} of {len(args.asset_ids)} photos moved")
    if problems:
        raise TransferAborted("; ".join(problems))


__all__ = ["MoveArgs", "TransferAborted", "TxResult", "run_transfer", "run_undo"]
