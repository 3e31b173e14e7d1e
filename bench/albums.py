"""Benchmark: smart albums (`albums sync`) on a 100 000-asset library.

Run: .venv/bin/python -m bench.albums [--assets N] [--persons P] [--faces F]
     (quick check: --assets 5000 --persons 50 --faces 3000)

Two rules, synced together through the job's Python API (`immkit.jobs.albums.sync`) with a
temporary state directory and journal:

- a people rule, `match = "any"`, over the three persons with the most photos;
- a faceless rule, `match = "none"` (default mode no_people), `settle = 0` so the freshly
  seeded assets count.

Phases, on one seeded library served by the simulator in a child process:

1. cold sync (empty state, albums missing) against the minimum requests a tool needs: the
   search pages of 1000 to read what fits, the batched writes (≤ 10 000 ids) and the fixed
   reads (users/me, albums, people);
2. warm sync with nothing changed: wall time, requests, writes (must be 0);
3. the naive baseline of the community scripts with plain httpx, into two other albums:
   one `personIds` search per person and a `withPeople` scan of the whole library, both
   paged with `page=n` (LIMIT/OFFSET), then one `PUT /albums/{id}/assets` per asset. The
   writes run on a sample and are extrapolated linearly (said so in the output);
4. warm sync after a small change (new faceless assets inserted by SQL, one photo of a
   person trashed through the API): the incremental reads must catch both.

5. a bulk update (every asset's `updatedAt` set within the last minute, as an import or
   a library-wide job leaves them), synced, then a warm sync with nothing changed.

Requests are counted by the simulator itself (per "METHOD /template"), so immkit and the
naive client are counted the same way. Memory is the client process's peak RSS during
each phase (sampled by a thread), and how much it grew; `--tracemalloc` reports
tracemalloc's peak of Python allocations instead, at the price of slowing every phase
down (3× the client CPU of a cold sync), so wall and CPU figures are then not comparable.
The client process is this one: the simulator and PostgreSQL run in their own processes.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import math
import os
import random
import resource
import statistics
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg

from bench.library import Seeded, SimHandle, postgres, seed_library, simulator
from immkit.engine import Journal
from immkit.immich import Immich
from immkit.immich.albums import ALBUM_BATCH
from immkit.immich.models import AssetId
from immkit.immich.search import SEARCH_PAGE_MAX
from immkit.jobs.albums import STATE_NAME, AlbumRule, AlbumStateStore, Match, SyncOutcome, sync
from immkit.jobs.albums.plan import changes
from immkit.sim.bulk import SPAN_SECONDS, START

PEOPLE_RULE = "Bench: the three"
FACELESS_RULE = "Bench: nobody"
NAIVE_PEOPLE = "Naive: the three"
NAIVE_FACELESS = "Naive: nobody"

T = TypeVar("T")


# -- measuring ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    label: str
    seconds: float
    cpu: float
    peak_mib: float  # RSS peak during the phase, or tracemalloc's peak with --tracemalloc
    grown_mib: float | None  # RSS: peak minus the RSS at the phase's start
    requests: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    @property
    def writes(self) -> Counter[str]:
        return Counter({k: v for k, v in self.requests.items() if _is_write(k)})


def _is_write(endpoint: str) -> bool:
    method, _, path = endpoint.partition(" ")
    return method in ("PUT", "DELETE", "PATCH") or (method == "POST" and path.startswith("/albums"))


_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    """This process's resident set size now (Linux)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * _PAGE


class RssSampler:
    """The peak RSS of this process while it runs, sampled every `every` seconds by a
    thread (a few µs per sample, so wall and CPU figures stay those of the work)."""

    def __init__(self, every: float = 0.005) -> None:
        self.every = every
        self.start = self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def measure(sim: SimHandle, label: str, work: Callable[[], T], *, trace: bool) -> tuple[T, Figures]:
    """Run `work` once; wall, client CPU, peak memory and the simulator's request counts."""
    gc.collect()
    sim.reset()
    if trace:
        tracemalloc.start()
    with RssSampler() as rss:
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        value = work()
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
    if trace:
        peak, grown = tracemalloc.get_traced_memory()[1] / 2**20, None
        tracemalloc.stop()
    else:
        peak, grown = rss.peak / 2**20, (rss.peak - rss.start) / 2**20
    return value, Figures(label, seconds, cpu, peak, grown, sim.counts())


