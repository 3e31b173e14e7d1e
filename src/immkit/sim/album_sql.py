"""Albums in the simulator's tables: roles, listing with metadata, set-based membership writes.

Every write takes the whole id list in one statement (unnest + INSERT … SELECT), so a
10 000-id `PUT /albums/{id}/assets` costs one round trip, as on the real server.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.rows import DictRow

from immkit.sim.access import SHAREABLE

Conn = psycopg.Connection[DictRow]

# an album is shared when it has a member besides its owner, or a shared link
SHARED_SQL = (
    "(EXISTS (SELECT 1 FROM album_user o WHERE o.\"albumId\" = al.id AND o.role <> 'owner')"
    ' OR EXISTS (SELECT 1 FROM shared_link s WHERE s."albumId" = al.id))'
)

_ALBUMS = (
    "SELECT al.*, me.role AS my_role, {shared} AS shared,"
    ' EXISTS (SELECT 1 FROM shared_link s WHERE s."albumId" = al.id) AS "hasSharedLink",'
    ' m."assetCount", m."startDate", m."endDate", m."startTs", m."endTs", m."lastModified"'
    ' FROM album al JOIN album_user me ON me."albumId" = al.id AND me."userId" = %(me)s'
    ' LEFT JOIN LATERAL (SELECT count(*)::int AS "assetCount",'
    ' min((a."localDateTime" AT TIME ZONE \'UTC\')::date) AS "startDate",'
    ' max((a."localDateTime" AT TIME ZONE \'UTC\')::date) AS "endDate",'
    ' min(a."localDateTime") AS "startTs", max(a."localDateTime") AS "endTs",'
    ' max(a."updatedAt") AS "lastModified"'
    ' FROM album_asset aa JOIN asset a ON a.id = aa."assetId" AND a."deletedAt" IS NULL'
    ' WHERE aa."albumId" = al.id) m ON true'
    ' WHERE al."deletedAt" IS NULL {where} ORDER BY al."createdAt" DESC, al.id'
).replace("{shared}", SHARED_SQL)


def albums(conn: Conn, user_id: str, where: str = "", **params: Any) -> list[DictRow]:
    """The caller's albums (owned or shared with them) with counts and dates."""
    return conn.execute(_ALBUMS.replace("{where}", where), {"me": user_id, **params}).fetchall()


def album_exists(conn: Conn, album_id: str) -> bool:
    row = conn.execute(
        'SELECT 1 FROM album WHERE id = %s AND "deletedAt" IS NULL', (album_id,)
    ).fetchone()
    return row is not None


def role(conn: Conn, album_id: str, user_id: str) -> str | None:
    """The user's role in the album (owner, editor, viewer), None for non-members."""
    try:
        uuid.UUID(user_id)
    except ValueError:
        return None
    row = conn.execute(
        'SELECT au.role FROM album_user au JOIN album al ON al.id = au."albumId"'
        ' WHERE au."albumId" = %s AND au."userId" = %s AND al."deletedAt" IS NULL',
        (album_id, user_id),
    ).fetchone()
    return None if row is None else str(row["role"])


def owner_of(conn: Conn, album_id: str) -> str | None:
    row = conn.execute(
        'SELECT "userId"::text AS id FROM album_user WHERE "albumId" = %s AND role = \'owner\'',
        (album_id,),
    ).fetchone()
    return None if row is None else str(row["id"])


def members(conn: Conn, album_ids: list[str], user_id: str) -> dict[str, list[DictRow]]:
    """albumUsers per album: the owner, then the caller, then the rest by name (3.1 order)."""
    rows = conn.execute(
        'SELECT au."albumId"::text AS album, au.role, u.id, u.email, u.name,'
        ' u."profileImagePath", u."avatarColor", u."profileChangedAt"'
        ' FROM album_user au JOIN "user" u ON u.id = au."userId"'
        ' WHERE au."albumId" = ANY(%s::uuid[])'
        ' ORDER BY au."albumId", au.role = \'owner\' DESC, au."userId" = %s DESC, u.name, u.id',
        (album_ids, user_id),
    ).fetchall()
    out: dict[str, list[DictRow]] = {a: [] for a in album_ids}
    for r in rows:
        out[r["album"]].append(r)
    return out


