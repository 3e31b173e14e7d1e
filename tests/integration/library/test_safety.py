"""Internalize never deletes before verifying, resumes without re-uploading, and refuses
bad input with one sentence and nothing changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from immkit.jobs.assetcopy import pipeline
from immkit.sim import seed
from immkit.sim.state import ObservedResponse
from tests.integration.library.conftest import ExternalLibrary, Invoke, json_of


def _faces(world: ExternalLibrary, asset_id: str) -> list[dict[str, Any]]:
    faces: list[dict[str, Any]] = world.call("GET", "/faces", params={"id": asset_id})
    return faces


def test_existing_internal_copy_is_reused_with_its_detected_face(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    existing = world.upload_own("family.jpg")
    with world.sim.state.db.connection() as conn:
        alice = seed.add_person(conn, world.admin_id, "Alice")
        # the detector's box on the internal copy, measured on a preview twice the size
        seed.add_faces(
            conn,
            [seed.FaceSeed(existing, None, (21, 19, 61, 61), image_width=160, image_height=120)],
        )
    world.draw_face(world.ids["family.jpg"], alice)
    dry = json_of(invoke("library", "internalize", "Photos", "--dry-run", "--json"))
    assert dry["counts"]["already_internal"] == 1

    result = invoke("library", "internalize", "Photos", "--yes")
    assert result.exit_code == 0, result.output
    copies = world.internal()
    assert copies["family.jpg"]["id"] == existing
    faces = _faces(world, existing)
    assert [(f["person"]["name"], f["sourceType"]) for f in faces] == [
        ("Alice", "machine-learning")
    ]
    assert world.external_state()["family.jpg"] == "trashed"


def test_interrupted_run_resumes_without_uploading_twice_or_deleting_early(
    world: ExternalLibrary, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_verify = pipeline.verify_batch  # type: ignore[attr-defined]

    def interrupt(*args: Any) -> None:
        # stopped between the carry and the read-back
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "verify_batch", interrupt)
    stopped = invoke("library", "internalize", "Photos", "--yes")
    assert stopped.exit_code == 130
    assert set(world.external_state().values()) == {"live"}  # nothing deleted unverified
    uploaded = {name: a["id"] for name, a in world.internal().items()}
    assert len(uploaded) == 6

    monkeypatch.setattr(pipeline, "verify_batch", real_verify)
    resumed = json_of(invoke("library", "internalize", "Photos", "--yes", "--json"))
    assert resumed["result"]["resumed"] is True
    assert {name: a["id"] for name, a in world.internal().items()} == uploaded
    assert set(world.external_state().values()) == {"trashed"}


def _fail_after_carry(
    world: ExternalLibrary, *endpoints: str
) -> Callable[[ObservedResponse], None]:
    """From the carry's `PUT /assets` on, every request to `endpoints` answers 500 (the
    collect's searches before it still work)."""

    def arm(answer: ObservedResponse) -> None:
        if (answer.method, answer.template) == ("PUT", "/assets"):
            for endpoint in endpoints:
                world.sim.state.faults.set(endpoint, error_rate=1.0)

    world.sim.state.observers.append(arm)
    return arm


