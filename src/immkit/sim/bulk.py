"""A large synthetic library by COPY, shaped like the one IMMICH_PERFORMANCE.md measured.

Assets spread over ten years (2016–2025) with `checksum` = sha1(id); persons in families
of five with Zipf-like weights; faces on some assets (1–3 each, from one family); optional
512-dimension embeddings (off by default: they dominate the cost).
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.rows import DictRow

log = logging.getLogger(__name__)

Conn = psycopg.Connection[DictRow]

START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2026, 1, 1, tzinfo=UTC) - START).total_seconds())
BATCH = 10_000
FAMILY = 5
WIDTH, HEIGHT = 800, 600


@dataclass(frozen=True)
class LargeLibrary:
    """What was seeded; persons in creation order (`P0001` first)."""

    owner_id: str
    n_assets: int
    person_ids: list[str]
    n_faces: int


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _batches(n: int) -> Iterator[range]:
    for start in range(0, n, BATCH):
        yield range(start, min(n, start + BATCH))


def seed_large_library(
    conn: Conn,
    owner_id: str,
    n_assets: int,
    n_persons: int,
    n_faces: int,
    rng_seed: int = 0,
    *,
    embeddings: bool = False,
) -> LargeLibrary:
    """Insert `n_assets` assets (+exif, job status), persons and faces for `owner_id`.

    Deterministic for a given `rng_seed`. Commits nothing; runs ANALYZE at the end so the
    planner sees the real sizes, as the measured server did.
    """
    rng = random.Random(rng_seed)
    asset_ids = [_uuid(rng) for _ in range(n_assets)]
    _copy_assets(conn, owner_id, asset_ids, rng)
    person_ids = _copy_persons(conn, owner_id, n_persons, rng)
    faces = _copy_faces(conn, asset_ids, person_ids, n_faces, rng, embeddings)
    conn.execute(
        'UPDATE person p SET "faceAssetId" = f.id FROM (SELECT DISTINCT ON ("personId")'
        ' "personId", id FROM asset_face WHERE "personId" = ANY(%s::uuid[])'
        ' ORDER BY "personId", id) f WHERE p.id = f."personId"',
        (person_ids,),
    )
    for table in ("asset", "asset_exif", "asset_job_status", "person", "asset_face"):
        conn.execute(f"ANALYZE {table}")
    log.info("seeded %d assets, %d persons, %d faces", n_assets, len(person_ids), faces)
    return LargeLibrary(owner_id, n_assets, person_ids, faces)


def _copy_assets(conn: Conn, owner_id: str, ids: list[str], rng: random.Random) -> None:
    taken = [START + timedelta(seconds=rng.randrange(SPAN_SECONDS)) for _ in ids]
    sizes = [rng.randrange(90_000, 130_000) for _ in ids]
    with conn.cursor() as cur:
        for part in _batches(len(ids)):
            with cur.copy(
                'COPY asset (id, "ownerId", type, "originalPath", "fileCreatedAt",'
                ' "fileModifiedAt", "localDateTime", checksum, "checksumAlgorithm",'
                ' "originalFileName", width, height) FROM STDIN'
            ) as copy:
                for i in part:
                    aid = ids[i]
                    copy.write_row((
                        aid, owner_id, "IMAGE",
                        f"/data/upload/{owner_id}/{aid[:2]}/{aid[2:4]}/{aid}.jpg",
                        taken[i], taken[i], taken[i], hashlib.sha1(aid.encode()).digest(),
                        "sha1", f"IMG_{i + 1:06d}.jpg", WIDTH, HEIGHT,
                    ))  # fmt: skip
            with cur.copy(
                'COPY asset_exif ("assetId", "exifImageWidth", "exifImageHeight",'
                ' "fileSizeInByte", "dateTimeOriginal", "modifyDate", make, model) FROM STDIN'
            ) as copy:
                for i in part:
                    copy.write_row(
                        (ids[i], WIDTH, HEIGHT, sizes[i], taken[i], taken[i], "Canon", "EOS")
                    )
            with cur.copy(
                'COPY asset_job_status ("assetId", "metadataExtractedAt", "facesRecognizedAt")'
                " FROM STDIN"
            ) as copy:
                now = datetime.now(UTC)
                for i in part:
                    copy.write_row((ids[i], now, now))


def _copy_persons(conn: Conn, owner_id: str, n: int, rng: random.Random) -> list[str]:
    ids = [_uuid(rng) for _ in range(n)]
    with (
        conn.cursor() as cur,
        cur.copy('COPY person (id, "ownerId", name, "thumbnailPath") FROM STDIN') as copy,
    ):
        for i, pid in enumerate(ids):
            path = f"/data/thumbs/{owner_id}/{pid[:2]}/{pid[2:4]}/{pid}.jpeg"
            copy.write_row((pid, owner_id, f"P{i + 1:04d}", path))
    return ids


def _faces_per_asset(n_faces: int, rng: random.Random) -> list[int]:
    """1, 2 or 3 faces per face-bearing asset in the measured 25 : 10 : 5 proportion."""
    counts: list[int] = []
    left = n_faces
    while left > 0:
        k = min(left, rng.choices((1, 2, 3), weights=(25, 10, 5))[0])
        counts.append(k)
        left -= k
    return counts


def _copy_faces(
    conn: Conn,
    asset_ids: list[str],
    person_ids: list[str],
    n_faces: int,
    rng: random.Random,
    embeddings: bool,
) -> int:
    if not person_ids or not asset_ids or n_faces <= 0:
        return 0
    counts = _faces_per_asset(n_faces, rng)
    carriers = rng.sample(asset_ids, min(len(counts), len(asset_ids)))
    families = [person_ids[i : i + FAMILY] for i in range(0, len(person_ids), FAMILY)]
    # Zipf-like: family f weighs (f+1)^-0.7, which gives the measured spread (max ≈ 3 %)
    family_weights = [(f + 1) ** -0.7 for f in range(len(families))]
    written = 0
    rows: list[tuple[str, str, str, int, int, int, int]] = []
    for asset_id, k in zip(carriers, counts, strict=False):
        family = rng.choices(families, weights=family_weights)[0]
        chosen = _pick_members(family, min(k, len(family)), rng)
        for slot, person_id in enumerate(chosen):
            x1 = 40 + slot * 250
            y1 = rng.randrange(20, 300)
            rows.append((_uuid(rng), asset_id, person_id, x1, y1, x1 + 180, y1 + 220))
    with conn.cursor() as cur:
        for part in _batches(len(rows)):
            with cur.copy(
                'COPY asset_face (id, "assetId", "personId", "imageWidth", "imageHeight",'
                ' "boundingBoxX1", "boundingBoxY1", "boundingBoxX2", "boundingBoxY2") FROM STDIN'
            ) as copy:
                for fid, aid, pid, x1, y1, x2, y2 in (rows[i] for i in part):
                    copy.write_row((fid, aid, pid, WIDTH, HEIGHT, x1, y1, x2, y2))
                    written += 1
            if embeddings:
                with cur.copy('COPY face_search ("faceId", embedding) FROM STDIN') as copy:
                    for i in part:
                        copy.write_row((rows[i][0], _embedding(rng)))
    return written


def _pick_members(family: list[str], k: int, rng: random.Random) -> list[str]:
    pool = list(family)
    weights = [(m + 1) ** -0.4 for m in range(len(pool))]
    chosen: list[str] = []
    for _ in range(k):
        index = rng.choices(range(len(pool)), weights=weights)[0]
        chosen.append(pool.pop(index))
        weights.pop(index)
    return chosen


def _embedding(rng: random.Random) -> str:
    values = [rng.gauss(0, 1) for _ in range(512)]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return "[" + ",".join(f"{v / norm:.5f}" for v in values) + "]"
