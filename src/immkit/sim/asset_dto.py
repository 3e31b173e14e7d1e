"""AssetResponseDto as Immich 3.1 shapes it, in its three recorded variants.

- `full`: `GET /assets/{id}` (owner, exifInfo, tags, people, stack);
- `update`: `PUT /assets/{id}` (no owner, tags or stack);
- `search`: search results (no owner, tags or stack; exifInfo only with `withExif`;
  `people` always present, `[]` unless `withPeople`).
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

import psycopg
from psycopg.rows import DictRow

from immkit.sim.dto import person_dto, ts, user_dto
from immkit.sim.media import mime_type
from immkit.sim.tag_sql import tag_dto

Conn = psycopg.Connection[DictRow]

ASSET_COLUMNS = (
    'asset.id, asset."createdAt", asset."ownerId", asset."libraryId", asset.type,'
    ' asset."originalPath", asset."originalFileName", asset.thumbhash, asset."fileCreatedAt",'
    ' asset."fileModifiedAt", asset."localDateTime", asset."updatedAt", asset."isFavorite",'
    ' asset.visibility, asset."deletedAt", asset.duration, asset."livePhotoVideoId",'
    ' asset.checksum, asset."isOffline", asset."duplicateId", asset.width, asset.height,'
    ' asset."isEdited", asset."stackId"'
)

EXIF_KEYS = (
    "make",
    "model",
    "exifImageWidth",
    "exifImageHeight",
    "fileSizeInByte",
    "orientation",
    "dateTimeOriginal",
    "modifyDate",
    "timeZone",
    "lensModel",
    "fNumber",
    "focalLength",
    "iso",
    "exposureTime",
    "latitude",
    "longitude",
    "city",
    "state",
    "country",
    "description",
    "projectionType",
    "rating",
)

# lateral subqueries that the search runs per row, as Immich does (their cost grows with OFFSET)
PEOPLE_LATERAL = (
    "LEFT JOIN LATERAL (SELECT coalesce(json_agg(json_build_object("
    "'id', p.id, 'name', p.name, 'birthDate', p.\"birthDate\", 'thumbnailPath',"
    ' p."thumbnailPath", \'isHidden\', p."isHidden", \'isFavorite\', p."isFavorite",'
    " 'color', p.color, 'updatedAt', p.\"updatedAt\") ORDER BY p.\"createdAt\", p.id), '[]')"
    ' AS people FROM person p WHERE p.id IN (SELECT f."personId" FROM asset_face f'
    ' WHERE f."assetId" = asset.id AND f."deletedAt" IS NULL AND f."isVisible")) people ON true'
)
EXIF_LATERAL = (
    'LEFT JOIN LATERAL (SELECT to_json(e) AS "exifInfo" FROM asset_exif e'
    ' WHERE e."assetId" = asset.id) exif_json ON true'
)


def exif_ts(value: Any) -> str | None:
    """exifInfo dates use `+00:00` where the asset's own dates use `.000Z`."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(UTC).isoformat()


def exif_dto(row: dict[str, Any] | None) -> dict[str, Any]:
    row = row or {}
    out = {key: row.get(key) for key in EXIF_KEYS}
    out["dateTimeOriginal"] = exif_ts(out["dateTimeOriginal"])
    out["modifyDate"] = exif_ts(out["modifyDate"])
    if out["description"] is None:
        out["description"] = ""
    return out


def _person(p: dict[str, Any]) -> dict[str, Any]:
    """Persons come as rows or, from json_agg, with ISO strings for their dates."""
    p = dict(p)
    if isinstance(p["updatedAt"], str):
        p["updatedAt"] = datetime.fromisoformat(p["updatedAt"])
    if isinstance(p.get("birthDate"), str):
        p["birthDate"] = date.fromisoformat(p["birthDate"])
    return person_dto(p)