def contributor_counts(conn: Conn, album_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        'SELECT a."ownerId"::text AS "userId", count(*)::int AS "assetCount"'
        ' FROM album_asset aa JOIN asset a ON a.id = aa."assetId" AND a."deletedAt" IS NULL'
        ' WHERE aa."albumId" = %s GROUP BY a."ownerId" ORDER BY 2 DESC, 1',
        (album_id,),
    ).fetchall()
    return [dict(r) for r in rows]


def existing_users(conn: Conn, user_ids: list[str]) -> set[str]:
    rows = conn.execute(
        'SELECT id::text AS id FROM "user" WHERE id = ANY(%s::uuid[]) AND "deletedAt" IS NULL',
        (user_ids,),
    ).fetchall()
    return {r["id"] for r in rows}


def add_assets(
    conn: Conn, album_id: str, user_id: str, ids: list[str]
) -> tuple[set[str], set[str]]:
    """Add the shareable ids not yet in the album; returns (already present, shareable).

    The album's thumbnail, when unset, becomes the first added id in request order.
    """
    rows = conn.execute(
        "WITH req AS (SELECT r.id, min(r.ord) AS ord"
        "  FROM unnest(%(ids)s::uuid[]) WITH ORDINALITY AS r(id, ord) GROUP BY r.id),"
        ' present AS (SELECT aa."assetId" AS id FROM album_asset aa JOIN req'
        '  ON req.id = aa."assetId" WHERE aa."albumId" = %(album)s),'
        f" allowed AS (SELECT a.id, req.ord FROM asset a JOIN req ON req.id = a.id"
        f"  WHERE {SHAREABLE}),"
        ' ins AS (INSERT INTO album_asset ("albumId", "assetId")'
        "  SELECT %(album)s, id FROM allowed WHERE id NOT IN (SELECT id FROM present)"
        '  ON CONFLICT DO NOTHING RETURNING "assetId"),'
        ' upd AS (UPDATE album SET "updatedAt" = now(), "updateId" = immich_uuid_v7(),'
        '  "albumThumbnailAssetId" = COALESCE("albumThumbnailAssetId", (SELECT allowed.id'
        '  FROM allowed JOIN ins ON ins."assetId" = allowed.id ORDER BY allowed.ord LIMIT 1))'
        "  WHERE id = %(album)s AND EXISTS (SELECT 1 FROM ins) RETURNING id)"
        " SELECT 'present' AS kind, id::text AS id FROM present"
        " UNION ALL SELECT 'allowed', id::text FROM allowed"
        " UNION ALL SELECT 'updated', id::text FROM upd",
        {"ids": ids, "album": album_id, "me": user_id},
    ).fetchall()
    present = {r["id"] for r in rows if r["kind"] == "present"}
    allowed = {r["id"] for r in rows if r["kind"] == "allowed"}
    return present, allowed


def add_to_albums(conn: Conn, album_ids: list[str], user_id: str, asset_ids: list[str]) -> int:
    """Cross-add shareable assets to albums; returns how many albums gained an asset."""
    row = conn.execute(
        "WITH req AS (SELECT r.id, min(r.ord) AS ord"
        "  FROM unnest(%(assets)s::uuid[]) WITH ORDINALITY AS r(id, ord) GROUP BY r.id),"
        f" allowed AS (SELECT a.id, req.ord FROM asset a JOIN req ON req.id = a.id"
        f"  WHERE {SHAREABLE}),"
        ' ins AS (INSERT INTO album_asset ("albumId", "assetId")'
        "  SELECT al, allowed.id FROM unnest(%(albums)s::uuid[]) AS al, allowed"
        '  ON CONFLICT DO NOTHING RETURNING "albumId", "assetId"),'
        ' first AS (SELECT DISTINCT ON (ins."albumId") ins."albumId", ins."assetId"'
        '  FROM ins JOIN allowed ON allowed.id = ins."assetId"'
        '  ORDER BY ins."albumId", allowed.ord),'
        ' upd AS (UPDATE album SET "updatedAt" = now(), "updateId" = immich_uuid_v7(),'
        '  "albumThumbnailAssetId" = COALESCE(album."albumThumbnailAssetId", first."assetId")'
        '  FROM first WHERE album.id = first."albumId" RETURNING album.id)'
        " SELECT count(*) AS n FROM upd",
        {"assets": asset_ids, "albums": album_ids, "me": user_id},
    ).fetchone()
    return int(row["n"]) if row else 0


