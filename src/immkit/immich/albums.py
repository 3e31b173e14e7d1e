"""Albums: list, create, update, delete, membership in batches, sharing, contents."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from immkit.immich.bodies import AlbumMember, AlbumUpdate, MetadataSearch
from immkit.immich.client import ImmichClient
from immkit.immich.models import (
    Album,
    AlbumId,
    AlbumsAddResult,
    Asset,
    AssetId,
    BulkIdResult,
    UserId,
)
from immkit.immich.search import SearchApi
from immkit.immich.wire import parse, parse_list

ALBUM_BATCH = 10_000  # 3.1: 10 000 ids per call work (0.36 s to add, 0.28 s to remove)

T = TypeVar("T")


def batched(items: Sequence[T], size: int = ALBUM_BATCH) -> list[list[T]]:
    """Split `items` into consecutive batches of at most `size`, order kept."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class AlbumsApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client
        self._search = SearchApi(client)

    def all(
        self,
        *,
        is_owned: bool | None = None,
        is_shared: bool | None = None,
        name: str | None = None,
        asset_id: AssetId | None = None,
    ) -> list[Album]:
        """`GET /albums`; with no filter: albums the caller owns plus those shared with them.
        `name` matches exactly."""
        params = {"isOwned": is_owned, "isShared": is_shared, "name": name, "assetId": asset_id}
        return parse_list(Album, self._client.call("GET", "/albums", params=params), "GET /albums")

    def get(self, album_id: AlbumId) -> Album:
        data = self._client.call("GET", "/albums/{id}", path_params={"id": album_id})
        return parse(Album, data, "GET /albums/{id}")

    def create(
        self,
        name: str,
        *,
        description: str | None = None,
        asset_ids: Sequence[AssetId] = (),
        members: Sequence[AlbumMember] = (),
    ) -> Album:
        """`POST /albums`; assets the caller may not add are dropped silently by Immich."""
        body: dict[str, object] = {"albumName": name}
        if description is not None:
            body["description"] = description
        if asset_ids:
            body["assetIds"] = list(asset_ids)
        if members:
            body["albumUsers"] = [m.model_dump(mode="json", by_alias=True) for m in members]
        return parse(Album, self._client.call("POST", "/albums", json=body), "POST /albums")

    def update(self, album_id: AlbumId, update: AlbumUpdate) -> Album:
        data = self._client.call(
            "PATCH", "/albums/{id}", path_params={"id": album_id}, json=update.changes()
        )
        return parse(Album, data, "PATCH /albums/{id}")

    def delete(self, album_id: AlbumId) -> None:
        self._client.call("DELETE", "/albums/{id}", path_params={"id": album_id})

    def add_assets(self, album_id: AlbumId, asset_ids: Sequence[AssetId]) -> list[BulkIdResult]:
        """Per-id results (`duplicate`, `no_permission`…), in `ALBUM_BATCH`-sized calls."""
        return self._membership("PUT", album_id, asset_ids)

    def remove_assets(self, album_id: AlbumId, asset_ids: Sequence[AssetId]) -> list[BulkIdResult]:
        """Per-id results (`not_found` when absent), in `ALBUM_BATCH`-sized calls."""
        return self._membership("DELETE", album_id, asset_ids)

    def add_assets_to_albums(
        self, album_ids: Sequence[AlbumId], asset_ids: Sequence[AssetId]
    ) -> AlbumsAddResult:
        """`PUT /albums/assets`: every asset into every album; one verdict for all
        (`duplicate` when nothing was new; inaccessible albums/assets are skipped)."""
        body = {"albumIds": list(album_ids), "assetIds": list(asset_ids)}
        data = self._client.call("PUT", "/albums/assets", json=body)
        return parse(AlbumsAddResult, data, "PUT /albums/assets")

    def add_members(self, album_id: AlbumId, members: Sequence[AlbumMember]) -> Album:
        """Share the album; re-adding a member changes nothing."""
        body = {"albumUsers": [m.model_dump(mode="json", by_alias=True) for m in members]}
        data = self._client.call(
            "PUT", "/albums/{id}/users", path_params={"id": album_id}, json=body
        )
        return parse(Album, data, "PUT /albums/{id}/users")

    def remove_member(self, album_id: AlbumId, user_id: UserId | str) -> None:
        """Unshare (`user_id` may be `"me"` to leave an album shared with the caller)."""
        self._client.call(
            "DELETE",
            "/albums/{id}/user/{userId}",
            path_params={"id": album_id, "userId": user_id},
        )

    def assets(self, album_id: AlbumId, *, with_people: bool = False) -> Iterator[Asset]:
        """The album's assets (3.x albums no longer list them): a search by `albumIds`."""
        filters = MetadataSearch(album_ids=[album_id], with_people=with_people or None)
        return self._search.iter_assets(filters)

    def _membership(
        self, method: str, album_id: AlbumId, asset_ids: Sequence[AssetId]
    ) -> list[BulkIdResult]:
        results: list[BulkIdResult] = []
        for batch in batched(asset_ids):
            data = self._client.call(
                method, "/albums/{id}/assets", path_params={"id": album_id}, json={"ids": batch}
            )
            results.extend(parse_list(BulkIdResult, data, f"{method} /albums/{{id}}/assets"))
        return results
