"""`GET /stacks` and `GET /shared-links`: the caller's stacks and shared links (3.1).

Both list only what the caller owns. A stack carries its assets (with EXIF); an
individual shared link carries its assets, an album link its album (no assets).
"""

from __future__ import annotations

import base64
from typing import Any

from immkit.sim import album_sql
from immkit.sim.asset_dto import load_asset
from immkit.sim.dto import ts
from immkit.sim.dto_albums import album_dto
from immkit.sim.http import Call, Endpoints
from immkit.sim.validate import obj, uuid

api = Endpoints()


@api.route("GET", "/stacks", permission="stack.read", query=obj(primaryAssetId=uuid().opt().null()))
def list_stacks(call: Call) -> object:
    primary = call.query.get("primaryAssetId")
    with call.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT id, "primaryAssetId" FROM stack WHERE "ownerId" = %s'
            ' AND (%s::uuid IS NULL OR "primaryAssetId" = %s::uuid) ORDER BY "createdAt", id',
            (call.user_id, primary, primary),
        ).fetchall()
        out = []
        for row in rows:
            members = conn.execute(
                'SELECT id FROM asset WHERE "stackId" = %s AND "deletedAt" IS NULL'
                ' ORDER BY "fileCreatedAt", id',
                (row["id"],),
            ).fetchall()
            out.append(
                {
                    "id": str(row["id"]),
                    "primaryAssetId": str(row["primaryAssetId"]),
                    "assets": [
                        load_asset(conn, str(m["id"]), call.user_id, "update") for m in members
                    ],
                }
            )
    return out


@api.route(
    "GET",
    "/shared-links",
    permission="sharedLink.read",
    query=obj(albumId=uuid().opt().null(), id=uuid().opt().null()),
)
def list_shared_links(call: Call) -> object:
    album, link = call.query.get("albumId"), call.query.get("id")
    with call.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT * FROM shared_link WHERE "userId" = %s'
            ' AND (%s::uuid IS NULL OR "albumId" = %s::uuid)'
            ' AND (%s::uuid IS NULL OR id = %s::uuid) ORDER BY "createdAt" DESC, id',
            (call.user_id, album, album, link, link),
        ).fetchall()
        out = []
        for row in rows:
            asset_ids = conn.execute(
                'SELECT sa."assetId" FROM shared_link_asset sa JOIN asset a ON a.id = sa."assetId"'
                ' WHERE sa."sharedLinkId" = %s AND a."deletedAt" IS NULL'
                ' ORDER BY a."fileCreatedAt"',
                (row["id"],),
            ).fetchall()
            item: dict[str, Any] = {
                "id": str(row["id"]),
                "description": row["description"],
                "password": row["password"],
                "userId": str(row["userId"]),
                "key": base64.urlsafe_b64encode(bytes(row["key"])).decode().rstrip("="),
                "type": row["type"],
                "createdAt": ts(row["createdAt"]),
                "expiresAt": ts(row["expiresAt"]),
                "assets": [
                    load_asset(conn, str(a["assetId"]), call.user_id, "update") for a in asset_ids
                ],
                "allowUpload": row["allowUpload"],
                "allowDownload": row["allowDownload"],
                "showMetadata": row["showExif"],
                "slug": row["slug"],
            }
            if row["albumId"]:
                found = album_sql.albums(
                    conn, call.user_id, "AND al.id = %(id)s", id=str(row["albumId"])
                )
                if found:
                    users = album_sql.members(conn, [str(row["albumId"])], call.user_id)
                    item["album"] = album_dto(found[0], users[str(row["albumId"])], listed=False)
            out.append(item)
    return out
