"""The world the reliability scenarios run in: a simulator, fresh databases, immkit as a process.

immkit runs as a real child process (`python -m immkit`), so it can be killed with SIGKILL
at any point; the simulator runs in the test process (a thread), so faults can be switched
on and off between runs and its database read directly for snapshots.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import DictRow

from immkit.sim.database import create_database, drop_database
from immkit.sim.server import SimServer

# canaries: used as the API key and the DB password everywhere; must never be printed
CANARY_KEY = "canaryKEY0x7f3e9d2b1c4a8f6e5d0c9b8a7e6f5d4c3b2a1"
CANARY_DB_PASSWORD = "canaryPW0x9e8d7c6b5a4f3e2d1c0b"
CANARIES = (CANARY_KEY, CANARY_DB_PASSWORD)
PYTHON = sys.executable

_names = itertools.count()


@dataclass(frozen=True)
class Proc:
    """One finished (or killed) immkit process."""

    argv: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    killed: bool = False


@dataclass
class World:
    """A simulator whose database is swapped per attempt, and a work folder per attempt."""

    admin_url: str
    template: str
    server: SimServer
    root: Path
    outputs: list[Proc] = field(default_factory=list)  # every process, for the secrets scan
    _databases: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def fresh(self) -> Path:
        """A new empty Immich database behind the simulator, and a new work folder."""
        name = f"immkit_rel{os.getpid()}_{next(_names)}"
        self.server.state.db.use(create_database(self.admin_url, name, template=self.template))
        self._drop_old()
        self._databases.append(name)
        self.server.state.faults.clear()
        self.server.state.requests.clear()
        work = self.root / name
        work.mkdir(parents=True)
        return work

    def _drop_old(self) -> None:
        while len(self._databases) > 1:
            drop_database(self.admin_url, self._databases.pop(0))

    @contextmanager
    def db(self) -> Iterator[psycopg.Connection[DictRow]]:
        with self.server.state.db.connection() as conn:
            yield conn

    def env(self, work: Path, **extra: str) -> dict[str, str]:
        """A clean environment: nothing of the developer's; the profile comes from `work`."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(("IMMICH_", "IMMKIT_"))}
        base.update(
            IMMKIT_STATE_DIR=str(work / "state"),
            IMMKIT_CONFIG=str(work / "config.toml"),
            NO_COLOR="1",
            COLUMNS="200",
        )
        base.update(extra)
        return base

    def immkit(
        self,
        work: Path,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        kill_after: float | None = None,
        kill_at_request: int | None = None,
        timeout: float = 120,
    ) -> Proc:
        """Run `immkit ARGV` in `work`; SIGKILL it after `kill_after` seconds, or once the
        simulator has answered `kill_at_request` requests of it."""
        command = [PYTHON, "-m", "immkit", *argv]
        proc = subprocess.Popen(
            command,
            cwd=work,
            env=dict(env if env is not None else self.env(work)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
        )
        killed = False
        if kill_at_request is not None:
            base = self.requests_seen()
            deadline = time.monotonic() + timeout
            while proc.poll() is None and time.monotonic() < deadline:
                if self.requests_seen() - base >= kill_at_request:
                    kill_after = 0.0
                    break
                time.sleep(0.002)
        try:
            out, err = proc.communicate(timeout=kill_after if kill_after is not None else timeout)
        except subprocess.TimeoutExpired:
            if kill_after is None:
                proc.kill()
                proc.communicate()
                raise
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate()
            killed = True
        result = Proc(tuple(argv), proc.returncode, out, err, killed)
        self.outputs.append(result)
        return result

    def requests_seen(self) -> int:
        state = self.server.state
        with state.lock:
            return sum(state.requests.values())

    def close(self) -> None:
        self._drop_old()


def files_under(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path


def secret_hits(world: World, folders: Sequence[Path], extra: Sequence[str] = ()) -> list[str]:
    """Where a canary shows up: process outputs, any file under `folders`, extra texts."""
    hits: list[str] = []
    for proc in world.outputs:
        for canary in CANARIES:
            if canary in proc.stdout or canary in proc.stderr:
                hits.append(f"output of immkit {' '.join(proc.argv)}")
    for folder in folders:
        for path in files_under(folder):
            if path.name in {"config.toml", ".env", "api_key"} or path.suffix == ".key":
                continue  # where the user put the secret on purpose
            data = path.read_bytes()
            for canary in CANARIES:
                if canary.encode() in data:
                    hits.append(str(path))
    for text in extra:
        hits.extend("exception text" for canary in CANARIES if canary in text)
    return hits


def wait_until(predicate: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False
