"""The fate of one unit as it goes through the pipeline's phases."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import JsonValue

from immkit.errors import ApiError, EnvError, ImmkitError
from immkit.jobs.assetcopy.model import Unit


@dataclass
class UnitState:
    """Filled phase by phase; `error` set means the unit stops where it is."""

    unit: Unit
    target_id: str | None = None
    motion_target_id: str | None = None
    created: bool = False
    motion_created: bool = False
    sha1: str = ""
    motion_sha1: str = ""
    read_locally: bool = False
    # the target had these bytes from an earlier, interrupted attempt of this same job
    resumed: bool = False
    # the target's metadata before we touched it, when it existed already (for undo)
    before: dict[str, JsonValue] | None = None
    albums_added: list[str] = field(default_factory=list)
    tags_added: list[str] = field(default_factory=list)
    faces_created: int = 0
    faces_reassigned: int = 0
    verified: bool = False
    source_deleted: bool = False
    error: str | None = None
    # an environment failure (server gone, key rejected): later units would fail the same way
    fatal: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    def fail(self, step: str, exc: BaseException) -> None:
        if self.error is not None:
            return
        self.error = f"{step}: {exc}"
        self.fatal = isinstance(exc, EnvError) and not isinstance(exc, ApiError)

    def detail(self) -> dict[str, JsonValue]:
        """What the journal keeps: the external → internal mapping and what was done."""
        return {
            "source_id": self.unit.still.id,
            "source_motion_id": self.unit.motion.id if self.unit.motion else None,
            "target_id": self.target_id,
            "target_motion_id": self.motion_target_id,
            "created": self.created,
            "motion_created": self.motion_created,
            "sha1": self.sha1,
            "read_locally": self.read_locally,
            "resumed": self.resumed,
            "albums_added": list(self.albums_added),
            "tags_added": list(self.tags_added),
            "faces_created": self.faces_created,
            "faces_reassigned": self.faces_reassigned,
            "verified": self.verified,
            "source_deleted": self.source_deleted,
            "before": self.before,
        }


def step_error(exc: BaseException) -> bool:
    """Errors a unit absorbs (reported, retried next run); anything else is a bug."""
    return isinstance(exc, ImmkitError | OSError)
