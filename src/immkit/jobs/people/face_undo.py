"""Taking faces off their person, which Immich has no call for."""

from __future__ import annotations

from collections.abc import Sequence

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
