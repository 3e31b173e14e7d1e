"""Taking back faces immkit drew or named: shared by the undo of every job that does."""

from __future__ import annotations

from collections.abc import Sequence

from immkit.errors import ApiError
from immkit.immich import FaceId, Immich, PersonCreate


def unassign_faces(immich: Immich, face_ids: Sequence[FaceId]) -> None:
    """Give the faces to a short-lived unnamed person, then delete it:
    `asset_face.personId` is ON DELETE SET NULL, so the faces are left without a person."""
    if not face_ids:
        return
    holder = immich.people.create(PersonCreate())
    try:
        immich.client.map_concurrent(lambda face: immich.faces.reassign(face, holder.id), face_ids)
    finally:
        immich.people.delete(holder.id)


def delete_faces(immich: Immich, face_ids: Sequence[FaceId]) -> int:
    """Delete drawn faces for good; one gone already (a retried undo) is skipped. How many
    were deleted now."""

    def delete(face: FaceId) -> bool:
        try:
            immich.faces.delete(face, force=True)
        except ApiError as exc:
            if exc.status != 400:
                raise
            return False  # gone already
        return True

    return sum(immich.client.map_concurrent(delete, face_ids))
