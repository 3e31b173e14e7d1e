"""`/assets*`: upload, read, binaries, bulk upload check, statistics (edits: `asset_edits`)."""

from __future__ import annotations

import hashlib
import uuid as uuidlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.responses import FileResponse, JSONResponse, Response

from immkit.sim import asset_edits
from immkit.sim.access import readable_assets
from immkit.sim.asset_dto import load_asset
from immkit.sim.enums import VISIBILITIES
from immkit.sim.http import Call, Endpoints, Reply, SimError, bad_request, no_access
from immkit.sim.media import (
    THUMBNAIL_WEBP,
    asset_type,
    decode_checksum,
    image_size,
    mime_type,
    store_stream,
    upload_path,
)
from immkit.sim.validate import array, boolean, date_time, enum, number, obj, parse, string, uuid

api = Endpoints()
api.items.extend(asset_edits.api.items)

_CACHE = (
    "private, max-age=86400, no-transform, stale-while-revalidate=2592000, stale-if-error=2592000"
)

_UPLOAD_FIELDS = obj(
    fileCreatedAt=date_time(),
    fileModifiedAt=date_time(),
    filename=string().opt(),
    isFavorite=boolean().opt(False),
    visibility=enum(VISIBILITIES).opt("timeline"),
    livePhotoVideoId=uuid().opt(),
    duration=number(minimum=0, integer=True).opt(),
)


def _duplicate_of(call: Call, checksum: bytes) -> str | None:
    """The caller's upload (not external; trashed included) with this content checksum."""
    with call.state.db.connection() as conn:
        row = conn.execute(
            'SELECT id FROM asset WHERE "ownerId" = %s AND checksum = %s AND "libraryId" IS NULL',
            (call.user_id, checksum),
        ).fetchone()
    return str(row["id"]) if row else None


@api.route("POST", "/assets", permission="asset.upload", multipart=True)
def upload(call: Call) -> object:
    form = call.form
    fields = {k: v for k, v in (form.multi_items() if form else []) if isinstance(v, str)}
    dto = parse(_UPLOAD_FIELDS, fields, coerce=True)
    header = call.headers.get("x-immich-checksum")
    if header:
        checksum = decode_checksum(header)
        existing = _duplicate_of(call, checksum) if checksum else None
        if existing:
            return {"status": "duplicate", "id": existing}
    data = call.file("assetData")
    if data is None:
        raise bad_request("File is required")
    file_name = dto["filename"] or data.filename or "file"
    kind = asset_type(data.filename or file_name)
    if kind is None:
        raise bad_request(f"Unsupported file type {data.filename or file_name}")
    target = upload_path(call.state.media, call.user_id, data.filename or file_name)
    checksum, size = store_stream(data.file, target)
    if size == 0:
        target.unlink()
        raise bad_request("File is empty")
    existing = _duplicate_of(call, checksum)
    if existing:
        target.unlink()
        return {"status": "duplicate", "id": existing}
    asset_id = _insert_upload(call, dto, file_name, kind, target, checksum, size)
    sidecar = call.file("sidecarData")
    if sidecar is not None:
        _store_sidecar(call, asset_id, target, sidecar.file)
    return Reply(201, {"id": asset_id, "status": "created"})


def _insert_upload(
    call: Call,
    dto: dict[str, Any],
    file_name: str,
    kind: str,
    path: Path,
    checksum: bytes,
    size: int,
) -> str:
    asset_id = str(uuidlib.uuid4())
    dims = image_size(path) if kind == "IMAGE" else None
    width, height = dims if dims else (None, None)
    created = dto["fileCreatedAt"]
    with call.state.db.connection() as conn:
        conn.execute(
            'INSERT INTO asset (id, "ownerId", type, "originalPath", "fileCreatedAt",'
            ' "fileModifiedAt", "localDateTime", checksum, "checksumAlgorithm",'
            ' "originalFileName", visibility, "isFavorite", "livePhotoVideoId", duration,'
            " width, height, thumbhash)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'sha1',"
            " %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                asset_id,
                call.user_id,
                kind,
                str(path),
                created,
                dto["fileModifiedAt"],
                created,
                checksum,
                file_name,
                dto["visibility"],
                dto["isFavorite"],
                dto["livePhotoVideoId"],
                dto["duration"],
                width,
                height,
                None if dto["visibility"] == "hidden" else hashlib.sha1(checksum).digest(),
            ),
        )
        conn.execute(
            'INSERT INTO asset_exif ("assetId", "exifImageWidth", "exifImageHeight",'
            ' "fileSizeInByte", "dateTimeOriginal", "modifyDate") VALUES (%s, %s, %s, %s, %s, %s)',
            (asset_id, width, height, size, created, dto["fileModifiedAt"]),
        )
        conn.execute(
            'INSERT INTO asset_job_status ("assetId", "metadataExtractedAt") VALUES (%s, now())',
            (asset_id,),
        )
        conn.execute(
            'UPDATE "user" SET "quotaUsageInBytes" = "quotaUsageInBytes" + %s WHERE id = %s',
            (size, call.user_id),
        )
    return asset_id


