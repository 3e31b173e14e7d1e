"""`/libraries/*` (admin only): CRUD, validate, statistics and a synchronous scan."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from immkit.sim.dto import ts
from immkit.sim.http import Call, Endpoints, Reply, SimError, bad_request
from immkit.sim.library_scan import scan_library, validate_path
from immkit.sim.validate import array, obj, string, uuid

api = Endpoints()

Conn = psycopg.Connection[DictRow]

# 3.1's defaults for a library created without exclusion patterns
DEFAULT_EXCLUSIONS = [
    "**/@eaDir/**",
    "**/._*",
    "**/#recycle/**",
    "**/#snapshot/**",
    "**/.stversions/**",
    "**/.stfolder/**",
]
_COLUMNS = (
    'id, "ownerId", name, "createdAt", "updatedAt", "refreshedAt", "importPaths",'
    ' "exclusionPatterns"'
)
_ID = obj(id=uuid())


def library_dto(row: DictRow | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "ownerId": str(row["ownerId"]),
        "name": row["name"],
        "createdAt": ts(row["createdAt"]),
        "updatedAt": ts(row["updatedAt"]),
        "refreshedAt": ts(row["refreshedAt"]),
        # 3.1 always answers 0 here; /libraries/{id}/statistics has the real count
        "assetCount": 0,
        "importPaths": list(row["importPaths"]),
        "exclusionPatterns": list(row["exclusionPatterns"]),
    }


def _library(conn: Conn, library_id: str) -> DictRow:
    row = conn.execute(
        f'SELECT {_COLUMNS} FROM library WHERE id = %s AND "deletedAt" IS NULL', (library_id,)
    ).fetchone()
    if row is None:
        raise bad_request("Library not found")
    return row


@api.route("GET", "/libraries", permission="library.read", admin=True)
def list_libraries(call: Call) -> object:
    with call.state.db.connection() as conn:
        rows = conn.execute(
            f'SELECT {_COLUMNS} FROM library WHERE "deletedAt" IS NULL ORDER BY "createdAt", id'
        ).fetchall()
    return [library_dto(r) for r in rows]


_CREATE = obj(
    ownerId=uuid(),
    name=string(min_length=1).opt(),
    importPaths=array(string()).opt(),
    exclusionPatterns=array(string()).opt(),
)


@api.route("POST", "/libraries", permission="library.create", admin=True, body=_CREATE)
def create(call: Call) -> object:
    b = call.body
    with call.state.db.connection() as conn:
        owner = conn.execute(
            'SELECT 1 FROM "user" WHERE id = %s AND "deletedAt" IS NULL', (b["ownerId"],)
        ).fetchone()
        if owner is None:
            # the real server hits the foreign key and answers a bare 500
            raise SimError(500, "Failed to create library")
        row = conn.execute(
            'INSERT INTO library (name, "ownerId", "importPaths", "exclusionPatterns")'
            f" VALUES (%s, %s, %s, %s) RETURNING {_COLUMNS}",
            (
                b["name"] or "New External Library",
                b["ownerId"],
                b["importPaths"] or [],
                DEFAULT_EXCLUSIONS if b["exclusionPatterns"] is None else b["exclusionPatterns"],
            ),
        ).fetchone()
    assert row is not None
    return Reply(201, library_dto(row))


@api.route("GET", "/libraries/{id}", permission="library.read", admin=True, params=_ID)
def get(call: Call) -> object:
    with call.state.db.connection() as conn:
        return library_dto(_library(conn, call.path["id"]))


_UPDATE = obj(
    name=string(min_length=1).opt(),
    importPaths=array(string()).opt(),
    exclusionPatterns=array(string()).opt(),
)


@api.route(
    "PUT", "/libraries/{id}", permission="library.update", admin=True, params=_ID, body=_UPDATE
)
def update(call: Call) -> object:
    with call.state.db.connection() as conn:
        _library(conn, call.path["id"])
        changes = {k: v for k, v in call.body.items() if v is not None}
        if changes:
            sets = ", ".join(f'"{k}" = %s' for k in changes)
            conn.execute(
                f'UPDATE library SET {sets}, "updatedAt" = now() WHERE id = %s',
                [*changes.values(), call.path["id"]],
            )
        return library_dto(_library(conn, call.path["id"]))


@api.route("DELETE", "/libraries/{id}", permission="library.delete", admin=True, params=_ID)
def delete(call: Call) -> object:
    with call.state.db.connection() as conn:
        _library(conn, call.path["id"])
        # assets go with the library (FK cascade); files on disk are left alone
        conn.execute("DELETE FROM library WHERE id = %s", (call.path["id"],))
    return Reply(204)


@api.route(
    "POST",
    "/libraries/{id}/validate",
    admin=True,
    params=_ID,
    body=obj(importPaths=array(string()).opt([]), exclusionPatterns=array(string()).opt([])).opt(
        {}
    ),
)
def validate(call: Call) -> object:
    with call.state.db.connection() as conn:
        _library(conn, call.path["id"])
    paths = (call.body or {}).get("importPaths") or []
    return {"importPaths": [validate_path(p) for p in paths]}


@api.route(
    "GET", "/libraries/{id}/statistics", permission="library.statistics", admin=True, params=_ID
)
def statistics(call: Call) -> object:
    with call.state.db.connection() as conn:
        _library(conn, call.path["id"])
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE a.type = 'IMAGE') AS photos,"
            " count(*) FILTER (WHERE a.type = 'VIDEO') AS videos,"
            ' coalesce(sum(e."fileSizeInByte"), 0) AS usage, count(*) AS total'
            ' FROM asset a LEFT JOIN asset_exif e ON e."assetId" = a.id'
            ' WHERE a."libraryId" = %s',
            (call.path["id"],),
        ).fetchone()
    assert row is not None
    return {
        "photos": row["photos"],
        "videos": row["videos"],
        "usage": int(row["usage"]),
        "total": row["total"],
    }


@api.route("POST", "/libraries/{id}/scan", permission="library.update", admin=True, params=_ID)
def scan(call: Call) -> object:
    # the real scan is a queued job done within ~0.3 s; here it is done before the 204
    with call.state.db.connection() as conn:
        _library(conn, call.path["id"])
        scan_library(conn, call.path["id"])
    return Reply(204)
