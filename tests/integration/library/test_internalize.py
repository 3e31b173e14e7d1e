"""`immkit library internalize` end to end on a library scanned from real files."""

from __future__ import annotations

from immkit.sim import seed
from tests.integration.library.conftest import PHOTOS, VIDEOS, ExternalLibrary, Invoke, json_of


def _decorate(world: ExternalLibrary) -> dict[str, str]:
    """What a user made on the external assets: metadata, album, tag, a named face."""
    ids = world.ids
    world.call(
        "PUT",
        f"/assets/{ids['beach.jpg']}",
        json={
            "isFavorite": True,
            "description": "Sunset at the beach",
            "rating": 4,
            "latitude": 43.3,
            "longitude": 5.4,
            "dateTimeOriginal": "2019-07-14T21:30:00+02:00",
        },
    )
    world.call("PUT", f"/assets/{ids['forest.jpg']}", json={"visibility": "archive"})
    album = world.call(
        "POST",
        "/albums",
        json={"albumName": "Holidays", "assetIds": [ids["beach.jpg"], ids["IMG_LIVE.jpg"]]},
    )
    with world.sim.state.db.connection() as conn:
        tag = seed.add_tag(conn, world.admin_id, "Places/Sea")
        seed.tag_assets(conn, tag, [ids["beach.jpg"]])
        alice = seed.add_person(conn, world.admin_id, "Alice")
    world.draw_face(ids["family.jpg"], alice)
    return {"album": album["id"], "tag": tag, "alice": alice}


def test_internalize_carries_albums_metadata_tags_faces_and_live_photos(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    made = _decorate(world)
    dry = json_of(invoke("library", "internalize", "Photos", "--dry-run", "--json"))
    assert dry["counts"]["to_upload"] == 5  # 4 stills/videos + 1 live photo (2 files)
    assert dry["counts"]["to_delete"] == 6
    assert dry["counts"]["live_photos"] == 1
    assert world.internal() == {}

    result = invoke("library", "internalize", "Photos", "--yes")
    assert result.exit_code == 0, result.output

    copies = world.internal()
    assert set(copies) == set(PHOTOS) | set(VIDEOS)
    assert set(world.external_state().values()) == {"trashed"}
    beach = copies["beach.jpg"]
    assert beach["isFavorite"] is True
    assert beach["exifInfo"]["description"] == "Sunset at the beach"
    assert beach["exifInfo"]["rating"] == 4
    assert (beach["exifInfo"]["latitude"], beach["exifInfo"]["longitude"]) == (43.3, 5.4)
    assert beach["exifInfo"]["dateTimeOriginal"].startswith("2019-07-14T19:30:00")
    assert beach["localDateTime"].startswith("2019-07-14T21:30:00")
    assert [t["id"] for t in beach["tags"]] == [made["tag"]]
    assert copies["forest.jpg"]["visibility"] == "archive"
    assert [p["name"] for p in copies["family.jpg"]["people"]] == ["Alice"]
    live = copies["IMG_LIVE.jpg"]
    assert live["livePhotoVideoId"] == copies["IMG_LIVE.mov"]["id"]
    assert copies["IMG_LIVE.mov"]["visibility"] == "hidden"
    album = world.call("POST", "/search/metadata", json={"albumIds": [made["album"]]})
    in_album = {a["originalFileName"] for a in album["assets"]["items"] if a["libraryId"] is None}
    assert in_album == {"beach.jpg", "IMG_LIVE.jpg"}
    # trashed, not deleted: the files are still on disk until the trash is emptied
    assert all((world.root / name).exists() for name in [*PHOTOS, *VIDEOS])


def test_keep_external_keeps_assets_and_a_second_run_does_nothing(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    result = invoke("library", "internalize", "Photos", "--keep-external")
    assert result.exit_code == 0, result.output
    assert set(world.external_state().values()) == {"live"}
    assert len(world.internal()) == 6
    uploads = world.sim.state.requests["POST /assets"]
    again = invoke("library", "internalize", "Photos", "--keep-external")
    assert again.exit_code == 0, again.output
    assert "No changes" in again.stdout
    assert world.sim.state.requests["POST /assets"] == uploads


def test_undo_restores_external_assets_and_trashes_the_copies(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    _decorate(world)
    result = json_of(invoke("library", "internalize", "Photos", "--yes", "--json"))
    run_id = result["result"]["run_id"]
    undone = invoke("runs", "undo", run_id, "--yes")
    assert undone.exit_code == 0, undone.output
    assert set(world.external_state().values()) == {"live"}
    assert world.internal() == {}
