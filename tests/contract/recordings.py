"""The recorded exchanges of a real Immich 3.1.0 server (shared/immich-recordings/)."""

from __future__ import annotations

import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

RECORDINGS = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "immich-recordings"
    / "immich-3.1.0.jsonl"
)
# a whole-string placeholder for an id: <asset:3>, <user:a>, <apikey:a-all>, <missing:1>, …
ID_PLACEHOLDER = re.compile(
    r"<(?:user|asset|person|album|library|face|apikey|missing|file):[^<>]+>"
)
ANY_PLACEHOLDER = re.compile(r"<[a-z0-9]+(?::[^<>]+)?>")

Record = dict[str, Any]


@cache
def records() -> tuple[Record, ...]:
    """All 497 exchanges, in execution order."""
    lines = RECORDINGS.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


def record(scenario: str, step: str) -> Record:
    """The exchange (scenario, step)."""
    for found in records():
        if found["scenario"] == scenario and found["step"] == step:
            return found
    raise KeyError((scenario, step))


def with_sample_values(value: Any, ids: dict[str, str] | None = None) -> Any:
    """The value with id placeholders replaced by v4 UUIDs and `<ts>` by a timestamp."""
    ids = {} if ids is None else ids
    if isinstance(value, dict):
        return {key: with_sample_values(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [with_sample_values(item, ids) for item in value]
    if value == "<ts>":
        return "2026-11-21T10:00:00.000Z"
    if isinstance(value, str) and ID_PLACEHOLDER.fullmatch(value):
        return ids.setdefault(value, str(uuid.uuid4()))
    return value
