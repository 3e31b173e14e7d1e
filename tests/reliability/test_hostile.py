"""Hostile input: one sentence on stderr, the documented exit code, nothing changed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from immkit.cli.main import app
from immkit.engine import Journal
from immkit.sim.database import create_database
from immkit.sim.server import SimServer
from immkit.sim.state import VERSION
from tests.reliability.hostile_cases import CASES, Case
from tests.reliability.scenarios import seed_albums, write_config
from tests.reliability.servers import hostile_server
from tests.reliability.world import CANARIES, CANARY_KEY, World

REPO = Path(__file__).resolve().parents[2]


def db_dump(world: World) -> dict[str, list[str]]:
    """Every row of every table, as text: the server's whole state."""
    out: dict[str, list[str]] = {}
    with world.db() as conn:
        tables = [
            r["tablename"]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        for table in sorted(tables):
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            out[table] = sorted(repr(sorted(r.items())) for r in rows)
    return out


def changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    """The rows that differ, table by table (`-` gone, `+` new)."""
    out = []
    for table in sorted(set(before) | set(after)):
        old, new = set(before.get(table, [])), set(after.get(table, []))
        out += [f"{table} - {row}" for row in sorted(old - new)]
        out += [f"{table} + {row}" for row in sorted(new - old)]
    return out


@pytest.fixture(scope="module")
def seeded(
    pg: str, sim_template: str, sim_server: SimServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    world = World(pg, sim_template, sim_server, tmp_path_factory.mktemp("hostile"))
    seed_albums(world, world.fresh())
    yield world
    sim_server.state.version = VERSION
    sim_server.state.db.use(create_database(pg, "immkit_rel_idle", template=sim_template))
    world.close()


def invoke(world: World, case: Case, work: Path, verbose: bool) -> Any:
    env: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("IMMICH_", "IMMKIT_"))
    }
    env.update(IMMKIT_CONFIG=str(work / "config.toml"), IMMKIT_STATE_DIR=str(work / "state"))
    env.update(case.env)
    argv = [*(["-v"] if verbose else []), *case.argv]
    argv = [str(work / a.removeprefix("WORK/")) if a.startswith("WORK/") else a for a in argv]
    work.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        url = case.url or world.url
        if case.server:
            url = stack.enter_context(hostile_server(case.server))
        rules = case.rules.replace("{url}", url)
        write_config(work, url, rules, profile_extra=case.profile or "timeout = 2")
        if case.raw_config is not None:
            (work / "config.toml").write_text(case.raw_config, encoding="utf-8")
        if case.no_profile:
            (work / "config.toml").unlink()
        for name, data in case.files.items():
            (work / name).write_bytes(data)
        (work / "latin.toml").write_bytes("[profiles.h\xe9]\nurl = 'x'\n".encode("latin-1"))
        journal = work / "state" / "journal.sqlite3"
        if case.journal is not None:
            journal.parent.mkdir(parents=True, exist_ok=True)
            if case.journal == b"TRUNCATED":
                Journal(journal).close()
                data = journal.read_bytes()
                journal.write_bytes(data[: len(data) // 2])
            else:
                journal.write_bytes(case.journal)
        if case.synced:
            done = CliRunner().invoke(app, ["albums", "sync", "--dry-run"], env=env)
            assert done.exit_code == 0, done.output
            with Journal(journal) as j:
                runs = j.runs(1)
            argv = [a if a != "LAST" else (runs[0].id if runs else "none") for a in argv]
        if case.sim_version:
            world.server.state.version = case.sim_version
        try:
            return CliRunner().invoke(app, argv, env=env)
        finally:
            world.server.state.version = VERSION


def _id(case: Case) -> str:
    return case.name.split(":")[0] + "-" + str(CASES.index(case))


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_hostile_input(seeded: World, case: Case, tmp_path: Path) -> None:
    before = db_dump(seeded)
    result = invoke(seeded, case, tmp_path, verbose=False)
    stderr = result.stderr
    assert result.exit_code == case.code, f"{case.name}: exit {result.exit_code}\n{stderr}"
    assert not isinstance(result.exception, BaseException) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    assert "Traceback" not in stderr
    assert case.says in stderr, stderr
    if case.code:
        errors = [line for line in stderr.splitlines() if line.startswith("error:")]
        usage = [line for line in stderr.splitlines() if "Invalid value" in line]
        assert len(errors) + len(usage) == 1, stderr  # ours, or Click's usage error
        assert "internal error" not in stderr
    assert changes(before, db_dump(seeded)) == [], f"{case.name} changed the server"
    verbose = invoke(seeded, case, tmp_path / "v", verbose=True)
    assert verbose.exit_code == case.code, verbose.stderr
    for text in (stderr, result.stdout, verbose.stderr, verbose.stdout):
        assert not any(c in text for c in CANARIES), f"{case.name} printed a secret"
    assert changes(before, db_dump(seeded)) == []


def test_there_are_at_least_30_cases_and_the_docs_list_them_all() -> None:
    assert len(CASES) >= 30
    docs = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    missing = [c.name for c in CASES if c.name not in docs]
    assert missing == []
    assert CANARY_KEY not in docs
