"""API-mode transfer then `runs undo`: the people the transfer created for the target go,
the ones it had before stay; a crash mid-creation makes no second person."""

from __future__ import annotations

from typing import Any

import pytest

from immkit.immich.people import PeopleApi
from immkit.sim.jpeg import solid_jpeg
from tests.integration.transfer_api.conftest import Invoke, Pair, json_of

MOVE = ("transfer", "--album", "Holiday", "--to-profile", "bob", "--yes")
HOLIDAY = {"beach.jpg", "family.jpg", "forest.jpg", "IMG_LIVE.jpg", "IMG_LIVE.mov"}


def persons(pair: Pair, who: str) -> list[tuple[str, str]]:
    """The user's persons as (name, id), faces or not."""
    with pair.sim.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT id, name FROM person WHERE "ownerId" = %s ORDER BY name, id',
            (pair.users[who],),
        ).fetchall()
    return [(r["name"], str(r["id"])) for r in rows]


def test_undo_deletes_the_people_it_created_and_keeps_the_targets_own(
    pair: Pair, invoke: Invoke
) -> None:
    before = persons(pair, "bob")
    assert before == [("Anna", pair.persons["bob:Anna"])]
    moved = json_of(invoke(*MOVE, "--json"))
    assert [name for name, _ in persons(pair, "bob")] == ["Anna", "Ben"]

    undone = invoke("runs", "undo", moved["result"]["run_id"], "--yes")
    assert undone.exit_code == 0, undone.output
    assert persons(pair, "bob") == before  # Ben gone; bob's own Anna untouched
    assert pair.trashed("alice") == set()
    assert pair.trashed("bob") >= HOLIDAY
    listed = json_of(invoke("runs", "list", "--json"))["runs"]
    (run,) = [r for r in listed if r["id"] == moved["result"]["run_id"]]
    assert run["status"] == "undone"  # the kept Anna is no leftover


def test_a_crash_right_after_creating_a_person_makes_no_second_one_and_undo_deletes_it(
    pair: Pair, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    create = PeopleApi.create

    def create_then_die(self: PeopleApi, person: Any) -> Any:
        create(self, person)  # the server made it; the journal never hears the answer
        raise KeyboardInterrupt

    monkeypatch.setattr(PeopleApi, "create", create_then_die)
    assert invoke(*MOVE).exit_code == 130
    assert [name for name, _ in persons(pair, "bob")] == ["Anna", "Ben"]
    assert pair.trashed("alice") == set()

    monkeypatch.undo()
    resumed = json_of(invoke(*MOVE, "--json"))
    assert resumed["result"]["resumed"] is True
    assert [name for name, _ in persons(pair, "bob")] == ["Anna", "Ben"]  # not two Bens
    assert pair.trashed("alice") == HOLIDAY

    undone = invoke("runs", "undo", resumed["result"]["run_id"], "--yes")
    assert undone.exit_code == 0, undone.output
    assert persons(pair, "bob") == [("Anna", pair.persons["bob:Anna"])]


def test_undo_keeps_a_created_person_the_target_has_used_since(pair: Pair, invoke: Invoke) -> None:
    moved = json_of(invoke(*MOVE, "--json"))
    ben = dict(persons(pair, "bob"))["Ben"]
    own = pair.upload("bob", "bob.jpg", solid_jpeg(40, 40, (1, 2, 3), comment="bob"))
    face = {"assetId": own, "personId": ben, "imageWidth": 40, "imageHeight": 40}
    pair.call("bob", "POST", "/faces", json=face | {"x": 5, "y": 5, "width": 10, "height": 10})

    undone = invoke("runs", "undo", moved["result"]["run_id"], "--yes")
    assert undone.exit_code == 1, undone.output
    assert "'Ben' is kept" in undone.output
    assert dict(persons(pair, "bob"))["Ben"] == ben
    # the rest of the run is undone all the same
    assert pair.trashed("alice") == set()
    assert pair.trashed("bob") >= HOLIDAY
