"""Run the simulator under uvicorn in a background thread on a loopback port."""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn

from immkit.sim.app import create_app
from immkit.sim.state import SimDatabase, SimState

log = logging.getLogger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


class SimServer:
    """An Immich-compatible server on http://127.0.0.1:PORT backed by `database_url`."""

    def __init__(
        self,
        database_url: str,
        media: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        """`tls` = (certificate chain PEM, private key PEM) serves HTTPS instead of HTTP."""
        media.mkdir(parents=True, exist_ok=True)
        self.state = SimState(db=SimDatabase(database_url), media=media)
        self.host = host
        self.port = port or free_port(host)
        self.scheme = "https" if tls else "http"
        config = uvicorn.Config(
            create_app(self.state),
            ssl_certfile=str(tls[0]) if tls else None,
            ssl_keyfile=str(tls[1]) if tls else None,
            host=host,
            port=self.port,
            log_level="critical",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self) -> SimServer:
        self._thread = threading.Thread(target=self._server.run, name="immkit-sim", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"simulator did not start on {self.url}")
            time.sleep(0.01)
        log.info("simulator listening on %s", self.url)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.state.db.close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
