"""Request bodies immkit sends: strict models (a typo is an error), camelCase on the wire.

Updates are sent with `exclude_unset`, so a field set to None clears it on the server
(e.g. `rating=None`) while a field not given is left alone. Search filters are sent with
`exclude_none`: None means "no filter".
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, JsonValue
from pydantic.alias_generators import to_camel

from immkit.immich.models import AlbumId, AssetId, LibraryId, PersonId, TagId, UserId

Timestamp = datetime | str
"""An aware datetime, or an ISO-8601 string as Immich sent it (sent back unchanged)."""


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, alias_generator=to_camel)

    def changes(self) -> dict[str, JsonValue]:
        """The fields the caller set, as JSON, with their wire names."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def filters(self) -> dict[str, JsonValue]:
        """The fields that are not None, as JSON, with their wire names."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class MetadataSearch(Body):
    """Filters of `POST /search/metadata` (3.x flat form). `personIds` and `albumIds` AND."""

    person_ids: list[PersonId] | None = None
    album_ids: list[AlbumId] | None = None
    tag_ids: list[TagId] | None = None
    id: AssetId | None = None
    library_id: LibraryId | None = None
    checksum: str | None = None
    original_file_name: str | None = None
    original_path: str | None = None
    description: str | None = None
    type: str | None = None
    visibility: str | None = None
    is_favorite: bool | None = None
    is_motion: bool | None = None
    is_offline: bool | None = None
    is_encoded: bool | None = None
    is_not_in_album: bool | None = None
    rating: int | None = None
    taken_after: Timestamp | None = None
    taken_before: Timestamp | None = None
    created_after: Timestamp | None = None
    created_before: Timestamp | None = None
    updated_after: Timestamp | None = None
    updated_before: Timestamp | None = None
    trashed_after: Timestamp | None = None
    trashed_before: Timestamp | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    make: str | None = None
    model: str | None = None
    lens_model: str | None = None
    with_people: bool | None = None
    with_exif: bool | None = None
    with_deleted: bool | None = None
    with_stacked: bool | None = None
    order: str | None = None


class IdsFilter(Body):
    """3.2 `IdsFilter`: each list, when given, must be non-empty."""

    any: list[str] | None = None
    all: list[str] | None = None
    none: list[str] | None = None


class BoolFilter(Body):
    eq: bool


class SearchFilter(Body):
    """3.2+ structured `filter` (capability `search_filter_v2`); one request answers
    "any of these people", "none of them" or "no people at all".

    Trashed assets are excluded unless `with_trashed` (3.2 returns them by default, #31511).
    """

    person_ids: IdsFilter | None = None
    album_ids: IdsFilter | None = None
    tag_ids: IdsFilter | None = None
    has_people: BoolFilter | None = None
    is_favorite: BoolFilter | None = None
    with_trashed: bool = Field(default=False, exclude=True)

    def filters(self) -> dict[str, JsonValue]:
        body = super().filters()
        if not self.with_trashed:
            body["trashedAt"] = {"eq": None}
        return body


class AssetUpdate(Body):
    """Fields of `PUT /assets` (with `ids`) and `PUT /assets/{id}`; only those set are sent."""

    is_favorite: bool | None = None
    visibility: str | None = None
    date_time_original: str | None = None
    time_zone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    description: str | None = None
    rating: int | None = None
    duplicate_id: str | None = None
    live_photo_video_id: AssetId | None = None


class PersonCreate(Body):
    name: str | None = None
    birth_date: str | None = None
    is_hidden: bool | None = None
    is_favorite: bool | None = None
    color: str | None = None


class PersonUpdate(PersonCreate):
    """`featureFaceAssetId` is an *asset* id showing this person; it re-picks the thumbnail."""

    feature_face_asset_id: AssetId | None = None


class PersonBulkUpdate(PersonUpdate):
    id: PersonId


class FaceCreate(Body):
    """A face box in pixels of an `image_width` x `image_height` frame (`POST /faces`)."""

    asset_id: AssetId
    person_id: PersonId
    image_width: int
    image_height: int
    x: int
    y: int
    width: int
    height: int


class AlbumUpdate(Body):
    album_name: str | None = None
    description: str | None = None
    album_thumbnail_asset_id: AssetId | None = None
    is_activity_enabled: bool | None = None
    order: str | None = None


class AlbumMember(Body):
    """A user to share an album with; 3.x rejects role `owner` here."""

    user_id: UserId
    role: str = "editor"


class LibraryUpdate(Body):
    name: str | None = None
    import_paths: list[str] | None = None
    exclusion_patterns: list[str] | None = Field(default=None, max_length=128)
