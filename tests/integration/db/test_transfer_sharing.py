"""Immich 3.3 people sharing in a transfer, at SQL level on the 3.2+ layout.

Deleting a person row deletes its sharing rows (foreign key from the sharer's row, a
trigger for the recipient's), and an undo could not bring them back: a shared person
keeps the source's row, the shares are untouched, and shares made after the plan stop
the transaction (or the undo) before any row is deleted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from rich.console import Console

from immkit.cli.transfer_render import render_transfer
from immkit.db import connect, detect_layout
from immkit.engine import Journal, RunStatus, undo_run
from immkit.jobs.transfer.apply import TransferExecutor, TransferFailed
from immkit.jobs.transfer.run import apply, connector, make_plan
from immkit.jobs.transfer.select import TransferSpec
from immkit.sim import seed
from tests.integration.db.test_transfer_3_2 import _names, _rows, _seed

SPEC = TransferSpec(kind="album", ref="Trip", target="bob@example.com")


def _shares(url: str) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(
            'SELECT "personGroupId", "sharedById", "sharedWithId", role::text AS role'
            ' FROM person_user ORDER BY "personGroupId", "sharedById", "sharedWithId"'
        ).fetchall()


def _share(url: str, group: str, by: str, with_: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(
            'INSERT INTO person_user ("personGroupId", "sharedById", "sharedWithId", role)'
            " VALUES (%s, %s, %s, 'write')",
            (group, by, with_),
        )


def _carol(url: str) -> str:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return seed.add_user(conn, "carol@example.com", "Carol")


@pytest.mark.parametrize(
    ("direction", "same_cluster"), [("shared by alice", False), ("shared with alice", True)]
)
def test_a_shared_person_keeps_the_sources_row_and_its_shares(
    db32: str, tmp_path: Path, direction: str, same_cluster: bool
) -> None:
    ids = _seed(db32, same_cluster=same_cluster)
    carol = _carol(db32)
    anna = ids["Anna"]  # all of Anna's faces are in Trip: without the share she would move
    if direction == "shared by alice":
        _share(db32, anna, ids["alice"], carol)  # the trigger gives carol a row for Anna
    else:
        with psycopg.connect(db32) as conn:
            conn.execute(
                'INSERT INTO person ("ownerId", "personGroupId", name) VALUES (%s, %s, %s)',
                (carol, anna, "Anna"),
            )
        _share(db32, anna, carol, ids["alice"])
    shares = _shares(db32)
    assert len(shares) == 1
    before = _rows(db32)

    planned = make_plan(db32, SPEC)
    persons = {p.name: (p.action, p.faces_out, p.shares) for p in planned.body.persons}
    assert persons == {"Anna": ("duplicate", 0, 1), "Ben": ("duplicate", 1, 0)}
    assert any("shared" in n and "undo could not bring them back" in n for n in planned.plan.notes)
    screen = Console(record=True, width=200)
    render_transfer(planned.plan, planned.body, screen, verbose=False)
    assert re.search(r"persons to duplicate\s+2\s+Anna 1 in / 0 out \(shared 1×: row kept\)",
                     screen.export_text())  # fmt: skip

    with Journal(tmp_path / "j.sqlite3") as journal:
        result = apply(db32, planned, SPEC, journal)
        assert result.status is RunStatus.DONE, result
        assert _shares(db32) == shares
        assert _names(db32, ids["bob"]) == {"Anna": 1, "Ben": 1}
        assert _names(db32, ids["alice"]) == {"Anna": 0, "Ben": 1}
        with psycopg.connect(db32, row_factory=dict_row) as conn:
            row = conn.execute(
                'SELECT "faceAssetId" FROM person WHERE "ownerId" = %s AND "personGroupId" = %s',
                (ids["alice"], anna),
            ).fetchone()
        assert row == {"faceAssetId": None}  # no face of alice's left to show

        undo = undo_run(
            journal, journal.get_run(str(result.run_id)), TransferExecutor(connector(db32))
        )
        assert undo.status is RunStatus.DONE, undo
    assert _rows(db32) == before
    assert _shares(db32) == shares


def test_a_share_made_after_the_plan_stops_the_transaction(db32: str) -> None:
    ids = _seed(db32, same_cluster=False)
    carol = _carol(db32)
    planned = make_plan(db32, SPEC)
    assert {p.name: p.action for p in planned.body.persons}["Anna"] == "move"
    _share(db32, ids["Anna"], ids["alice"], carol)
    before = _rows(db32)
    # straight to the executor: past the plan's fingerprint check, into the transaction
    with pytest.raises(TransferFailed, match=r"1 person share\(s\) were made since the plan"):
        TransferExecutor(connector(db32)).apply(planned.plan.actions[0])
    assert _rows(db32) == before
    assert len(_shares(db32)) == 1


def test_undo_refuses_to_delete_shares_made_since(db32: str, tmp_path: Path) -> None:
    ids = _seed(db32, same_cluster=False)
    carol = _carol(db32)
    planned = make_plan(db32, SPEC)
    with Journal(tmp_path / "j.sqlite3") as journal:
        result = apply(db32, planned, SPEC, journal)
        assert result.status is RunStatus.DONE, result
        new_ben = next(p.target_key for p in planned.body.persons if p.name == "Ben")
        _share(db32, new_ben, ids["bob"], carol)  # bob shares the Ben he got
        after = _rows(db32)
        undo = undo_run(
            journal, journal.get_run(str(result.run_id)), TransferExecutor(connector(db32))
        )
    assert undo.status is not RunStatus.DONE
    assert "undoing would delete them" in undo.failures[0].message
    assert _rows(db32) == after
    assert len(_shares(db32)) == 1


def test_a_3_2_database_without_the_sharing_table_plans_as_before(db32: str) -> None:
    _seed(db32, same_cluster=False)
    with psycopg.connect(db32, autocommit=True) as conn:
        conn.execute("DROP TABLE person_user CASCADE")
    with connect(db32) as conn:
        layout = detect_layout(conn)
    assert (layout.name, layout.has_people_sharing) == ("3.2", False)
    planned = make_plan(db32, SPEC)
    persons = {p.name: (p.action, p.shares) for p in planned.body.persons}
    assert persons == {"Anna": ("move", 0), "Ben": ("duplicate", 0)}
