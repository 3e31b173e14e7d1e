"""Rules over time: stale photos, undo, warm runs and what they notice, config and env rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from immkit.sim import seed
from immkit.sim.sample import SampleLibrary
from immkit.sim.server import SimServer
from tests.integration.albums.conftest import (
    Invoke,
    album_files,
    album_id,
    api,
    json_of,
    ok,
    photos,
    writes,
)


def _config(people: str, remove_stale: str) -> str:
    return f"""
[[albums]]
name = "Kids"
people = [{people}]
remove_stale = {remove_stale}
"""


def _switch_rule_with_a_hand_added_photo(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke, remove_stale: str
) -> set[str]:
    """Fill Kids with Alice, add Charlie's IMG_0004 by hand, then switch the rule to Bob."""
    ok(invoke("albums", "sync", config=_config('"Alice"', remove_stale)))
    kids = album_id(sim, sample, "Kids")
    with api(sim, sample) as client:
        added = client.put(f"/albums/{kids}/assets", json={"ids": [sample.asset("IMG_0004.jpg")]})
        assert added.json()[0]["success"] is True
    ok(invoke("albums", "sync", config=_config('"Bob"', remove_stale)))
    return album_files(sim, sample, "Kids")


def test_remove_stale_added_removes_only_what_immkit_added(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    files = _switch_rule_with_a_hand_added_photo(sim, sample, invoke, "true")
    assert files == photos(lambda who: "Bob" in who) | {"IMG_0004.jpg"}


def test_remove_stale_exact_makes_the_album_the_rule(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    files = _switch_rule_with_a_hand_added_photo(sim, sample, invoke, '"exact"')
    assert files == photos(lambda who: "Bob" in who)


def test_remove_stale_never_only_adds(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    files = _switch_rule_with_a_hand_added_photo(sim, sample, invoke, "false")
    assert files == photos(lambda who: bool({"Alice", "Bob"} & who)) | {"IMG_0004.jpg"}


def _last_run(invoke: Invoke) -> str:
    listing = ok(invoke("runs", "list")).stdout
    found = re.findall(r"^(\d{8}-\d{6}-[0-9a-f]+)\s+albums\.sync\b", listing, flags=re.M)
    assert found, listing
    return str(found[0])


def test_undo_removes_what_was_added_and_the_album_it_created(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    ok(
        invoke(
            "albums", "sync", "--album", "Kids", "--person", "Alice", "--share", "bob@example.com"
        )
    )
    assert album_id(sim, sample, "Kids") is not None
    run = _last_run(invoke)
    refused = invoke("runs", "undo", run)  # deleting an album needs confirmation
    assert refused.exit_code == 2
    ok(invoke("runs", "undo", run, "--yes"))
    assert album_id(sim, sample, "Kids") is None


def test_undo_puts_back_what_a_sync_removed_and_keeps_a_non_empty_album(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    before = album_files(sim, sample, "Family")
    ok(invoke("albums", "sync", config=_config('"Dana"', '"exact"').replace("Kids", "Family")))
    assert album_files(sim, sample, "Family") == photos(lambda who: "Dana" in who)
    ok(invoke("runs", "undo", _last_run(invoke), "--yes"))
    assert album_files(sim, sample, "Family") == before


def test_undo_keeps_an_album_someone_added_photos_to(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    ok(invoke("albums", "sync", "--album", "Kids", "--person", "Charlie"))
    kids = album_id(sim, sample, "Kids")
    with api(sim, sample) as client:
        client.put(f"/albums/{kids}/assets", json={"ids": [sample.asset("IMG_0030.jpg")]})
    ok(invoke("runs", "undo", _last_run(invoke), "--yes"))
    assert album_files(sim, sample, "Kids") == {"IMG_0030.jpg"}


FACELESS = """
[[albums]]
name = "Nobody"
match = "none"
settle = "0"
"""


def test_warm_faceless_run_reads_little_and_writes_nothing(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    cold = json_of(invoke("albums", "sync", "--json", config=FACELESS))
    assert cold["rules"][0]["read"] == "full"
    sim.state.requests.clear()
    warm = json_of(invoke("albums", "sync", "--json", config=FACELESS))
    assert warm["rules"][0]["read"] == "incremental"
    assert warm["plan"]["actions"] == []
    assert writes(sim) == 0
    # one search for what changed (the rule has no server-side filter); no album re-read
    assert sim.state.requests["POST /search/metadata"] == 1
    full = json_of(invoke("albums", "sync", "--full", "--json", config=FACELESS))
    assert full["rules"][0]["read"] == "full"
    assert full["plan"]["actions"] == []


def test_warm_faceless_run_notices_uploads_trash_and_new_faces(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    ok(invoke("albums", "sync", config=FACELESS))
    before = album_files(sim, sample, "Nobody")
    alice = sample.user("alice")
    with sim.state.db.connection() as conn:
        (new,) = seed.add_assets(conn, [seed.AssetSeed(alice, "NEW_0001.jpg", datetime.now(UTC))])
        face_on = sample.asset("IMG_0017.jpg")  # faceless in the sample
        stranger = seed.add_person(conn, alice, "")
        seed.add_faces(conn, [seed.FaceSeed(face_on, stranger, (1, 1, 20, 20), 96, 64)])
    with api(sim, sample) as client:
        trashed = client.request("DELETE", "/assets", json={"ids": [sample.asset("IMG_0019.jpg")]})
        assert trashed.status_code == 204
    warm = json_of(invoke("albums", "sync", "--json", config=FACELESS))
    assert warm["rules"][0]["read"] == "incremental"
    after = album_files(sim, sample, "Nobody")
    assert "NEW_0001.jpg" in after
    assert "IMG_0017.jpg" not in after  # an unnamed person is still a person (no_people)
    assert "IMG_0019.jpg" not in after  # trashed: search no longer lists it
    assert after == (before | {"NEW_0001.jpg"}) - {"IMG_0017.jpg", "IMG_0019.jpg"}
    assert new


def test_faceless_modes_differ_on_unnamed_and_unassigned_faces(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    alice = sample.user("alice")
    with sim.state.db.connection() as conn:
        stranger = seed.add_person(conn, alice, "")
        seed.add_faces(
            conn,
            [
                seed.FaceSeed(sample.asset("IMG_0017.jpg"), stranger, (1, 1, 20, 20), 96, 64),
                seed.FaceSeed(sample.asset("IMG_0019.jpg"), None, (1, 1, 20, 20), 96, 64),
            ],
        )
    fit = {}
    for mode in ("no_named", "no_people", "no_faces"):
        args = ("albums", "sync", "--album", mode, "--match", "none", "--settle", "0")
        document = json_of(invoke(*args, "--faceless", mode, "--dry-run", "--json"))
        ids = set(document["plan"]["actions"][1]["params"]["asset_ids"])
        fit[mode] = {n for n in ("IMG_0017.jpg", "IMG_0019.jpg") if sample.asset(n) in ids}
    assert fit == {
        "no_named": {"IMG_0017.jpg", "IMG_0019.jpg"},
        "no_people": {"IMG_0019.jpg"},
        "no_faces": set(),
    }


def test_config_rules_by_name_and_env_rules(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    config = _config('"Alice"', "true") + '\n[[albums]]\nname = "Dana only"\npeople = ["Dana"]\n'
    env = {"IMMKIT_ALBUM_NAME": "Charlie", "IMMKIT_ALBUM_PEOPLE": "Charlie"}
    document = json_of(
        invoke("albums", "sync", "dana ONLY", "--dry-run", "--json", config=config, **env)
    )
    assert [r["rule"] for r in document["rules"]] == ["Dana only"]
    every = json_of(invoke("albums", "sync", "--dry-run", "--json", config=config, **env))
    assert [r["rule"] for r in every["rules"]] == ["Kids", "Dana only", "Charlie"]
    unknown = invoke("albums", "sync", "Dana", "--dry-run", config=config)
    assert unknown.exit_code == 2
    assert "Dana only" in unknown.stderr
    bad = invoke("albums", "sync", config=config + '\n[[albums]]\nname = "X"\nmatch = "every"\n')
    assert bad.exit_code == 2
    assert "albums[3] (X).match" in bad.stderr
    env_bad = invoke(
        "albums", "sync", "--dry-run", IMMKIT_ALBUM_PEEPLE="Alice", IMMKIT_ALBUM_NAME="Y"
    )
    assert env_bad.exit_code == 2
    assert "peeple" in env_bad.stderr
    none = invoke("albums", "sync")
    assert none.exit_code == 2
    assert "[[albums]]" in none.stderr


def test_warm_run_of_a_filtered_rule_notices_an_asset_leaving(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    rule = ("albums", "sync", "--album", "S1", "--model", "S1", "--json")
    ok(invoke(*rule))
    with api(sim, sample) as client:
        gone = client.request("DELETE", "/assets", json={"ids": [sample.asset("IMG_0002.jpg")]})
        assert gone.status_code == 204
    sim.state.requests.clear()
    warm = json_of(invoke(*rule))
    assert warm["rules"][0]["read"] == "incremental"
    # everything that changed, what changed and fits the filters, and the album again:
    # its asset count moved (a trashed photo is not counted)
    assert sim.state.requests["POST /search/metadata"] == 3
    assert warm["plan"]["actions"] == []  # the trashed photo left the album's listing
    assert "IMG_0002.jpg" not in album_files(sim, sample, "S1")
    assert "IMG_0004.jpg" in album_files(sim, sample, "S1")
