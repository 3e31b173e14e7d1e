"""Seed a large synthetic library by SQL and serve it from a simulator in a child process.

The simulator runs in its own process so that the benchmark's memory and CPU figures are
the client's alone, as they would be against a real server.
"""

from __future__ import annotations

import multiprocessing as mp
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from immkit.sim import seed
from immkit.sim.bulk import seed_large_library
from immkit.sim.database import create_database, install_schema, server_url


@dataclass(frozen=True)
class Seeded:
    database_url: str
    api_key: str
    assets: int
    persons: int
    faces: int
    seconds: float
    owner_id: str
    person_ids: tuple[str, ...]  # `P0001` first


def seed_library(
    admin_url: str, *, assets: int, persons: int, faces: int, name: str = "immkit_bench"
) -> Seeded:
    """One admin owning the `sim.bulk` library: assets over ten years, persons in
    Zipf-weighted families, 1–3 faces per face-bearing asset."""
    started = time.perf_counter()
    url = create_database(admin_url, name)
    install_schema(url)
    with psycopg.connect(url, row_factory=dict_row) as conn:
        owner = seed.add_user(conn, "bench@example.com", "Bench", is_admin=True)
        key = seed.add_api_key(conn, owner)
        library = seed_large_library(conn, owner, assets, persons, faces, rng_seed=42)
    return Seeded(
        url,
        key,
        assets,
        persons,
        library.n_faces,
        time.perf_counter() - started,
        owner,
        tuple(library.person_ids),
    )


def _serve(database_url: str, media: str, pipe: Connection) -> None:
    from immkit.sim.server import SimServer

    server = SimServer(database_url, Path(media)).start()
    pipe.send(server.url)
    while True:  # until the parent says stop
        message = pipe.recv()
        if message == "counts":
            with server.state.lock:
                pipe.send(dict(server.state.requests))
        elif message == "reset":
            with server.state.lock:
                server.state.requests.clear()
            pipe.send(None)
        else:
            break
    server.stop()


class SimHandle:
    """A simulator running in a child process: its URL and its own request counts."""

    def __init__(self, url: str, pipe: Connection) -> None:
        self.url = url
        self._pipe = pipe

    def counts(self) -> Counter[str]:
        """Requests the simulator answered since the last reset, by `"METHOD /template"`
        (counted server-side, so any client is counted the same way)."""
        self._pipe.send("counts")
        counts: dict[str, int] = self._pipe.recv()
        return Counter(counts)

    def reset(self) -> None:
        self._pipe.send("reset")
        self._pipe.recv()


@contextmanager
def simulator(database_url: str) -> Iterator[SimHandle]:
    """A simulator in a child process; yields a handle with its URL and request counts."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    with tempfile.TemporaryDirectory() as media:
        proc = ctx.Process(target=_serve, args=(database_url, media, child), daemon=True)
        proc.start()
        try:
            if not parent.poll(60):
                raise RuntimeError("simulator process did not start")
            yield SimHandle(parent.recv(), parent)
        finally:
            parent.send("stop")
            proc.join(10)
            if proc.is_alive():
                proc.kill()


@contextmanager
def simulator_process(database_url: str) -> Iterator[str]:
    """A simulator in a child process; yields its URL."""
    with simulator(database_url) as sim:
        yield sim.url


@contextmanager
def postgres() -> Iterator[str]:
    """The bundled PostgreSQL (or IMMKIT_TEST_DATABASE_URL); yields its admin URL."""
    with tempfile.TemporaryDirectory() as data:
        yield server_url(Path(data) / "pgdata")
