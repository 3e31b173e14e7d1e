"""Benchmark of DB-mode ownership transfer: a 10 000-photo album with 40 persons (half of
them also outside it) in a 100 000-photo library, on the simulator's PostgreSQL.

Prints wall time and SQL statements for immkit (plan + one-transaction apply) and for a
naive baseline in the same run: the forum recipe of one `UPDATE asset` per photo (which
also leaves every face with the old owner's person).

    python -m bench.transfer [--assets 100000] [--album 10000] [--persons 40]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from bench.library import seed_library
from immkit.engine import Journal
from immkit.jobs.transfer.apply import TransferExecutor
from immkit.jobs.transfer.run import apply, connector, make_plan
from immkit.jobs.transfer.select import TransferSpec
from immkit.sim import seed
from immkit.sim.database import create_database, server_url

TEMPLATE = "immkit_bench_transfer"


def _seed(admin: str, assets: int, album: int, persons: int) -> None:
    seeded = seed_library(admin, assets=assets, persons=0, faces=0, name=TEMPLATE)
    with psycopg.connect(seeded.database_url, row_factory=dict_row) as conn:
        owner = seeded.owner_id
        seed.add_user(conn, "target@example.com", "Target")
        person_ids = [seed.add_person(conn, owner, f"Person {i:02d}") for i in range(persons)]
        album_id = seed.add_album(conn, owner, "Big album")
        conn.execute(
            'INSERT INTO album_asset ("albumId", "assetId") SELECT %s, id FROM asset'
            " ORDER BY id LIMIT %s",
            (album_id, album),
        )
        # one face per album photo, persons in turn; the first half also outside the album
        conn.execute(
            'INSERT INTO asset_face ("assetId", "personId", "boundingBoxX2", "boundingBoxY2")'
            " SELECT a.id, (%(p)s::uuid[])[1 + (a.n %% %(k)s)], 100, 100"
            " FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM asset"
            "  ORDER BY id LIMIT %(album)s) a",
            {"p": person_ids, "k": persons, "album": album},
        )
        conn.execute(
            'INSERT INTO asset_face ("assetId", "personId", "boundingBoxX2", "boundingBoxY2")'
            " SELECT a.id, (%(p)s::uuid[])[1 + (a.n %% %(k)s)], 100, 100"
            " FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM asset"
            "  ORDER BY id DESC LIMIT %(out)s) a",
            {"p": person_ids, "k": max(persons // 2, 1), "out": 20 * persons},
        )
        conn.execute(
            'UPDATE person p SET "faceAssetId" = (SELECT f.id FROM asset_face f'
            ' WHERE f."personId" = p.id ORDER BY f.id LIMIT 1)'
        )
        seed.set_quota_usage(conn)
        for table in ("asset", "asset_face", "person", "album_asset"):
            conn.execute(f"ANALYZE {table}")


def _immkit(admin: str, work: Path) -> tuple[float, int, int, int]:
    url = create_database(admin, "immkit_bench_transfer_a", template=TEMPLATE)
    spec = TransferSpec(kind="album", ref="Big album", target="target@example.com")
    started = time.perf_counter()
    planned = make_plan(url, spec)
    planning = time.perf_counter() - started
    executor = TransferExecutor(connector(url))
    with Journal(work / "journal.sqlite3") as journal:
        result = apply(url, planned, spec, journal, executor=executor)
    wall = time.perf_counter() - started
    assert result.failed == 0, result
    moved = len(planned.body.persons)
    print(f"  plan (collect + decide): {planning:.2f} s")
    return wall, executor.statements, len(planned.body.asset_ids), moved


def _naive(admin: str, album: int) -> tuple[float, int]:
    url = create_database(admin, "immkit_bench_transfer_b", template=TEMPLATE)
    statements = 0
    started = time.perf_counter()
    with psycopg.connect(url, row_factory=dict_row) as conn:
        target = conn.execute("SELECT id FROM \"user\" WHERE email = 'target@example.com'")
        target_id = target.fetchone()["id"]  # type: ignore[index]
        ids = [
            r["id"]
            for r in conn.execute(
                'SELECT "assetId" AS id FROM album_asset ORDER BY "assetId" LIMIT %s', (album,)
            )
        ]
        statements += 1
        with conn.transaction():
            for asset_id in ids:
                conn.execute('UPDATE asset SET "ownerId" = %s WHERE id = %s', (target_id, asset_id))
                statements += 1
    return time.perf_counter() - started, statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--album", type=int, default=10_000)
    parser.add_argument("--persons", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="immkit-bench-") as tmp:
        work = Path(tmp)
        admin = server_url(work / "pg")
        started = time.perf_counter()
        _seed(admin, args.assets, args.album, args.persons)
        print(
            f"seeded {args.assets:,} photos, album of {args.album:,}, {args.persons} persons "
            f"in {time.perf_counter() - started:.1f} s"
        )
        wall, statements, moved, persons = _immkit(admin, work)
        print(
            f"immkit transfer (DB mode): {wall:.2f} s wall, {statements} SQL statements in one "
            f"transaction, {moved:,} photos and {persons} persons moved (target < 5 s)"
        )
        naive_wall, naive_statements = _naive(admin, args.album)
        print(
            f"naive baseline (one UPDATE per photo, faces left broken): {naive_wall:.2f} s "
            f"wall, {naive_statements:,} SQL statements"
        )


if __name__ == "__main__":
    main()
