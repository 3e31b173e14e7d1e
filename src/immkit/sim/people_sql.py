"""People and faces in the simulator's tables: lookups, listing and feature-face upkeep.

The SQL follows Immich 3.1's person repository: a person counts in `GET /people` only
through visible, non-deleted faces on timeline assets that are not trashed.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from immkit.sim.http import no_access

Conn = psycopg.Connection[DictRow]

# 3.1 default of machine-learning.facialRecognition.minFaces: an unnamed person with fewer
# faces is left out of GET /people (but still counted in `total`)
MIN_FACES = 3
SEARCH_LIMIT = 100

# Where Immich's thumbnail job writes a person's face crop: thumbs/<owner>/<h2>/<h2>/<id>.jpeg
THUMBS_ROOT = "/data/thumbs"
THUMBNAIL_PATH_SQL = (
    f"'{THUMBS_ROOT}/' || p.\"ownerId\" || '/' || substr(p.id::text, 1, 2) || '/'"
    " || substr(p.id::text, 3, 2) || '/' || p.id || '.jpeg'"
)

_COUNTED_FACES = (
    'JOIN asset_face f ON f."personId" = p.id AND f."deletedAt" IS NULL AND f."isVisible"'
    " JOIN asset a ON a.id = f.\"assetId\" AND a.visibility = 'timeline'"
    ' AND a."deletedAt" IS NULL'
)


def thumbnail_path(owner_id: str, person_id: str) -> str:
    return f"{THUMBS_ROOT}/{owner_id}/{person_id[:2]}/{person_id[2:4]}/{person_id}.jpeg"


def person(conn: Conn, person_id: str) -> DictRow | None:
    return conn.execute("SELECT * FROM person WHERE id = %s", (person_id,)).fetchone()


def own_person(conn: Conn, user_id: str, person_id: str, permission: str) -> DictRow:
    """The caller's person, or Immich's 400 for foreign and unknown ids alike."""
    row = person(conn, person_id)
    if row is None or str(row["ownerId"]) != user_id:
        raise no_access(permission)
    return row


def owned_ids(conn: Conn, user_id: str, person_ids: list[str]) -> set[str]:
    rows = conn.execute(
        'SELECT id::text AS id FROM person WHERE id = ANY(%s::uuid[]) AND "ownerId" = %s',
        (person_ids, user_id),
    ).fetchall()
    return {r["id"] for r in rows}


def list_people(
    conn: Conn, user_id: str, *, with_hidden: bool, offset: int, limit: int
) -> list[DictRow]:
    """One page of GET /people (LIMIT/OFFSET as the real server), `limit` rows at most."""
    hidden = "" if with_hidden else 'AND NOT p."isHidden"'
    return conn.execute(
        f"SELECT p.* FROM person p {_COUNTED_FACES}"
        f' WHERE p."ownerId" = %(me)s {hidden}'
        " GROUP BY p.id"
        " HAVING p.name <> '' OR count(f.\"assetId\") >= %(min)s"
        ' ORDER BY p."isHidden", p."isFavorite" DESC, NULLIF(p.name, \'\') IS NULL,'
        ' count(f."assetId") DESC, NULLIF(p.name, \'\') ASC NULLS LAST, p."createdAt"'
        " OFFSET %(offset)s LIMIT %(limit)s",
        {"me": user_id, "min": MIN_FACES, "offset": offset, "limit": limit},
    ).fetchall()


def count_people(conn: Conn, user_id: str) -> tuple[int, int]:
    """(total, hidden): people with at least one counted face, hidden ones included."""
    row = conn.execute(
        'SELECT count(DISTINCT p.id) AS total, count(DISTINCT p.id) FILTER (WHERE p."isHidden")'
        f' AS hidden FROM person p {_COUNTED_FACES} WHERE p."ownerId" = %s',
        (user_id,),
    ).fetchone()
    return (int(row["total"]), int(row["hidden"])) if row else (0, 0)


def asset_count(conn: Conn, person_id: str) -> int:
    row = conn.execute(
        "SELECT count(DISTINCT a.id) AS n FROM asset_face f"
        " JOIN asset a ON a.id = f.\"assetId\" AND a.visibility = 'timeline'"
        ' AND a."deletedAt" IS NULL'
        ' WHERE f."personId" = %s AND f."deletedAt" IS NULL AND f."isVisible"',
        (person_id,),
    ).fetchone()
    return int(row["n"]) if row else 0


def search_by_name(conn: Conn, user_id: str, name: str, *, with_hidden: bool) -> list[DictRow]:
    """GET /search/person: unaccented, case-insensitive; word starts first, then substrings.

    3.1 uses pg_trgm word similarity (threshold 0.5), which the bundled PostgreSQL lacks;
    a substring match gives the same answers for the names and prefixes people type.
    """
    hidden = "" if with_hidden else 'AND NOT p."isHidden"'
    needle = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return conn.execute(
        f'SELECT p.* FROM person p WHERE p."ownerId" = %(me)s {hidden}'
        " AND lower(f_unaccent(p.name)) LIKE '%%' || lower(f_unaccent(%(q)s)) || '%%'"
        " ORDER BY NOT (lower(f_unaccent(p.name)) LIKE lower(f_unaccent(%(q)s)) || '%%'"
        " OR lower(f_unaccent(p.name)) LIKE '%% ' || lower(f_unaccent(%(q)s)) || '%%'),"
        " length(p.name), p.name LIMIT %(limit)s",
        {"me": user_id, "q": needle, "limit": SEARCH_LIMIT},
    ).fetchall()


def refresh_feature_faces(conn: Conn, person_ids: list[str]) -> None:
    """Give each person whose feature face is missing or no longer theirs one of their faces.

    The real server does this in `createNewFeaturePhoto` plus a thumbnail job; the
    simulator sets `thumbnailPath` at once (the job's result, without the image).
    """
    if not person_ids:
        return
    conn.execute(
        'UPDATE person p SET "faceAssetId" = f.id, "updatedAt" = now(),'
        ' "updateId" = immich_uuid_v7(),'
        f' "thumbnailPath" = CASE WHEN p."thumbnailPath" = \'\' THEN {THUMBNAIL_PATH_SQL}'
        ' ELSE p."thumbnailPath" END'
        ' FROM (SELECT DISTINCT ON ("personId") "personId", id FROM asset_face'
        '  WHERE "personId" = ANY(%(ids)s::uuid[]) AND "deletedAt" IS NULL AND "isVisible"'
        '  ORDER BY "personId", "updatedAt" DESC, id) f'
        ' WHERE p.id = f."personId" AND (p."faceAssetId" IS NULL OR NOT EXISTS ('
        '  SELECT 1 FROM asset_face g WHERE g.id = p."faceAssetId" AND g."personId" = p.id))',
        {"ids": person_ids},
    )


def update_person(conn: Conn, person_id: str, changes: dict[str, Any]) -> DictRow:
    """Write the given columns (already validated) and return the fresh row."""
    sets = ", ".join(f'"{column}" = %({column})s' for column in changes)
    prefix = f"{sets}, " if sets else ""
    row = conn.execute(
        f'UPDATE person SET {prefix}"updatedAt" = now(), "updateId" = immich_uuid_v7()'
        " WHERE id = %(id)s RETURNING *",
        {**changes, "id": person_id},
    ).fetchone()
    assert row is not None
    return row


def feature_face_on(conn: Conn, person_id: str, asset_id: str) -> str | None:
    """The person's face on that asset, if any and the asset is online."""
    row = conn.execute(
        'SELECT f.id::text AS id FROM asset_face f JOIN asset a ON a.id = f."assetId"'
        ' WHERE f."personId" = %s AND f."assetId" = %s AND f."deletedAt" IS NULL'
        ' AND NOT a."isOffline" LIMIT 1',
        (person_id, asset_id),
    ).fetchone()
    return None if row is None else str(row["id"])


# A 16×16 grey baseline JPEG: what GET /people/{id}/thumbnail serves for every face crop.
def _grey_jpeg() -> bytes:
    soi, eoi = b"\xff\xd8", b"\xff\xd9"
    dqt = b"\xff\xdb\x00\x43\x00" + bytes([1] * 64)
    sof = b"\xff\xc0\x00\x0b\x08\x00\x10\x00\x10\x01\x01\x11\x00"
    one_code = bytes([1] + [0] * 15) + b"\x00"  # a single 1-bit code for symbol 0
    dht = b"\xff\xc4\x00\x26" + b"\x00" + one_code + b"\x10" + one_code
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    # 4 blocks (16×16, 4:4:4 grey): each block is DC diff 0 ("0") + EOB ("0") → 8 zero bits
    scan = b"\x00"
    return soi + dqt + sof + dht + sos + scan + eoi


THUMBNAIL_JPEG = _grey_jpeg()
