"""What the journal records: runs and their entries, as strict frozen data."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, JsonValue

from immkit.engine.plan import Action


class RunStatus(StrEnum):
    """Where a run stands; `running` after a crash means the process died mid-run."""

    RUNNING = "running"
    DONE = "done"
    PARTIAL = "partial"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    UNDONE = "undone"


class EntryStatus(StrEnum):
    """Where one action stands; `applying` after a crash means its effect is unknown."""

    PLANNED = "planned"
    APPLYING = "applying"
    APPLIED = "applied"
    FAILED = "failed"
    SKIPPED = "skipped"
    UNDONE = "undone"


class Run(BaseModel):
    """One apply of one plan. The plan itself is loaded on demand with `Journal.plan`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    job: str
    profile: str | None
    started_at: datetime
    finished_at: datetime | None
    status: RunStatus
    plan_digest: str
    undo_of: str | None
    host: str
    pid: int
    counts: dict[EntryStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Entry(BaseModel):
    """One action of a run, with what undo needs once it is applied."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str
    seq: int
    action_id: str
    kind: str
    target: str
    params: dict[str, JsonValue]
    status: EntryStatus
    error: str | None
    undo: tuple[Action, ...]
    detail: dict[str, JsonValue]
    started_at: datetime | None
    finished_at: datetime | None
    applied_order: int | None
