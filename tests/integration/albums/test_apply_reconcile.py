"""Album actions re-applied after a crash find the server already changed, and agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from immkit.engine import Action
from immkit.errors import ApiError
from immkit.immich import Immich
from immkit.immich.bodies import AlbumMember
from immkit.immich.models import AlbumId, AssetId, UserId
from immkit.jobs.albums import AlbumStateStore
from immkit.jobs.albums.apply import AlbumExecutor
from immkit.jobs.albums.plan import AlbumKind
from immkit.sim import seed
from immkit.sim.server import SimServer


def _delete(album_id: str) -> Action:
    return Action(
        kind=AlbumKind.DELETE_IF_EMPTY,
        target="album:Kids",
        target_label="Kids",
        params={"album_id": album_id, "album": "Kids"},
        destructive=True,
    )


def test_undo_of_a_create_cut_off_after_its_delete_is_done(immich: Immich, tmp_path: Path) -> None:
    album = immich.albums.create("Kids")
    with AlbumStateStore(tmp_path / "state.db") as store:
        executor = AlbumExecutor(immich, store, "scope")
        first = executor.apply(_delete(album.id))
        again = executor.apply(_delete(album.id))  # the rerun after a SIGKILL
    assert first.detail == {"deleted": album.id}
    assert again.detail == {"deleted": album.id, "already": True}


def test_undo_of_a_create_still_fails_on_a_malformed_album_id(
    immich: Immich, tmp_path: Path
) -> None:
    with AlbumStateStore(tmp_path / "state.db") as store:
        executor = AlbumExecutor(immich, store, "scope")
        bad = AlbumId("not-a-uuid")
        with pytest.raises(ApiError):
            executor.apply(_delete(bad))


def test_unshare_cut_off_after_its_delete_is_done(
    immich: Immich, sim: SimServer, tmp_path: Path
) -> None:
    with sim.state.db.connection() as conn:
        bob = seed.add_user(conn, "bob@example.com", "Bob")
    album = immich.albums.create("Kids", members=[AlbumMember(user_id=UserId(bob))])
    unshare = Action(
        kind=AlbumKind.UNSHARE,
        target="album:Kids",
        target_label="Kids",
        params={"album_id": album.id, "user_id": bob},
    )
    with AlbumStateStore(tmp_path / "state.db") as store:
        executor = AlbumExecutor(immich, store, "scope")
        assert executor.apply(unshare).detail == {"album_id": album.id}
        assert executor.apply(unshare).detail == {"album_id": album.id, "already": True}
    assert immich.albums.get(album.id).role_of(UserId(bob)) is None


def test_an_add_repeated_after_a_lost_answer_is_still_undone(
    immich: Immich, sim: SimServer, owner: tuple[str, str], tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    with sim.state.db.connection() as conn:
        ids = seed.add_assets(
            conn,
            [
                seed.AssetSeed(owner[0], f"IMG_{i}.jpg", datetime(2024, 1, 1, tzinfo=UTC))
                for i in range(3)
            ],
        )
    album = immich.albums.create("Kids")
    add = Action(
        kind=AlbumKind.ADD,
        target="album:Kids",
        target_label="Kids",
        params={"album_id": album.id, "asset_ids": list(ids)},
    )
    with AlbumStateStore(tmp_path / "state.db") as store:
        executor = AlbumExecutor(immich, store, "scope")
        immich.albums.add_assets(
            album.id, [AssetId(i) for i in ids]
        )  # the first attempt, whose answer was lost
        outcome = executor.apply(add)
        assert store.added("scope", album.id) == frozenset(ids)
    (undo,) = outcome.undo
    assert isinstance(undo.params["asset_ids"], list)
    assert set(map(str, undo.params["asset_ids"])) == set(ids)


def test_an_add_to_an_album_whose_create_failed_fails_cleanly(
    immich: Immich, tmp_path: Path
) -> None:
    from immkit.errors import NotFoundError

    add = Action(
        kind=AlbumKind.ADD,
        target="album:Kids",
        target_label="Kids",
        params={"album": "Kids", "asset_ids": []},
    )
    with (
        AlbumStateStore(tmp_path / "state.db") as store,
        pytest.raises(NotFoundError, match="run the sync again"),
    ):
        AlbumExecutor(immich, store, "scope").apply(add)