def remove_assets(
    conn: Conn, album_id: str, user_id: str, ids: list[str], *, is_owner: bool
) -> tuple[set[str], set[str]]:
    """Remove present ids the caller may remove; returns (present, removable).

    The owner may remove anything; an editor only assets they could share (own or partner's).
    """
    rows = conn.execute(
        'WITH present AS (SELECT aa."assetId" AS id FROM album_asset aa'
        '  WHERE aa."albumId" = %(album)s AND aa."assetId" = ANY(%(ids)s::uuid[])),'
        " allowed AS (SELECT a.id FROM asset a JOIN present ON present.id = a.id"
        f"  WHERE %(owner)s OR {SHAREABLE}),"
        ' del AS (DELETE FROM album_asset WHERE "albumId" = %(album)s'
        '  AND "assetId" IN (SELECT id FROM allowed) RETURNING "assetId"),'
        ' audit AS (INSERT INTO album_asset_audit ("albumId", "assetId")'
        '  SELECT %(album)s, "assetId" FROM del)'
        " SELECT 'present' AS kind, id::text AS id FROM present"
        " UNION ALL SELECT 'allowed', id::text FROM allowed",
        {"album": album_id, "ids": ids, "me": user_id, "owner": is_owner},
    ).fetchall()
    if any(r["kind"] == "allowed" for r in rows):
        conn.execute(
            'UPDATE album SET "updatedAt" = now(), "updateId" = immich_uuid_v7() WHERE id = %s',
            (album_id,),
        )
        refresh_thumbnails(conn, [album_id])
    present = {r["id"] for r in rows if r["kind"] == "present"}
    return present, {r["id"] for r in rows if r["kind"] == "allowed"}


def refresh_thumbnails(conn: Conn, album_ids: list[str]) -> int:
    """Immich's updateThumbnails: an album without a valid thumbnail gets its newest asset.

    Returns how many albums changed.
    """
    cur = conn.execute(
        'UPDATE album al SET "albumThumbnailAssetId" = (SELECT aa."assetId" FROM album_asset aa'
        '  JOIN asset a ON a.id = aa."assetId" AND a."deletedAt" IS NULL'
        '  WHERE aa."albumId" = al.id ORDER BY a."fileCreatedAt" DESC LIMIT 1)'
        " WHERE al.id = ANY(%s::uuid[]) AND ("
        '  (al."albumThumbnailAssetId" IS NULL AND EXISTS (SELECT 1 FROM album_asset aa'
        '   JOIN asset a ON a.id = aa."assetId" AND a."deletedAt" IS NULL'
        '   WHERE aa."albumId" = al.id))'
        '  OR (al."albumThumbnailAssetId" IS NOT NULL AND NOT EXISTS (SELECT 1'
        '   FROM album_asset aa WHERE aa."albumId" = al.id'
        '   AND aa."assetId" = al."albumThumbnailAssetId")))',
        (album_ids,),
    )
    return cur.rowcount


def statistics(conn: Conn, user_id: str) -> dict[str, int]:
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE me.role = 'owner') AS owned,"
        f" count(*) FILTER (WHERE {SHARED_SQL}) AS shared,"
        f" count(*) FILTER (WHERE me.role = 'owner' AND NOT {SHARED_SQL}) AS \"notShared\""
        ' FROM album al JOIN album_user me ON me."albumId" = al.id AND me."userId" = %s'
        ' WHERE al."deletedAt" IS NULL',
        (user_id,),
    ).fetchone()
    assert row is not None
    return {k: int(row[k]) for k in ("owned", "shared", "notShared")}
