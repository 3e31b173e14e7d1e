"""AlbumStateStore: provenance, snapshots, damage; rule_lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from immkit.errors import BadFileError, InputError, RunBusyError
from immkit.jobs.albums.state import STATE_NAME, AlbumStateStore, Saved, rule_lock, scope_of

SCOPE = scope_of("https://photos.example/", "u-me")
OTHER = scope_of("https://photos.example", "u-partner")

SAVED = Saved(
    rule_digest="d1",
    album_id="al-1",
    album_count=2,
    album_updated="2024-06-01T10:00:00.000Z",
    album_assets=frozenset({"b", "a"}),
    matched=frozenset({"c", "a"}),
    full_at="2024-06-01T10:00:01+00:00",
    watermark="2024-06-01T09:59:00.000Z",
    settled_cutoff=None,
    people={"p-alice": "2024-05-01T00:00:00Z"},
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / STATE_NAME


@pytest.fixture
def store(path: Path) -> Iterator[AlbumStateStore]:
    with AlbumStateStore(path) as store:
        yield store


def test_scope_ignores_a_trailing_slash() -> None:
    assert SCOPE == "https://photos.example|u-me"
    assert scope_of("https://photos.example", "u-me") == SCOPE


# -- provenance -----------------------------------------------------------------------------


def test_added_is_recorded_per_scope_and_album(store: AlbumStateStore) -> None:
    store.record_added(SCOPE, "al-1", ["a", "b"])
    store.record_added(SCOPE, "al-1", ["b", "c"])  # again: no error, no duplicate
    store.record_added(SCOPE, "al-2", ["z"])
    store.record_added(OTHER, "al-1", ["y"])
    assert store.added(SCOPE, "al-1") == {"a", "b", "c"}
    assert store.added(SCOPE, "al-2") == {"z"}
    assert store.added(OTHER, "al-1") == {"y"}
    assert store.added(SCOPE, "al-3") == frozenset()


def test_forget_added(store: AlbumStateStore) -> None:
    store.record_added(SCOPE, "al-1", ["a", "b", "c"])
    store.record_added(OTHER, "al-1", ["a"])
    store.forget_added(SCOPE, "al-1", ["a", "never-added"])
    assert store.added(SCOPE, "al-1") == {"b", "c"}
    assert store.added(OTHER, "al-1") == {"a"}


def test_state_survives_reopening(path: Path) -> None:
    with AlbumStateStore(path) as store:
        store.record_added(SCOPE, "al-1", ["a"])
        store.save_snapshot(SCOPE, "Kids", SAVED)
    with AlbumStateStore(path) as store:
        assert store.added(SCOPE, "al-1") == {"a"}
        assert store.snapshot(SCOPE, "Kids") == SAVED


# -- snapshots ------------------------------------------------------------------------------


def test_saved_round_trip_is_exact_and_sorted() -> None:
    text = SAVED.dumps()
    assert Saved.loads(text) == SAVED
    assert '"album_assets":["a","b"]' in text
    assert '"matched":["a","c"]' in text
    minimal = Saved("d", "al", 0, "", frozenset(), frozenset(), "t")
    assert Saved.loads(minimal.dumps()) == minimal


def test_snapshot_save_replace_drop(store: AlbumStateStore) -> None:
    assert store.snapshot(SCOPE, "Kids") is None
    store.save_snapshot(SCOPE, "Kids", SAVED)
    newer = Saved("d2", "al-1", 3, "u", frozenset({"x"}), frozenset({"x"}), "t")
    store.save_snapshot(SCOPE, "Pets", newer)
    assert store.snapshot(SCOPE, "Kids") == SAVED
    assert store.snapshot(OTHER, "Kids") is None
    store.save_snapshot(SCOPE, "Kids", newer)
    assert store.snapshot(SCOPE, "Kids") == newer
    store.drop_snapshot(SCOPE, "Kids")
    assert store.snapshot(SCOPE, "Kids") is None
    assert store.snapshot(SCOPE, "Pets") == newer


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "",
        "null",
        "[]",
        "{}",
        '{"album_assets": [], "matched": []}',  # an older snapshot lacking fields
        SAVED.dumps().replace('"rule_digest"', '"renamed"'),
        SAVED.dumps().replace('"album_assets":["a","b"]', '"album_assets":7'),
    ],
)
def test_damaged_snapshot_is_a_cold_run(path: Path, body: str) -> None:
    with AlbumStateStore(path) as store:
        store.save_snapshot(SCOPE, "Kids", SAVED)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE snapshot SET body = ?", (body,))
    db.close()
    with AlbumStateStore(path) as store:
        assert store.snapshot(SCOPE, "Kids") is None


def test_damaged_file_is_a_bad_file_error(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database " * 20)
    with pytest.raises(BadFileError, match="is damaged") as caught:
        AlbumStateStore(path)
    assert caught.value.exit_code == 2


# -- locks ----------------------------------------------------------------------------------


def test_lock_held_elsewhere_is_busy(tmp_path: Path) -> None:
    locks = tmp_path / "locks"
    with rule_lock(locks, SCOPE, "Kids"):
        with (
            pytest.raises(RunBusyError, match="'KIDS' is being synced") as caught,
            rule_lock(locks, SCOPE, "KIDS"),
        ):
            pass  # pragma: no cover
        assert isinstance(caught.value, InputError)
        # other rules and other scopes are independent
        with rule_lock(locks, SCOPE, "Pets"), rule_lock(locks, OTHER, "Kids"):
            pass
    with rule_lock(locks, SCOPE, "Kids"):  # released on exit
        pass


def test_lock_is_released_when_the_body_fails(tmp_path: Path) -> None:
    with pytest.raises(KeyError), rule_lock(tmp_path, SCOPE, "Kids"):
        raise KeyError("boom")
    with rule_lock(tmp_path, SCOPE, "Kids"):
        pass
