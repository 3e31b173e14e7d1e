"""`/api-keys`: create (secret shown once, hash stored), list, and the calling key."""

from __future__ import annotations

from typing import Any

from psycopg.rows import DictRow

from immkit.sim.auth import hash_secret, new_secret
from immkit.sim.dto import ts
from immkit.sim.enums import PERMISSIONS
from immkit.sim.http import Call, Endpoints, Reply
from immkit.sim.validate import array, enum, obj, string

api = Endpoints()

_COLUMNS = 'id, name, "createdAt", "updatedAt", permissions'


def api_key_dto(row: DictRow | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "createdAt": ts(row["createdAt"]),
        "updatedAt": ts(row["updatedAt"]),
        "permissions": list(row["permissions"]),
    }


@api.route(
    "POST",
    "/api-keys",
    permission="apiKey.create",
    body=obj(name=string().opt("API Key"), permissions=array(enum(PERMISSIONS), min_items=1)),
)
def create(call: Call) -> object:
    secret = new_secret()
    with call.state.db.connection() as conn:
        row = conn.execute(
            'INSERT INTO api_key (name, key, "userId", permissions) VALUES (%s, %s, %s, %s)'
            f" RETURNING {_COLUMNS}",
            (call.body["name"], hash_secret(secret), call.user_id, call.body["permissions"]),
        ).fetchone()
    assert row is not None
    return Reply(201, {"secret": secret, "apiKey": api_key_dto(row)})


@api.route("GET", "/api-keys", permission="apiKey.read")
def list_keys(call: Call) -> object:
    with call.state.db.connection() as conn:
        rows = conn.execute(
            f'SELECT {_COLUMNS} FROM api_key WHERE "userId" = %s ORDER BY "createdAt" DESC',
            (call.user_id,),
        ).fetchall()
    return [api_key_dto(r) for r in rows]


@api.route("GET", "/api-keys/me", api_key_only=True)
def current(call: Call) -> object:
    with call.state.db.connection() as conn:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM api_key WHERE id = %s", (call.caller.key_id,)
        ).fetchone()
    assert row is not None
    return api_key_dto(row)
