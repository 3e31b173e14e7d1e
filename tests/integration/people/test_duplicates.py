"""`immkit people duplicates`: list, merge, undo."""

from __future__ import annotations

import json

import pytest

from immkit.engine import Journal, apply_plan, undo_run
from immkit.immich import Immich, Person
from immkit.immich.models import FaceId, PersonId
from immkit.jobs.people.apply import PeopleExecutor
from immkit.jobs.people.duplicates import find_duplicates, plan_merge
from tests.integration.people.conftest import Face, Photo, World
from tests.integration.people.test_migrate import A1, A2


def test_duplicates_listed_merged_and_split_again(one_server: World) -> None:
    world = one_server
    side = world.dst
    side.seed([Photo("IMG_1.jpg", 1, (Face("Alice", A1), Face("Bob", A2)))])
    side.seed([Photo(f"x{n}.jpg", 5 + n, (Face("alice ", A1),)) for n in range(2)])
    before = side.state()
    listed = world.run("--profile", "dst", "people", "duplicates", "--json")
    assert listed.exit_code == 0, listed.output
    [group] = json.loads(listed.stdout)["groups"]
    assert group["name"] == "alice"
    assert [p["photos"] for p in group["persons"]] == [2, 1]
    dry = world.run("--profile", "dst", "people", "duplicates", "--merge", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert side.state() == before
    merged = world.run("--profile", "dst", "people", "duplicates", "--merge", "--json")
    assert merged.exit_code == 0, merged.output
    assert side.names("IMG_1.jpg") == ["alice ", "Bob"]
    run_id = json.loads(merged.stdout)["result"]["run_id"]
    assert world.run("--profile", "dst", "people", "duplicates").stdout.startswith("No two")
    undo = world.run("runs", "undo", run_id, "--yes")
    assert undo.exit_code == 0, undo.output
    assert side.names("IMG_1.jpg") == ["Alice", "Bob"]
    assert len(side.people_named("Alice")) == 1


class Crash(RuntimeError):
    """A power cut in the middle of giving faces back."""


def test_undo_of_a_merge_cut_off_halfway_restores_once_when_rerun(
    one_server: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    side = one_server.dst
    side.seed([Photo(f"IMG_{n}.jpg", n, (Face("Alice", A1),)) for n in range(2)])
    side.seed([Photo(f"x{n}.jpg", 5 + n, (Face("alice ", A1),)) for n in range(3)])
    with (
        Immich.connect(side.server.url, side.key, concurrency=1) as immich,
        Journal(one_server.tmp / "state" / "journal.sqlite3") as journal,
    ):
        merged = apply_plan(plan_merge(find_duplicates(immich)), PeopleExecutor(immich), journal)
        assert side.names("IMG_0.jpg") == ["alice "]
        run = journal.get_run(str(merged.run_id))
        real = immich.faces.reassign
        calls = iter(range(2))

        def first_then_crash(face: FaceId, person: PersonId) -> Person:
            if next(calls) == 1:
                raise Crash("after one face")
            return real(face, person)

        monkeypatch.setattr(immich.faces, "reassign", first_then_crash)
        with pytest.raises(Crash):
            undo_run(journal, run, PeopleExecutor(immich))
        assert len(side.people_named("Alice")) == 1  # made, holding one face of two
        monkeypatch.setattr(immich.faces, "reassign", real)
        again = undo_run(journal, journal.get_run(run.id), PeopleExecutor(immich))
        assert again.resumed
        assert again.failed == 0
    assert len(side.people_named("Alice")) == 1
    assert [side.names(f"IMG_{n}.jpg") for n in range(2)] == [["Alice"], ["Alice"]]
    assert [side.names(f"x{n}.jpg") for n in range(3)] == [["alice "]] * 3
