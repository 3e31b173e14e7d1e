"""`immkit albums sync` matching, against the simulator over HTTP and real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from immkit.sim import seed
from immkit.sim.sample import FACES, SampleLibrary
from immkit.sim.server import SimServer
from tests.integration.albums.conftest import (
    Invoke,
    album_files,
    album_id,
    alice_files,
    api,
    json_of,
    ok,
    photos,
    writes,
)


def test_any_creates_the_album_and_a_second_run_writes_nothing(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    rule = ("albums", "sync", "--album", "Kids", "--person", "Alice", "--person", "Bob")
    ok(invoke(*rule))
    assert album_files(sim, sample, "Kids") == photos(lambda who: bool({"Alice", "Bob"} & who))
    sim.state.requests.clear()
    again = ok(invoke(*rule))
    assert "+0 −0" in again.stdout
    assert writes(sim) == 0


def test_all_needs_everyone_together(sim: SimServer, sample: SampleLibrary, invoke: Invoke) -> None:
    ok(
        invoke(
            "albums",
            "sync",
            "--album",
            "Both",
            "--match",
            "all",
            "--person",
            "alice",
            "--person",
            "BOB",
        )
    )
    assert album_files(sim, sample, "Both") == photos(lambda who: {"Alice", "Bob"} <= who)


def test_none_is_every_own_photo_with_nobody_in_it(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    ok(invoke("albums", "sync", "--album", "Nobody", "--match", "none", "--settle", "0"))
    faced = {f"IMG_{n:04d}.jpg" for n in FACES}
    expected = alice_files(sim, sample) - faced
    assert album_files(sim, sample, "Nobody") == expected
    assert not any(name.startswith("BOB_") for name in expected)  # bob's are not alice's


def test_none_leaves_out_recent_uploads_until_they_settle(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    """Face detection may not have run on a fresh upload yet: `settle` (1h) waits for it."""
    with sim.state.db.connection() as conn:
        seed.add_assets(conn, [seed.AssetSeed(sample.user("alice"), "NEW.jpg", datetime.now(UTC))])
    rule = ("albums", "sync", "--album", "Nobody", "--match", "none", "--dry-run", "-v")
    settled = ok(invoke(*rule)).stdout
    assert "+ IMG_0017.jpg" in settled
    assert "NEW.jpg" not in settled
    assert "+ NEW.jpg" in ok(invoke(*rule, "--settle", "0")).stdout


def test_exclude_and_only_listed(sim: SimServer, sample: SampleLibrary, invoke: Invoke) -> None:
    ok(invoke("albums", "sync", "--album", "A", "--person", "Alice", "--exclude", "Bob"))
    assert album_files(sim, sample, "A") == photos(lambda who: "Alice" in who and "Bob" not in who)
    ok(
        invoke(
            "albums",
            "sync",
            "--album",
            "AB",
            "--person",
            "Alice",
            "--person",
            "Bob",
            "--only-listed",
        )
    )
    assert album_files(sim, sample, "AB") == photos(
        lambda who: bool(who & {"Alice", "Bob"}) and who <= {"Alice", "Bob"}
    )


def test_filename_globs_are_case_insensitive(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    ok(invoke("albums", "sync", "--album", "G", "--person", "Alice", "--filename", "img_000?.JPG"))
    assert album_files(sim, sample, "G") == photos(lambda who: "Alice" in who) & {
        f"IMG_{n:04d}.jpg" for n in range(1, 10)
    }


def test_search_filters_narrow_a_rule_without_people(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    paris = {f"IMG_{n:04d}.jpg" for n in range(1, 31, 5)}  # the sample's every 5th photo
    ok(invoke("albums", "sync", "--album", "Paris", "--city", "Paris"))
    assert album_files(sim, sample, "Paris") == paris
    ok(
        invoke(
            "albums", "sync", "--album", "S1 2022", "--model", "S1", "--taken-before", "2022-12-31"
        )
    )
    # the sample's photos are 23 days apart from 2022-01-03; odd positions are model S1
    expected = {f"IMG_{i + 1:04d}.jpg" for i in range(1, 30, 2) if 23 * i < 362}
    assert album_files(sim, sample, "S1 2022") == expected


def test_favorite_and_type(sim: SimServer, sample: SampleLibrary, invoke: Invoke) -> None:
    with api(sim, sample) as client:
        ids = [sample.asset("IMG_0002.jpg"), sample.asset("IMG_0029.jpg")]
        assert client.put("/assets", json={"ids": ids, "isFavorite": True}).status_code == 204
    ok(invoke("albums", "sync", "--album", "Favs", "--favorite", "--type", "image"))
    assert album_files(sim, sample, "Favs") == {"IMG_0002.jpg", "IMG_0029.jpg"}
    document = json_of(
        invoke("albums", "sync", "--album", "Vids", "--type", "video", "--dry-run", "--json")
    )
    assert document["rules"][0]["fit"] == 0


def test_partners_photos_only_on_request(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    with sim.state.db.connection() as conn:
        conn.execute(
            'INSERT INTO partner ("sharedById", "sharedWithId", "inTimeline")'
            " VALUES (%s, %s, true)",
            (sample.user("bob"), sample.user("alice")),
        )
    own = json_of(invoke("albums", "sync", "--album", "P", "--model", "S1", "--dry-run", "--json"))
    both = json_of(
        invoke(
            "albums",
            "sync",
            "--album",
            "P",
            "--model",
            "S1",
            "--include-partners",
            "--dry-run",
            "--json",
        )
    )
    assert both["rules"][0]["fit"] == own["rules"][0]["fit"] + 4  # BOB_0002, 4, 6, 8


def test_unknown_and_ambiguous_people_are_exit_2_with_suggestions(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    unknown = invoke("albums", "sync", "--album", "K", "--person", "Charly")
    assert unknown.exit_code == 2
    assert "Charly" in unknown.stderr
    assert "Charlie" in unknown.stderr
    with sim.state.db.connection() as conn:
        twin = seed.add_person(conn, sample.user("alice"), "Dana")
        seed.add_faces(
            conn, [seed.FaceSeed(sample.asset("IMG_0030.jpg"), twin, (1, 1, 20, 20), 96, 64)]
        )
    ambiguous = invoke("albums", "sync", "--album", "K", "--person", "Dana")
    assert ambiguous.exit_code == 2
    assert "2 people are named 'Dana'" in ambiguous.stderr
    assert twin in ambiguous.stderr
    by_id = invoke("albums", "sync", "--album", "K", "--person", twin, "--dry-run", "--json")
    assert json_of(by_id)["rules"][0]["fit"] == 1
    assert album_id(sim, sample, "K") is None


def test_dry_run_changes_nothing(sim: SimServer, sample: SampleLibrary, invoke: Invoke) -> None:
    sim.state.requests.clear()
    document = json_of(
        invoke("albums", "sync", "--album", "Kids", "--person", "Alice", "--dry-run", "--json")
    )
    kinds = [a["kind"] for a in document["plan"]["actions"]]
    assert kinds == ["album.create", "album.add_assets"]
    assert len(document["plan"]["actions"][1]["params"]["asset_ids"]) == len(
        photos(lambda who: "Alice" in who)
    )
    assert "result" not in document
    assert writes(sim) == 0
    assert album_id(sim, sample, "Kids") is None
    assert (
        "No runs" in invoke("runs", "list").stdout or invoke("runs", "list").stdout.count("\n") <= 1
    )


def test_verbose_dry_run_lists_file_names(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    out = ok(
        invoke("-v", "albums", "sync", "--album", "Kids", "--person", "Dana", "--dry-run")
    ).stdout
    for name in photos(lambda who: "Dana" in who):
        assert f"+ {name}" in out


def test_share_with_users_by_email(sim: SimServer, sample: SampleLibrary, invoke: Invoke) -> None:
    ok(invoke("albums", "sync", "--album", "Kids", "--person", "Bob", "--share", "BOB@example.com"))
    with api(sim, sample, "bob") as client:
        shared = client.get("/albums", params={"isShared": True}).json()
    kids = [a for a in shared if a["albumName"] == "Kids"]
    assert kids
    assert {u["user"]["email"]: u["role"] for u in kids[0]["albumUsers"]}[
        "bob@example.com"
    ] == "viewer"
    again = json_of(
        invoke(
            "albums",
            "sync",
            "--album",
            "Kids",
            "--person",
            "Bob",
            "--share",
            "bob@example.com",
            "--dry-run",
            "--json",
        )
    )
    assert again["plan"]["actions"] == []
    nobody = invoke(
        "albums", "sync", "--album", "Kids", "--person", "Bob", "--share", "bobby@example.org"
    )
    assert nobody.exit_code == 2
    assert "bob@example.com" in nobody.stderr


def test_an_existing_album_is_filled_not_duplicated(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    before = album_files(sim, sample, "Family")
    ok(invoke("albums", "sync", "--album", "Family", "--person", "Dana"))
    assert album_files(sim, sample, "Family") == before | photos(lambda who: "Dana" in who)
    with api(sim, sample) as client:
        assert len(client.get("/albums", params={"name": "Family"}).json()) == 1


def test_bad_flags_are_exit_2_before_any_request(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    sim.state.requests.clear()
    bad = invoke("albums", "sync", "--album", "X", "--match", "none", "--person", "Alice")
    assert bad.exit_code == 2
    assert "exclude_people" in bad.stderr
    assert invoke("albums", "sync", "--person", "Alice").exit_code == 2
    assert invoke("albums", "sync", "--album", "X", "--match", "some").exit_code == 2
    assert sum(sim.state.requests.values()) == 0


def test_tags_by_full_path_or_unique_leaf_include_child_tags(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    alice = sample.user("alice")
    with sim.state.db.connection() as conn:
        italy = seed.add_tag(conn, alice, "Places/Italy")
        rome = seed.add_tag(conn, alice, "Places/Italy/Rome")
        seed.add_tag(conn, alice, "Food/Italy")
        seed.tag_assets(conn, italy, [sample.asset("IMG_0001.jpg")])
        seed.tag_assets(conn, rome, [sample.asset("IMG_0002.jpg")])
    ok(
        invoke(
            "albums", "sync", "--album", "Italy", "--tag", "places/italy", "--tag", "Places/Italy"
        )
    )
    assert album_files(sim, sample, "Italy") == {"IMG_0001.jpg", "IMG_0002.jpg"}
    ok(invoke("albums", "sync", "--album", "Rome", "--tag", "Rome"))
    assert album_files(sim, sample, "Rome") == {"IMG_0002.jpg"}
    ambiguous = invoke("albums", "sync", "--album", "X", "--tag", "Italy")
    assert ambiguous.exit_code == 2
    assert "Food/Italy" in ambiguous.stderr
    unknown = invoke("albums", "sync", "--album", "X", "--tag", "Place/Italy")
    assert unknown.exit_code == 2
    assert "Places/Italy" in unknown.stderr