def asset_dto(
    row: DictRow | dict[str, Any],
    *,
    viewer_id: str,
    variant: str = "search",
    exif: dict[str, Any] | None = None,
    with_exif: bool = False,
    people: list[dict[str, Any]] | None = None,
    owner: dict[str, Any] | None = None,
    tags: list[dict[str, Any]] | None = None,
    stack: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Map an asset row (ASSET_COLUMNS) to the DTO; key order as the real server sends it."""
    mine = str(row["ownerId"]) == viewer_id
    out: dict[str, Any] = {
        "id": str(row["id"]),
        "createdAt": ts(row["createdAt"]),
        "ownerId": str(row["ownerId"]),
    }
    if variant == "full":
        out["owner"] = user_dto(owner) if owner else None
    out |= {
        "libraryId": str(row["libraryId"]) if row["libraryId"] else None,
        "type": row["type"],
        "originalPath": row["originalPath"],
        "originalFileName": row["originalFileName"],
        "originalMimeType": mime_type(row["originalFileName"]),
        "thumbhash": base64.b64encode(row["thumbhash"]).decode() if row["thumbhash"] else None,
        "fileCreatedAt": ts(row["fileCreatedAt"]),
        "fileModifiedAt": ts(row["fileModifiedAt"]),
        "localDateTime": ts(row["localDateTime"]),
        "updatedAt": ts(row["updatedAt"]),
        # a viewer who is not the owner never sees the owner's favourite flag
        "isFavorite": bool(row["isFavorite"]) and mine,
        "isArchived": row["visibility"] == "archive",
        "isTrashed": row["deletedAt"] is not None,
        "visibility": row["visibility"],
        "duration": row["duration"],
    }
    if variant in ("full", "update") or with_exif:
        out["exifInfo"] = exif_dto(exif)
    out["livePhotoVideoId"] = str(row["livePhotoVideoId"]) if row["livePhotoVideoId"] else None
    if variant == "full":
        out["tags"] = tags or []
    out["people"] = [_person(p) for p in people or []] if mine else []
    out["checksum"] = base64.b64encode(row["checksum"]).decode()
    if variant == "full":
        out["stack"] = stack
    out |= {
        "isOffline": row["isOffline"],
        "hasMetadata": True,
        "duplicateId": str(row["duplicateId"]) if row["duplicateId"] else None,
        "resized": True,
        "width": row["width"],
        "height": row["height"],
        "isEdited": row["isEdited"],
    }
    return out


def load_asset(conn: Conn, asset_id: str, viewer_id: str, variant: str) -> dict[str, Any]:
    """One asset with everything its variant needs (the caller checked access)."""
    row = conn.execute(f"SELECT {ASSET_COLUMNS} FROM asset WHERE id = %s", (asset_id,)).fetchone()
    if row is None:
        raise LookupError(asset_id)
    exif = conn.execute('SELECT * FROM asset_exif WHERE "assetId" = %s', (asset_id,)).fetchone()
    people = conn.execute(
        'SELECT p.id, p.name, p."birthDate", p."thumbnailPath", p."isHidden", p."isFavorite",'
        ' p.color, p."updatedAt" FROM person p WHERE p.id IN (SELECT f."personId" FROM'
        ' asset_face f WHERE f."assetId" = %s AND f."deletedAt" IS NULL AND f."isVisible")'
        ' ORDER BY p."createdAt", p.id',
        (asset_id,),
    ).fetchall()
    extra: dict[str, Any] = {}
    if variant == "full":
        extra["owner"] = conn.execute(
            'SELECT * FROM "user" WHERE id = %s', (row["ownerId"],)
        ).fetchone()
        extra["tags"] = [
            tag_dto(t)
            for t in conn.execute(
                'SELECT t.* FROM tag t JOIN tag_asset ta ON ta."tagId" = t.id'
                ' WHERE ta."assetId" = %s ORDER BY t.value',
                (asset_id,),
            ).fetchall()
        ]
        if row["stackId"]:
            stack = conn.execute(
                'SELECT s.id, s."primaryAssetId", (SELECT count(*) FROM asset a'
                ' WHERE a."stackId" = s.id AND a."deletedAt" IS NULL) AS n FROM stack s'
                " WHERE s.id = %s",
                (row["stackId"],),
            ).fetchone()
            if stack is not None:
                extra["stack"] = {
                    "id": str(stack["id"]),
                    "primaryAssetId": str(stack["primaryAssetId"]),
                    "assetCount": stack["n"],
                }
    return asset_dto(
        row,
        viewer_id=viewer_id,
        variant=variant,
        exif=dict(exif) if exif else None,
        people=[dict(p) for p in people],
        **extra,
    )


def search_item(row: DictRow | dict[str, Any], viewer_id: str, with_exif: bool) -> dict[str, Any]:
    """A search row (ASSET_COLUMNS plus the lateral `people` / `exifInfo` columns)."""
    exif = row.get("exifInfo") if with_exif else None
    return asset_dto(
        row,
        viewer_id=viewer_id,
        variant="search",
        exif=exif,
        with_exif=with_exif,
        people=row.get("people") or [],
    )
