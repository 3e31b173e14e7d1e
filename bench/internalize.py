"""Benchmark: `library internalize` on a 2 000-asset external library of real files.

Run: .venv/bin/python -m bench.internalize [--assets N] [--concurrency C] [--sizes phone]

One library of real files (mixed sizes: small and large JPEGs, videos, some live photos),
scanned by the simulator's scanner, 30% of the stills in albums, named faces on 40%, some
favourites, descriptions and ratings. Three runs, each on its own copy of that database and
its own simulator process (so the client's figures are the client's alone):

1. plain upload: every file uploaded with `x-immich-checksum`, `C` at a time, nothing else;
2. internalize: collect + plan + apply (upload, carry, verify, trash) through the job API,
   `C` at a time;
3. the community script's algorithm: sequential, upload, then one call per metadata field
   (favourite, description, rating, date, location), one album call per album, one face
   call per face, one delete per asset.

Printed: wall time, assets/s, requests by endpoint, and the two ratios asked for: internalize
vs plain upload (target ≥ 0.8) and internalize vs the community algorithm.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from bench.library import postgres, simulator
from immkit.engine import Journal
from immkit.immich import (
    AlbumId,
    AssetId,
    AssetUpdate,
    FaceCreate,
    Immich,
    LibraryId,
    PersonId,
    file_sha1,
)
from immkit.jobs.assetcopy.model import Unit
from immkit.jobs.library.apply import internalize
from immkit.jobs.library.collect import collect
from immkit.jobs.library.plan import plan_internalize
from immkit.sim import seed
from immkit.sim.database import create_database, install_schema
from immkit.sim.jpeg import solid_jpeg
from immkit.sim.library_scan import scan_library

BASE = "immkit_bench_internalize"


# bytes appended to a JPEG / a video, by size mix, as (low, high, shift): randint(low,
# high) << shift, for the small photos, the large ones, the videos and live-photo motions
SIZES = {
    # the original mix: mostly tiny files, so per-request costs dominate
    "mixed": ((8_000, 50_000, 0), (200_000, 600_000, 0), (1, 3, 20), (1, 2, 19)),
    # phone-like: photos 2–6 MB, videos 20–60 MB, live-photo motion 2–4 MB
    "phone": ((2_000_000, 4_000_000, 0), (4_000_000, 6_000_000, 0), (20, 60, 20), (2, 4, 20)),
}


def _size(rng: random.Random, spec: tuple[int, int, int]) -> int:
    low, high, shift = spec
    return rng.randint(low, high) << shift


def write_files(root: Path, n: int, rng: random.Random, mix: str = "mixed") -> int:
    """`n` assets: ~85% small JPEGs, ~10% large ones, ~3% videos, ~5% of stills live."""
    small, large, video, motion_size = SIZES[mix]
    total = 0
    made = 0
    i = 0
    while made < n:
        folder = root / f"{2015 + i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        roll = rng.random()
        if roll < 0.03:
            path = folder / f"VID_{i:05d}.mp4"
            path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + rng.randbytes(_size(rng, video)))
            made += 1
        else:
            pad = _size(rng, large) if roll < 0.13 else _size(rng, small)
            jpeg = solid_jpeg(64, 48, (i % 255, 80, 160), comment=f"bench {i}")
            path = folder / f"IMG_{i:05d}.jpg"
            path.write_bytes(jpeg + rng.randbytes(pad))  # bytes after EOI: still a JPEG
            made += 1
            if rng.random() < 0.05 and made < n:
                motion = folder / f"IMG_{i:05d}.mov"
                motion.write_bytes(
                    b"\x00\x00\x00\x18ftypqt  " + rng.randbytes(_size(rng, motion_size))
                )
                made += 1
                total += motion.stat().st_size
        total += path.stat().st_size
        i += 1
    return total


def seed_base(admin_url: str, root: Path, rng: random.Random) -> tuple[str, str, str]:
    """The base database: admin, library scanned from `root`, albums, faces, metadata."""
    url = create_database(admin_url, BASE)
    install_schema(url)
    with psycopg.connect(url, row_factory=dict_row) as conn:
        owner = seed.add_user(conn, "bench@example.com", "Bench", is_admin=True)
        key = seed.add_api_key(conn, owner)
        library = seed.add_library(conn, owner, "Bench", [str(root)])
        scan_library(conn, library)
        stills = [
            str(r["id"])
            for r in conn.execute(
                "SELECT id FROM asset WHERE \"libraryId\" = %s AND visibility = 'timeline'"
                ' ORDER BY "originalPath"',
                (library,),
            ).fetchall()
        ]
        in_albums = rng.sample(stills, int(len(stills) * 0.3))
        for k in range(10):
            seed.add_album(conn, owner, f"Album {k}", in_albums[k::10])
        people = [seed.add_person(conn, owner, f"Person {k}") for k in range(20)]
        faced = rng.sample(stills, int(len(stills) * 0.4))
        seed.add_faces(
            conn,
            [
                seed.FaceSeed(
                    a, rng.choice(people), (8, 8, 24, 24), image_width=64, image_height=48
                )
                for a in faced
            ],
        )
        for asset_id in rng.sample(stills, len(stills) // 5):
            conn.execute(
                'UPDATE asset_exif SET description = %s, rating = %s WHERE "assetId" = %s',
                (f"note {asset_id[:4]}", rng.randint(1, 5), asset_id),
            )
        conn.execute(
            'UPDATE asset SET "isFavorite" = true WHERE id = ANY(%s::uuid[])',
            (rng.sample(stills, len(stills) // 10),),
        )
    return url, key, library


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def plain_upload(immich: Immich, files: list[Path], concurrency: int) -> None:
    def one(path: Path) -> None:
        immich.assets.upload(path, file_created_at="2020-01-01T00:00:00Z", checksum=file_sha1(path))

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, files))


def run_internalize(immich: Immich, library_id: str, concurrency: int, state: Path) -> int:
    started = time.perf_counter()
    lib = immich.libraries.get(LibraryId(library_id))
    snapshot = collect(immich, lib)
    plan = plan_internalize(snapshot, keep_external=False, profile=None)
    planned = time.perf_counter()
    with Journal(state / "journal.sqlite3") as journal:
        result = internalize(plan, snapshot, immich, journal, concurrency=concurrency)
    assert result.failed == 0, result.failures[:3]
    print(
        f"{'':>18}collect + plan {planned - started:.1f}s, apply "
        f"{time.perf_counter() - planned:.1f}s"
    )
    return len(plan.actions)


def community(immich: Immich, library_id: str) -> None:
    """Sequential; one call per field, per album, per face; one delete per asset."""
    lib = immich.libraries.get(LibraryId(library_id))
    snapshot = collect(immich, lib)
    for unit in snapshot.units:
        _community_unit(immich, unit)


def _community_unit(immich: Immich, unit: Unit) -> None:
    still = unit.still
    motion_id = None
    if unit.motion is not None:
        motion_id = immich.assets.upload(
            Path(unit.motion.path), file_created_at=unit.motion.file_created_at, visibility="hidden"
        ).id
    new = immich.assets.upload(
        Path(still.path), file_created_at=still.file_created_at, live_photo_video_id=motion_id
    ).id
    one = immich.assets.update
    if still.is_favorite:
        one(new, AssetUpdate(is_favorite=True))
    if still.description:
        one(new, AssetUpdate(description=still.description))
    if still.rating is not None:
        one(new, AssetUpdate(rating=still.rating))
    if still.date_time_original:
        one(new, AssetUpdate(date_time_original=still.date_time_original))
    if still.latitude is not None and still.longitude is not None:
        one(new, AssetUpdate(latitude=still.latitude, longitude=still.longitude))
    for album in still.albums:
        immich.albums.add_assets(AlbumId(album), [new])
    for face in still.faces:
        immich.faces.create(
            FaceCreate(
                asset_id=new,
                person_id=PersonId(face.person_id),
                image_width=face.image_width,
                image_height=face.image_height,
                x=face.x1,
                y=face.y1,
                width=face.x2 - face.x1,
                height=face.y2 - face.y1,
            )
        )
    immich.assets.delete([AssetId(i) for i in unit.source_ids])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--sizes",
        choices=sorted(SIZES),
        default="mixed",
        help="file sizes: mixed (the original, small files) or phone (2–6 MB photos, "
        "20–60 MB videos; try --assets 400)",
    )
    args = parser.parse_args()
    rng = random.Random(7)
    with postgres() as admin_url, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "library"
        size = write_files(root, args.assets, rng, args.sizes)
        files = sorted(p for p in root.rglob("*") if p.is_file())
        started = time.perf_counter()
        _, key, library_id = seed_base(admin_url, root, rng)
        print(
            f"library: {len(files):,} files, {size / 1e6:,.0f} MB, seeded in "
            f"{time.perf_counter() - started:.1f}s; concurrency {args.concurrency}, "
            f"sizes {args.sizes}"
        )
        figures: dict[str, tuple[float, Counter[str]]] = {}
        for name in ("plain upload", "internalize", "community script"):
            url = create_database(admin_url, f"{BASE}_{name.split()[0]}", template=BASE)
            with (
                simulator(url) as sim,
                Immich.connect(sim.url, key, concurrency=args.concurrency) as immich,
            ):
                if name == "plain upload":
                    wall = timed(lambda: plain_upload(immich, files, args.concurrency))
                elif name == "internalize":
                    (Path(tmp) / "state").mkdir()
                    wall = timed(
                        lambda: run_internalize(
                            immich, library_id, args.concurrency, Path(tmp) / "state"
                        )
                    )
                else:
                    wall = timed(lambda: community(immich, library_id))
                figures[name] = (wall, sim.counts())
            total = sum(figures[name][1].values())
            top = ", ".join(f"{k} ×{v:,}" for k, v in figures[name][1].most_common(6))
            print(
                f"{name:>16}: {wall:7.1f}s  {len(files) / wall:7.1f} files/s  "
                f"{total:,} requests ({top})"
            )
        plain = figures["plain upload"][0]
        mine = figures["internalize"][0]
        naive = figures["community script"][0]
        print(f"internalize vs plain upload throughput: {plain / mine:.2f}x (target >= 0.8)")
        print(f"internalize vs community algorithm:     {naive / mine:.2f}x faster")


if __name__ == "__main__":
    main()
