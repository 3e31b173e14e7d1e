"""Put data straight into the simulator's tables (SQL, not HTTP): fast and deterministic.

Used by tests, benchmarks and the sandbox. Every function takes an open connection and
commits nothing itself; callers decide the transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.rows import DictRow

from immkit.sim import tag_sql
from immkit.sim.auth import hash_secret, new_secret

Conn = psycopg.Connection[DictRow]
AVATAR_COLORS = ("primary", "pink", "red", "yellow", "blue", "green", "purple", "orange", "gray")


def add_user(
    conn: Conn,
    email: str,
    name: str,
    *,
    is_admin: bool = False,
    password: str = "",
    user_id: str | None = None,
) -> str:
    """Insert a user; the password is stored as Immich does not (plain sha256 is enough here)."""
    uid = user_id or str(uuid.uuid4())
    color = AVATAR_COLORS[int(hashlib.sha1(email.encode()).hexdigest(), 16) % len(AVATAR_COLORS)]
    conn.execute(
        'INSERT INTO "user" (id, email, name, "isAdmin", password, "avatarColor") '
        "VALUES (%s, %s, %s, %s, %s, %s)",
        (uid, email, name, is_admin, hash_secret(password).hex() if password else "", color),
    )
    return uid


def add_api_key(
    conn: Conn,
    user_id: str,
    permissions: list[str] | None = None,
    *,
    name: str = "immkit",
    secret: str | None = None,
) -> str:
    """Create an API key for `user_id`; returns the secret (only its hash is stored)."""
    secret = secret or new_secret()
    conn.execute(
        'INSERT INTO api_key (name, key, "userId", permissions) VALUES (%s, %s, %s, %s)',
        (name, hash_secret(secret), user_id, permissions or ["all"]),
    )
    return secret


@dataclass(frozen=True)
class AssetSeed:
    """One asset row (plus its exif row). `checksum` defaults to sha1 of the id."""

    owner_id: str
    file_name: str
    taken: datetime
    type: str = "IMAGE"
    asset_id: str | None = None
    original_path: str | None = None
    checksum: bytes | None = None
    library_id: str | None = None
    visibility: str = "timeline"
    is_favorite: bool = False
    width: int = 4000
    height: int = 3000
    file_size: int = 120_000
    city: str | None = None
    country: str | None = None
    make: str | None = None
    model: str | None = None
    description: str = ""
    live_photo_video_id: str | None = None
    deleted_at: datetime | None = None


def add_assets(conn: Conn, assets: list[AssetSeed]) -> list[str]:
    """Bulk-insert assets with COPY; returns their ids in order."""
    ids: list[str] = []
    with conn.cursor() as cur:
        with cur.copy(
            'COPY asset (id, "ownerId", type, "originalPath", "fileCreatedAt", "fileModifiedAt",'
            ' "localDateTime", checksum, "checksumAlgorithm", "originalFileName", "libraryId",'
            ' "isExternal", visibility, "isFavorite", width, height, "livePhotoVideoId",'
            ' "deletedAt", status) FROM STDIN'
        ) as copy:
            for a in assets:
                aid = a.asset_id or str(uuid.uuid4())
                ids.append(aid)
                path = a.original_path or f"/data/upload/{a.owner_id}/{aid}{_ext(a.file_name)}"
                checksum = a.checksum or hashlib.sha1(aid.encode()).digest()
                external = a.library_id is not None
                copy.write_row(
                    (
                        aid, a.owner_id, a.type, path, a.taken, a.taken,
                        a.taken.replace(tzinfo=None).replace(tzinfo=UTC), checksum,
                        "sha1-path" if external else "sha1", a.file_name, a.library_id,
                        external, a.visibility, a.is_favorite, a.width, a.height,
                        a.live_photo_video_id, a.deleted_at,
                        "trashed" if a.deleted_at else "active",
                    )
                )  # fmt: skip
        with cur.copy(
            'COPY asset_exif ("assetId", "exifImageWidth", "exifImageHeight", "fileSizeInByte",'
            ' "dateTimeOriginal", "modifyDate", "timeZone", city, country, make, model,'
            " description) FROM STDIN"
        ) as copy:
            for aid, a in zip(ids, assets, strict=True):
                copy.write_row(
                    (
                        aid, a.width, a.height, a.file_size, a.taken, a.taken, "UTC",
                        a.city, a.country, a.make, a.model, a.description,
                    )
                )  # fmt: skip
    return ids


def _ext(file_name: str) -> str:
    dot = file_name.rfind(".")
    return file_name[dot:].lower() if dot > 0 else ""


def add_person(
    conn: Conn,
    owner_id: str,
    name: str,
    *,
    birth_date: str | None = None,
    is_hidden: bool = False,
    is_favorite: bool = False,
    person_id: str | None = None,
) -> str:
    pid = person_id or str(uuid.uuid4())
    conn.execute(
        'INSERT INTO person (id, "ownerId", name, "birthDate", "isHidden", "isFavorite",'
        ' "thumbnailPath") VALUES (%s, %s, %s, %s, %s, %s, %s)',
        (
            pid,
            owner_id,
            name,
            birth_date,
            is_hidden,
            is_favorite,
            f"/data/thumbs/{owner_id}/{pid}.jpeg",
        ),
    )
    return pid


@dataclass(frozen=True)
class FaceSeed:
    asset_id: str
    person_id: str | None
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 in pixels of image_width × image_height
    image_width: int = 1440
    image_height: int = 1080
    source_type: str = "machine-learning"
    face_id: str | None = None
    embedding: list[float] | None = None


def add_faces(conn: Conn, faces: list[FaceSeed], *, feature: bool = True) -> list[str]:
    """Bulk-insert faces (and their embeddings); with `feature`, persons without a
    feature face get their first face, as Immich's thumbnail job would pick one."""
    ids: list[str] = []
    with conn.cursor() as cur:
        with cur.copy(
            'COPY asset_face (id, "assetId", "personId", "imageWidth", "imageHeight",'
            ' "boundingBoxX1", "boundingBoxY1", "boundingBoxX2", "boundingBoxY2", "sourceType")'
            " FROM STDIN"
        ) as copy:
            for f in faces:
                fid = f.face_id or str(uuid.uuid4())
                ids.append(fid)
                x1, y1, x2, y2 = f.box
                copy.write_row(
                    (fid, f.asset_id, f.person_id, f.image_width, f.image_height,
                     x1, y1, x2, y2, f.source_type)
                )  # fmt: skip
        embedded = [(fid, f.embedding) for fid, f in zip(ids, faces, strict=True) if f.embedding]
        if embedded:
            with cur.copy('COPY face_search ("faceId", embedding) FROM STDIN') as copy:
                for fid, emb in embedded:
                    copy.write_row((fid, "[" + ",".join(f"{x:.5f}" for x in emb or []) + "]"))
    if feature:
        conn.execute(
            'UPDATE person p SET "faceAssetId" = f.id FROM ('
            ' SELECT DISTINCT ON ("personId") "personId", id FROM asset_face'
            ' WHERE "personId" IS NOT NULL ORDER BY "personId", id) f'
            ' WHERE p.id = f."personId" AND p."faceAssetId" IS NULL'
        )
    return ids


