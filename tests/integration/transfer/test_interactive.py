"""`immkit transfer` without arguments on a terminal: the questions, the dry run, the
confirmation — typed into a real pseudo-terminal, checked through the API afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from immkit.sim.server import SimServer
from tests.integration.transfer.conftest import Family
from tests.integration.transfer.terminal import DOWN, ENTER, Terminal
from tests.integration.transfer.test_apply import _files, _people, _state


@pytest.fixture
def env(sim: SimServer, family: Family, tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text(f'[profiles.home]\ndatabase_url = "{family.url}"\n', encoding="utf-8")
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL")}
    return keep | {
        "IMMICH_INSTANCE_URL": sim.url,
        "IMMICH_API_KEY": family.keys["alice"],
        "IMMKIT_CONFIG": str(config),
        "IMMKIT_STATE_DIR": str(tmp_path / "state"),
        "TERM": "xterm-256color",
        "PYTHONUNBUFFERED": "1",
    }


def _answer_the_questions(term: Terminal) -> None:
    # users by e-mail: alice, bob, carol; alice's albums by name: Holiday, Other
    term.expect(r"Move photos of which user\?")
    term.expect(r"Carol <carol@example\.com>")  # the whole list is drawn
    term.send(ENTER)  # alice (the first)
    term.expect(r"Which album\?")
    term.expect(r"Other \(1 photos\)")
    term.send(ENTER)  # Holiday (6 photos)
    term.expect(r"Give them to which user\?")
    term.expect(r"Carol <carol@example\.com>")
    term.send(DOWN + DOWN + ENTER)  # the list of two wraps round: carol, then bob again
    term.expect(r"Give them to which user\? Bob <bob@example\.com>")


def test_the_questions_then_the_dry_run_then_yes_moves_the_album(
    sim: SimServer, family: Family, env: dict[str, str]
) -> None:
    with Terminal(["transfer"], env) as term:
        _answer_the_questions(term)
        term.expect(r"alice@example\.com → bob@example\.com")
        term.expect(r"persons to transfer\s+1\s+Anna 2 in / 0 out")
        term.expect(r"Give 7 photos to bob@example\.com now\? \(y/N\)")
        term.send("y")
        code = term.wait()
    assert code == 0, term.text
    assert "Transfer cancelled" not in term.text
    assert {"IMG_1.jpg", "IMG_3.jpg", "IMG_6.jpg"} <= _files(family, sim, "bob")
    assert "IMG_1.jpg" not in _files(family, sim, "alice")
    assert _people(family, sim, "bob") == {"Anna": 2, "Ben": 2}
    assert _people(family, sim, "alice") == {"Ben": 1}


def test_saying_no_at_the_confirmation_changes_nothing(
    sim: SimServer, family: Family, env: dict[str, str]
) -> None:
    before = _state(family.url)
    with Terminal(["transfer"], env) as term:
        _answer_the_questions(term)
        term.expect(r"Give 7 photos to bob@example\.com now\? \(y/N\)")
        term.send("n")
        code = term.wait()
    assert code == 0, term.text
    assert "Transfer cancelled; nothing changed." in term.text
    assert _state(family.url) == before
    assert "IMG_1.jpg" in _files(family, sim, "alice")
    assert _people(family, sim, "bob") == {}


def test_a_flag_given_is_a_question_not_asked(
    sim: SimServer, family: Family, env: dict[str, str]
) -> None:
    # the tag names its owner: only the target is asked, and the answer is used
    with Terminal(["transfer", "--tag", "Places"], env) as term:
        term.expect(r"Give them to which user\?")
        term.expect(r"Carol <carol@example\.com>")
        term.send(DOWN + ENTER)  # every user is listed: alice, bob, carol
        term.expect(r"Transfer tag 'Places': alice@example\.com → bob@example\.com")
        term.expect(r"Give 1 photos to bob@example\.com now\? \(y/N\)")
        term.send("n")
        code = term.wait()
    assert code == 0, term.text
    assert "Move photos of which user?" not in term.text
    assert "Which album?" not in term.text
    assert "Transfer cancelled; nothing changed." in term.text
