"""`immkit transfer` through the CLI: dry-run table, confirmation, apply, undo, bad input."""

from __future__ import annotations

import json
import re

import psycopg
import pytest
from psycopg.rows import dict_row

from immkit.sim.server import SimServer
from tests.integration.transfer.conftest import Family, Invoke
from tests.integration.transfer.test_apply import _files, _people, _state


def test_dry_run_shows_the_table_and_changes_nothing(family: Family, invoke: Invoke) -> None:
    before = _state(family.url)
    result = invoke("transfer", "--album", "Holiday", "--to", "bob@example.com", "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "alice@example.com → bob@example.com" in out
    assert re.search(r"photos and videos to move\s+7\b", out)
    assert "1 live-photo part(s), 1 stack member(s)" in out
    assert re.search(r"persons to transfer\s+1\s+Anna 2 in / 0 out", out)
    assert re.search(r"persons to duplicate\s+1\s+Ben 2 in / 1 out", out)
    assert re.search(r"tags for the target\s+2\s+Places, Places/Italy; 1 link", out)
    assert re.search(r"duplicates at the target \(skip\)\s+1\s+IMG_5.jpg", out)
    assert "Holiday (5)" in out
    assert "Storage Template Migration" in out
    assert _state(family.url) == before


def test_json_dry_run_is_the_plan(family: Family, invoke: Invoke) -> None:
    result = invoke("--json", "transfer", "--tag", "Places", "--to", "bob@example.com",
                    "--dry-run")  # fmt: skip
    plan = json.loads(result.stdout)
    body = plan["actions"][0]["params"]
    assert body["asset_ids"] == [family.assets["IMG_4"]]
    assert body["kind"] == "tag"


def test_apply_needs_yes_without_a_terminal(family: Family, invoke: Invoke) -> None:
    before = _state(family.url)
    result = invoke("transfer", "--album", "Holiday", "--to", "bob@example.com")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert _state(family.url) == before


def test_apply_and_undo_through_the_cli(sim: SimServer, family: Family, invoke: Invoke) -> None:
    before = _state(family.url)
    result = invoke("transfer", "--person", "Anna", "--to", "bob@example.com", "--yes")
    assert result.exit_code == 0, result.output
    # IMG_3 also shows Ben, who has photos elsewhere: bob gets his own Ben
    assert _people(family, sim, "bob") == {"Anna": 2, "Ben": 1}
    assert "IMG_1.jpg" in _files(family, sim, "bob")
    runs = json.loads(invoke("--json", "runs", "list").stdout)["runs"]
    undo = invoke("runs", "undo", runs[0]["id"], "--yes")
    assert undo.exit_code == 0, undo.output
    after = _state(family.url)
    # the undo puts every row back as it was (feature faces and thumbnails included)
    assert after == before


def test_include_album_hands_it_over_old_owner_stays_editor(
    sim: SimServer, family: Family, invoke: Invoke
) -> None:
    result = invoke("transfer", "--album", "Holiday", "--to", "bob@example.com",
                    "--include-album", "--keep-editor", "--yes")  # fmt: skip
    assert result.exit_code == 0, result.output
    with family.api(sim, "bob") as client:
        album = client.get(f"/albums/{family.albums['Holiday']}").json()
    roles = {u["user"]["email"]: u["role"] for u in album["albumUsers"]}
    assert roles == {"bob@example.com": "owner", "alice@example.com": "editor"}


def test_duplicate_policy_merge_puts_the_targets_copy_in_the_album(
    sim: SimServer, family: Family, invoke: Invoke
) -> None:
    result = invoke("transfer", "--album", "Holiday", "--to", "bob@example.com",
                    "--duplicates", "merge", "--yes")  # fmt: skip
    assert result.exit_code == 0, result.output
    with psycopg.connect(family.url, row_factory=dict_row) as conn:
        row = conn.execute(
            'SELECT count(*) AS n FROM album_asset WHERE "albumId" = %s AND "assetId" = %s',
            (family.albums["Holiday"], family.assets["DUP_5"]),
        ).fetchone()
    assert row is not None
    assert row["n"] == 1
    assert "IMG_5.jpg" in _files(family, sim, "alice")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--album", "Holiday", "--to", "alice@example.com"], "same user"),
        (["--album", "Holiday", "--to", "nobody@example.com"], "No user 'nobody@example.com'"),
        (["--album", "Nope", "--to", "bob@example.com"], "No album 'Nope'"),
        (["--tag", "Nope", "--to", "bob@example.com"], "No tag 'Nope'"),
        (["--person", "Nope", "--to", "bob@example.com"], "No person 'Nope'"),
        (["--album", "Holiday", "--from", "carol@example.com", "--to", "bob@example.com"],
         "not owned by carol@example.com"),
        (["--album", "Holiday", "--to", "bob@example.com", "--mode", "api"], "needs --to-profile"),
    ],
)  # fmt: skip
def test_bad_input_is_one_sentence_exit_2_nothing_changed(
    family: Family, invoke: Invoke, args: list[str], message: str
) -> None:
    before = _state(family.url)
    result = invoke("transfer", *args, "--yes")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert _state(family.url) == before


def test_unreachable_database_is_exit_3(family: Family, invoke: Invoke) -> None:
    url = "postgresql://immich:canary-db-pw@127.0.0.1:1/immich"
    result = invoke("transfer", "--album", "Holiday", "--to", "bob@example.com", "--yes",
                    database_url=url)  # fmt: skip
    assert result.exit_code == 3
    assert "Cannot connect to the database" in result.stderr
    assert "canary-db-pw" not in result.output


def test_wrong_password_is_exit_3_and_never_printed(
    family: Family, invoke: Invoke, password_login: str
) -> None:
    before = _state(family.url)
    url = password_login.format("canary-wrong-pw")
    result = invoke("transfer", "--album", "Holiday", "--to", "bob@example.com", "--yes",
                    database_url=url)  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "canary-wrong-pw" not in result.output
    assert "the password was refused" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _state(family.url) == before


@pytest.mark.parametrize("verbosity", [[], ["-v"]], ids=["quiet", "verbose"])
def test_doctor_db_with_a_wrong_password_is_exit_3_and_never_printed(
    invoke: Invoke, password_login: str, verbosity: list[str]
) -> None:
    url = password_login.format("canary-doctor-pw")
    result = invoke(*verbosity, "doctor", "--db", database_url=url)
    assert result.exit_code == 3, result.output
    assert "canary-doctor-pw" not in result.output
    assert "the password was refused" in result.stderr
    if not verbosity:
        assert "Traceback" not in result.stderr
