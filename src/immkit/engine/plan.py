"""Plan and Action: what a job intends to do, as frozen plain data that goes to JSON and back.

Actions must never carry secrets (API keys, passwords, database URLs): a plan is printed,
saved to files and stored verbatim in the journal.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, JsonValue, ValidationError, model_validator

from immkit.errors import BadFileError

_ADD_VERBS = frozenset(
    {"add", "create", "upload", "copy", "assign", "link", "import", "share", "tag", "restore"}
)
_REMOVE_VERBS = frozenset(
    {"remove", "delete", "unlink", "unassign", "trash", "untag", "unshare", "detach"}
)


class ActionKind(StrEnum):
    """Base of a job's action kinds: `class AlbumKind(ActionKind): ADD = "album.add_assets"`."""


class Effect(StrEnum):
    """What an action does to its target, as the plan view shows it (+, -, ~)."""

    ADD = "add"
    REMOVE = "remove"
    CHANGE = "change"


def effect_of(kind: str) -> Effect:
    """Guess the effect from the kind's verb: the first word of its last dotted segment.

    `album.add_assets` → add, `person.delete` → remove, `asset.set_owner` → change.
    A job whose kinds don't follow the convention sets `Action.effect` itself.
    """
    verb = kind.rsplit(".", 1)[-1].split("_", 1)[0].lower()
    if verb in _ADD_VERBS:
        return Effect.ADD
    if verb in _REMOVE_VERBS:
        return Effect.REMOVE
    return Effect.CHANGE


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def action_id(kind: str, target: str, params: dict[str, JsonValue]) -> str:
    """Deterministic id of an action: the same change gets the same id in every run."""
    return hashlib.sha256(_canonical([str(kind), target, params])).hexdigest()[:16]


class Action(BaseModel):
    """One change to one target. `id` is derived from kind, target and params."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    target: str
    target_label: str = ""
    params: dict[str, JsonValue] = {}
    reason: str = ""
    requests: dict[str, int] = {}
    destructive: bool = False
    effect: Effect = Effect.CHANGE
    id: str = ""

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        kind = str(data.get("kind", ""))
        data.setdefault("effect", effect_of(kind))
        data.setdefault("target_label", data.get("target", ""))
        expected = action_id(kind, str(data.get("target", "")), data.get("params") or {})
        # an id that does not match the content means the plan file was edited by hand
        if data.get("id") not in (None, "", expected):
            raise ValueError(f"action id {data['id']} does not match its kind, target and params")
        data["id"] = expected
        return data

    def sort_key(self) -> tuple[str, str, str]:
        return (self.kind, self.target, self.id)

    def __lt__(self, other: Action) -> bool:
        return self.sort_key() < other.sort_key()

    def __hash__(self) -> int:
        return hash(self.id)


class Plan(BaseModel):
    """Everything a job will do, in the order apply runs it, guarded by the snapshot's digest."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal[1] = 1
    job: str
    profile: str | None = None
    fingerprint: str
    actions: tuple[Action, ...] = ()
    notes: tuple[str, ...] = ()
    empty_message: str = ""

    @model_validator(mode="after")
    def _unique_ids(self) -> Plan:
        seen: set[str] = set()
        for action in self.actions:
            if action.id in seen:
                raise ValueError(f"action {action.id} ({action.kind} {action.target}) is twice")
            seen.add(action.id)
        return self

    @property
    def summary(self) -> dict[str, int]:
        """Counts by effect, plus `actions`, `destructive` and `requests` totals."""
        effects = Counter(a.effect.value for a in self.actions)
        return {
            "actions": len(self.actions),
            **{effect.value: effects[effect.value] for effect in Effect},
            "destructive": sum(a.destructive for a in self.actions),
            "requests": sum(self.request_totals().values()),
        }

    def request_totals(self) -> dict[str, int]:
        """Calls per endpoint over all actions, most frequent first."""
        totals: Counter[str] = Counter()
        for action in self.actions:
            totals.update(action.requests)
        return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))

    def digest(self) -> str:
        """Stable hash of the plan's content; equal plans have equal digests across runs."""
        return hashlib.sha256(_canonical(self.model_dump(mode="json"))).hexdigest()

    def save(self, path: Path) -> None:
        """Write the plan as JSON atomically, so a crash never leaves half a file."""
        text = json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> Plan:
        """Read a plan saved by `save` (or printed by `--json`).

        Raises:
            BadFileError: the file is missing, unreadable, not JSON or not an immkit plan.
        """
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadFileError(f"Cannot read plan file {path}: {exc}.") from exc
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "top level"
            raise BadFileError(
                f"Plan file {path} is not a valid immkit plan ({where}: {first['msg']}); "
                "make it again with --dry-run --json."
            ) from exc
