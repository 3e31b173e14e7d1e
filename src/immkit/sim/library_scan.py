"""External library scans: files under the import paths become assets of the library owner.

As Immich 3.1 does it: only supported image/video extensions, exclusion globs honoured,
`checksum` = SHA-1 of `"path:" + originalPath` (`checksumAlgorithm` `sha1-path`), dates
from the file's mtime, and assets whose file vanished go offline (and to the trash).
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg.rows import DictRow

from immkit.sim.media import asset_type, image_size

log = logging.getLogger(__name__)

Conn = psycopg.Connection[DictRow]


def path_checksum(original_path: str) -> bytes:
    return hashlib.sha1(f"path:{original_path}".encode()).digest()


def excluded(path: str, patterns: list[str]) -> bool:
    # fnmatch's "*" crosses "/", so "**/@eaDir/**" and "**/*.tmp" behave as globstar patterns
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def crawl(import_paths: list[str], patterns: list[str]) -> list[Path]:
    """Supported files under the import paths, sorted, exclusions removed."""
    found: list[Path] = []
    for root in import_paths:
        if not os.path.isabs(root) or not os.path.isdir(root):
            continue
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(folder, name)
                if asset_type(name) is None or excluded(full, patterns):
                    continue
                found.append(Path(full))
    return found


def scan_library(conn: Conn, library_id: str) -> tuple[int, int]:
    """Sync one library with the disk; returns (assets added, assets gone offline)."""
    lib = conn.execute(
        'SELECT "ownerId", "importPaths", "exclusionPatterns" FROM library WHERE id = %s',
        (library_id,),
    ).fetchone()
    if lib is None:
        return 0, 0
    files = crawl(list(lib["importPaths"]), list(lib["exclusionPatterns"]))
    on_disk = {str(p) for p in files}
    known = {
        r["originalPath"]: r
        for r in conn.execute(
            'SELECT id, "originalPath", "isOffline" FROM asset WHERE "libraryId" = %s',
            (library_id,),
        ).fetchall()
    }
    added = 0
    for path in files:
        row = known.get(str(path))
        if row is None:
            _add(conn, library_id, str(lib["ownerId"]), path)
            added += 1
        elif row["isOffline"]:
            conn.execute(
                'UPDATE asset SET "isOffline" = false, "deletedAt" = NULL, status = \'active\','
                ' "updatedAt" = now() WHERE id = %s',
                (row["id"],),
            )
    gone = [r["id"] for p, r in known.items() if p not in on_disk and not r["isOffline"]]
    if gone:
        conn.execute(
            'UPDATE asset SET "isOffline" = true, "deletedAt" = coalesce("deletedAt", now()),'
            " status = 'trashed', \"updatedAt\" = now() WHERE id = ANY(%s::uuid[])",
            (gone,),
        )
    _link_live_photos(conn, library_id)
    conn.execute('UPDATE library SET "refreshedAt" = now() WHERE id = %s', (library_id,))
    log.info("library %s scanned: %d added, %d offline", library_id, added, len(gone))
    return added, len(gone)


def _add(conn: Conn, library_id: str, owner_id: str, path: Path) -> None:
    stat = path.stat()
    mtime = datetime.fromtimestamp(stat.st_mtime, UTC)
    kind = asset_type(path.name) or "IMAGE"
    dims = image_size(path) if kind == "IMAGE" else None
    width, height = dims if dims else (None, None)
    asset_id = str(uuid.uuid4())
    conn.execute(
        'INSERT INTO asset (id, "ownerId", type, "originalPath", "fileCreatedAt",'
        ' "fileModifiedAt", "localDateTime", checksum, "checksumAlgorithm", "originalFileName",'
        ' "libraryId", "isExternal", width, height, thumbhash)'
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'sha1-path', %s, %s, true, %s, %s, %s)",
        (
            asset_id,
            owner_id,
            kind,
            str(path),
            mtime,
            mtime,
            mtime,
            path_checksum(str(path)),
            path.name,
            library_id,
            width,
            height,
            hashlib.sha1(str(path).encode()).digest(),
        ),
    )
    conn.execute(
        'INSERT INTO asset_exif ("assetId", "exifImageWidth", "exifImageHeight",'
        ' "fileSizeInByte", "dateTimeOriginal", "modifyDate") VALUES (%s, %s, %s, %s, %s, %s)',
        (asset_id, width, height, stat.st_size, mtime, mtime),
    )
    conn.execute(
        'INSERT INTO asset_job_status ("assetId", "metadataExtractedAt") VALUES (%s, now())',
        (asset_id,),
    )


def _link_live_photos(conn: Conn, library_id: str) -> None:
    """Pair a still with the video of the same folder and stem, and hide the video.

    3.1 pairs them by the Apple ContentIdentifier both files carry in their metadata;
    the simulator reads no metadata, so the shared name stands in for it.
    """
    conn.execute(
        "WITH pairs AS (SELECT i.id AS still, v.id AS motion FROM asset i JOIN asset v"
        " ON v.\"libraryId\" = i.\"libraryId\" AND v.type = 'VIDEO' AND i.type = 'IMAGE'"
        " AND regexp_replace(v.\"originalPath\", '\\.[^./]*$', '')"
        " = regexp_replace(i.\"originalPath\", '\\.[^./]*$', '')"
        ' WHERE i."libraryId" = %s AND i."livePhotoVideoId" IS NULL AND i."deletedAt" IS NULL'
        ' AND v."deletedAt" IS NULL),'
        ' linked AS (UPDATE asset a SET "livePhotoVideoId" = p.motion, "updatedAt" = now()'
        " FROM pairs p WHERE a.id = p.still RETURNING p.motion)"
        " UPDATE asset SET visibility = 'hidden', \"updatedAt\" = now()"
        " WHERE id IN (SELECT motion FROM linked)",
        (library_id,),
    )


def validate_path(path: str) -> dict[str, object]:
    """One entry of `POST /libraries/{id}/validate`, worded as 3.1 words it."""
    out: dict[str, object] = {"importPath": path, "isValid": False}
    if not os.path.isabs(path):
        out["message"] = f"Import path must be absolute, try {os.path.join(os.getcwd(), path)}"
    elif not os.path.exists(path):
        out["message"] = "Path does not exist (ENOENT)"
    elif not os.path.isdir(path):
        out["message"] = "Not a directory"
    elif not os.access(path, os.R_OK):
        out["message"] = "Lacking read permission for folder"
    else:
        out["isValid"] = True
    return out
