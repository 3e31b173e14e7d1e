"""A run stopped after its uploads, resumed, then undone: undo removes the copies the run
uploaded (its resumed attempt finds them as `duplicate`) and puts back a copy the owner
had before the plan as it was before the first attempt touched it."""

from __future__ import annotations

from typing import Any

import pytest

from immkit.engine import Journal
from immkit.jobs.assetcopy import pipeline, run
from immkit.sim import seed
from tests.integration.library.conftest import ExternalLibrary, Invoke, json_of


def _album_entries(world: ExternalLibrary) -> set[tuple[str, str]]:
    """(album name, asset id) of every live asset in an album."""
    with world.sim.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT al."albumName", aa."assetId" FROM album_asset aa'
            ' JOIN album al ON al.id = aa."albumId" JOIN asset a ON a.id = aa."assetId"'
            ' WHERE a."deletedAt" IS NULL'
        ).fetchall()
    return {(r["albumName"], str(r["assetId"])) for r in rows}


def _live_faces(world: ExternalLibrary) -> set[tuple[str, str]]:
    """(asset id, person name) of every face on a live asset."""
    with world.sim.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT f."assetId", p.name FROM asset_face f JOIN person p ON p.id = f."personId"'
            ' JOIN asset a ON a.id = f."assetId"'
            ' WHERE a."deletedAt" IS NULL AND f."deletedAt" IS NULL'
        ).fetchall()
    return {(str(r["assetId"]), r["name"]) for r in rows}


def _seed(world: ExternalLibrary) -> str:
    """Albums, a named face, and the owner's own copy of forest.jpg (in one album already,
    its external asset in another, with a description the carry replaces)."""
    ids = world.ids
    twin = world.upload_own("forest.jpg")
    world.call("PUT", f"/assets/{twin}", json={"description": "my own copy"})
    world.call("PUT", f"/assets/{ids['forest.jpg']}", json={"description": "Pines"})
    world.call(
        "POST",
        "/albums",
        json={"albumName": "Holidays", "assetIds": [ids["beach.jpg"], ids["IMG_LIVE.jpg"], twin]},
    )
    world.call("POST", "/albums", json={"albumName": "Woods", "assetIds": [ids["forest.jpg"]]})
    with world.sim.state.db.connection() as conn:
        alice = seed.add_person(conn, world.admin_id, "Alice")
    world.draw_face(ids["family.jpg"], alice)
    return twin


def _stop_after_the_carry(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: Any) -> None:
        raise KeyboardInterrupt  # uploads journaled and carried, nothing verified

    monkeypatch.setattr(pipeline, "verify_batch", interrupt)


