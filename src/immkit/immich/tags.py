"""Tags: the caller's tag tree, creating paths, tagging and untagging assets.

A tag's `value` is its full path ("Places/Italy"). Search (`tag_ids`) matches a tag or any
of its descendants, but only through Immich's `tag_closure` table, which 3.1 fills for
tags made by `upsert` (and metadata import) and not for tags made by `create`: on 3.1 a
tag from `create` matches no asset in search or the timeline (fixed in 3.2.0). Prefer
`upsert` to make tags.
"""

from __future__ import annotations

from collections.abc import Sequence

from immkit.immich.albums import batched
from immkit.immich.client import ImmichClient
from immkit.immich.models import AssetId, BulkIdResult, Tag, TagId, TagsTagged
from immkit.immich.wire import parse, parse_list

TAG_BATCH = 10_000  # asset ids per call; the server chunks its own SQL


class TagsApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client

    def all(self) -> list[Tag]:
        """Every tag of the caller (tags are never shared), sorted by `value`."""
        return parse_list(Tag, self._client.call("GET", "/tags"), "GET /tags")

    def get(self, tag_id: TagId) -> Tag:
        data = self._client.call("GET", "/tags/{id}", path_params={"id": tag_id})
        return parse(Tag, data, "GET /tags/{id}")

    def upsert(self, paths: Sequence[str]) -> list[Tag]:
        """`PUT /tags`: each path ("Places/Italy") with its parents, existing ones reused;
        returns the leaf of each distinct path."""
        data = self._client.call("PUT", "/tags", json={"tags": list(paths)})
        return parse_list(Tag, data, "PUT /tags")

    def create(self, name: str, *, parent_id: TagId | None = None, color: str | None = None) -> Tag:
        """`POST /tags`: one tag under `parent_id`; 400 if that path exists. On 3.1 search
        cannot find assets by a tag made this way (see the module doc); use `upsert`."""
        body: dict[str, object] = {"name": name}
        if parent_id is not None:
            body["parentId"] = parent_id
        if color is not None:
            body["color"] = color
        return parse(Tag, self._client.call("POST", "/tags", json=body), "POST /tags")

    def delete(self, tag_id: TagId) -> None:
        """Delete the tag and every tag below it; assets are untagged, not deleted."""
        self._client.call("DELETE", "/tags/{id}", path_params={"id": tag_id})

    def tag_assets(self, tag_ids: Sequence[TagId], asset_ids: Sequence[AssetId]) -> int:
        """`PUT /tags/assets`: every tag on every asset; ids the caller does not own are
        skipped silently. Returns how many (tag, asset) links were new."""
        added = 0
        for batch in batched(asset_ids, TAG_BATCH):
            data = self._client.call(
                "PUT", "/tags/assets", json={"tagIds": list(tag_ids), "assetIds": batch}
            )
            added += parse(TagsTagged, data, "PUT /tags/assets").count
        return added

    def add_assets(self, tag_id: TagId, asset_ids: Sequence[AssetId]) -> list[BulkIdResult]:
        """Per-id results (`duplicate`, `no_permission`); a partner's asset may be tagged."""
        return self._membership("PUT", tag_id, asset_ids)

    def remove_assets(self, tag_id: TagId, asset_ids: Sequence[AssetId]) -> list[BulkIdResult]:
        """Per-id results (`not_found` when the asset does not carry the tag)."""
        return self._membership("DELETE", tag_id, asset_ids)

    def _membership(
        self, method: str, tag_id: TagId, asset_ids: Sequence[AssetId]
    ) -> list[BulkIdResult]:
        results: list[BulkIdResult] = []
        for batch in batched(asset_ids, TAG_BATCH):
            data = self._client.call(
                method, "/tags/{id}/assets", path_params={"id": tag_id}, json={"ids": batch}
            )
            results.extend(parse_list(BulkIdResult, data, f"{method} /tags/{{id}}/assets"))
        return results
