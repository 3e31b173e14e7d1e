"""What smart albums remember between runs, in SQLite next to the journal.

- Provenance: which assets immkit itself added to which album. `remove_stale = "added"`
  removes only those, so a photo someone put in the album by hand is never taken out.
- Snapshots: the album's contents and the rule's matches after the last run, with what
  proves them still current (the album's asset count and `updatedAt`, the people list).
  A warm run trusts them instead of reading 100 000 assets again; see sync.py.
- Locks: one process per rule at a time (a daemon and a cron `albums sync` may overlap).

Scope = server URL + user id, so two profiles on one server share what is true for both.
Everything here is a cache except provenance; deleting the file costs one full scan and
makes `remove_stale = "added"` forget earlier additions (they are then kept, never lost).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from immkit.errors import BadFileError, RunBusyError

STATE_NAME = "albums.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS added (
  scope TEXT NOT NULL, album_id TEXT NOT NULL, asset_id TEXT NOT NULL,
  PRIMARY KEY (scope, album_id, asset_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshot (
  scope TEXT NOT NULL, rule TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (scope, rule)
);
"""


@dataclass(frozen=True)
class Saved:
    """A rule's state after a successful run."""

    rule_digest: str
    album_id: str
    album_count: int
    album_updated: str
    album_assets: frozenset[str]
    matched: frozenset[str]
    full_at: str  # when the match set was last read in full (UTC ISO)
    watermark: str | None = None  # newest asset `updatedAt` seen
    settled_cutoff: str | None = None  # faceless: uploads before this were judged
    people: dict[str, str] = field(default_factory=dict)  # person id → version

    def dumps(self) -> str:
        data = {
            **self.__dict__,
            "album_assets": sorted(self.album_assets),
            "matched": sorted(self.matched),
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> Saved:
        data = json.loads(text)
        data["album_assets"] = frozenset(data["album_assets"])
        data["matched"] = frozenset(data["matched"])
        return cls(**data)


def scope_of(url: str, user_id: str) -> str:
    return f"{url.rstrip('/')}|{user_id}"


class AlbumStateStore:
    """The state file; one per process, closed by its owner."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise BadFileError(
                f"Album state {path} is damaged ({exc}); move it aside and run again "
                "(the next sync reads everything once)."
            ) from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AlbumStateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def added(self, scope: str, album_id: str) -> frozenset[str]:
        rows = self._db.execute(
            "SELECT asset_id FROM added WHERE scope = ? AND album_id = ?", (scope, album_id)
        )
        return frozenset(row[0] for row in rows)

    def record_added(self, scope: str, album_id: str, asset_ids: Iterable[str]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO added VALUES (?, ?, ?)",
                ((scope, album_id, a) for a in asset_ids),
            )

    def forget_added(self, scope: str, album_id: str, asset_ids: Iterable[str]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "DELETE FROM added WHERE scope = ? AND album_id = ? AND asset_id = ?",
                ((scope, album_id, a) for a in asset_ids),
            )

    def snapshot(self, scope: str, rule: str) -> Saved | None:
        row = self._db.execute(
            "SELECT body FROM snapshot WHERE scope = ? AND rule = ?", (scope, rule)
        ).fetchone()
        if row is None:
            return None
        try:
            return Saved.loads(row[0])
        except (ValueError, TypeError, KeyError):
            return None  # an older or damaged snapshot is just a cold run

    def save_snapshot(self, scope: str, rule: str, saved: Saved) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT OR REPLACE INTO snapshot VALUES (?, ?, ?)", (scope, rule, saved.dumps())
            )

    def drop_snapshot(self, scope: str, rule: str) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM snapshot WHERE scope = ? AND rule = ?", (scope, rule))


@contextlib.contextmanager
def rule_lock(directory: Path, scope: str, rule: str) -> Iterator[None]:
    """Hold the rule's lock, or fail at once if another process holds it.

    Raises:
        RunBusyError: another immkit process is syncing this rule now.
    """
    directory.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(f"{scope}|{rule.casefold()}".encode()).hexdigest()[:20]
    path = directory / f"album-{key}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RunBusyError(
                f"Album rule {rule!r} is being synced by another immkit process; "
                "try again when it has finished."
            ) from exc
        yield
    finally:
        os.close(fd)
