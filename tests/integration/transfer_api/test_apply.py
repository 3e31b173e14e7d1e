"""`immkit transfer --mode api` end to end between two users of one simulator."""

from __future__ import annotations

from tests.integration.transfer_api.conftest import Invoke, Pair, json_of

MOVE = ("transfer", "--album", "Holiday", "--to-profile", "bob")
HOLIDAY = {"beach.jpg", "family.jpg", "forest.jpg", "IMG_LIVE.jpg", "IMG_LIVE.mov"}


def test_dry_run_shows_counts_bytes_and_changes_nothing(pair: Pair, invoke: Invoke) -> None:
    before = set(pair.live("bob"))
    dry = json_of(invoke(*MOVE, "--dry-run", "--json"))
    counts = dry["counts"]
    assert counts["photos"] == 4
    assert counts["files"] == 5
    assert counts["live_photos"] == 1
    assert counts["bytes"] > 0
    assert counts["people_reused"] == ["Anna"]
    assert counts["people_created"] == ["Ben"]
    assert counts["faces"] == 3
    assert counts["tags_created"] == ["Places/Sea"]
    assert counts["albums_joined"] == ["Holiday"]
    assert counts["albums_left"] == ["Private"]
    assert dry["plan"]["job"] == "transfer.api"
    assert any("slower than --mode db" in n for n in dry["plan"]["notes"])
    assert set(pair.live("bob")) == before
    assert pair.trashed("alice") == set()

    text = invoke(*MOVE, "--dry-run")
    assert text.exit_code == 0, text.output
    assert "API mode" in text.stdout
    assert "photos to move: 4 (5 files" in text.stdout
    assert "Private" in text.stdout


def test_transfer_moves_photos_with_metadata_albums_people_and_live_photo(
    pair: Pair, invoke: Invoke
) -> None:
    result = invoke(*MOVE, "--yes")
    assert result.exit_code == 0, result.output

    copies = pair.live("bob")
    assert set(copies) >= HOLIDAY
    assert pair.trashed("alice") == HOLIDAY
    assert "other.jpg" in pair.live("alice")
    beach = copies["beach.jpg"]
    assert beach["ownerId"] == pair.users["bob"]
    assert beach["isFavorite"] is True
    assert beach["exifInfo"]["description"] == "Sunset at the beach"
    assert beach["exifInfo"]["rating"] == 4
    assert (beach["exifInfo"]["latitude"], beach["exifInfo"]["longitude"]) == (43.3, 5.4)
    assert beach["exifInfo"]["dateTimeOriginal"].startswith("2019-07-14T19:30:00")
    assert beach["localDateTime"].startswith("2019-07-14T21:30:00")
    assert [t["value"] for t in beach["tags"]] == ["Places/Sea"]
    assert beach["tags"][0]["id"] != pair.ids["beach.jpg"]
    assert copies["forest.jpg"]["visibility"] == "archive"
    live = copies["IMG_LIVE.jpg"]
    assert live["livePhotoVideoId"] == copies["IMG_LIVE.mov"]["id"]
    assert copies["IMG_LIVE.mov"]["visibility"] == "hidden"
    # in the album shared with bob as editor; not in alice's private album
    assert HOLIDAY - {"IMG_LIVE.mov"} <= pair.album_files("bob", pair.albums["Holiday"])
    # bob's own Anna is reused; Ben is created with his birth date
    family = copies["family.jpg"]
    people = {p["name"]: p for p in family["people"]}
    assert set(people) == {"Anna", "Ben"}
    assert people["Anna"]["id"] == pair.persons["bob:Anna"]
    assert people["Ben"]["birthDate"] == "2015-03-01"
    assert len(pair.faces("bob", family["id"])) == 2
    assert [p["name"] for p in live["people"]] == ["Anna"]


def test_rerun_is_a_no_op(pair: Pair, invoke: Invoke) -> None:
    assert invoke(*MOVE, "--yes").exit_code == 0
    uploads = pair.sim.state.requests["POST /assets"]
    again = invoke(*MOVE, "--yes")
    assert again.exit_code == 0, again.output
    assert "No changes" in again.stdout
    assert pair.sim.state.requests["POST /assets"] == uploads


def test_undo_restores_the_source_and_trashes_the_copies(pair: Pair, invoke: Invoke) -> None:
    done = json_of(invoke(*MOVE, "--yes", "--json"))
    run_id = done["result"]["run_id"]
    undone = invoke("runs", "undo", run_id, "--yes")
    assert undone.exit_code == 0, undone.output
    assert pair.trashed("alice") == set()
    assert set(pair.live("alice")) >= HOLIDAY
    assert pair.trashed("bob") >= HOLIDAY
    assert HOLIDAY - {"IMG_LIVE.mov"} <= pair.album_files("alice", pair.albums["Holiday"])


def test_tag_and_person_select_through_the_api(pair: Pair, invoke: Invoke) -> None:
    by_tag = invoke("transfer", "--tag", "Places/Sea", "--to-profile", "bob", "--yes")
    assert by_tag.exit_code == 0, by_tag.output
    assert pair.trashed("alice") == {"beach.jpg"}
    by_person = invoke(
        "transfer", "--person", "ben", "--to-profile", "bob", "--to", "bob@example.com", "--yes"
    )
    assert by_person.exit_code == 0, by_person.output
    assert pair.trashed("alice") == {"beach.jpg", "family.jpg"}
    assert {"beach.jpg", "family.jpg"} <= set(pair.live("bob"))
