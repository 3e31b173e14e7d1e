"""Benchmark: people migration (`people migrate`) between two users of one simulator.

Run: .venv/bin/python -m bench.people [--assets N] [--persons P] [--faces F] [--concurrency C]
     (quick check: --assets 1000 --persons 30 --faces 1500)

One database, three users with the same photos (same checksums, names and times):
- `source`: P named persons, F faces on 3/4 of the assets (two faces on each), boxes on
  a 1440×1080 preview;
- `target` and `naive`: the same faces as face detection would find them again: boxes on
  a 720×540 preview, a pixel or two off; two thirds clustered into unnamed persons (one
  cluster per source person), one third unassigned.

immkit migrates source → target through the job's Python API; the naive baseline
migrates source → naive with plain httpx, following the community script: names per face
box from every asset's `GET /faces`, target assets found by file name with one search per
asset, then face by face: `GET /faces` on the target asset, find the box, create the
person if new, `PUT /faces/{personId}`. Both run at the same concurrency limit (a thread
pool of that size for the naive per-asset loops). Requests are counted by the simulator.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
from psycopg.rows import dict_row

from bench.library import SimHandle, postgres, simulator
from immkit.engine import Journal
from immkit.immich import Immich
from immkit.jobs.people.collect import read_source
from immkit.jobs.people.match import Box, iou
from immkit.jobs.people.plan import Options
from immkit.jobs.people.run import ImportOutcome, import_people
from immkit.sim import seed
from immkit.sim.database import create_database, install_schema

T = TypeVar("T")
BASE = datetime(2015, 1, 1, tzinfo=UTC)
SRC_FRAME = (1440, 1080)
DST_FRAME = (720, 540)
SLOTS = ((100, 100, 300, 330), (700, 120, 900, 350))


@dataclass(frozen=True)
class Users:
    source: str
    target: str
    naive: str


def _photos(owner: str, n: int) -> list[seed.AssetSeed]:
    return [
        seed.AssetSeed(
            owner,
            f"IMG_{i:05d}.jpg",
            BASE + timedelta(minutes=i),
            checksum=hashlib.sha1(f"photo {i}".encode()).digest(),
        )
        for i in range(n)
    ]


def seed_world(url: str, assets: int, persons: int, faces: int) -> Users:
    rng = random.Random(42)
    with psycopg.connect(url, row_factory=dict_row) as conn:
        keys = {}
        for who in ("source", "target", "naive"):
            uid = seed.add_user(conn, f"{who}@example.com", who.title())
            keys[who] = (uid, seed.add_api_key(conn, uid))
        src_uid, dst_uids = keys["source"][0], [keys["target"][0], keys["naive"][0]]
        names = [f"Person {p:03d}" for p in range(persons)]
        src_people = [seed.add_person(conn, src_uid, n) for n in names]
        with_faces = min(assets, faces // 2)
        plan = [(a, s, rng.randrange(persons)) for a in range(with_faces) for s in range(2)]
        plan = plan[:faces]
        ids = seed.add_assets(conn, _photos(src_uid, assets))
        seed.add_faces(
            conn,
            [seed.FaceSeed(ids[a], src_people[p], SLOTS[s], *SRC_FRAME) for a, s, p in plan],
        )
        for uid in dst_uids:
            clusters = [seed.add_person(conn, uid, "") for _ in range(persons)]
            tids = seed.add_assets(conn, _photos(uid, assets))
            rows = []
            for n, (a, s, p) in enumerate(plan):
                x1, y1, x2, y2 = (v // 2 + rng.randint(-2, 2) for v in SLOTS[s])
                person = clusters[p] if n % 3 else None
                rows.append(seed.FaceSeed(tids[a], person, (x1, y1, x2, y2), *DST_FRAME))
            seed.add_faces(conn, rows)
        # a real server's database has planner statistics (autovacuum): give them too
        conn.commit()
        for table in ("asset", "asset_exif", "asset_face", "person"):
            conn.execute(f"ANALYZE {table}")
    return Users(keys["source"][1], keys["target"][1], keys["naive"][1])


def migrate(
    url: str, users: Users, concurrency: int, state: Path, phases: dict[str, float] | None = None
) -> ImportOutcome:
    """immkit's way: the job's Python API, source → target, journaled under `state`;
    `phases` receives the seconds of the source read and of the import."""
    phases = {} if phases is None else phases
    src = Immich.connect(url, users.source, concurrency=concurrency)
    dst = Immich.connect(url, users.target, concurrency=concurrency)
    with src, dst, Journal(state / "journal.sqlite3") as journal:
        started = time.perf_counter()
        source = read_source(src)
        phases["source read"] = time.perf_counter() - started
        outcome = import_people(
            dst, source, Options(), journal=journal, profile="bench", dry_run=False
        )
        phases["target read, plan, apply"] = time.perf_counter() - started - phases["source read"]
        return outcome


def timed(sim: SimHandle, work: Callable[[], T]) -> tuple[T, float, Counter[str]]:
    sim.reset()
    started = time.perf_counter()
    value = work()
    return value, time.perf_counter() - started, sim.counts()


# -- naive ----------------------------------------------------------------------------


def _box(face: dict[str, Any]) -> Box:
    return Box.from_pixels(
        face["boundingBoxX1"],
        face["boundingBoxY1"],
        face["boundingBoxX2"],
        face["boundingBoxY2"],
        face["imageWidth"],
        face["imageHeight"],
    )


Row = tuple[str, str, Box]


def _client(url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=f"{url}/api", headers={"x-api-key": key}, timeout=120)


def naive_export(url: str, source_key: str, workers: int) -> list[Row]:
    """Every asset by `page=n`, then its faces: (file name, person name, box) per face."""
    with _client(url, source_key) as src, ThreadPoolExecutor(workers) as pool:
        assets: list[dict[str, Any]] = []
        page: int | None = 1
        while page is not None:
            body = {"page": page, "size": 1000}
            found = src.post("/search/metadata", json=body).raise_for_status().json()["assets"]
            assets += found["items"]
            page = int(found["nextPage"]) if found["nextPage"] else None

        def names_of(asset: dict[str, Any]) -> list[Row]:
            faces = src.get("/faces", params={"id": asset["id"]}).raise_for_status().json()
            return [
                (asset["originalFileName"], f["person"]["name"], _box(f))
                for f in faces
                if f["person"] and f["person"]["name"]
            ]

        return [row for rows in pool.map(names_of, assets) for row in rows]


def naive_import(
    url: str, target_key: str, rows: list[Row], workers: int, spent: dict[str, float] | None = None
) -> int:
    """Face by face: find the asset by file name, its faces, the box; name the face.

    `spent` receives the seconds spent waiting on each kind of request (summed over
    threads): which step the loop's time goes to."""
    people: dict[str, str] = {}
    lock = threading.Lock()
    spent = {} if spent is None else spent

    def send(step: str, request: Callable[[], httpx.Response]) -> Any:
        started = time.perf_counter()
        answer = request().raise_for_status().json()
        with lock:
            spent[step] = spent.get(step, 0.0) + time.perf_counter() - started
        return answer

    with _client(url, target_key) as dst, ThreadPoolExecutor(workers) as pool:

        def person(name: str) -> str:
            if name not in people:  # the script's cache; creation races are its own bug
                created = send("create", lambda: dst.post("/people", json={"name": name}))
                people.setdefault(name, created["id"])
            return people[name]

        def name_face(row: Row) -> int:
            file_name, name, box = row
            body = {"originalFileName": file_name, "size": 10}
            found = send("search", lambda: dst.post("/search/metadata", json=body))
            items = found["assets"]["items"]
            if not items:
                return 0
            asset = items[0]["id"]
            faces = send("faces", lambda: dst.get("/faces", params={"id": asset}))
            best = max(faces, key=lambda f: iou(box, _box(f)), default=None)
            if best is None or iou(box, _box(best)) < 0.5:
                return 0
            who = person(name)
            send("put", lambda: dst.put(f"/faces/{who}", json={"id": best["id"]}))
            return 1

        return sum(pool.map(name_face, rows))


