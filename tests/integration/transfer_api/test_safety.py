"""API-mode transfer: nothing is trashed unverified, a cut-off run resumes without a second
upload, and bad input changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from immkit.jobs.assetcopy import pipeline
from immkit.sim.state import ObservedResponse
from tests.integration.transfer_api.conftest import Invoke, Pair, json_of

MOVE = ("transfer", "--album", "Holiday", "--to-profile", "bob")
HOLIDAY = {"beach.jpg", "family.jpg", "forest.jpg", "IMG_LIVE.jpg", "IMG_LIVE.mov"}


def test_run_cut_off_after_upload_resumes_without_second_upload(
    pair: Pair, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self: pipeline.AssetCopier, states: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline.AssetCopier, "_delete", crash)
    stopped = invoke(*MOVE, "--yes")
    assert stopped.exit_code == 130
    assert pair.trashed("alice") == set()  # nothing trashed before verification
    copies = {name: a["id"] for name, a in pair.live("bob").items() if name in HOLIDAY}
    assert set(copies) == HOLIDAY
    requests = pair.sim.state.requests
    uploads, downloads = requests["POST /assets"], requests["GET /assets/{id}/original"]

    monkeypatch.undo()
    resumed = json_of(invoke(*MOVE, "--yes", "--json"))
    assert resumed["result"]["resumed"] is True
    assert requests["POST /assets"] == uploads
    assert requests["GET /assets/{id}/original"] == downloads
    assert pair.trashed("alice") == HOLIDAY
    after = pair.live("bob")
    assert {name: after[name]["id"] for name in HOLIDAY} == copies
    assert len(pair.faces("bob", copies["family.jpg"])) == 2  # faces not drawn twice

    # the resumed run's copies count as its own: undo trashes them
    undone = invoke("runs", "undo", resumed["result"]["run_id"], "--yes")
    assert undone.exit_code == 0, undone.output
    assert pair.trashed("alice") == set()
    assert pair.trashed("bob") >= HOLIDAY


def test_failed_verification_leaves_the_source_and_a_rerun_finishes(
    pair: Pair, invoke: Invoke
) -> None:
    def tamper(answer: ObservedResponse) -> None:
        # another client edits bob's copy between the carry and the read-back
        if (answer.method, answer.template) == ("PUT", "/assets"):
            with pair.sim.state.db.connection() as conn:
                conn.execute(
                    "UPDATE asset_exif SET description = 'edited elsewhere' WHERE \"assetId\" IN"
                    ' (SELECT id FROM asset WHERE "ownerId" = %s'
                    " AND \"originalFileName\" = 'beach.jpg')",
                    (pair.users["bob"],),
                )

    pair.sim.state.observers.append(tamper)
    try:
        failed = invoke(*MOVE, "--yes")
    finally:
        pair.sim.state.observers.remove(tamper)
    assert failed.exit_code == 1, failed.output
    assert "verification failed (description)" in failed.stdout
    assert "beach.jpg" in pair.live("alice")
    assert pair.trashed("alice") == HOLIDAY - {"beach.jpg"}
    uploads = pair.sim.state.requests["POST /assets"]

    again = invoke(*MOVE, "--yes")
    assert again.exit_code == 0, again.output
    assert pair.sim.state.requests["POST /assets"] == uploads
    assert pair.trashed("alice") == HOLIDAY
    assert pair.live("bob")["beach.jpg"]["exifInfo"]["description"] == "Sunset at the beach"


def test_photo_the_target_already_has_stays_with_the_source(pair: Pair, invoke: Invoke) -> None:
    path = pair.call("alice", "GET", f"/assets/{pair.ids['forest.jpg']}")["originalPath"]
    pair.upload("bob", "forest-bob.jpg", Path(path).read_bytes())
    dry = json_of(invoke(*MOVE, "--dry-run", "--json"))
    assert dry["counts"]["duplicates"] == 1
    assert dry["counts"]["photos"] == 3
    result = invoke(*MOVE, "--yes")
    assert result.exit_code == 0, result.output
    assert "forest.jpg" in pair.live("alice")
    assert "forest.jpg" not in pair.live("bob")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--album", "Holiday", "--to-profile", "alice"], "are both 'alice'"),
        (["--album", "Holiday", "--to-profile", "nobody"], "Unknown profile 'nobody'"),
        (["--album", "Nope", "--to-profile", "bob"], "No album 'Nope'"),
        (["--tag", "Nope", "--to-profile", "bob"], "No tag 'Nope'"),
        (["--person", "Nope", "--to-profile", "bob"], "No person 'Nope'"),
        (["--album", "Holiday", "--to-profile", "bob", "--to", "carol@example.com"],
         "--to carol@example.com is not the user of profile 'bob'"),
        (["--album", "Holiday"], "needs --to-profile"),
        (["--album", "Holiday", "--to-profile", "bob", "--include-album"], "needs --mode db"),
        (["--album", "Holiday", "--to-profile", "bob", "--mode", "db"], "are for --mode api"),
    ],
)  # fmt: skip
def test_bad_input_is_one_sentence_exit_2_nothing_changed(
    pair: Pair, invoke: Invoke, args: list[str], message: str
) -> None:
    result = invoke("transfer", *args, "--yes")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert pair.sim.state.requests["DELETE /assets"] == 0
    assert pair.trashed("alice") == set()
    assert "beach.jpg" not in pair.live("bob")


def test_same_user_behind_two_profiles_is_refused(pair: Pair, invoke: Invoke) -> None:
    result = invoke("transfer", "--album", "Holiday", "--to-profile", "alice2", "--yes")
    assert result.exit_code == 2
    assert "are the same user (alice@example.com)" in result.stderr
    assert pair.trashed("alice") == set()


def test_without_tty_or_yes_nothing_happens(pair: Pair, invoke: Invoke) -> None:
    result = invoke(*MOVE)
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert pair.sim.state.requests["POST /assets"] == 6  # the seed's uploads only
    assert pair.trashed("alice") == set()
