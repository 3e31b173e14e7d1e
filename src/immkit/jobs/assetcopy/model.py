"""What the pipeline copies: a source asset as plain data, and a unit (still + motion)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SourceFace(BaseModel):
    """A named face on the source asset, in pixels of the frame it was measured on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: str
    person_name: str = ""
    x1: int
    y1: int
    x2: int
    y2: int
    image_width: int
    image_height: int


class SourceAsset(BaseModel):
    """Everything the user made on one source asset that the copy must carry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    file_name: str
    path: str
    type: str
    size: int | None = None
    # the server's SHA-1 (hex), when known: lets the target be asked before downloading
    checksum: str = ""
    file_created_at: str
    file_modified_at: str | None = None
    local_date_time: str | None = None
    is_favorite: bool = False
    visibility: str = "timeline"
    date_time_original: str | None = None
    time_zone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""
    rating: int | None = None
    duration_ms: int | None = None
    tags: tuple[str, ...] = ()
    albums: tuple[str, ...] = ()
    faces: tuple[SourceFace, ...] = ()
    # in a stack, an individual shared link or an album of another user (or not known):
    # only `PUT /assets/copy` carries those
    copy_extras: bool = True


class Unit(BaseModel):
    """What moves together: a still and, for a live photo, its motion video."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    still: SourceAsset
    motion: SourceAsset | None = None

    @property
    def id(self) -> str:
        return self.still.id

    @property
    def source_ids(self) -> list[str]:
        return [self.still.id, *([self.motion.id] if self.motion else [])]

    @property
    def size(self) -> int:
        return sum(a.size or 0 for a in (self.still, self.motion) if a is not None)
