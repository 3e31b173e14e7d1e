"""Who may read or share an asset, as Immich 3.1's access repository decides it.

- read (`asset.read`): the owner, a partner of the owner, or a member of an album holding it;
- share (`asset.share`, needed to put an asset into an album): the owner or a partner;
- update (`asset.update`, needed to draw a face): the owner only (3.0+).

Locked assets need a PIN session, which API keys never have: they are out of reach here.
"""

from __future__ import annotations

import psycopg
from psycopg.rows import DictRow

Conn = psycopg.Connection[DictRow]

# SQL fragment: asset `a` is owned by %(me)s or by someone who shares their library with %(me)s
SHAREABLE = (
    '(a.visibility <> \'locked\' AND (a."ownerId" = %(me)s OR a."ownerId" IN '
    '(SELECT "sharedById" FROM partner WHERE "sharedWithId" = %(me)s)))'
)


def can_read_asset(conn: Conn, user_id: str, asset_id: str) -> bool:
    row = conn.execute(
        f"SELECT 1 FROM asset a WHERE a.id = %(asset)s AND a.visibility <> 'locked'"
        f' AND ({SHAREABLE} OR a."deletedAt" IS NULL AND EXISTS ('
        ' SELECT 1 FROM album_asset aa JOIN album_user au ON au."albumId" = aa."albumId"'
        ' JOIN album al ON al.id = aa."albumId" AND al."deletedAt" IS NULL'
        ' WHERE aa."assetId" = a.id AND au."userId" = %(me)s))',
        {"asset": asset_id, "me": user_id},
    ).fetchone()
    return row is not None


def owns_asset(conn: Conn, user_id: str, asset_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM asset WHERE id = %s AND \"ownerId\" = %s AND visibility <> 'locked'",
        (asset_id, user_id),
    ).fetchone()
    return row is not None
