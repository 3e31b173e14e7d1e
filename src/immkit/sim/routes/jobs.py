"""`/jobs` (legacy) and `/queues` (admin): the simulator's queues are always idle.

Work the real server queues (scans, deletes, thumbnails) is done inside the request
here, so every queue reports zero jobs; only the paused flag is remembered.
"""

from __future__ import annotations

import threading
from typing import Any

from immkit.sim.enums import MANUAL_JOB_NAMES, QUEUE_COMMANDS, QUEUE_NAMES
from immkit.sim.http import Call, Endpoints, Reply
from immkit.sim.state import SimState
from immkit.sim.validate import array, boolean, enum, obj

api = Endpoints()

_NAME = obj(name=enum(QUEUE_NAMES))
_paused: dict[int, set[str]] = {}
_lock = threading.Lock()


def _paused_queues(state: SimState) -> set[str]:
    with _lock:
        return _paused.setdefault(id(state), set())


def _counts(waiting: int = 0) -> dict[str, int]:
    return {"active": 0, "completed": 0, "failed": 0, "delayed": 0, "waiting": waiting, "paused": 0}


def _legacy(state: SimState, name: str, waiting: int = 0) -> dict[str, Any]:
    return {
        "queueStatus": {"isPaused": name in _paused_queues(state), "isActive": False},
        "jobCounts": _counts(waiting),
    }


def _queue(state: SimState, name: str) -> dict[str, Any]:
    return {"name": name, "isPaused": name in _paused_queues(state), "statistics": _counts()}


@api.route("GET", "/jobs", permission="job.read", admin=True)
def list_jobs(call: Call) -> object:
    return {name: _legacy(call.state, name) for name in QUEUE_NAMES}


@api.route(
    "PUT",
    "/jobs/{name}",
    permission="job.create",
    admin=True,
    params=_NAME,
    body=obj(command=enum(QUEUE_COMMANDS), force=boolean().opt()),
)
def command(call: Call) -> object:
    name, verb = call.path["name"], call.body["command"]
    paused = _paused_queues(call.state)
    with _lock:
        if verb == "pause":
            paused.add(name)
        elif verb == "resume":
            paused.discard(name)
    # 3.1 answers a start with the queue-all job waiting; it runs (and ends) right after
    return _legacy(call.state, name, waiting=1 if verb == "start" else 0)


@api.route(
    "POST", "/jobs", permission="job.create", admin=True, body=obj(name=enum(MANUAL_JOB_NAMES))
)
def create_job(call: Call) -> object:
    return Reply(204)


@api.route("GET", "/queues", permission="queue.read", admin=True)
def list_queues(call: Call) -> object:
    return [_queue(call.state, name) for name in QUEUE_NAMES]


@api.route("GET", "/queues/{name}", permission="queue.read", admin=True, params=_NAME)
def get_queue(call: Call) -> object:
    return _queue(call.state, call.path["name"])


@api.route(
    "PUT",
    "/queues/{name}",
    permission="queue.update",
    admin=True,
    params=_NAME,
    body=obj(isPaused=boolean().opt()),
)
def update_queue(call: Call) -> object:
    name, want = call.path["name"], call.body["isPaused"]
    paused = _paused_queues(call.state)
    with _lock:
        if want is True:
            paused.add(name)
        elif want is False:
            paused.discard(name)
    return _queue(call.state, name)


_STATUSES = ["active", "failed", "completed", "delayed", "waiting", "paused"]


@api.route(
    "GET",
    "/queues/{name}/jobs",
    permission="queueJob.read",
    admin=True,
    params=_NAME,
    query=obj(status=array(enum(_STATUSES)).opt()),
)
def queue_jobs(call: Call) -> object:
    return []


@api.route(
    "DELETE",
    "/queues/{name}/jobs",
    permission="queueJob.delete",
    admin=True,
    params=_NAME,
    body=obj(failed=boolean().opt()).opt(),
)
def empty_queue(call: Call) -> object:
    return Reply(204)
