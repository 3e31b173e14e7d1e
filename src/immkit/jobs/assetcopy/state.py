"""The fate of one unit as it goes through the pipeline's phases."""

from __future__ import annotations

from collections.abc import Mapping
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
    # the target had none of the unit's bytes before this job first tried to upload them
    # (None: not checked): a copy found later is this job's own, answer lost or not
    absent_before: bool | None = None
    # the target's metadata before we touched it, when it existed already (for undo)
    before: dict[str, JsonValue] | None = None
    # the albums a copy that existed already was in before we touched it (None: unknown)
    albums_had: list[str] | None = None
    albums_added: list[str] = field(default_factory=list)
    tags_added: list[str] = field(default_factory=list)
    faces_created: int = 0
    faces_reassigned: int = 0
    # a copy that existed already: its faces (id → person) before we touched it, and the
    # faces we drew on it or named (undo deletes and unassigns them)
    faces_had: dict[str, str | None] | None = None
    faces_drawn: list[str] = field(default_factory=list)
    faces_named: list[str] = field(default_factory=list)
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

    def note(self, earlier: Earlier) -> dict[str, JsonValue]:
        """What the journal keeps once the unit's uploads are done, before the carry: the
        ids this run uploaded (`created`; undo removes them), or the state of a copy the
        target had already (undo puts it back), as first found."""
        mine = set(earlier.uploaded)
        if self.created and self.target_id:
            mine.add(self.target_id)
        if self.motion_created and self.motion_target_id:
            mine.add(self.motion_target_id)
        out: dict[str, JsonValue] = {"uploaded": list[JsonValue](sorted(mine))}
        absent = earlier.absent_before if earlier.absent_before is not None else self.absent_before
        if absent is not None:
            out["absent_before"] = absent
        if self.target_id and not self.created and self.before is not None:
            out["twin"] = self.target_id
            out["before"] = self.before
            out["albums_had"] = list[JsonValue](self.albums_had or [])
            if self.faces_had is not None:
                out["faces_had"] = dict[str, JsonValue](self.faces_had)
        elif earlier.twin is not None and self.target_id in (None, earlier.twin):
            # this attempt did not get as far: keep what the first one found
            out["twin"] = earlier.twin
            out["before"] = earlier.before
            out["albums_had"] = list[JsonValue](earlier.albums_had)
            if earlier.faces_had is not None:
                out["faces_had"] = dict[str, JsonValue](earlier.faces_had)
        return out

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
            "faces_drawn": list[JsonValue](self.faces_drawn),
            "faces_named": list[JsonValue](self.faces_named),
            "verified": self.verified,
            "source_deleted": self.source_deleted,
            "before": self.before,
        }


@dataclass(frozen=True)
class Earlier:
    """What an earlier, cut-off attempt of the same run journaled about a unit after its
    uploads (see `UnitState.note`): the ids it uploaded itself, and the state it found a
    copy that existed already in, before its carry changed that copy."""

    uploaded: frozenset[str] = frozenset()
    twin: str | None = None
    before: dict[str, JsonValue] | None = None
    albums_had: tuple[str, ...] = ()
    faces_had: Mapping[str, str | None] | None = None
    absent_before: bool | None = None

    @classmethod
    def of(cls, note: Mapping[str, JsonValue]) -> Earlier:
        before = note.get("before")
        twin = note.get("twin")
        had = note.get("faces_had")
        absent = note.get("absent_before")
        return cls(
            absent_before=absent if isinstance(absent, bool) else None,
            uploaded=frozenset(_strs(note.get("uploaded"))),
            twin=twin if isinstance(twin, str) else None,
            before=before if isinstance(before, dict) else None,
            albums_had=tuple(_strs(note.get("albums_had"))),
            faces_had=(
                {str(k): v if isinstance(v, str) else None for k, v in had.items()}
                if isinstance(had, dict)
                else None
            ),
        )


def _strs(value: JsonValue) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def step_error(exc: BaseException) -> bool:
    """Errors a unit absorbs (reported, retried next run); anything else is a bug."""
    return isinstance(exc, ImmkitError | OSError)
