"""bench.people at toy size: its seeding, immkit's migrate and the naive loops still run."""

from __future__ import annotations

from pathlib import Path

from bench import people as bench

from immkit.sim.server import SimServer


def test_bench_people_runs_at_toy_size(sim: SimServer, tmp_path: Path) -> None:
    users = bench.seed_world(sim.state.db.url, assets=12, persons=3, faces=16)
    outcome = bench.migrate(sim.url, users, 4, tmp_path)
    assert outcome.result is not None
    assert outcome.result.failed == 0
    assert outcome.report.faces_assign == 16
    assert len(outcome.report.people_create) == 3
    rows = bench.naive_export(sim.url, users.source, 4)
    assert len(rows) == 16
    assert bench.naive_import(sim.url, users.naive, rows[:4], 4) == 4
