"""The journal: every run and every action's fate in one SQLite file, for resume and undo.

WAL mode lets another process read (`immkit runs list`) while a run writes, and each
state change is committed on its own, so a killed process leaves a readable journal.
The journal stores plans verbatim; actions never carry secrets, so neither does it.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType

from pydantic import JsonValue

from immkit.engine.journal_format import (
    RESUMABLE,
    SCHEMA,
    dumps,
    like_prefix,
    pid_alive,
    utcnow,
)
from immkit.engine.plan import Action, Plan
from immkit.engine.records import Entry, EntryStatus, Run, RunStatus
from immkit.errors import BadFileError, EnvError, InputError, NotFoundError, RunBusyError

log = logging.getLogger(__name__)

__all__ = ["Entry", "EntryStatus", "Journal", "Run", "RunStatus"]


class Journal:
    """The SQLite journal at `path`; open one per process (or thread) and close it.

    Raises (from every method):
        BadFileError: the file is not a journal or is damaged.
        EnvError: the file stayed locked by another process past the busy timeout.
    """

    def __init__(self, path: Path, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.path = path
        self._clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        try:
            with self._guard():
                self._db.execute("PRAGMA busy_timeout = 10000")
                self._db.execute("PRAGMA journal_mode = WAL")
                # the journal is the undo trail: survive power loss, not just a killed process
                self._db.execute("PRAGMA synchronous = FULL")
                self._db.execute("PRAGMA foreign_keys = ON")
                self._db.executescript(SCHEMA)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise EnvError(
                    f"Journal {self.path} is locked by another immkit process; try again."
                ) from exc
            raise self._damaged(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from exc

    def _damaged(self, exc: Exception) -> BadFileError:
        return BadFileError(
            f"Journal {self.path} is damaged ({exc}); move it aside "
            f"(e.g. to {self.path.name}.bad) and run again to start a new one."
        )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._guard():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._guard():
            cursor = self._db.execute(sql, tuple(args))
            cursor.row_factory = sqlite3.Row
            return list(cursor.fetchall())

    def _now(self) -> str:
        return self._clock().isoformat(timespec="microseconds")

    def check(self) -> None:
        """Read every page (slow on big journals); raises BadFileError if any is damaged."""
        rows = self._rows("PRAGMA quick_check")
        if [tuple(r) for r in rows] != [("ok",)]:
            raise self._damaged(ValueError(rows[0][0]))

    # runs ---------------------------------------------------------------------------------

    def start_run(self, plan: Plan, profile: str | None, *, undo_of: str | None = None) -> Run:
        """Record a new run with every action `planned`, in plan order."""
        digest = plan.digest()
        started = self._clock()
        for _ in range(5):
            run_id = f"{started:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
            if not self._rows("SELECT 1 FROM runs WHERE id = ?", [run_id]):
                break
        with self._write() as db:
            db.execute(
                "INSERT INTO runs (id, job, profile, started_at, status, plan_digest, plan_json,"
                " undo_of, host, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    plan.job,
                    profile,
                    started.isoformat(timespec="microseconds"),
                    RunStatus.RUNNING.value,
                    digest,
                    plan.model_dump_json(),
                    undo_of,
                    socket.gethostname(),
                    os.getpid(),
                ),
            )
            db.executemany(
                "INSERT INTO entries (run_id, seq, action_id, kind, target, params, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (run_id, seq, a.id, a.kind, a.target, dumps(a.params), "planned")
                    for seq, a in enumerate(plan.actions)
                ],
            )
        log.info("Run %s started: %s, %d actions", run_id, plan.job, len(plan.actions))
        return self.get_run(run_id)

    def adopt(self, run: Run) -> Run:
        """Mark a resumed run as running in this process."""
        with self._write() as db:
            db.execute(
                "UPDATE runs SET status = ?, finished_at = NULL, host = ?, pid = ? WHERE id = ?",
                (RunStatus.RUNNING.value, socket.gethostname(), os.getpid(), run.id),
            )
        return self.get_run(run.id)

    def finish(self, run: Run, status: RunStatus) -> Run:
        with self._write() as db:
            db.execute(
                "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
                (status.value, self._now(), run.id),
            )
        log.info("Run %s finished: %s", run.id, status.value)
        return self.get_run(run.id)

    def runs(self, limit: int = 20) -> list[Run]:
        """The newest runs first."""
        return self._select_runs("ORDER BY r.id DESC LIMIT ?", [limit])

    def get_run(self, id_or_prefix: str) -> Run:
        """The run with this id, or the only run whose id starts with it.

        Raises:
            NotFoundError: no run matches.
            InputError: the prefix matches several runs.
        """
        if not id_or_prefix.isascii():  # run ids are ASCII; SQLite cannot take a surrogate
            raise NotFoundError(
                f"Run {id_or_prefix!a} is not in the journal; list runs with `immkit runs list`."
            )
        found = self._select_runs(
            "WHERE r.id = ? OR r.id LIKE ? ESCAPE '\\' ORDER BY r.id DESC LIMIT 2",
            [id_or_prefix, like_prefix(id_or_prefix)],
        )
        exact = [run for run in found if run.id == id_or_prefix]
        if exact:
            return exact[0]
        if not found or not id_or_prefix:
            raise NotFoundError(
                f"Run '{id_or_prefix}' is not in the journal; list runs with `immkit runs list`."
            )
        if len(found) > 1:
            raise InputError(
                f"Run '{id_or_prefix}' matches several runs; give more of the id "
                "(see `immkit runs list`)."
            )
        return found[0]

    def plan(self, run: Run) -> Plan:
        """The plan the run applies, as it was stored."""
        rows = self._rows("SELECT plan_json FROM runs WHERE id = ?", [run.id])
        try:
            return Plan.model_validate_json(rows[0][0])
        except ValueError as exc:
            raise self._damaged(exc) from exc

    def find_resumable(self, job: str, profile: str | None, plan_digest: str) -> Run | None:
        """The newest unfinished run of this exact plan, if any.

        Raises:
            RunBusyError: that run is being applied right now by another live process.
        """
        statuses = ",".join("?" for _ in RESUMABLE)
        found = self._select_runs(
            f"WHERE r.job = ? AND r.profile IS ? AND r.plan_digest = ? AND r.status IN ({statuses})"
            " ORDER BY r.id DESC LIMIT 1",
            [job, profile, plan_digest, *(s.value for s in RESUMABLE)],
        )
        if not found:
            return None
        run = found[0]
        if self.is_active(run):
            raise RunBusyError(
                f"Run {run.id} of {job} is being applied by process {run.pid}; "
                "wait for it to finish."
            )
        return run

    def is_active(self, run: Run) -> bool:
        """True if another process on this host is applying the run right now."""
        return (
            run.status is RunStatus.RUNNING
            and run.host == socket.gethostname()
            and run.pid != os.getpid()
            and pid_alive(run.pid)
        )

    def cut_off(self, job: str, profile: str | None) -> list[Run]:
        """Unfinished runs of this job with an action left `applying` (a killed process)."""
        statuses = ",".join("?" for _ in RESUMABLE)
        return self._select_runs(
            f"WHERE r.job = ? AND r.profile IS ? AND r.status IN ({statuses}) AND EXISTS"
            " (SELECT 1 FROM entries e WHERE e.run_id = r.id AND e.status = 'applying')"
            " ORDER BY r.id",
            [job, profile, *(s.value for s in RESUMABLE)],
        )

    def undo_runs_of(self, run: Run) -> list[Run]:
        return self._select_runs("WHERE r.undo_of = ? ORDER BY r.id DESC", [run.id])

    def _select_runs(self, where: str, args: Sequence[object]) -> list[Run]:
        rows = self._rows(
            "SELECT r.id, r.job, r.profile, r.started_at, r.finished_at, r.status,"
            " r.plan_digest, r.undo_of, r.host, r.pid,"
            " (SELECT json_group_object(status, n) FROM"
            "   (SELECT status, COUNT(*) AS n FROM entries e WHERE e.run_id = r.id"
            "    GROUP BY status)) AS counts"
            f" FROM runs r {where}",
            args,
        )
        try:
            return [
                Run.model_validate({**dict(r), "counts": json.loads(r["counts"])}) for r in rows
            ]
        except ValueError as exc:
            raise self._damaged(exc) from exc

    # entries ------------------------------------------------------------------------------

    def entries(self, run: Run) -> list[Entry]:
        rows = self._rows("SELECT * FROM entries WHERE run_id = ? ORDER BY seq", [run.id])
        try:
            return [
                Entry.model_validate(
                    {
                        **dict(r),
                        "params": json.loads(r["params"]),
                        "undo": json.loads(r["undo"]),
                        "detail": json.loads(r["detail"]),
                    }
                )
                for r in rows
            ]
        except ValueError as exc:
            raise self._damaged(exc) from exc

    def begin(self, run: Run, action: Action) -> None:
        """Mark the action `applying`: call this BEFORE the request goes out."""
        self._set(run, action, EntryStatus.APPLYING, "started_at = ?, error = NULL", [self._now()])

    def succeed(
        self, run: Run, action: Action, undo: Sequence[Action], detail: dict[str, JsonValue]
    ) -> None:
        """Mark the action `applied`, with the inverse actions undo will run."""
        self._set(
            run,
            action,
            EntryStatus.APPLIED,
            "finished_at = ?, undo = ?, detail = ?, applied_order ="
            " (SELECT COALESCE(MAX(applied_order), 0) + 1 FROM entries WHERE run_id = ?)",
            [
                self._now(),
                dumps([a.model_dump(mode="json") for a in undo]),
                dumps(detail),
                run.id,
            ],
        )

    def fail(self, run: Run, action: Action, error: str, undo: Sequence[Action] = ()) -> None:
        """Mark the action `failed`; `undo` reverses the part of it that reached the server
        (an action of many calls that failed part-way), so undo can take that back too."""
        if not undo:
            self._set(
                run, action, EntryStatus.FAILED, "finished_at = ?, error = ?", [self._now(), error]
            )
            return
        self._set(
            run,
            action,
            EntryStatus.FAILED,
            "finished_at = ?, error = ?, undo = ?, applied_order ="
            " (SELECT COALESCE(MAX(applied_order), 0) + 1 FROM entries WHERE run_id = ?)",
            [self._now(), error, dumps([a.model_dump(mode="json") for a in undo]), run.id],
        )

    def mark(self, run: Run, action_id: str, status: EntryStatus) -> None:
        """Set an entry's status alone, e.g. `undone` once its inverse has been applied."""
        with self._write() as db:
            db.execute(
                "UPDATE entries SET status = ? WHERE run_id = ? AND action_id = ?",
                (status.value, run.id, action_id),
            )

    def _set(
        self, run: Run, action: Action, status: EntryStatus, extra: str, args: list[object]
    ) -> None:
        with self._write() as db:
            cursor = db.execute(
                f"UPDATE entries SET status = ?, {extra} WHERE run_id = ? AND action_id = ?",
                (status.value, *args, run.id, action.id),
            )
            if cursor.rowcount != 1:
                raise ValueError(f"action {action.id} is not part of run {run.id}")
        log.debug("Run %s: %s %s %s", run.id, status.value, action.kind, action.target)

    # batches ------------------------------------------------------------------------------
    # One transaction (one fsync) for many entries: a job that applies actions a batch at a
    # time journals the batch before its calls and its fates after them, at the same
    # guarantee as one commit per entry (the begin still commits before any request goes out).

    def begin_many(self, run: Run, actions: Sequence[Action]) -> None:
        """`begin` for every action, in one commit: call it BEFORE the batch's requests."""
        now = self._now()
        self._set_many(
            run,
            [(a, EntryStatus.APPLYING, "started_at = ?, error = NULL", [now]) for a in actions],
        )

    def note_many(self, run: Run, notes: Sequence[tuple[Action, dict[str, JsonValue]]]) -> None:
        """Store a detail on each `applying` entry (e.g. what the batch uploaded so far), in
        one commit; `finish_many` replaces it, `fail` keeps it for the retry to read."""
        rows: list[tuple[Action, EntryStatus, str, list[object]]] = [
            (a, EntryStatus.APPLYING, "detail = ?", [dumps(d)]) for a, d in notes
        ]
        self._set_many(run, rows)

    def finish_many(
        self,
        run: Run,
        applied: Sequence[tuple[Action, Sequence[Action], dict[str, JsonValue]]],
        failed: Sequence[tuple[Action, str]],
    ) -> None:
        """`succeed` for each (action, undo, detail) in `applied` (in that order) and `fail`
        for each (action, error) in `failed`, in one commit."""
        now = self._now()
        rows: list[tuple[Action, EntryStatus, str, list[object]]] = []
        for action, undo, detail in applied:
            rows.append(
                (
                    action,
                    EntryStatus.APPLIED,
                    "finished_at = ?, undo = ?, detail = ?, applied_order ="
                    " (SELECT COALESCE(MAX(applied_order), 0) + 1 FROM entries WHERE run_id = ?)",
                    [
                        now,
                        dumps([a.model_dump(mode="json") for a in undo]),
                        dumps(detail),
                        run.id,
                    ],
                )
            )
        for action, error in failed:
            rows.append((action, EntryStatus.FAILED, "finished_at = ?, error = ?", [now, error]))
        self._set_many(run, rows)

    def _set_many(
        self, run: Run, rows: Sequence[tuple[Action, EntryStatus, str, list[object]]]
    ) -> None:
        if not rows:
            return
        with self._write() as db:
            for action, status, extra, args in rows:
                cursor = db.execute(
                    f"UPDATE entries SET status = ?, {extra} WHERE run_id = ? AND action_id = ?",
                    (status.value, *args, run.id, action.id),
                )
                if cursor.rowcount != 1:
                    raise ValueError(f"action {action.id} is not part of run {run.id}")
        log.debug("Run %s: %d entries updated in one commit", run.id, len(rows))