def _store_sidecar(call: Call, asset_id: str, original: Path, source: Any) -> None:
    target = original.with_name(original.name + ".xmp")
    store_stream(source, target)
    with call.state.db.connection() as conn:
        conn.execute(
            "INSERT INTO asset_file (\"assetId\", type, path) VALUES (%s, 'sidecar', %s)",
            (asset_id, str(target)),
        )


@api.route("GET", "/assets/{id}", permission="asset.read", params=obj(id=uuid()))
def get_asset(call: Call) -> object:
    asset_id = call.path["id"]
    with call.state.db.connection() as conn:
        if not readable_assets(conn, call.user_id, [asset_id]):
            raise no_access("asset.read")
        return load_asset(conn, asset_id, call.user_id, "full")


def _readable_row(call: Call, asset_id: str) -> dict[str, Any] | None:
    with call.state.db.connection() as conn:
        if not readable_assets(conn, call.user_id, [asset_id]):
            return None
        row = conn.execute(
            'SELECT "originalPath", "originalFileName" FROM asset WHERE id = %s', (asset_id,)
        ).fetchone()
    return dict(row) if row else None


def _inline(name: str) -> str:
    return f"inline; filename*=UTF-8''{quote(name)}"


@api.route(
    "GET",
    "/assets/{id}/original",
    permission="asset.download",
    params=obj(id=uuid()),
    query=obj(edited=boolean().opt()),
)
def original(call: Call) -> object:
    row = _readable_row(call, call.path["id"])
    # 3.1 answers a plain 404 here, not the usual 400 "Not found or no … access"
    if row is None or not Path(row["originalPath"]).is_file():
        return JSONResponse({"message": "Not Found"}, status_code=404)
    return FileResponse(
        row["originalPath"],
        media_type=mime_type(row["originalFileName"]),
        headers={
            "content-disposition": _inline(row["originalFileName"]),
            "cache-control": _CACHE,
        },
    )


@api.route(
    "GET",
    "/assets/{id}/thumbnail",
    permission="asset.view",
    params=obj(id=uuid()),
    query=obj(size=enum(["fullsize", "preview", "thumbnail"]).opt(), edited=boolean().opt()),
)
def thumbnail(call: Call) -> object:
    row = _readable_row(call, call.path["id"])
    if row is None:
        raise no_access("asset.view")
    stem = row["originalFileName"].rsplit(".", 1)[0]
    return Response(
        THUMBNAIL_WEBP,
        media_type="image/webp",
        headers={
            "content-disposition": _inline(f"{stem}_thumbnail.webp"),
            "cache-control": _CACHE,
        },
    )


@api.route(
    "POST",
    "/assets/bulk-upload-check",
    permission="asset.upload",
    body=obj(assets=array(obj(id=string(), checksum=string()))),
)
def bulk_upload_check(call: Call) -> object:
    items = call.body["assets"]
    if not items:
        # 3.1 runs `= ANY('{}')` into an error here
        raise SimError(500, "Failed to check bulk upload")
    sums = {i["checksum"]: decode_checksum(i["checksum"]) for i in items}
    with call.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT id, checksum, "deletedAt" FROM asset WHERE "ownerId" = %s'
            ' AND "libraryId" IS NULL AND checksum = ANY(%s)',
            (call.user_id, [s for s in sums.values() if s]),
        ).fetchall()
    found = {bytes(r["checksum"]): r for r in rows}
    results = []
    for item in items:
        hit = found.get(sums[item["checksum"]] or b"")
        if hit is None:
            results.append({"id": item["id"], "action": "accept"})
        else:
            results.append(
                {
                    "id": item["id"],
                    "action": "reject",
                    "reason": "duplicate",
                    "assetId": str(hit["id"]),
                    "isTrashed": hit["deletedAt"] is not None,
                }
            )
    return {"results": results}


@api.route(
    "GET",
    "/assets/statistics",
    permission="asset.statistics",
    query=obj(
        isFavorite=boolean().opt(),
        isTrashed=boolean().opt(),
        visibility=enum(VISIBILITIES).opt(),
    ),
)
def statistics(call: Call) -> object:
    q = call.query
    where = ['"ownerId" = %s']
    params: list[Any] = [call.user_id]
    if q["visibility"]:
        where.append("visibility = %s")
        params.append(q["visibility"])
    else:
        where.append("visibility IN ('archive', 'timeline')")
    where.append('"deletedAt" IS NOT NULL' if q["isTrashed"] else '"deletedAt" IS NULL')
    if q["isFavorite"] is not None:
        where.append('"isFavorite" = %s')
        params.append(q["isFavorite"])
    with call.state.db.connection() as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE type = 'IMAGE') AS images,"
            " count(*) FILTER (WHERE type = 'VIDEO') AS videos, count(*) AS total"
            f" FROM asset WHERE {' AND '.join(where)}",
            params,
        ).fetchone()
    assert row is not None
    return {"images": row["images"], "videos": row["videos"], "total": row["total"]}
