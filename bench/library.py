"""Seed a large synthetic library by SQL and serve it from a simulator in a child process.

The simulator runs in its own process so that the benchmark's memory and CPU figures are
the client's alone, as they would be against a real server.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import psycopg

from immkit.sim import seed
from immkit.sim.database import create_database, install_schema, server_url

START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 10 * 365 * 24 * 3600
BATCH = 10_000


@dataclass(frozen=True)
class Seeded:
    database_url: str
    api_key: str
    assets: int
    persons: int
    faces: int
    seconds: float


def seed_library(
    admin_url: str, *, assets: int, persons: int, faces: int, name: str = "immkit_bench"
) -> Seeded:
    """One user owning `assets` assets over ten years, `persons` people and `faces` faces
    (on 1–3 faces per face-bearing asset, people weighted Zipf-like)."""
    rng = random.Random(42)
    started = time.perf_counter()
    url = create_database(admin_url, name)
    install_schema(url)
    with psycopg.connect(url, row_factory=psycopg.rows.dict_row) as conn:
        owner = seed.add_user(conn, "bench@example.com", "Bench", is_admin=True)
        key = seed.add_api_key(conn, owner)
        person_ids = [seed.add_person(conn, owner, f"P{i + 1:04d}") for i in range(persons)]
        weights = [1 / (i % 100 + 1) for i in range(persons)]
        asset_ids: list[str] = []
        for first in range(0, assets, BATCH):
            batch = [
                seed.AssetSeed(
                    owner_id=owner,
                    file_name=f"IMG_{n + 1:06d}.jpg",
                    taken=START + timedelta(seconds=rng.randrange(SPAN_SECONDS)),
                )
                for n in range(first, min(first + BATCH, assets))
            ]
            asset_ids += seed.add_assets(conn, batch)
        face_rows: list[seed.FaceSeed] = []
        bearing = iter(rng.sample(asset_ids, min(len(asset_ids), faces)))
        while len(face_rows) < faces:
            asset_id = next(bearing)
            for k in range(min(rng.choice((1, 1, 1, 2, 2, 3)), faces - len(face_rows))):
                person = rng.choices(person_ids, weights)[0] if persons else None
                x = 100 + 300 * k
                face_rows.append(seed.FaceSeed(asset_id, person, (x, 200, x + 200, 450)))
        for first in range(0, len(face_rows), BATCH):
            seed.add_faces(conn, face_rows[first : first + BATCH], feature=False)
        seed.add_faces(conn, [], feature=True)
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE")
    return Seeded(url, key, assets, persons, faces, time.perf_counter() - started)


def _serve(database_url: str, media: str, pipe: Connection) -> None:
    from immkit.sim.server import SimServer

    server = SimServer(database_url, Path(media)).start()
    pipe.send(server.url)
    pipe.recv()  # wait until the parent says stop
    server.stop()


@contextmanager
def simulator_process(database_url: str) -> Iterator[str]:
    """A simulator in a child process; yields its URL."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    with tempfile.TemporaryDirectory() as media:
        proc = ctx.Process(target=_serve, args=(database_url, media, child), daemon=True)
        proc.start()
        try:
            if not parent.poll(60):
                raise RuntimeError("simulator process did not start")
            yield parent.recv()
        finally:
            parent.send("stop")
            proc.join(10)
            if proc.is_alive():
                proc.kill()


@contextmanager
def postgres() -> Iterator[str]:
    """The bundled PostgreSQL (or IMMKIT_TEST_DATABASE_URL); yields its admin URL."""
    with tempfile.TemporaryDirectory() as data:
        yield server_url(Path(data) / "pgdata")