# -- the library ----------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the seeded library holds, read by SQL (the ground truth for the minimum)."""

    live_assets: int
    photos_per_person: dict[str, int]  # name → distinct live assets with a visible face
    faces_per_person: list[int]
    trio: tuple[str, ...]
    trio_union: int
    trio_all: int


def read_facts(database_url: str, owner_id: str) -> Facts:
    with psycopg.connect(database_url) as conn:
        live = conn.execute(
            'SELECT count(*) FROM asset WHERE "ownerId" = %s AND "deletedAt" IS NULL'
            " AND status <> 'deleted'",
            (owner_id,),
        ).fetchone()
        rows = conn.execute(
            'SELECT p.name, count(DISTINCT f."assetId"), count(f.id) FROM person p'
            ' JOIN asset_face f ON f."personId" = p.id AND f."deletedAt" IS NULL AND f."isVisible"'
            ' JOIN asset a ON a.id = f."assetId" AND a."deletedAt" IS NULL'
            ' WHERE p."ownerId" = %s GROUP BY p.id, p.name ORDER BY 2 DESC, 1',
            (owner_id,),
        ).fetchall()
        trio = tuple(str(r[0]) for r in rows[:3])
        union_all = conn.execute(
            'SELECT count(*), count(*) FILTER (WHERE n = %s) FROM (SELECT f."assetId",'
            ' count(DISTINCT p.name) AS n FROM asset_face f JOIN person p ON p.id = f."personId"'
            ' JOIN asset a ON a.id = f."assetId" AND a."deletedAt" IS NULL'
            ' WHERE p.name = ANY(%s) AND f."deletedAt" IS NULL AND f."isVisible"'
            ' GROUP BY f."assetId") per_asset',
            (len(trio), list(trio)),
        ).fetchone()
    assert live is not None
    assert union_all is not None
    return Facts(
        live_assets=int(live[0]),
        photos_per_person={str(r[0]): int(r[1]) for r in rows},
        faces_per_person=sorted(int(r[2]) for r in rows),
        trio=trio,
        trio_union=int(union_all[0]),
        trio_all=int(union_all[1]),
    )


def backdate(database_url: str, owner_id: str) -> None:
    """Make the seeded library one built up over the years: each asset uploaded (and last
    updated) an hour after it was taken. Freshly seeded, all would share one `updatedAt`
    (the seeding transaction's), which is the bulk-import case `touch_all` shows apart."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            'UPDATE asset SET "createdAt" = "fileCreatedAt" + interval \'1 hour\','
            ' "updatedAt" = "fileCreatedAt" + interval \'1 hour\' WHERE "ownerId" = %s',
            (owner_id,),
        )
        conn.execute("VACUUM ANALYZE asset")


def touch_all(database_url: str, owner_id: str) -> None:
    """Every asset updated within the last minute, as a bulk import or a job over the
    whole library (a metadata refresh) leaves them."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE asset SET \"updatedAt\" = now() - random() * interval '60 seconds'"
            ' WHERE "ownerId" = %s',
            (owner_id,),
        )
        conn.execute("VACUUM ANALYZE asset")


def insert_assets(database_url: str, owner_id: str, n: int) -> list[str]:
    """`n` new assets without faces, by SQL as `sim.bulk` does (created and updated now)."""
    rng = random.Random(7)
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        now = datetime.now(UTC)
        for i, aid in enumerate(ids):
            taken = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
            cur.execute(
                'INSERT INTO asset (id, "ownerId", type, "originalPath", "fileCreatedAt",'
                ' "fileModifiedAt", "localDateTime", checksum, "checksumAlgorithm",'
                ' "originalFileName", width, height) VALUES'
                " (%s, %s, 'IMAGE', %s, %s, %s, %s, %s, 'sha1', %s, 800, 600)",
                (
                    aid,
                    owner_id,
                    f"/data/upload/{owner_id}/{aid[:2]}/{aid[2:4]}/{aid}.jpg",
                    taken,
                    taken,
                    taken,
                    hashlib.sha1(aid.encode()).digest(),
                    f"NEW_{i + 1:04d}.jpg",
                ),
            )
            cur.execute(
                'INSERT INTO asset_exif ("assetId", "exifImageWidth", "exifImageHeight",'
                ' "fileSizeInByte", "dateTimeOriginal", "modifyDate", make, model)'
                " VALUES (%s, 800, 600, 100000, %s, %s, 'Canon', 'EOS')",
                (aid, taken, taken),
            )
            cur.execute(
                'INSERT INTO asset_job_status ("assetId", "metadataExtractedAt",'
                ' "facesRecognizedAt") VALUES (%s, %s, %s)',
                (aid, now, now),
            )
    return ids


