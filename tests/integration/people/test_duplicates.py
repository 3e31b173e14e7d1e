"""`immkit people duplicates`: list, merge, undo."""

from __future__ import annotations

import json

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
