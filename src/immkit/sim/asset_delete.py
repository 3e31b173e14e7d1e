"""Trash and hard delete: `DELETE /assets`, `POST /trash/*` (routes merged into assets)."""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg
from psycopg.rows import DictRow

from immkit.sim.access import owned_assets
from immkit.sim.http import Call, Endpoints, Reply, no_access
from immkit.sim.validate import array, boolean, obj, uuid

log = logging.getLogger(__name__)

Conn = psycopg.Connection[DictRow]

api = Endpoints()


@api.route(
    "DELETE",
    "/assets",
    permission="asset.delete",
    body=obj(ids=array(uuid()), force=boolean().opt(False)),
)
def delete_assets(call: Call) -> object:
    ids = list(dict.fromkeys(call.body["ids"]))
    with call.state.db.connection() as conn:
        if len(owned_assets(conn, call.user_id, ids)) != len(ids):
            raise no_access("asset.delete")
        if call.body["force"]:
            paths = hard_delete(conn, ids)
        else:
            trash(conn, ids)
            paths = []
    # files go after the commit, as Immich's delete job runs after the request
    remove_files(paths)
    return Reply(204)


def trash(conn: Conn, ids: list[str]) -> int:
    """Move to trash: `deletedAt` + status; already trashed assets keep their date."""
    cur = conn.execute(
        'UPDATE asset SET "deletedAt" = now(), status = \'trashed\', "updatedAt" = now()'
        ' WHERE id = ANY(%s::uuid[]) AND "deletedAt" IS NULL',
        (ids,),
    )
    return cur.rowcount


def hard_delete(conn: Conn, ids: list[str]) -> list[Path]:
    """Remove the rows (children cascade); returns the files to delete afterwards.

    Uploads lose their file; so do online external assets: 3.1 deletes the file on
    disk (`ext_0001.jpg` was gone in the recordings).
    """
    if not ids:
        return []
    rows = conn.execute(
        'SELECT a.id, a."ownerId", a."originalPath", a."libraryId", a."isOffline",'
        ' e."fileSizeInByte" FROM asset a LEFT JOIN asset_exif e ON e."assetId" = a.id'
        " WHERE a.id = ANY(%s::uuid[])",
        (ids,),
    ).fetchall()
    files = conn.execute(
        'SELECT path FROM asset_file WHERE "assetId" = ANY(%s::uuid[])', (ids,)
    ).fetchall()
    conn.execute(
        'UPDATE asset SET "stackId" = NULL WHERE "stackId" IN'
        ' (SELECT id FROM stack WHERE "primaryAssetId" = ANY(%s::uuid[]))',
        (ids,),
    )
    conn.execute('DELETE FROM stack WHERE "primaryAssetId" = ANY(%s::uuid[])', (ids,))
    conn.execute("DELETE FROM asset WHERE id = ANY(%s::uuid[])", (ids,))
    with conn.cursor() as cur:
        cur.executemany(
            'INSERT INTO asset_audit ("assetId", "ownerId") VALUES (%s, %s)',
            [(r["id"], r["ownerId"]) for r in rows],
        )
        cur.executemany(
            'UPDATE "user" SET "quotaUsageInBytes" = greatest(0, "quotaUsageInBytes" - %s)'
            " WHERE id = %s",
            [(r["fileSizeInByte"] or 0, r["ownerId"]) for r in rows if r["libraryId"] is None],
        )
    paths = [Path(r["originalPath"]) for r in rows if not r["isOffline"]]
    return paths + [Path(f["path"]) for f in files]


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete %s: %s", path, exc)


@api.route("POST", "/trash/restore/assets", permission="asset.delete", body=obj(ids=array(uuid())))
def restore_assets(call: Call) -> object:
    ids = list(dict.fromkeys(call.body["ids"]))
    with call.state.db.connection() as conn:
        if len(owned_assets(conn, call.user_id, ids)) != len(ids):
            raise no_access("asset.delete")
        return {"count": _restore(conn, call.user_id, ids)}


@api.route("POST", "/trash/restore", permission="asset.delete")
def restore_all(call: Call) -> object:
    with call.state.db.connection() as conn:
        return {"count": _restore(conn, call.user_id, None)}


def _restore(conn: Conn, user_id: str, ids: list[str] | None) -> int:
    cur = conn.execute(
        'UPDATE asset SET "deletedAt" = NULL, status = \'active\', "updatedAt" = now()'
        ' WHERE "ownerId" = %s AND "deletedAt" IS NOT NULL'
        + (" AND id = ANY(%s::uuid[])" if ids is not None else ""),
        (user_id, ids) if ids is not None else (user_id,),
    )
    return cur.rowcount


@api.route("POST", "/trash/empty", permission="asset.delete")
def empty_trash(call: Call) -> object:
    with call.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT id FROM asset WHERE "ownerId" = %s AND "deletedAt" IS NOT NULL',
            (call.user_id,),
        ).fetchall()
        paths = hard_delete(conn, [str(r["id"]) for r in rows])
    remove_files(paths)
    return {"count": len(rows)}
