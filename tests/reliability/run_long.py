"""The reliability scenarios at full counts, with a table of what happened.

    .venv/bin/python -m tests.reliability.run_long [--kills 20] [--fault-trials 10]
        [--rules 50] [--assets 100000] [--hours 24] [--only NAME] [--seed N]

Same harness as the CI tests (tests/reliability/), more of everything: fault-matrix
trials per job, SIGKILLs per job (each followed by re-runs until the job finishes, then
`runs undo` of every run), every hostile case (also with -v), the TLS checks, and the
daemon with many rules on a large library through a simulated day.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from immkit.cli.logs import setup_logging
from immkit.sim.bulk import seed_large_library
from immkit.sim.database import create_database, install_schema, server_url
from immkit.sim.seed import add_api_key, add_user
from immkit.sim.server import SimServer
from tests.reliability.catalog import SCENARIOS
from tests.reliability.daemon_load import LoadResult, app_for, daemon_day, rules_for
from tests.reliability.harness import (
    Tally,
    crash_trial,
    fault_trial,
    journal_readable,
    reference,
    undo_everything,
)
from tests.reliability.hostile_cases import CASES
from tests.reliability.scenarios import Scenario, write_config
from tests.reliability.world import CANARIES, CANARY_KEY, World, secret_hits

TEMPLATE = "immkit_rel_template"


@contextmanager
def world_in(root: Path) -> Iterator[World]:
    admin = server_url(root / "pgdata")
    install_schema(create_database(admin, TEMPLATE))
    idle = create_database(admin, "immkit_rel_idle", template=TEMPLATE)
    with SimServer(idle, root / "media") as server:
        world = World(admin, TEMPLATE, server, root / "work")
        try:
            yield world
        finally:
            world.close()


def scenario_table(
    world: World, scenario: Scenario, trials: int, kills: int, seed: int = 0
) -> Tally:
    tally = Tally()
    try:
        want, aim = reference(world, scenario)
        for trial in range(trials):
            ctx = fault_trial(world, scenario, want, seed * 1000 + trial, tally)
            undo_everything(world, scenario, ctx, tally)
        rng = random.Random(11 + seed)
        while tally.kills < kills:
            ctx = crash_trial(world, scenario, want, aim, rng, tally)
            journal_readable(world, ctx)
            undo_everything(world, scenario, ctx, tally)
    except AssertionError as exc:
        tally.check(False, f"{type(exc).__name__}: {exc}")
    return tally


def hostile(world: World, root: Path) -> tuple[int, list[str]]:
    from tests.reliability.scenarios import seed_albums
    from tests.reliability.test_hostile import changes, db_dump, invoke

    seed_albums(world, world.fresh())
    bad: list[str] = []
    for i, case in enumerate(CASES):
        before = db_dump(world)
        for verbose in (False, True):
            result = invoke(world, case, root / f"hostile{i}{'v' * verbose}", verbose)
            text = result.stdout + result.stderr
            if result.exit_code != case.code or ("Traceback" in result.stderr and not verbose):
                bad.append(f"{case.name}: exit {result.exit_code}")
            if any(c in text for c in CANARIES):
                bad.append(f"{case.name}: secret printed")
        if changes(before, db_dump(world)):
            bad.append(f"{case.name}: server changed")
    return len(CASES), bad


def load(world: World, rules: int, assets: int, hours: int) -> LoadResult:
    work = world.fresh()
    with world.db() as conn:
        owner = add_user(conn, "load@example.com", "Load", is_admin=True)
        add_api_key(conn, owner, secret=CANARY_KEY)
        library = seed_large_library(conn, owner, assets, 300, assets * 3 // 4, rng_seed=5)
    people = [f"P{i + 1:04d}" for i in range(len(library.person_ids))]
    write_config(work, world.url, "[daemon]\nworkers = 4\n")
    return daemon_day(app_for(work), rules_for(people, rules), hours=hours, workers=4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--fault-trials", type=int, default=10)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--hours", type=int, default=24)
    parser.add_argument(
        "--seed", type=int, default=0, help="another seed: other faults and other kill points"
    )
    parser.add_argument(
        "--only",
        help="parts by name, comma-separated: scenario names (e.g. 'albums sync,transfer db'), "
        "'hostile', 'daemon'",
    )
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    with tempfile.TemporaryDirectory(prefix="immkit-rel-") as tmp, world_in(Path(tmp)) as world:
        root = Path(tmp)
        rows = []
        for scenario in SCENARIOS:
            if only is not None and scenario.name not in only:
                continue
            tally = scenario_table(world, scenario, args.fault_trials, args.kills, args.seed)
            rows.append((scenario.name, tally))
            print(f"{scenario.name}: done ({tally.runs} runs, {tally.kills} kills)", flush=True)
        cases, hostile_bad = 0, list[str]()
        if only is None or "hostile" in only:
            cases, hostile_bad = hostile(world, root)
            setup_logging(-1, is_tty=False)  # the -v cases left immkit logging at DEBUG
            print(f"hostile: {cases} cases, {len(hostile_bad)} bad", flush=True)
        result = None
        try:
            if only is None or "daemon" in only:
                result = load(world, args.rules, args.assets, args.hours)
        except Exception:
            traceback.print_exc()
        hits = secret_hits(world, [root / "work"])
    print()
    print(f"{'job':<20} {'faults':>7} {'runs':>6} {'kills':>6} {'trials':>7}  end state equal")
    for name, tally in rows:
        faults = sum(tally.faults.values())
        print(
            f"{name:<20} {faults:>7} {tally.runs:>6} {tally.kills:>6} {tally.trials:>7}  "
            f"{'yes' if tally.equal else 'NO'}"
        )
        for index, note in enumerate(tally.notes[:3]):
            # the first in full (its diff says what differs), then their first lines
            for line in note.splitlines() if index == 0 else note.splitlines()[:1]:
                print("   ", line)
    total = sum((t.faults for _, t in rows), start=Tally().faults)
    print(f"faults injected by kind: {dict(sorted(total.items()))}")
    print(f"hostile cases tried: {cases} (each also with -v); wrong: {len(hostile_bad)}")
    for line in hostile_bad:
        print("   ", line)
    print(f"secret hits (outputs, logs, journals, state, plans): {len(hits)}")
    for hit in hits[:5]:
        print("   ", hit)
    if result is not None:
        print(
            f"daemon: {result.rules} rules, {args.assets:,} assets, {args.hours} h simulated in "
            f"{result.seconds:.0f} s: {result.runs} runs, {result.failed} failed, "
            f"{result.overlaps} overlaps, {len(result.late)} rules off schedule; RSS "
            f"{result.rss_mb[0]:.0f} → {result.rss_mb[-1]:.0f} MB "
            f"(growth {result.memory_growth_mb:+.1f} MB over {len(result.rss_mb)} samples)"
        )
        print("RSS per simulated hour (MB):", " ".join(f"{mb:.0f}" for mb in result.rss_mb))


if __name__ == "__main__":
    main()