def add_album(
    conn: Conn,
    owner_id: str,
    name: str,
    asset_ids: list[str] | None = None,
    *,
    description: str = "",
    shared_with: dict[str, str] | None = None,
    album_id: str | None = None,
) -> str:
    """An album owned by `owner_id` (3.x: the owner is an album_user row with role owner)."""
    aid = album_id or str(uuid.uuid4())
    conn.execute(
        'INSERT INTO album (id, "albumName", description) VALUES (%s, %s, %s)',
        (aid, name, description),
    )
    users = {owner_id: "owner", **(shared_with or {})}
    for user_id, role in users.items():
        conn.execute(
            'INSERT INTO album_user ("albumId", "userId", role) VALUES (%s, %s, %s)',
            (aid, user_id, role),
        )
    if asset_ids:
        with (
            conn.cursor() as cur,
            cur.copy('COPY album_asset ("albumId", "assetId") FROM STDIN') as copy,
        ):
            for asset_id in asset_ids:
                copy.write_row((aid, asset_id))
    return aid


def add_library(
    conn: Conn,
    owner_id: str,
    name: str,
    import_paths: list[str],
    *,
    exclusion_patterns: list[str] | None = None,
) -> str:
    lid = str(uuid.uuid4())
    conn.execute(
        'INSERT INTO library (id, name, "ownerId", "importPaths", "exclusionPatterns")'
        " VALUES (%s, %s, %s, %s, %s)",
        (lid, name, owner_id, import_paths, exclusion_patterns or []),
    )
    return lid


def add_tag(conn: Conn, owner_id: str, value: str) -> str:
    """The tag at path `value` ("Places/Italy"), parents and closure rows included, as
    Immich's own upsert makes it; returns the leaf's id (an existing tag is reused)."""
    leaf = tag_sql.upsert_path(conn, owner_id, value)
    if leaf is None:
        raise ValueError(f"not a tag path: {value!r}")
    return str(leaf["id"])


def tag_assets(conn: Conn, tag_id: str, asset_ids: list[str]) -> None:
    """Put the tag on the assets (links that exist are kept; exif `tags` refreshed)."""
    tag_sql.link_assets(conn, [(tag_id, a) for a in asset_ids])


def row(conn: Conn, query: str, *params: Any) -> DictRow | None:
    """One row of a query; a convenience for tests that check state at SQL level."""
    return conn.execute(query, params).fetchone()


def add_stack(conn: Conn, owner_id: str, asset_ids: list[str]) -> str:
    """A stack of the assets, the first one primary (3.x: `stack` row + `asset.stackId`)."""
    sid = str(uuid.uuid4())
    conn.execute(
        'INSERT INTO stack (id, "primaryAssetId", "ownerId") VALUES (%s, %s, %s)',
        (sid, asset_ids[0], owner_id),
    )
    conn.execute('UPDATE asset SET "stackId" = %s WHERE id = ANY(%s::uuid[])', (sid, asset_ids))
    return sid


def set_quota_usage(conn: Conn) -> None:
    """Every user's usage as Immich's usage job computes it: the sizes of their uploads."""
    conn.execute(
        'UPDATE "user" u SET "quotaUsageInBytes" = (SELECT coalesce(sum(e."fileSizeInByte"), 0)'
        ' FROM asset a JOIN asset_exif e ON e."assetId" = a.id'
        ' WHERE a."ownerId" = u.id AND a."libraryId" IS NULL)'
    )