# -- immkit ---------------------------------------------------------------------------


def rules(trio: Sequence[str]) -> list[AlbumRule]:
    return [
        AlbumRule(name=PEOPLE_RULE, people=list(trio), match=Match.ANY),
        AlbumRule(name=FACELESS_RULE, match=Match.NONE, settle=timedelta(0)),
    ]


def run_sync(url: str, key: str, chosen: list[AlbumRule], state: Path) -> SyncOutcome:
    """What `immkit albums sync` does after parsing its flags."""
    with (
        Immich.connect(url, key) as immich,
        Journal(state / "journal.sqlite3") as journal,
        AlbumStateStore(state / STATE_NAME) as store,
    ):
        outcome = sync(
            immich,
            chosen,
            journal=journal,
            store=store,
            lock_dir=state / "locks",
            now=datetime.now(UTC),
            profile="bench",
        )
    if outcome.result is not None and (outcome.result.failed or outcome.result.pending):
        raise RuntimeError(f"sync did not finish cleanly: {outcome.result}")
    return outcome


def describe(outcome: SyncOutcome) -> list[str]:
    lines = []
    for read in outcome.reads:
        snap = read.snapshot
        diff = changes(snap)
        new = " (new album)" if snap.album.id is None else ""
        lines.append(
            f"    {snap.rule}{new}: {read.mode} read, {len(snap.matched):,} fit, "
            f"{len(snap.album.assets):,} in the album → +{len(diff.add):,} −{len(diff.remove):,}"
        )
    return lines


def pages(n: int, size: int = SEARCH_PAGE_MAX) -> int:
    return max(1, math.ceil(n / size))


def batches(n: int) -> int:
    return math.ceil(n / ALBUM_BATCH)


def minimum(outcome: SyncOutcome, facts: Facts, persons: int) -> Counter[str]:
    """The fewest requests any client needs to do what this sync did, reading in full.

    People `any` needs one search per person (3.1 ANDs `personIds`); a faceless rule
    needs the whole library with `withPeople`; an existing album needs its contents.
    """
    need: Counter[str] = Counter({"GET /users/me": 1, "GET /albums": 1})
    need["GET /people"] = pages(persons)
    searches = 0
    for read in outcome.reads:
        rule = read.resolved.rule
        if rule.people:
            searches += sum(pages(facts.photos_per_person[p]) for p in rule.people)
        else:
            searches += pages(facts.live_assets)
        if read.snapshot.album.id is not None:
            searches += pages(len(read.snapshot.album.assets))
        else:
            need["POST /albums"] += 1
        diff = changes(read.snapshot)
        if diff.add:
            need["PUT /albums/{id}/assets"] += batches(len(diff.add))
        if diff.remove:
            need["DELETE /albums/{id}/assets"] += batches(len(diff.remove))
    need["POST /search/metadata"] = searches
    return need


# -- naive ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NaiveReads:
    people_album: str
    faceless_album: str
    people: list[str]  # asset ids, in the order found
    faceless: list[str]


def _offset_pages(http: httpx.Client, body: dict[str, Any]) -> Iterable[list[dict[str, Any]]]:
    """`page=n` paging, as the scripts do: LIMIT/OFFSET on the server."""
    page: int | None = 1
    while page is not None:
        r = http.post("/search/metadata", json={**body, "page": page, "size": SEARCH_PAGE_MAX})
        r.raise_for_status()
        assets = r.json()["assets"]
        yield assets["items"]
        page = int(assets["nextPage"]) if assets["nextPage"] and assets["items"] else None


