"""`/timeline/buckets` and the columnar `/timeline/bucket`, as Immich 3.1 answers them."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

from immkit.sim.access import readable_albums, timeline_owners
from immkit.sim.dto import ts
from immkit.sim.enums import VISIBILITIES
from immkit.sim.http import Call, Endpoints, SimError, no_access
from immkit.sim.tag_sql import descendant_match, owned_tags
from immkit.sim.validate import boolean, enum, obj, string, uuid

api = Endpoints()

_OPTIONS = {
    "albumId": uuid().opt(),
    "isFavorite": boolean().opt(),
    "isTrashed": boolean().opt(),
    "order": enum(["asc", "desc"]).opt("desc"),
    "personId": uuid().opt(),
    "tagId": uuid().opt(),
    "userId": uuid().opt(),
    "visibility": enum(VISIBILITIES).opt(),
    "withCoordinates": boolean().opt(False),
    "withPartners": boolean().opt(False),
    "withStacked": boolean().opt(False),
    "bbox": string().opt(),
    "key": string().opt(),
    "slug": string().opt(),
    "orderBy": string().opt(),
}
_MONTH = "date_trunc('MONTH', a.\"localDateTime\" AT TIME ZONE 'UTC')"


def _where(call: Call) -> tuple[list[str], list[Any]]:
    q = call.query
    where: list[str] = []
    params: list[Any] = []
    if q["visibility"] == "locked":
        raise SimError(401, "Elevated permission is required")
    with call.state.db.connection() as conn:
        if q["albumId"]:
            if not readable_albums(conn, call.user_id, [q["albumId"]]):
                raise no_access("album.read")
            where.append(
                'EXISTS (SELECT 1 FROM album_asset aa WHERE aa."assetId" = a.id'
                ' AND aa."albumId" = %s)'
            )
            params.append(q["albumId"])
        else:
            owners = timeline_owners(conn, call.user_id) if q["withPartners"] else [call.user_id]
            if q["userId"]:
                owners = [o for o in owners if o == q["userId"]]
            where.append('a."ownerId" = ANY(%s::uuid[])')
            params.append(owners)
        if q["tagId"] and not owned_tags(conn, call.user_id, [q["tagId"]]):
            raise no_access("tag.read")
    if q["visibility"]:
        where.append("a.visibility = %s")
        params.append(q["visibility"])
    else:
        # archived assets are in the default timeline, hidden ones are not
        where.append("a.visibility IN ('archive', 'timeline')")
    where.append('a."deletedAt" IS NOT NULL' if q["isTrashed"] else 'a."deletedAt" IS NULL')
    if q["isFavorite"] is not None:
        where.append('a."isFavorite" = %s')
        params.append(q["isFavorite"])
    if q["personId"]:
        where.append(
            'EXISTS (SELECT 1 FROM asset_face f WHERE f."assetId" = a.id AND f."personId" = %s'
            ' AND f."deletedAt" IS NULL AND f."isVisible")'
        )
        params.append(q["personId"])
    if q["tagId"]:
        # 3.1 `withTagId`: the tag or any descendant, through tag_closure
        where.append(descendant_match("a"))
        params.append(q["tagId"])
    return where, params


@api.route("GET", "/timeline/buckets", permission="asset.read", query=obj(**_OPTIONS))
def buckets(call: Call) -> object:
    where, params = _where(call)
    direction = "ASC" if call.query["order"] == "asc" else "DESC"
    with call.state.db.connection() as conn:
        rows = conn.execute(
            f"SELECT {_MONTH} AS bucket, count(*) AS n FROM asset a WHERE {' AND '.join(where)}"
            f" GROUP BY 1 ORDER BY 1 {direction}",
            params,
        ).fetchall()
    return [{"timeBucket": r["bucket"].date().isoformat(), "count": r["n"]} for r in rows]


def _bucket_start(text: str) -> date:
    try:
        if "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date().replace(day=1)
        return date.fromisoformat(text).replace(day=1)
    except ValueError as exc:
        # 3.1 passes the string to PostgreSQL and fails there
        raise SimError(500, "Failed to get time bucket") from exc


def _wall(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{utc.microsecond // 1000:03d}" if utc.microsecond else "")


_COLUMNS = (
    "duration", "id", "visibility", "isFavorite", "isImage", "isTrashed", "livePhotoVideoId",
    "fileCreatedAt", "localOffsetHours", "createdAt", "ownerId", "projectionType", "ratio",
    "status", "thumbhash", "city", "country",
)  # fmt: skip


@api.route(
    "GET",
    "/timeline/bucket",
    permission="asset.read",
    query=obj(timeBucket=string(), **_OPTIONS),
)
def bucket(call: Call) -> object:
    start = _bucket_start(call.query["timeBucket"])
    where, params = _where(call)
    direction = "ASC" if call.query["order"] == "asc" else "DESC"
    with call.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT a.id, a.duration, a.visibility, a."isFavorite", a.type, a."deletedAt",'
            ' a."livePhotoVideoId", a."fileCreatedAt", a."localDateTime", a."createdAt",'
            ' a."ownerId", a.width, a.height, a.status, a.thumbhash, e."projectionType",'
            " e.city, e.country, e.latitude, e.longitude FROM asset a"
            ' LEFT JOIN asset_exif e ON e."assetId" = a.id'
            f" WHERE {' AND '.join(where)} AND {_MONTH} = %s"
            f' ORDER BY a."fileCreatedAt" {direction}, a.id {direction}',
            [*params, datetime(start.year, start.month, 1)],
        ).fetchall()
    out: dict[str, list[Any]] = {key: [] for key in _COLUMNS}
    coordinates = call.query["withCoordinates"]
    if coordinates:
        out |= {"latitude": [], "longitude": []}
    for r in rows:
        offset = (r["localDateTime"] - r["fileCreatedAt"]).total_seconds() / 3600
        ratio = round(r["width"] / r["height"], 3) if r["width"] and r["height"] else 1
        values = {
            "duration": r["duration"],
            "id": str(r["id"]),
            "visibility": r["visibility"],
            "isFavorite": r["isFavorite"] and str(r["ownerId"]) == call.user_id,
            "isImage": r["type"] == "IMAGE",
            "isTrashed": r["deletedAt"] is not None,
            "livePhotoVideoId": str(r["livePhotoVideoId"]) if r["livePhotoVideoId"] else None,
            "fileCreatedAt": _wall(r["fileCreatedAt"]),
            "localOffsetHours": int(offset) if offset.is_integer() else offset,
            "createdAt": ts(r["createdAt"]),
            "ownerId": str(r["ownerId"]),
            "projectionType": r["projectionType"],
            "ratio": ratio,
            "status": r["status"],
            "thumbhash": base64.b64encode(r["thumbhash"]).decode() if r["thumbhash"] else None,
            "city": r["city"],
            "country": r["country"],
            "latitude": r["latitude"],
            "longitude": r["longitude"],
        }
        for key in out:
            out[key].append(values[key])
    return out
