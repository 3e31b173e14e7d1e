"""`immkit sandbox`: a throw-away Immich-compatible server with the sample library.

Everything lives in one temporary folder (PostgreSQL data, media, the external library) that
is removed when the sandbox stops. The library (`sim/sample.py`) is made of real files on
disk, so downloads, uploads and library scans behave as on a real server.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg.rows import dict_row

from immkit.sim.bulk import seed_large_library
from immkit.sim.database import create_database, install_schema, server_url
from immkit.sim.sample import SampleLibrary, seed_sample_library
from immkit.sim.server import SimServer

log = logging.getLogger(__name__)


class Sandbox:
    """PostgreSQL + schema + sample library + simulator, all under one temporary folder."""

    def __init__(
        self,
        *,
        port: int = 0,
        extra_assets: int = 0,
        admin_url: str | None = None,
        database: str = "immich",
    ) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="immkit-sandbox-"))
        self.admin_url = admin_url
        self.database = database
        self.port = port
        self.extra_assets = extra_assets
        self.server: SimServer | None = None
        self.library = SampleLibrary()
        self.database_url = ""
        self.asset_count = 0

    @property
    def url(self) -> str:
        assert self.server is not None, "sandbox not started"
        return self.server.url

    def start(self) -> Sandbox:
        admin_url = self.admin_url or server_url(self.root / "pgdata")
        self.database_url = create_database(admin_url, self.database)
        install_schema(self.database_url)
        media = self.root / "media"
        with psycopg.connect(self.database_url, row_factory=dict_row) as conn:
            self.library = seed_sample_library(conn, media)
            if self.extra_assets:
                seed_large_library(conn, self.library.user("alice"), self.extra_assets, 0, 0)
            count = conn.execute("SELECT count(*) AS n FROM asset").fetchone()
            self.asset_count = count["n"] if count else 0
        self.server = SimServer(self.database_url, media, port=self.port).start()
        log.info("sandbox ready at %s with %d assets", self.server.url, self.asset_count)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