def _album(http: httpx.Client, name: str) -> str:
    for album in http.get("/albums").raise_for_status().json():
        if album["albumName"] == name:
            return str(album["id"])
    return str(http.post("/albums", json={"albumName": name}).raise_for_status().json()["id"])


def naive_reads(http: httpx.Client, trio: Sequence[str]) -> NaiveReads:
    """The community scripts' reads: people by name, one search per person, then every
    asset with its people to find the faceless ones."""
    by_name: dict[str, str] = {}
    page = 1
    while True:
        r = http.get("/people", params={"page": page, "size": 1000, "withHidden": "true"})
        data = r.raise_for_status().json()
        by_name.update((p["name"], p["id"]) for p in data["people"])
        if not data["hasNextPage"]:
            break
        page += 1
    people_album = _album(http, NAIVE_PEOPLE)
    faceless_album = _album(http, NAIVE_FACELESS)
    seen: set[str] = set()
    people: list[str] = []
    for name in trio:
        for items in _offset_pages(http, {"personIds": [by_name[name]]}):
            for item in items:
                if not item["isTrashed"] and item["id"] not in seen:
                    seen.add(item["id"])
                    people.append(item["id"])
    faceless: list[str] = []
    for items in _offset_pages(http, {"withPeople": True}):
        faceless += (i["id"] for i in items if not i["isTrashed"] and not i.get("people"))
    return NaiveReads(people_album, faceless_album, people, faceless)


def naive_writes(http: httpx.Client, jobs: Sequence[tuple[str, Sequence[str]]]) -> int:
    """One `PUT /albums/{id}/assets` per asset, as the scripts do."""
    done = 0
    for album_id, ids in jobs:
        for asset_id in ids:
            http.put(f"/albums/{album_id}/assets", json={"ids": [asset_id]}).raise_for_status()
            done += 1
    return done


# -- printing -------------------------------------------------------------------------


def _memory(f: Figures) -> str:
    if f.grown_mib is None:
        return f"{f.peak_mib:9.1f} {'':>7}"
    return f"{f.peak_mib:9.0f} {f.grown_mib:+7.0f}"


def print_phases(rows: Sequence[Figures], *, trace: bool) -> None:
    memory = f"{'traced':>9} {'':>7}" if trace else f"{'RSS MiB':>9} {'(grew)':>7}"
    print(f"  {'phase':46} {'wall s':>8} {'cpu s':>7} {memory} {'requests':>9} {'writes':>7}")
    for f in rows:
        print(
            f"  {f.label:46} {f.seconds:8.2f} {f.cpu:7.2f} {_memory(f)} "
            f"{f.total:9,} {sum(f.writes.values()):7,}"
        )
    if trace:
        print("  memory: tracemalloc's peak of Python allocations during the phase, MiB")
    else:
        print(
            "  memory: this client process's peak RSS during the phase (sampled every 5 ms) "
            "and how much it grew over the RSS at the phase's start, MiB"
        )


def print_endpoints(columns: Sequence[tuple[str, Counter[str]]]) -> None:
    endpoints = sorted({e for _, c in columns for e in c}, key=lambda e: (e.split()[1], e))
    header = "".join(f"{name:>14}" for name, _ in columns)
    print(f"    {'endpoint':34}{header}")
    for endpoint in endpoints:
        cells = "".join(f"{c.get(endpoint, 0):14,}" for _, c in columns)
        print(f"    {endpoint:34}{cells}")
    totals = "".join(f"{sum(c.values()):14,}" for _, c in columns)
    print(f"    {'total':34}{totals}")


# -- main -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Smart albums: immkit's cold and warm sync vs the community scripts."
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--faces", type=int, default=60_000)
    parser.add_argument(
        "--naive-writes",
        type=int,
        default=2000,
        metavar="N",
        help="per-asset writes the naive baseline really sends per album, the rest "
        "extrapolated linearly (0: send them all; default 2000)",
    )
    parser.add_argument("--new-assets", type=int, default=50, metavar="N")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="memory as tracemalloc's peak instead of the RSS (slows every phase down)",
    )
    args = parser.parse_args()
    trace = args.tracemalloc
    with postgres() as admin_url, tempfile.TemporaryDirectory() as state_dir:
        seeded = seed_library(admin_url, assets=args.assets, persons=args.persons, faces=args.faces)
        backdate(seeded.database_url, seeded.owner_id)
        facts = read_facts(seeded.database_url, seeded.owner_id)
        print_library(seeded, facts)
        with simulator(seeded.database_url) as sim:
            run(sim, seeded, facts, Path(state_dir), args, trace=trace)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nclient process peak RSS (ru_maxrss, whole run incl. seeding): {rss:.0f} MiB")


