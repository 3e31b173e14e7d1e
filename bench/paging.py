"""Benchmark: page through every asset of a 100 000-asset library with the gateway.

Run: .venv/bin/python -m bench.paging [--assets N]

Compares the naive way (`page=n`, LIMIT/OFFSET: each page costs O(offset), so the scan is
quadratic — IMMICH_PERFORMANCE.md measured 9.6 s on a real 3.1 server) with immkit's
keyset paging by `takenBefore` (flat per page; 3.1 s there). Prints wall seconds, client
CPU seconds, requests and peak client memory for both, in the same run on the same data.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from bench.library import postgres, seed_library, simulator_process
from immkit.immich import Immich, MetadataSearch


@dataclass(frozen=True)
class Figures:
    name: str
    assets: int
    seconds: float
    cpu: float
    requests: int
    peak_mib: float


def _measure(name: str, url: str, key: str, scan: Callable[[Immich], int]) -> Figures:
    with Immich.connect(url, key) as immich:
        gc.collect()
        tracemalloc.start()
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        count = scan(immich)
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        requests = sum(immich.client.requests.values())
    return Figures(name, count, seconds, cpu, requests, peak / 2**20)


def naive_offset_scan(immich: Immich) -> int:
    ids: set[str] = set()
    for page in immich.search.pages(MetadataSearch(), size=1000):
        ids.update(a.id for a in page.items)
    return len(ids)


def keyset_scan(immich: Immich) -> int:
    seen = 0
    for _ in immich.search.iter_assets(page_size=1000):
        seen += 1
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--faces", type=int, default=60_000)
    args = parser.parse_args()
    with postgres() as admin_url:
        seeded = seed_library(admin_url, assets=args.assets, persons=args.persons, faces=args.faces)
        print(
            f"seeded {seeded.assets:,} assets, {seeded.persons} persons, "
            f"{seeded.faces:,} faces by SQL in {seeded.seconds:.1f} s"
        )
        with simulator_process(seeded.database_url) as url:
            results = [
                _measure("naive: page=n (offset)", url, seeded.api_key, naive_offset_scan),
                _measure("immkit: keyset (takenBefore)", url, seeded.api_key, keyset_scan),
            ]
    print(f"{'scan':32} {'assets':>8} {'wall s':>8} {'cpu s':>7} {'requests':>9} {'peak MiB':>9}")
    for f in results:
        print(
            f"{f.name:32} {f.assets:8,} {f.seconds:8.2f} {f.cpu:7.2f} "
            f"{f.requests:9,} {f.peak_mib:9.1f}"
        )
    naive, keyset = results
    print(f"keyset vs naive: {naive.seconds / keyset.seconds:.1f}× faster wall time")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"client process peak RSS: {rss:.0f} MiB (includes seeding)")


if __name__ == "__main__":
    main()
