"""The 3.2+ person-group layout at SQL level: a database made with schema_3_2.sql,
a transfer with its invariants, and the undo back to the exact previous rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from immkit.db import connect, detect_layout
from immkit.engine import Journal, RunStatus, undo_run
from immkit.jobs.transfer.apply import TransferExecutor
from immkit.jobs.transfer.run import apply, connector, make_plan
from immkit.jobs.transfer.select import TransferSpec
from immkit.sim import seed
from immkit.sim.seed import AssetSeed

TAKEN = datetime(2024, 1, 1, tzinfo=UTC)


def _seed(url: str, *, same_cluster: bool) -> dict[str, str]:
    ids: dict[str, str] = {}
    with psycopg.connect(url, row_factory=dict_row) as conn:
        ids["alice"] = seed.add_user(conn, "alice@example.com", "Alice")
        ids["bob"] = seed.add_user(conn, "bob@example.com", "Bob")
        if same_cluster:
            conn.execute(
                'UPDATE "user" SET "clusterGroupId" = (SELECT "clusterGroupId" FROM "user"'
                " WHERE id = %s) WHERE id = %s",
                (ids["alice"], ids["bob"]),
            )
        for name in ("A1", "A2", "A3"):
            ids[name] = seed.add_assets(conn, [AssetSeed(ids["alice"], f"{name}.jpg", TAKEN)])[0]
        for name in ("Anna", "Ben"):
            group = str(uuid.uuid4())
            ids[name] = group
            conn.execute(
                'INSERT INTO person_group (id, "clusterGroupId") SELECT %s, "clusterGroupId"'
                ' FROM "user" WHERE id = %s',
                (group, ids["alice"]),
            )
            conn.execute(
                'INSERT INTO person ("ownerId", "personGroupId", name) VALUES (%s, %s, %s)',
                (ids["alice"], group, name),
            )
        for asset, person in (("A1", "Anna"), ("A1", "Ben"), ("A3", "Ben")):
            face = str(uuid.uuid4())
            conn.execute(
                'INSERT INTO asset_face (id, "assetId", "personGroupId") VALUES (%s, %s, %s)',
                (face, ids[asset], ids[person]),
            )
            conn.execute(
                'INSERT INTO face_search ("faceId", embedding) VALUES (%s, %s)',
                (face, "[" + ",".join(["0.01"] * 512) + "]"),
            )
        conn.execute(
            'UPDATE person p SET "faceAssetId" = (SELECT f.id FROM asset_face f JOIN asset a'
            ' ON a.id = f."assetId" WHERE f."personGroupId" = p."personGroupId"'
            ' AND a."ownerId" = p."ownerId" ORDER BY f.id LIMIT 1)'
        )
        seed.add_album(conn, ids["alice"], "Trip", [ids["A1"], ids["A2"]])
    return ids


def _rows(url: str) -> dict[str, list[dict[str, Any]]]:
    out = {}
    with psycopg.connect(url, row_factory=dict_row) as conn:
        for table, order in (
            ("asset", "id"),
            ("person", '"ownerId", "personGroupId"'),
            ("person_group", "id"),
            ("asset_face", "id"),
            ("face_search", '"faceId"'),
        ):
            cols = '"faceId"' if table == "face_search" else "*"
            rows = conn.execute(f"SELECT {cols} FROM {table} ORDER BY {order}").fetchall()
            for row in rows:
                row.pop("updatedAt", None)
                row.pop("updateId", None)
            out[table] = rows
    return out


def _names(url: str, owner: str) -> dict[str, int]:
    """Each person row of the owner with the faces it counts (faces on the owner's assets)."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        rows = conn.execute(
            "SELECT p.name, count(f.id) AS n FROM person p LEFT JOIN asset_face f ON"
            ' f."personGroupId" = p."personGroupId" AND EXISTS (SELECT 1 FROM asset a'
            ' WHERE a.id = f."assetId" AND a."ownerId" = p."ownerId")'
            ' WHERE p."ownerId" = %s GROUP BY p.name',
            (owner,),
        ).fetchall()
    return {r["name"]: int(r["n"]) for r in rows}


@pytest.mark.parametrize("same_cluster", [False, True])
def test_transfer_and_undo_in_the_person_group_layout(
    db32: str, tmp_path: Path, same_cluster: bool
) -> None:
    ids = _seed(db32, same_cluster=same_cluster)
    with connect(db32) as conn:
        assert detect_layout(conn).name == "3.2"
    before = _rows(db32)
    spec = TransferSpec(kind="album", ref="Trip", target="bob@example.com")
    planned = make_plan(db32, spec)
    persons = {p.name: (p.action, p.target_key == p.key) for p in planned.body.persons}
    assert persons == {"Anna": ("move", same_cluster), "Ben": ("duplicate", same_cluster)}

    with Journal(tmp_path / "j.sqlite3") as journal:
        result = apply(db32, planned, spec, journal)
        assert result.status is RunStatus.DONE, result
        assert _names(db32, ids["bob"]) == {"Anna": 1, "Ben": 1}
        assert _names(db32, ids["alice"]) == {"Ben": 1}
        with psycopg.connect(db32, row_factory=dict_row) as conn:
            # every moved face is in bob's cluster group and seen through bob's own row
            row = conn.execute(
                "SELECT count(*) AS n FROM asset_face f JOIN person_group g ON g.id ="
                ' f."personGroupId" JOIN "user" u ON u.id = %s'
                ' WHERE f."assetId" = %s AND g."clusterGroupId" = u."clusterGroupId"',
                (ids["bob"], ids["A1"]),
            ).fetchone()
            assert row is not None
            assert row["n"] == 2
        assert len(_rows(db32)["face_search"]) == 3

        undo = undo_run(
            journal, journal.get_run(str(result.run_id)), TransferExecutor(connector(db32))
        )
        assert undo.status is RunStatus.DONE, undo
    assert _rows(db32) == before
