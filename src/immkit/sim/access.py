"""Who may touch which asset or album, as Immich 3.1's access repository decides.

Locked assets need an elevated (PIN) session, which an API key never has, and the
simulator has no PIN flow: they are out of reach for every permission here.
"""

from __future__ import annotations

from collections.abc import Iterable

import psycopg
from psycopg.rows import DictRow

Conn = psycopg.Connection[DictRow]

# SQL fragment for sharing an asset into an album (`asset.share`): asset `a` is owned by
# %(me)s or by a partner who shares their library with %(me)s
SHAREABLE = (
    '(a.visibility <> \'locked\' AND (a."ownerId" = %(me)s OR a."ownerId" IN '
    '(SELECT "sharedById" FROM partner WHERE "sharedWithId" = %(me)s)))'
)


def owned_assets(conn: Conn, user_id: str, ids: Iterable[str]) -> set[str]:
    """Ids among `ids` that the user owns (trashed included, locked excluded)."""
    wanted = list(set(ids))
    if not wanted:
        return set()
    rows = conn.execute(
        'SELECT id FROM asset WHERE id = ANY(%s::uuid[]) AND "ownerId" = %s'
        " AND visibility <> 'locked'",
        (wanted, user_id),
    ).fetchall()
    return {str(r["id"]) for r in rows}


def shareable_assets(conn: Conn, user_id: str, ids: Iterable[str]) -> set[str]:
    """`asset.share` access: the user's own or a partner's asset (locked excluded)."""
    wanted = list(set(ids))
    if not wanted:
        return set()
    rows = conn.execute(
        f"SELECT a.id::text AS id FROM asset a WHERE a.id = ANY(%(ids)s::uuid[]) AND {SHAREABLE}",
        {"ids": wanted, "me": user_id},
    ).fetchall()
    return {r["id"] for r in rows}


def readable_assets(conn: Conn, user_id: str, ids: Iterable[str]) -> set[str]:
    """Owner, partner (shared with the user) or member of an album holding the asset."""
    wanted = list(set(ids))
    if not wanted:
        return set()
    rows = conn.execute(
        "SELECT a.id FROM asset a WHERE a.id = ANY(%s::uuid[]) AND a.visibility <> 'locked'"
        ' AND (a."ownerId" = %s'
        ' OR (a."deletedAt" IS NULL AND EXISTS (SELECT 1 FROM partner p'
        ' WHERE p."sharedById" = a."ownerId" AND p."sharedWithId" = %s))'
        ' OR (a."deletedAt" IS NULL AND EXISTS (SELECT 1 FROM album_asset aa'
        ' JOIN album_user au ON au."albumId" = aa."albumId"'
        ' JOIN album al ON al.id = aa."albumId" AND al."deletedAt" IS NULL'
        ' WHERE aa."assetId" = a.id AND au."userId" = %s)))',
        (wanted, user_id, user_id, user_id),
    ).fetchall()
    return {str(r["id"]) for r in rows}


def readable_albums(conn: Conn, user_id: str, ids: Iterable[str]) -> set[str]:
    """Albums the user owns or is a member of (3.x: the owner is an album_user too)."""
    wanted = list(set(ids))
    if not wanted:
        return set()
    rows = conn.execute(
        'SELECT DISTINCT al.id FROM album al JOIN album_user au ON au."albumId" = al.id'
        ' WHERE al.id = ANY(%s::uuid[]) AND al."deletedAt" IS NULL AND au."userId" = %s',
        (wanted, user_id),
    ).fetchall()
    return {str(r["id"]) for r in rows}


def timeline_owners(conn: Conn, user_id: str) -> list[str]:
    """The user plus partners who share with them and are shown in their timeline."""
    rows = conn.execute(
        'SELECT "sharedById" FROM partner WHERE "sharedWithId" = %s AND "inTimeline"',
        (user_id,),
    ).fetchall()
    return [user_id, *(str(r["sharedById"]) for r in rows)]
