"""Tags as Immich 3.1 stores them: `tag` rows by full path, `tag_closure`, `tag_asset`.

`tag.value` is the full path ("Places/Italy"), `parentId` the tag one level up, and
`tag_closure` holds (ancestor, descendant) pairs, self pairs included; search and the
timeline match a tag through it, so a tag without closure rows matches nothing.
3.1 writes closure rows only when it upserts a path (`PUT /tags`, metadata import);
`POST /tags` inserts the bare row (fixed in 3.2.0 by immich#30877).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg.rows import DictRow

from immkit.sim.dto import ts

Conn = psycopg.Connection[DictRow]

TAG_COLUMNS = 'id, value, "createdAt", "updatedAt", color, "parentId"'


def tag_dto(row: DictRow | dict[str, Any]) -> dict[str, Any]:
    """TagResponseDto (3.1 `mapTag`): `name` is the last path segment, nulls left out."""
    out: dict[str, Any] = {"id": str(row["id"])}
    if row["parentId"] is not None:
        out["parentId"] = str(row["parentId"])
    out |= {
        "name": str(row["value"]).split("/")[-1],
        "value": row["value"],
        "createdAt": ts(row["createdAt"]),
        "updatedAt": ts(row["updatedAt"]),
    }
    if row["color"] is not None:
        out["color"] = row["color"]
    return out


def owned_tags(conn: Conn, user_id: str, ids: Iterable[str]) -> set[str]:
    """The ids among `ids` that are the user's tags (3.1: tag access is ownership only)."""
    wanted = list(set(ids))
    if not wanted:
        return set()
    rows = conn.execute(
        'SELECT id::text AS id FROM tag WHERE id = ANY(%s::uuid[]) AND "userId" = %s',
        (wanted, user_id),
    ).fetchall()
    return {r["id"] for r in rows}


def user_tags(conn: Conn, user_id: str) -> list[DictRow]:
    return conn.execute(
        f'SELECT {TAG_COLUMNS} FROM tag WHERE "userId" = %s ORDER BY value', (user_id,)
    ).fetchall()


def get_tag(conn: Conn, tag_id: str) -> DictRow | None:
    return conn.execute(f"SELECT {TAG_COLUMNS} FROM tag WHERE id = %s", (tag_id,)).fetchone()


def by_value(conn: Conn, user_id: str, value: str) -> DictRow | None:
    return conn.execute(
        f'SELECT {TAG_COLUMNS} FROM tag WHERE "userId" = %s AND value = %s', (user_id, value)
    ).fetchone()


def insert_bare(
    conn: Conn, user_id: str, value: str, color: str | None, parent_id: str | None
) -> DictRow:
    """3.1's `TagRepository.create` (POST /tags): the row only, no closure rows."""
    row = conn.execute(
        'INSERT INTO tag ("userId", value, color, "parentId") VALUES (%s, %s, %s, %s)'
        f" RETURNING {TAG_COLUMNS}",
        (user_id, value, color, parent_id),
    ).fetchone()
    assert row is not None
    return row


def upsert_value(conn: Conn, user_id: str, value: str, parent_id: str | None) -> DictRow:
    """3.1's `upsertValue`: insert or re-parent one tag, then add its closure rows."""
    row = conn.execute(
        'INSERT INTO tag ("userId", value, "parentId") VALUES (%s, %s, %s)'
        ' ON CONFLICT ("userId", value) DO UPDATE SET "parentId" = EXCLUDED."parentId",'
        # the tag_updatedAt trigger fires on every update, changed or not
        ' "updatedAt" = clock_timestamp(), "updateId" = immich_uuid_v7()'
        f" RETURNING {TAG_COLUMNS}",
        (user_id, value, parent_id),
    ).fetchone()
    assert row is not None
    conn.execute(
        "INSERT INTO tag_closure (id_ancestor, id_descendant) VALUES (%s, %s)"
        " ON CONFLICT DO NOTHING",
        (row["id"], row["id"]),
    )
    if parent_id:
        conn.execute(
            "INSERT INTO tag_closure (id_ancestor, id_descendant)"
            " SELECT id_ancestor, %s FROM tag_closure WHERE id_descendant = %s"
            " ON CONFLICT DO NOTHING",
            (row["id"], parent_id),
        )
    return row


def upsert_path(conn: Conn, user_id: str, path: str) -> DictRow | None:
    """3.1's `upsertTags` for one path: each level upserted, empty segments dropped;
    returns the leaf (None for a path with no segment, e.g. "/")."""
    leaf: DictRow | None = None
    for part in (p for p in path.split("/") if p):
        value = f"{leaf['value']}/{part}" if leaf else part
        leaf = upsert_value(conn, user_id, value, str(leaf["id"]) if leaf else None)
    return leaf


def link_assets(conn: Conn, pairs: list[tuple[str, str]]) -> list[str]:
    """Insert (tag, asset) links, existing ones skipped; returns the asset id of each new
    link and refreshes those assets' `asset_exif.tags` as 3.1's `updateTags` does."""
    if not pairs:
        return []
    rows = conn.execute(
        'INSERT INTO tag_asset ("tagId", "assetId")'
        " SELECT t, a FROM unnest(%s::uuid[], %s::uuid[]) AS p(t, a)"
        ' ON CONFLICT DO NOTHING RETURNING "assetId"::text AS id',
        ([t for t, _ in pairs], [a for _, a in pairs]),
    ).fetchall()
    added = [r["id"] for r in rows]
    refresh_exif_tags(conn, set(added))
    return added


def refresh_exif_tags(conn: Conn, asset_ids: Iterable[str]) -> None:
    """`asset_exif.tags` = the values of the asset's tags, and `tags` becomes a locked
    property, so a later metadata extraction keeps them."""
    ids = list(asset_ids)
    if not ids:
        return
    conn.execute(
        'INSERT INTO asset_exif ("assetId", tags, "lockedProperties")'
        " SELECT a.id, coalesce((SELECT array_agg(t.value ORDER BY t.value) FROM tag t"
        '  JOIN tag_asset ta ON ta."tagId" = t.id WHERE ta."assetId" = a.id), \'{}\'),'
        " ARRAY['tags']::varchar[] FROM unnest(%s::uuid[]) AS a(id)"
        ' ON CONFLICT ("assetId") DO UPDATE SET tags = EXCLUDED.tags,'
        ' "lockedProperties" = CASE WHEN \'tags\' = ANY(coalesce(asset_exif."lockedProperties",'
        " '{}')) THEN asset_exif.\"lockedProperties\" ELSE array_append(coalesce("
        "asset_exif.\"lockedProperties\", '{}'), 'tags') END",
        (ids,),
    )


def asset_ids_with(conn: Conn, tag_id: str, asset_ids: list[str]) -> set[str]:
    """Which of `asset_ids` already carry the tag (3.1's `getAssetIds`)."""
    if not asset_ids:
        return set()
    rows = conn.execute(
        'SELECT "assetId"::text AS id FROM tag_asset WHERE "tagId" = %s'
        ' AND "assetId" = ANY(%s::uuid[])',
        (tag_id, list(set(asset_ids))),
    ).fetchall()
    return {r["id"] for r in rows}


def descendant_match(asset: str) -> str:
    """SQL: asset `asset` carries the tag %s or one of its descendants (3.1 `withTagId`)."""
    return (
        "EXISTS (SELECT 1 FROM tag_closure tc JOIN tag_asset ta"
        ' ON ta."tagId" = tc.id_descendant WHERE ta."assetId" = '
        f"{asset}.id AND tc.id_ancestor = %s)"
    )
