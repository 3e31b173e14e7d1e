"""Named faces onto the copy: reuse the faces it already has (IoU), draw the rest by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from immkit.immich import AssetId, Face, FaceCreate, FaceId, PersonId
from immkit.jobs.assetcopy.model import SourceFace
from immkit.jobs.people.match import Box, match_faces


@dataclass(frozen=True)
class FacePlan:
    """Faces to give to a person (`reassign`) and faces to draw (`create`) on one copy."""

    reassign: list[tuple[FaceId, PersonId]] = field(default_factory=list)
    create: list[FaceCreate] = field(default_factory=list)
    # faces that already carry the right person: nothing to send
    kept: int = 0


def _box(face: SourceFace) -> Box:
    return Box.from_pixels(face.x1, face.y1, face.x2, face.y2, face.image_width, face.image_height)


def _target_box(face: Face) -> Box:
    return Box.from_pixels(
        face.bounding_box_x1,
        face.bounding_box_y1,
        face.bounding_box_x2,
        face.bounding_box_y2,
        face.image_width,
        face.image_height,
    )


def plan_faces(
    target_id: AssetId,
    source: Sequence[SourceFace],
    target: Sequence[Face],
    people: Mapping[str, PersonId] | None = None,
) -> FacePlan:
    """Pure: which target face becomes which source face's person, and what to draw.

    `people` maps source person ids to target person ids (identity when absent: one
    account). A target face matched to a source face keeps its box (the detector's box
    on this very file is better than a copied one); it is reassigned only when its person
    differs. A target face already named someone else is never taken over.
    """
    usable = [f for f in target if f.image_width > 0 and f.image_height > 0]
    pairs = match_faces([_box(f) for f in source], [_target_box(f) for f in usable])
    plan = FacePlan()
    matched: set[int] = set()
    kept = 0
    for s, t in pairs:
        want = PersonId((people or {}).get(source[s].person_id, source[s].person_id))
        found = usable[t]
        have = found.person.id if found.person else None
        if have == want:
            kept += 1
            matched.add(s)
        elif have is None:
            plan.reassign.append((found.id, want))
            matched.add(s)
    for index, face in enumerate(source):
        if index in matched:
            continue
        want = PersonId((people or {}).get(face.person_id, face.person_id))
        plan.create.append(
            FaceCreate(
                asset_id=target_id,
                person_id=want,
                image_width=face.image_width,
                image_height=face.image_height,
                x=face.x1,
                y=face.y1,
                width=face.x2 - face.x1,
                height=face.y2 - face.y1,
            )
        )
    return FacePlan(plan.reassign, plan.create, kept)