# -- main -----------------------------------------------------------------------------


def _print_endpoints(columns: list[tuple[str, Counter[str]]]) -> None:
    endpoints = sorted(
        {e for _, c in columns for e in c}, key=lambda e: -max(c[e] for _, c in columns)
    )
    print(f"  {'endpoint':34}" + "".join(f"{label:>12}" for label, _ in columns))
    for endpoint in endpoints:
        print(f"  {endpoint:34}" + "".join(f"{c[endpoint]:>12,}" for _, c in columns))
    print(f"  {'total':34}" + "".join(f"{sum(c.values()):>12,}" for _, c in columns))


def _print_floor(
    counts: Counter[str], export: Counter[str], export_wall: float, wall: float
) -> None:
    """The least immkit can spend: its GET /faces at the rate the naive export got."""
    rate = export["GET /faces"] / export_wall if export_wall else 0.0
    if rate:
        floor = counts["GET /faces"] / rate
        print(
            f"GET /faces at {rate:.0f}/s (the naive export's rate): immkit's "
            f"{counts['GET /faces']:,} alone take {floor:.1f} s of its {wall:.1f} s"
        )


def _print_search_share(
    spent: dict[str, float], loop: Counter[str], loop_wall: float, export_wall: float, wall: float
) -> None:
    """The naive loop's wall time if its file-name search cost what a GET /faces costs.

    Immich 3.1 has a trigram index on the file name that the simulator cannot build, so
    there each search is cheaper than here: this bounds how much of the ratio that is."""
    searches, faces = loop["POST /search/metadata"], loop["GET /faces"]
    total = sum(spent.values())
    if not (searches and faces and total):
        return
    cheap = searches * spent["faces"] / faces
    share = spent.get("search", 0.0) / total
    naive = export_wall + loop_wall * (total - spent.get("search", 0.0) + cheap) / total
    print(
        f"naive loop: the file-name search takes {share:.0%} of its request time; were it as "
        f"cheap as a GET /faces, naive ≈ {naive:.1f} s, {naive / wall:.1f}× immkit"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--faces", type=int, default=15_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--naive-sample", type=int, default=None, help="Faces the naive loop really names."
    )
    args = parser.parse_args(argv)
    with postgres() as admin:
        url = create_database(admin, "immkit_bench_people")
        install_schema(url)
        started = time.perf_counter()
        users = seed_world(url, args.assets, args.persons, args.faces)
        print(
            f"seeded 3 users × {args.assets:,} assets, {args.persons} named persons and "
            f"{args.faces:,} faces per side in {time.perf_counter() - started:.1f} s"
        )
        with simulator(url) as sim, tempfile.TemporaryDirectory() as state:
            phases: dict[str, float] = {}
            outcome, wall, counts = timed(
                sim, lambda: migrate(sim.url, users, args.concurrency, Path(state), phases)
            )
            report = outcome.report
            print(f"\nconcurrency limit {args.concurrency} for both")
            print(
                f"immkit: {report.assets_matched:,} photos matched, {report.faces_assign:,} "
                f"faces named, {len(report.people_create)} persons created, "
                f"{outcome.result.failed if outcome.result else 0} failed; {wall:.2f} s ("
                + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
                + ")",
                flush=True,
            )
            rows, export_wall, export_counts = timed(
                sim, lambda: naive_export(sim.url, users.source, args.concurrency)
            )
            tried = rows if args.naive_sample is None else rows[: args.naive_sample]
            spent: dict[str, float] = {}
            named, loop_wall, loop_counts = timed(
                sim, lambda: naive_import(sim.url, users.naive, tried, args.concurrency, spent)
            )
        scale = len(rows) / len(tried) if tried else 1.0
        naive_counts = export_counts + Counter(
            {e: round(n * scale) for e, n in loop_counts.items()}
        )
        naive_wall = export_wall + loop_wall * scale
        print(
            f"naive:  export {export_wall:.2f} s ({len(rows):,} faces); face-by-face import "
            f"of {len(tried):,} faces ({named:,} named) {loop_wall:.2f} s"
            + (f", extrapolated ×{scale:.1f} to all faces" if scale > 1 else "")
        )
        _print_endpoints([("immkit", counts), ("naive", naive_counts)])
        print(f"  {'wall time (s)':34}{wall:>12.2f}{naive_wall:>12.2f}")
        print(
            f"\nnaive / immkit: {sum(naive_counts.values()) / sum(counts.values()):.1f}× the "
            f"requests, {naive_wall / wall:.1f}× the wall time as measured (target ≥ 5×; the "
            "simulator's file-name search has no trigram index, see the last line)"
        )
        _print_floor(counts, export_counts, export_wall, wall)
        _print_search_share(spent, loop_counts, loop_wall * scale, export_wall, wall)


if __name__ == "__main__":
    main()