def test_failed_read_back_leaves_external_assets_and_the_next_run_retries(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    arm = _fail_after_carry(world, "POST /search/metadata", "GET /assets/{id}")
    failed = invoke("library", "internalize", "Photos", "--yes")
    world.sim.state.observers.remove(arm)
    world.sim.state.faults.clear()
    assert failed.exit_code == 1, failed.output
    assert set(world.external_state().values()) == {"live"}
    again = invoke("library", "internalize", "Photos", "--yes")
    assert again.exit_code == 0, again.output
    assert set(world.external_state().values()) == {"trashed"}
    assert len(world.internal()) == 6


def test_a_failed_batch_search_falls_back_to_reading_each_copy(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    arm = _fail_after_carry(world, "POST /search/metadata")
    result = invoke("library", "internalize", "Photos", "--yes")
    world.sim.state.observers.remove(arm)
    world.sim.state.faults.clear()
    assert result.exit_code == 0, result.output
    assert set(world.external_state().values()) == {"trashed"}
    # every unit read back one by one (the live photo's still and motion: two reads)
    assert world.sim.state.requests["GET /assets/{id}"] >= 6


def test_a_copy_that_does_not_match_keeps_its_external_asset(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    world.call("PUT", f"/assets/{world.ids['beach.jpg']}", json={"description": "keep me"})

    def tamper(answer: ObservedResponse) -> None:
        # another client edits the copies between the carry and the read-back
        if (answer.method, answer.template) == ("PUT", "/assets"):
            with world.sim.state.db.connection() as conn:
                conn.execute(
                    "UPDATE asset_exif SET description = 'edited elsewhere' WHERE \"assetId\" IN"
                    ' (SELECT id FROM asset WHERE "libraryId" IS NULL'
                    " AND \"originalFileName\" = 'beach.jpg')"
                )

    world.sim.state.observers.append(tamper)
    try:
        result = invoke("library", "internalize", "Photos", "--yes")
    finally:
        world.sim.state.observers.remove(tamper)
    assert result.exit_code == 1
    assert "verification failed (description)" in result.stdout
    state = world.external_state()
    assert state["beach.jpg"] == "live"
    assert {k: v for k, v in state.items() if k != "beach.jpg"} == dict.fromkeys(
        ["IMG_LIVE.jpg", "IMG_LIVE.mov", "clip.mov", "family.jpg", "forest.jpg"], "trashed"
    )
    # the batch was read back by search, not one copy at a time
    assert world.sim.state.requests["GET /assets/{id}"] == 0


def _unchanged(world: ExternalLibrary) -> None:
    assert world.sim.state.requests["POST /assets"] == 0
    assert world.sim.state.requests["DELETE /assets"] == 0
    assert set(world.external_state().values()) == {"live"}


def test_unknown_library_is_refused(world: ExternalLibrary, invoke: Invoke) -> None:
    result = invoke("library", "internalize", "Nope", "--yes")
    assert result.exit_code == 2
    assert "No external library is called 'Nope'" in result.stderr
    assert "Traceback" not in result.output
    _unchanged(world)


def test_non_admin_key_is_refused(world: ExternalLibrary, invoke: Invoke) -> None:
    result = invoke("library", "internalize", "Photos", "--yes", key=world.other_key)
    assert result.exit_code == 3
    assert "admin's API key" in result.stderr
    _unchanged(world)


def test_library_of_another_user_needs_the_owners_profile(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    theirs = world.root.parent / "bob"
    theirs.mkdir()
    created = world.call(
        "POST",
        "/libraries",
        json={"ownerId": world.other_id, "name": "Bob's", "importPaths": [str(theirs)]},
    )
    result = invoke("library", "internalize", created["id"], "--yes")
    assert result.exit_code == 2
    assert "belongs to bob@example.com" in result.stderr
    assert "--owner-profile" in result.stderr
    _unchanged(world)


def test_unreadable_import_path_is_refused(world: ExternalLibrary, invoke: Invoke) -> None:
    world.root.rename(world.root.with_name("moved"))
    result = invoke("library", "internalize", "Photos", "--yes")
    assert result.exit_code == 2
    assert "is not readable by the server" in result.stderr
    _unchanged(world)


def test_without_tty_or_yes_nothing_happens(world: ExternalLibrary, invoke: Invoke) -> None:
    result = invoke("library", "internalize", "Photos")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    _unchanged(world)


def test_library_list_shows_owner_paths_and_counts(world: ExternalLibrary, invoke: Invoke) -> None:
    rows: object = json.loads(invoke("library", "list", "--json").stdout)
    assert rows == [
        {
            "id": world.library_id,
            "name": "Photos",
            "owner": "admin@example.com",
            "import_paths": [str(world.root)],
            "assets": 6,
        }
    ]