def test_a_run_resumed_after_its_uploads_is_undone_completely(
    world: ExternalLibrary, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = _seed(world)
    albums, faces = _album_entries(world), _live_faces(world)
    real_verify = pipeline.verify_batch  # type: ignore[attr-defined]
    _stop_after_the_carry(monkeypatch)
    stopped = invoke("library", "internalize", "Photos", "--yes")
    assert stopped.exit_code == 130
    uploaded = {name: a["id"] for name, a in world.internal().items()}
    assert len(uploaded) == 6
    assert uploaded["forest.jpg"] == twin
    assert world.asset(twin)["exifInfo"]["description"] == "Pines"  # the carry ran

    monkeypatch.setattr(pipeline, "verify_batch", real_verify)
    resumed = json_of(invoke("library", "internalize", "Photos", "--yes", "--json"))
    assert resumed["result"]["resumed"] is True
    assert {name: a["id"] for name, a in world.internal().items()} == uploaded
    assert set(world.external_state().values()) == {"trashed"}

    undone = invoke("runs", "undo", resumed["result"]["run_id"], "--yes")
    assert undone.exit_code == 0, undone.output
    assert set(world.external_state().values()) == {"live"}
    # the run's own uploads are gone; the owner's copy is kept, as it was before
    assert {name: a["id"] for name, a in world.internal().items()} == {"forest.jpg": twin}
    assert world.asset(twin)["exifInfo"]["description"] == "my own copy"
    assert _album_entries(world) == albums
    assert _live_faces(world) == faces


def test_a_copy_whose_upload_was_not_journaled_is_still_removed_by_undo(
    world: ExternalLibrary, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between the uploads' answers and their journal note: the resumed run finds
    the copies as `duplicate`, and knows them for its own because the journal said,
    before the uploads, that the owner had none of those files."""
    real_note = run.note_uploads
    calls: list[int] = []

    def killed_after_the_uploads(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 2:  # the first call is the note before the uploads
            raise KeyboardInterrupt
        real_note(*args)

    monkeypatch.setattr(run, "note_uploads", killed_after_the_uploads)
    stopped = invoke("library", "internalize", "Photos", "--yes")
    assert stopped.exit_code == 130
    uploaded = {name: a["id"] for name, a in world.internal().items()}
    assert len(uploaded) == 6

    monkeypatch.setattr(run, "note_uploads", real_note)
    resumed = json_of(invoke("library", "internalize", "Photos", "--yes", "--json"))
    assert resumed["result"]["resumed"] is True
    assert {name: a["id"] for name, a in world.internal().items()} == uploaded
    undone = invoke("runs", "undo", resumed["result"]["run_id"], "--yes")
    assert undone.exit_code == 0, undone.output
    assert set(world.external_state().values()) == {"live"}
    assert world.internal() == {}


def test_a_lost_upload_answer_is_recognised_by_the_next_run(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    """Every upload is made but its answer lost (a POST is never retried): the run fails
    those assets and touches no external one; the next run finds the copies, knows them
    for its own, and undo removes them."""
    faults = world.sim.state.faults
    faults.set("POST /assets", drop_after_rate=1.0)
    try:
        first = invoke("library", "internalize", "Photos", "--yes")
        assert faults.injected["drop_after"] >= 5
    finally:
        faults.clear()
    assert first.exit_code == 1, first.output
    assert set(world.external_state().values()) == {"live"}
    copies = {name: a["id"] for name, a in world.internal().items()}
    assert len(copies) == 5  # the live photo's still was never sent: its video failed first

    again = json_of(invoke("library", "internalize", "Photos", "--yes", "--json"))
    assert again["result"]["failed"] == 0
    now = {name: a["id"] for name, a in world.internal().items()}
    assert len(now) == 6
    assert {name: now[name] for name in copies} == copies  # none uploaded twice
    for run_id in [r["id"] for r in json_of(invoke("runs", "list", "--json"))["runs"]]:
        undone = invoke("runs", "undo", run_id, "--yes")
        assert undone.exit_code in (0, 2), undone.output  # 2: nothing left to undo
    assert set(world.external_state().values()) == {"live"}
    assert world.internal() == {}


def _killed_after_the_trash(
    world: ExternalLibrary, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, dict[str, str]]:
    """A run stopped after its batch was trashed, before the batch's fates were journaled:
    its units stay `applying`, and their trashed external assets leave every new plan."""

    def killed(*args: Any) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Journal, "finish_many", killed)
        stopped = invoke("library", "internalize", "Photos", "--yes")
    assert stopped.exit_code == 130
    assert set(world.external_state().values()) == {"trashed"}
    uploaded = {name: a["id"] for name, a in world.internal().items()}
    assert len(uploaded) == 6
    (cut,) = json_of(invoke("runs", "list", "--json"))["runs"]
    return str(cut["id"]), uploaded


def test_a_run_killed_after_its_trash_is_settled_by_the_next_run(
    world: ExternalLibrary, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(world)
    albums, faces = _album_entries(world), _live_faces(world)
    cut, uploaded = _killed_after_the_trash(world, invoke, monkeypatch)

    again = invoke("library", "internalize", "Photos", "--yes")
    assert again.exit_code == 0, again.output
    assert "Finished 5 asset(s) an interrupted run had left mid-way" in again.stderr
    assert {name: a["id"] for name, a in world.internal().items()} == uploaded  # no 2nd upload
    shown = json_of(invoke("runs", "show", cut, "--json"))
    assert {e["status"] for e in shown["entries"]} == {"applied"}

    undone = invoke("runs", "undo", cut, "--yes")
    assert undone.exit_code == 0, undone.output
    assert set(world.external_state().values()) == {"live"}
    assert set(world.internal()) == {"forest.jpg"}  # the owner's own copy, kept
    assert _album_entries(world) == albums
    assert _live_faces(world) == faces


def test_undo_of_a_run_killed_after_its_trash_restores_everything(
    world: ExternalLibrary, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut, _ = _killed_after_the_trash(world, invoke, monkeypatch)
    undone = invoke("runs", "undo", cut, "--yes")
    assert undone.exit_code == 0, undone.output
    assert set(world.external_state().values()) == {"live"}, undone.output
    assert world.internal() == {}


def _twin_faces(world: ExternalLibrary, twin: str) -> set[tuple[str, str | None]]:
    """(face id, person name or None) of the twin's live faces."""
    with world.sim.state.db.connection() as conn:
        rows = conn.execute(
            'SELECT f.id, p.name FROM asset_face f LEFT JOIN person p ON p.id = f."personId"'
            ' WHERE f."assetId" = %s AND f."deletedAt" IS NULL',
            (twin,),
        ).fetchall()
    return {(str(r["id"]), r["name"]) for r in rows}


def test_faces_carried_onto_a_copy_the_owner_had_are_taken_back_by_undo(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    """The owner's own forest.jpg has one face, detected but nameless; the external one
    has Alice on that face and Bob beside it. Internalize names the face and draws Bob;
    undo deletes Bob's face and leaves the detected face nameless again."""
    twin = _seed(world)
    forest = world.ids["forest.jpg"]
    with world.sim.state.db.connection() as conn:
        row = conn.execute("SELECT id FROM person WHERE name = 'Alice'").fetchone()
        assert row is not None
        alice = row["id"]
        bob = seed.add_person(conn, world.admin_id, "Bob")
        (detected,) = seed.add_faces(
            conn, [seed.FaceSeed(twin, None, (10, 10, 30, 30), image_width=80, image_height=60)]
        )
        seed.add_faces(
            conn,
            [
                seed.FaceSeed(
                    forest, str(alice), (10, 10, 30, 30), image_width=80, image_height=60
                ),
                seed.FaceSeed(forest, bob, (50, 10, 70, 30), image_width=80, image_height=60),
            ],
        )
    faces = _live_faces(world)
    assert _twin_faces(world, twin) == {(detected, None)}

    done = json_of(invoke("library", "internalize", "Photos", "--yes", "--json"))
    carried = _twin_faces(world, twin)
    assert (detected, "Alice") in carried
    assert {name for _, name in carried} == {"Alice", "Bob"}

    undone = invoke("runs", "undo", done["result"]["run_id"], "--yes")
    assert undone.exit_code == 0, undone.output
    assert _twin_faces(world, twin) == {(detected, None)}
    assert _live_faces(world) == faces
