"""Transfer safety: rollback on a failure mid-transaction, constant SQL statements,
refusal of an unknown layout, and repair-faces."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from immkit.engine import Journal, RunStatus
from immkit.jobs.transfer.apply import TransferExecutor
from immkit.jobs.transfer.run import apply, connector, make_plan
from immkit.jobs.transfer.select import TransferSpec
from immkit.sim import seed
from immkit.sim.seed import AssetSeed, FaceSeed
from immkit.sim.server import SimServer
from tests.integration.transfer.conftest import TAKEN, Family, Invoke
from tests.integration.transfer.test_apply import _people, _state

SPEC = TransferSpec(kind="album", ref="Holiday", target="bob@example.com")


def test_a_failure_mid_transaction_rolls_everything_back(
    sim: SimServer, family: Family, tmp_path: Path
) -> None:
    planned = make_plan(family.url, SPEC)
    # PostgreSQL itself refuses the tag re-pointing, after assets and persons changed
    with psycopg.connect(family.url, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
        )
        conn.execute("CREATE TRIGGER boom BEFORE UPDATE ON tag_asset EXECUTE FUNCTION boom()")
    before = _state(family.url)
    with Journal(tmp_path / "j.sqlite3") as journal:
        result = apply(family.url, planned, SPEC, journal)
    assert result.status is RunStatus.PARTIAL
    assert result.failed == 1
    assert "rolled back" in result.failures[0].message
    assert "injected failure" in result.failures[0].message
    assert _state(family.url) == before
    assert _people(family, sim, "bob") == {}


def _album_of(sim: SimServer, owner: str, n: int) -> None:
    with sim.state.db.connection() as conn:
        ids = seed.add_assets(
            conn,
            [
                AssetSeed(
                    owner,
                    f"B_{n}_{i}.jpg",
                    TAKEN,
                    checksum=hashlib.sha1(f"{n}{i}".encode()).digest(),
                )
                for i in range(n)
            ],
        )
        person = seed.add_person(conn, owner, f"P{n}")
        other = seed.add_person(conn, owner, f"Q{n}")
        faces = [FaceSeed(a, person, (1, 1, 50, 50)) for a in ids]
        faces += [FaceSeed(a, other, (60, 1, 99, 50)) for a in ids[: n // 2]]
        faces.append(
            FaceSeed(
                seed.add_assets(conn, [AssetSeed(owner, "out.jpg", TAKEN)])[0], other, (1, 1, 9, 9)
            )
        )
        seed.add_faces(conn, faces)
        tag = seed.add_tag(conn, owner, f"T{n}/sub")
        seed.tag_assets(conn, tag, ids)
        seed.add_album(conn, owner, f"Bulk{n}", ids)


def test_the_apply_runs_a_constant_number_of_statements(
    sim: SimServer, family: Family, tmp_path: Path
) -> None:
    counts = {}
    for n in (10, 200):
        _album_of(sim, family.users["carol"], n)
        spec = TransferSpec(kind="album", ref=f"Bulk{n}", target="bob@example.com")
        planned = make_plan(family.url, spec)
        assert len(planned.body.asset_ids) == n
        executor = TransferExecutor(connector(family.url))
        with Journal(tmp_path / f"j{n}.sqlite3") as journal:
            result = apply(family.url, planned, spec, journal, executor=executor)
        assert result.status is RunStatus.DONE, result
        counts[n] = executor.statements
    assert counts[10] == counts[200], counts


def test_an_unknown_layout_is_refused_before_anything(family: Family, invoke: Invoke) -> None:
    with psycopg.connect(family.url, autocommit=True) as conn:
        conn.execute('ALTER TABLE asset_face RENAME COLUMN "personId" TO "who"')
    result = invoke("transfer", "--album", "Holiday", "--to", "bob@example.com", "--yes")
    assert result.exit_code == 3
    assert "layout is not one immkit knows" in result.stderr


def test_repair_faces_rehomes_faces_left_by_a_manual_transfer(
    sim: SimServer, family: Family, invoke: Invoke
) -> None:
    # the forum recipe: only asset.ownerId changes; Anna's and Ben's faces are left behind
    with psycopg.connect(family.url, autocommit=True) as conn:
        conn.execute(
            'UPDATE asset SET "ownerId" = %s WHERE id = ANY(%s::uuid[])',
            (family.users["bob"], [family.assets["IMG_1"], family.assets["IMG_3"]]),
        )
    dry = invoke("transfer", "repair-faces", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "bob@example.com" in dry.stdout
    before = _state(family.url)
    result = invoke("transfer", "repair-faces", "--yes")
    assert result.exit_code == 0, result.output
    assert _people(family, sim, "bob") == {"Anna": 2, "Ben": 1}
    with psycopg.connect(family.url, row_factory=dict_row) as conn:
        row = conn.execute(
            'SELECT count(*) AS n FROM asset_face f JOIN person p ON p.id = f."personId"'
            ' JOIN asset a ON a.id = f."assetId" WHERE p."ownerId" <> a."ownerId"'
        ).fetchone()
    assert row is not None
    assert row["n"] == 0
    again = invoke("transfer", "repair-faces", "--dry-run")
    assert "No changes" in again.stdout
    import json

    runs = json.loads(invoke("--json", "runs", "list").stdout)["runs"]
    assert invoke("runs", "undo", runs[0]["id"], "--yes").exit_code == 0
    assert _state(family.url) == before
