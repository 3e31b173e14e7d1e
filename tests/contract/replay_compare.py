"""Does the simulator's answer have the shape of the recorded one?

Same keys (as sets) and value types, recursively; arrays of the same length (unless the
record is `responseFiltered` or marks the length unstable), items paired by likeness.
null vs a value is a difference unless the record marks that value unstable. Values are
not compared (ids, timestamps and paths differ by nature), except the `message` of an
error body, which is part of Immich's contract.
"""

from __future__ import annotations

from typing import Any

from tests.contract.recordings import Record
from tests.contract.replay_bind import Bindings, align, unstable_path

ROOT = "responseBody"


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class Unstable:
    """The `unstable` entries of a record: `order:`, `value:` and `length:` paths."""

    def __init__(self, rec: Record) -> None:
        entries = rec.get("unstable") or []
        self.value = frozenset(e.split(":", 1)[1] for e in entries if e.startswith("value:"))
        self.length = frozenset(e.split(":", 1)[1] for e in entries if e.startswith("length:"))
        self.order = frozenset(e.split(":", 1)[1] for e in entries if e.startswith("order:"))


def compare_body(rec: Record, actual: Any, bindings: Bindings) -> list[str]:
    """Differences between the recorded body and the actual one (empty: same shape)."""
    recorded = rec.get("responseBody")
    diffs: list[str] = []
    _compare(
        recorded, actual, ROOT, Unstable(rec), bool(rec.get("responseFiltered")), bindings, diffs
    )
    error = recorded if rec["status"] >= 400 and isinstance(recorded, dict) else {}
    said = actual.get("message") if isinstance(actual, dict) else None
    if "message" in error and error["message"] != said:
        diffs.insert(0, f"message {said!r}, recorded {error['message']!r}")
    return diffs


def _compare(
    recorded: Any,
    actual: Any,
    path: str,
    unstable: Unstable,
    filtered: bool,
    bindings: Bindings,
    diffs: list[str],
) -> None:
    where = unstable_path(path)
    if where in unstable.value:
        return
    if kind(recorded) != kind(actual):
        diffs.append(f"{path}: {kind(actual)}, recorded {kind(recorded)}")
        return
    if isinstance(recorded, dict):
        missing = sorted(set(recorded) - set(actual))
        extra = sorted(set(actual) - set(recorded))
        if missing:
            diffs.append(f"{path}: missing keys {missing}")
        if extra:
            diffs.append(f"{path}: extra keys {extra}")
        for key in recorded.keys() & actual.keys():
            _compare(
                recorded[key], actual[key], f"{path}.{key}", unstable, filtered, bindings, diffs
            )
    elif isinstance(recorded, list):
        lenient = filtered or where in unstable.length
        if len(recorded) != len(actual) and not (lenient and len(actual) >= len(recorded)):
            diffs.append(f"{path}: {len(actual)} items, recorded {len(recorded)}")
        for i, j in align(recorded, actual, bindings):
            _compare(recorded[i], actual[j], f"{path}[{i}]", unstable, filtered, bindings, diffs)
