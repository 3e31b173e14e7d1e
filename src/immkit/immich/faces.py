"""Faces: the boxes on one asset (or many, concurrently), create, reassign, delete."""

from __future__ import annotations

from collections.abc import Iterable

from immkit.immich.bodies import FaceCreate
from immkit.immich.client import ImmichClient
from immkit.immich.models import AssetId, Face, FaceId, Person, PersonId
from immkit.immich.wire import parse, parse_list


class FacesApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client

    def of_asset(self, asset_id: AssetId) -> list[Face]:
        """`GET /faces?id=`: every live face on the asset, assigned or not (3.x search
        results carry people but no boxes)."""
        data = self._client.call("GET", "/faces", params={"id": asset_id})
        return parse_list(Face, data, "GET /faces")

    def faces_of_many(self, asset_ids: Iterable[AssetId]) -> dict[AssetId, list[Face]]:
        """Faces of many assets, `concurrency` requests at a time (~500 requests/s on 3.1)."""
        ids = list(dict.fromkeys(asset_ids))
        faces = self._client.map_concurrent(self.of_asset, ids)
        return dict(zip(ids, faces, strict=True))

    def create(self, face: FaceCreate) -> None:
        """`POST /faces`; 3.x answers with an empty body, so the new face id is unknown here
        (read it back with `of_asset`). The asset and the person must both be the caller's."""
        self._client.call("POST", "/faces", json=face.changes())

    def reassign(self, face_id: FaceId, person_id: PersonId) -> Person:
        """Give one face to `person_id` (`PUT /faces/{personId}` with body `{id: faceId}`)."""
        data = self._client.call(
            "PUT", "/faces/{id}", path_params={"id": person_id}, json={"id": face_id}
        )
        return parse(Person, data, "PUT /faces/{id}")

    def delete(self, face_id: FaceId, *, force: bool = False) -> None:
        """Soft delete (`force=False`, kept with `deletedAt`) or delete for good."""
        self._client.call(
            "DELETE", "/faces/{id}", path_params={"id": face_id}, json={"force": force}
        )
