"""Placeholders of the recordings and the real values they stand for in this replay.

The recorded answers name every id by a placeholder (`<asset:3>`); the simulator answers
with real ids. Walking both JSON trees side by side binds each placeholder to the value
found at the same place, and later requests are rewritten with those values. A binding
that never happened leaves the placeholder in place, so only the steps that need it fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.contract.recordings import ID_PLACEHOLDER

PLACEHOLDER = re.compile(r"<[a-z0-9]+(?::[^<>\s]+)?>")
# values that tell items apart (unlike flags and counts, which many items share)
IDENTIFYING = frozenset(
    {"originalFileName", "name", "email", "albumName", "boundingBoxX1", "importPath"}
)


def unstable_path(path: str) -> str:
    """`responseBody.items[3].people` → `responseBody.items[*].people` (the `unstable` form)."""
    return re.sub(r"\[\d+\]", "[*]", path)


@dataclass
class Bindings:
    values: dict[str, str] = field(default_factory=dict)

    def bind(self, placeholder: str, value: str) -> None:
        self.values.setdefault(placeholder, value)  # the first sighting wins

    def resolve(self, value: Any) -> Any:
        """The value with every bound placeholder replaced (also inside strings)."""
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, str) and "<" in value:
            return PLACEHOLDER.sub(lambda m: self.values.get(m.group(0), m.group(0)), value)
        return value

    def unresolved(self, value: Any) -> set[str]:
        """Placeholders left in a (resolved) request."""
        if isinstance(value, dict):
            return set().union(*(self.unresolved(v) for v in value.values()), set())
        if isinstance(value, list):
            return set().union(*(self.unresolved(v) for v in value), set())
        if isinstance(value, str):
            return set(ID_PLACEHOLDER.findall(value)) | {
                p for p in PLACEHOLDER.findall(value) if p.startswith("<ts:")
            }
        return set()

    def learn(self, recorded: Any, actual: Any, skip: frozenset[str], path: str) -> None:
        """Bind the placeholders of `recorded` to what `actual` holds at the same place."""
        if unstable_path(path) in skip:
            return
        if isinstance(recorded, str):
            if isinstance(actual, str) and ID_PLACEHOLDER.fullmatch(recorded):
                self.bind(recorded, actual)
            return
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for key, item in recorded.items():
                if key in actual:
                    self.learn(item, actual[key], skip, f"{path}.{key}")
        elif isinstance(recorded, list) and isinstance(actual, list):
            same_length = len(recorded) == len(actual)
            for i, j in align(recorded, actual, self):
                if _confident(_signature(recorded[i], self), actual[j], same_length):
                    self.learn(recorded[i], actual[j], skip, f"{path}[{i}]")


def _signature(item: Any, bindings: Bindings) -> dict[str, Any]:
    """The scalar fields of a recorded item that can be compared by value."""
    if not isinstance(item, dict):
        return {"": bindings.resolve(item)}
    out: dict[str, Any] = {}
    for key, raw in item.items():
        value = bindings.resolve(raw)
        if isinstance(value, str) and PLACEHOLDER.search(value):
            continue
        if isinstance(value, str | int | float | bool) or value is None:
            out[key] = value
        elif isinstance(value, dict) and isinstance(value.get("id"), str):
            out[f"{key}.id"] = value["id"]  # e.g. a face's person
    return out


def _score(signature: dict[str, Any], actual: Any) -> int:
    if not isinstance(actual, dict):
        return int(signature.get("") == actual)
    score = 0
    for key, value in signature.items():
        if "." in key:
            head, _ = key.split(".", 1)
            found = actual.get(head)
            score += 3 * int(isinstance(found, dict) and found.get("id") == value)
        elif key in actual and actual[key] == value:
            score += 3 if key == "id" else 1
    return score


def _confident(signature: dict[str, Any], actual: Any, same_length: bool) -> bool:
    """Bind through a pair only if it agrees on at least half of its comparable values
    (a pair of all-placeholder items only when both lists have the same length)."""
    if not signature:
        return same_length
    names = [key for key in signature if key in IDENTIFYING]
    if names:  # a file name, a person's name, an e-mail must agree
        return all(_score({key: signature[key]}, actual) > 0 for key in names)
    agreed = sum(1 for key in signature if _score({key: signature[key]}, actual) > 0)
    return 2 * agreed >= len(signature)


def align(recorded: list[Any], actual: list[Any], bindings: Bindings) -> list[tuple[int, int]]:
    """Pairs (recorded index, actual index): the most alike items, each used once.

    Items match on their comparable values (bound ids count most), so a list in another
    order still pairs Alice with Alice; ties keep the recorded order.
    """
    pairs: list[tuple[int, int]] = []
    free = list(range(len(actual)))
    for i, item in enumerate(recorded):
        if not free:
            break
        signature = _signature(item, bindings)
        best = max(free, key=lambda j: (_score(signature, actual[j]), -abs(j - i)))
        pairs.append((i, best))
        free.remove(best)
    return pairs
