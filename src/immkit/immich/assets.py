"""Assets: upload and download originals (streamed), read, update, copy, delete, restore."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Mapping, Sequence
from pathlib import Path

from immkit.immich.bodies import AssetUpdate, Timestamp
from immkit.immich.client import Downloaded, FilePart, ImmichClient
from immkit.immich.models import (
    Asset,
    AssetFull,
    AssetId,
    UploadCheck,
    UploadCheckResults,
    UploadResult,
)
from immkit.immich.wire import parse

UPLOAD_CHECK_BATCH = 1000
HASH_CHUNK = 1 << 20


def file_sha1(path: Path) -> str:
    """SHA-1 hex of a file, read in chunks (Immich's checksum; memory stays flat)."""
    digest = hashlib.sha1()  # Immich identifies files by SHA-1
    with path.open("rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class AssetsApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client

    def upload(
        self,
        path: Path,
        *,
        file_created_at: Timestamp,
        file_modified_at: Timestamp | None = None,
        filename: str | None = None,
        is_favorite: bool | None = None,
        visibility: str | None = None,
        live_photo_video_id: AssetId | None = None,
        duration_ms: int | None = None,
        sidecar: Path | None = None,
        checksum: str | None = None,
    ) -> UploadResult:
        """`POST /assets` streaming `path`; the caller owns the new asset.

        Sends `x-immich-checksum` (computed when not given), so bytes the caller already
        owns come back as `status == "duplicate"` with the existing id, before any upload
        work on the server. Not retried: a retry could report "duplicate" for an asset
        this very call created.

        Raises:
            OSError: `path` or `sidecar` cannot be read.
        """
        name = filename or path.name
        fields = {
            "fileCreatedAt": _stamp(file_created_at),
            "fileModifiedAt": _stamp(file_modified_at or file_created_at),
            "filename": name,
        }
        if is_favorite is not None:
            fields["isFavorite"] = "true" if is_favorite else "false"
        if visibility is not None:
            fields["visibility"] = visibility
        if live_photo_video_id is not None:
            fields["livePhotoVideoId"] = live_photo_video_id
        if duration_ms is not None:
            fields["duration"] = str(duration_ms)
        files = {"assetData": FilePart(path, name, _content_type(name))}
        if sidecar is not None:
            files["sidecarData"] = FilePart(sidecar, sidecar.name, "application/xml")
        headers = {"x-immich-checksum": checksum or file_sha1(path)}
        data = self._client.upload("/assets", fields=fields, files=files, headers=headers)
        return parse(UploadResult, data, "POST /assets")

    def get(self, asset_id: AssetId) -> Asset:
        data = self._client.call("GET", "/assets/{id}", path_params={"id": asset_id})
        return parse(Asset, data, "GET /assets/{id}")

    def get_full(self, asset_id: AssetId) -> AssetFull:
        """`GET /assets/{id}` with its tags, for read-back verification."""
        data = self._client.call("GET", "/assets/{id}", path_params={"id": asset_id})
        return parse(AssetFull, data, "GET /assets/{id}")

    def update(self, asset_id: AssetId, update: AssetUpdate) -> Asset:
        """`PUT /assets/{id}` with only the fields set in `update`."""
        data = self._client.call(
            "PUT", "/assets/{id}", path_params={"id": asset_id}, json=update.changes()
        )
        return parse(Asset, data, "PUT /assets/{id}")

    def update_many(self, asset_ids: Sequence[AssetId], update: AssetUpdate) -> None:
        """`PUT /assets`: one change for many assets; one inaccessible id fails them all."""
        if not asset_ids:
            return
        body = {"ids": list(asset_ids), **update.changes()}
        self._client.call("PUT", "/assets", json=body)

    def copy(
        self,
        source_id: AssetId,
        target_id: AssetId,
        *,
        albums: bool = True,
        favorite: bool = True,
        shared_links: bool = True,
        sidecar: bool = True,
        stack: bool = True,
    ) -> None:
        """`PUT /assets/copy`: carry albums, favourite… over; both must be the caller's assets."""
        body = {
            "sourceId": source_id,
            "targetId": target_id,
            "albums": albums,
            "favorite": favorite,
            "sharedLinks": shared_links,
            "sidecar": sidecar,
            "stack": stack,
        }
        self._client.call("PUT", "/assets/copy", json=body)

    def delete(self, asset_ids: Sequence[AssetId], *, force: bool = False) -> None:
        """Trash (`force=False`) or delete for good. Careful: a forced delete of an external
        asset deletes its file on disk."""
        if asset_ids:
            self._client.call("DELETE", "/assets", json={"ids": list(asset_ids), "force": force})

    def restore(self, asset_ids: Sequence[AssetId]) -> int:
        """Take assets out of the trash; returns how many were restored."""
        if not asset_ids:
            return 0
        data = self._client.call(
            "POST", "/trash/restore/assets", json={"ids": list(asset_ids)}, idempotent=True
        )
        count = data.get("count") if isinstance(data, dict) else None
        return count if isinstance(count, int) else 0

    def download_original(self, asset_id: AssetId, dest: Path) -> Downloaded:
        """Stream the original file to `dest`; returns its size and SHA-1 for verification."""
        return self._client.download("/assets/{id}/original", dest, path_params={"id": asset_id})

    def bulk_upload_check(self, checksums: Mapping[str, str]) -> list[UploadCheck]:
        """Which files (your key → SHA-1, hex or base64) the caller already has.

        An empty request makes Immich 3.1 answer 500, so none is sent.
        """
        items = [{"id": key, "checksum": value} for key, value in checksums.items()]
        results: list[UploadCheck] = []
        for start in range(0, len(items), UPLOAD_CHECK_BATCH):
            batch = items[start : start + UPLOAD_CHECK_BATCH]
            data = self._client.call(
                "POST", "/assets/bulk-upload-check", json={"assets": batch}, idempotent=True
            )
            results.extend(
                parse(UploadCheckResults, data, "POST /assets/bulk-upload-check").results
            )
        return results


def _stamp(value: Timestamp) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("timestamps sent to Immich must be timezone-aware")
    return value.isoformat()


def _content_type(filename: str) -> str:
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"
