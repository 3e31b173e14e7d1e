"""A dict-backed executor for engine tests: `store.add` sets a key, `store.remove` deletes it."""

from __future__ import annotations

from immkit.engine import Action, ActionKind, Outcome, PartlyApplied, Plan
from immkit.errors import ApiError, Unreachable


class StoreKind(ActionKind):
    ADD = "store.add"
    REMOVE = "store.remove"


class StoreExecutor:
    """Applies store actions; keys in `failing` fail with an ApiError, `broken` ones with a bug."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.calls: list[str] = []
        self.failing: set[str] = set()
        self.broken: set[str] = set()
        self.unreachable: set[str] = set()
        self.partly: set[str] = set()  # `store.add` sets the key, then fails

    def apply(self, action: Action) -> Outcome:
        key = action.target
        self.calls.append(f"{action.kind} {key}")
        if key in self.failing:
            raise ApiError("PUT", "/store/{key}", 500, "store is full")
        if key in self.broken:
            raise RuntimeError("bug in executor")
        if key in self.unreachable:
            raise Unreachable("Cannot reach the store at http://store.invalid; check the URL.")
        if action.kind == StoreKind.ADD:
            old = self.data.get(key)
            self.data[key] = str(action.params["value"])
            undo = remove(key) if old is None else add(key, old)
            if key in self.partly:
                raise PartlyApplied(ApiError("PUT", "/store/{key}", 500, "half done"), [undo])
            return Outcome(undo=[undo], detail={"previous": old})
        old_value = self.data.pop(key)
        return Outcome(undo=[add(key, old_value)])


def add(key: str, value: str) -> Action:
    return Action(
        kind=StoreKind.ADD,
        target=key,
        target_label=f"key {key}",
        params={"value": value},
        reason="test",
        requests={"PUT /store/{key}": 1},
    )


def remove(key: str) -> Action:
    return Action(
        kind=StoreKind.REMOVE,
        target=key,
        target_label=f"key {key}",
        reason="test",
        requests={"DELETE /store/{key}": 1},
        destructive=True,
    )


def store_plan(*actions: Action, fingerprint: str = "fp-1", job: str = "store.sync") -> Plan:
    return Plan(job=job, profile="home", fingerprint=fingerprint, actions=actions)
