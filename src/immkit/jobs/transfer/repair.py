"""Repair faces: a face whose person belongs to another user than its photo (left by a
hand-made SQL transfer) gets a person of the photo's owner, duplicated from the old one;
persons whose feature face is gone get one of their own faces. 3.0–3.1 layout: in 3.2+ a
face may rightly point at a group that several users share."""

from __future__ import annotations

import uuid

from pydantic import JsonValue

from immkit.db import connect, detect_layout
from immkit.db import repair_faces as sql
from immkit.engine import Action, Journal, Plan, Result, apply_plan
from immkit.errors import InputError
from immkit.jobs.transfer.plan import TransferKind

JOB = "transfer.repair-faces"
_NAMESPACE = uuid.UUID("0b7cf3b4-8f1e-4c9e-9f55-2f1f8d6c3a71")


def new_person_id(person: str, owner: str) -> str:
    """Deterministic, and shaped as a v4 UUID (Immich validates ids as v4)."""
    digest = uuid.uuid5(_NAMESPACE, f"{person}:{owner}")
    return str(uuid.UUID(bytes=digest.bytes, version=4))


def plan_repair(
    foreign: list[dict[str, JsonValue]], broken: list[dict[str, JsonValue]], fingerprint: str
) -> Plan:
    """Pure: one action re-homing every stray face, or an empty plan."""
    if not foreign and not broken:
        return Plan(
            job=JOB,
            fingerprint=fingerprint,
            empty_message="Every face belongs to a person of its photo's owner.",
        )
    copies: list[JsonValue] = [
        [str(f["key"]), str(f["asset_owner"]), new_person_id(str(f["key"]), str(f["asset_owner"]))]
        for f in foreign
    ]
    faces = sum(int(str(f["faces"])) for f in foreign)
    label = ", ".join(
        f"{f['name'] or '(unnamed)'} → {f['asset_owner_email']} ({f['faces']} faces)"
        for f in foreign[:5]
    )
    params: dict[str, JsonValue] = {
        "copies": copies,
        "features": [str(b["key"]) for b in broken],
        "faces": faces,
    }
    action = Action(
        kind=TransferKind.REPAIR,
        target="faces",
        target_label=f"{faces} face(s) on {len(copies)} person copy(ies); "
        f"{len(broken)} feature face(s) to fix",
        params=params,
        reason=label or "feature faces",
        requests={"SQL transaction": 1},
        destructive=True,
    )
    return Plan(job=JOB, fingerprint=fingerprint, actions=(action,))


def make_plan(dsn: str, profile: str | None = None) -> Plan:
    with connect(dsn) as conn:
        layout = detect_layout(conn).name
        if layout != "3.1":
            raise InputError(
                "repair-faces works on the 3.0–3.1 layout; in Immich 3.2+ a face may rightly "
                "point at a person group that several users share."
            )
        foreign = sql.foreign_faces(conn)
        broken = sql.broken_features(conn)
        conn.rollback()
    fingerprint = str(uuid.uuid5(_NAMESPACE, repr((foreign, broken))))
    plan = plan_repair(
        [{k: str(v) for k, v in f.items()} for f in foreign],
        [{k: str(v) for k, v in b.items()} for b in broken],
        fingerprint,
    )
    return plan.model_copy(update={"profile": profile})


def apply(dsn: str, plan: Plan, journal: Journal) -> Result:
    from immkit.jobs.transfer.apply import TransferExecutor
    from immkit.jobs.transfer.run import connector

    return apply_plan(plan, TransferExecutor(connector(dsn)), journal, resume=False)