def print_library(seeded: Seeded, facts: Facts) -> None:
    faces = facts.faces_per_person
    print(
        f"seeded {seeded.assets:,} assets, {seeded.persons} persons, {seeded.faces:,} faces "
        f"by SQL in {seeded.seconds:.1f} s; then each asset's createdAt/updatedAt set to "
        "1 h after it was taken (a library built up over the years)"
    )
    if faces:
        print(
            f"faces per person: min {faces[0]} / median {statistics.median(faces):.0f} / "
            f"max {faces[-1]}"
        )
    trio = ", ".join(f"{n} ({facts.photos_per_person[n]:,} photos)" for n in facts.trio)
    print(
        f"people rule (match any): the three persons with the most photos: {trio}; "
        f"union {facts.trio_union:,}, all three together {facts.trio_all:,}"
    )
    print(
        "faceless rule: match none, faceless no_people (default), settle 0; "
        f"{facts.live_assets:,} live assets to scan"
    )


def run(
    sim: SimHandle,
    seeded: Seeded,
    facts: Facts,
    state: Path,
    args: argparse.Namespace,
    *,
    trace: bool,
) -> None:
    url, key = sim.url, seeded.api_key
    chosen = rules(facts.trio)

    def sync_once() -> SyncOutcome:
        return run_sync(url, key, chosen, state)

    cold, cold_f = measure(sim, "immkit cold sync (no state, no albums)", sync_once, trace=trace)
    need = minimum(cold, facts, seeded.persons)
    warm, warm_f = measure(sim, "immkit warm sync (nothing changed)", sync_once, trace=trace)
    full_reread = minimum(warm, facts, seeded.persons)

    http = httpx.Client(base_url=url + "/api", headers={"x-api-key": key}, timeout=600)
    with http:
        reads, reads_f = measure(
            sim, "naive reads (page=n, + 2 album creates)", lambda: naive_reads(http, facts.trio),
            trace=trace,
        )  # fmt: skip
        sample = args.naive_writes
        jobs = [
            (reads.people_album, reads.people[:sample] if sample else reads.people),
            (reads.faceless_album, reads.faceless[:sample] if sample else reads.faceless),
        ]
        sent = sum(len(ids) for _, ids in jobs)
        total_writes = len(reads.people) + len(reads.faceless)
        _, writes_f = measure(
            sim,
            f"naive writes, {sent:,} of {total_writes:,} sent",
            lambda: naive_writes(http, jobs),
            trace=trace,
        )
    scale = total_writes / sent if sent else 0.0
    naive_total = Figures(
        "naive total" + (" (writes extrapolated)" if sent < total_writes else ""),
        reads_f.seconds + writes_f.seconds * scale,
        reads_f.cpu + writes_f.cpu * scale,
        max(reads_f.peak_mib, writes_f.peak_mib),
        None if reads_f.grown_mib is None else max(reads_f.grown_mib, writes_f.grown_mib or 0),
        reads_f.requests + Counter({k: round(v * scale) for k, v in writes_f.requests.items()}),
    )

    immich = Immich.connect(url, key)
    with immich:
        trashed = sorted(cold.reads[0].snapshot.matched)[0]
        immich.assets.delete([AssetId(trashed)])
    new = insert_assets(seeded.database_url, seeded.owner_id, args.new_assets)
    changed, changed_f = measure(
        sim,
        f"immkit warm sync after +{len(new)} faceless, 1 trashed",
        sync_once,
        trace=trace,
    )

    touch_all(seeded.database_url, seeded.owner_id)
    touched, touched_f = measure(
        sim, "immkit sync after every asset was updated", sync_once, trace=trace
    )
    again, again_f = measure(
        sim, "immkit warm sync after that, nothing changed", sync_once, trace=trace
    )

    print("\nphases (requests counted by the simulator)")
    print_phases(
        [cold_f, warm_f, changed_f, touched_f, again_f, reads_f, writes_f, naive_total],
        trace=trace,
    )

    print("\ncold sync")
    print(*describe(cold), sep="\n")
    print_endpoints(
        [("immkit", cold_f.requests), ("minimum", need), ("naive", naive_total.requests)]
    )
    ratio = cold_f.total / sum(need.values())
    print(
        f"  immkit / minimum requests: {ratio:.2f}× (target ≤ 1.1×); "
        f"wall {cold_f.seconds:.2f} s, client CPU {cold_f.cpu:.2f} s, "
        + (
            f"tracemalloc peak {cold_f.peak_mib:.1f} MiB"
            if cold_f.grown_mib is None
            else f"RSS peak {cold_f.peak_mib:.0f} MiB (grew {cold_f.grown_mib:.0f} MiB)"
        )
    )

    print("\nwarm sync, nothing changed")
    print(*describe(warm), sep="\n")
    print_endpoints([("immkit", warm_f.requests), ("full re-read", full_reread)])
    writes = sum(warm_f.writes.values())
    print(
        f"  wall {warm_f.seconds:.2f} s (target < 2 s), {warm_f.total} requests, "
        f"writes {writes} (PUT/DELETE/PATCH/POST /albums: {dict(warm_f.writes) or 'none'}); "
        f"a read of everything would need at least {sum(full_reread.values())} requests"
    )

    print(f"\nwarm sync after a change: {len(new)} faceless assets inserted by SQL, 1 photo")
    print(f"of {facts.trio[0]}'s album trashed through the API (DELETE /assets)")
    print(*describe(changed), sep="\n")
    print_endpoints([("immkit", changed_f.requests)])
    diff = {r.snapshot.rule: changes(r.snapshot) for r in changed.reads}
    people_now = changed.reads[0].snapshot.matched
    caught = set(diff[FACELESS_RULE].add) == set(new) and people_now == (
        cold.reads[0].snapshot.matched - {trashed}
    )
    print(
        f"  caught exactly the change (the {len(new)} new assets fit the faceless rule, "
        f"the trashed photo no longer fits the people rule): {'yes' if caught else 'NO'}"
    )

    print("\nbulk update: every asset's updatedAt set within the last minute by SQL (as a bulk")
    print("import or a library-wide job leaves them), synced; then a warm sync, nothing changed")
    print(*describe(touched), sep="\n")
    print(*describe(again), sep="\n")
    print_endpoints([("after update", touched_f.requests), ("then warm", again_f.requests)])
    print(
        f"  the warm sync after it: wall {again_f.seconds:.2f} s, {again_f.total} requests "
        f"(the warm sync before the update: {warm_f.seconds:.2f} s, {warm_f.total} requests)"
    )

    print("\nnaive baseline (plain httpx, the community scripts' algorithm)")
    same_people = set(reads.people) == set(cold.reads[0].snapshot.matched)
    same_faceless = set(reads.faceless) == set(cold.reads[1].snapshot.matched)
    print(
        f"  found {len(reads.people):,} people photos and {len(reads.faceless):,} faceless "
        f"(same sets as immkit: {'yes' if same_people and same_faceless else 'NO'})"
    )
    if sent < total_writes:
        per_write = writes_f.seconds / sent
        print(
            f"  writes: {sent:,} of {total_writes:,} one-asset PUTs sent and measured "
            f"({per_write * 1000:.2f} ms each); the naive total extrapolates them linearly "
            f"to {total_writes:,} PUTs = {per_write * total_writes:.0f} s"
        )
    print(
        f"  naive / immkit cold: {naive_total.total / cold_f.total:.0f}× the requests, "
        f"{naive_total.seconds / cold_f.seconds:.1f}× the wall time, "
        f"{naive_total.cpu / cold_f.cpu:.1f}× the client CPU"
    )
    print(
        f"  naive reads alone (no writes) / immkit cold: {reads_f.total / cold_f.total:.2f}× "
        f"the requests, {reads_f.seconds / cold_f.seconds:.1f}× the wall time"
    )


if __name__ == "__main__":
    main()
