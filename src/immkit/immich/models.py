"""Pydantic models of the Immich answers immkit reads (3.x shapes, tolerant of newer ones).

Rules: unknown fields are kept (`extra="allow"`), enum-like fields are plain `str` so a
value from a newer Immich never breaks parsing, timestamps stay the strings the server
sent (exact round-trips, e.g. `takenBefore` paging), and ids are `NewType`s so that mixing
an asset id with a person id is a type error. Only the fields immkit uses are declared.
"""

from __future__ import annotations

from typing import NewType

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

AssetId = NewType("AssetId", str)
PersonId = NewType("PersonId", str)
UserId = NewType("UserId", str)
AlbumId = NewType("AlbumId", str)
FaceId = NewType("FaceId", str)
LibraryId = NewType("LibraryId", str)
TagId = NewType("TagId", str)


class WireModel(BaseModel):
    """Base of every server model: camelCase on the wire, snake_case in Python, extras kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, alias_generator=to_camel)


# -- server ----------------------------------------------------------------------------


class ServerPing(WireModel):
    res: str


class ServerAbout(WireModel):
    version: str
    version_url: str = ""
    licensed: bool = False


class ServerFeatures(WireModel):
    facial_recognition: bool = False
    smart_search: bool = False
    trash: bool = True
    search: bool = True


# -- users and keys ---------------------------------------------------------------------


class User(WireModel):
    """`UserResponseDto`: what any user may see of another."""

    id: UserId
    email: str
    name: str


class UserAdmin(User):
    """`UserAdminResponseDto` (`/users/me`, `/admin/users`)."""

    is_admin: bool = False
    status: str = "active"
    deleted_at: str | None = None
    storage_label: str | None = None
    quota_size_in_bytes: int | None = None
    quota_usage_in_bytes: int | None = None


class ApiKeyInfo(WireModel):
    id: str
    name: str = ""
    permissions: list[str] = Field(default_factory=list)


# -- people and faces ---------------------------------------------------------------------


class Person(WireModel):
    id: PersonId
    name: str = ""
    birth_date: str | None = None
    thumbnail_path: str = ""
    is_hidden: bool = False
    is_favorite: bool = False
    color: str | None = None
    updated_at: str | None = None


class PeoplePage(WireModel):
    people: list[Person]
    total: int = 0
    hidden: int = 0
    has_next_page: bool = False


class PersonStatistics(WireModel):
    assets: int


class Face(WireModel):
    """`AssetFaceResponseDto`; `person` is None when unassigned or another user's."""

    id: FaceId
    image_width: int
    image_height: int
    bounding_box_x1: int
    bounding_box_y1: int
    bounding_box_x2: int
    bounding_box_y2: int
    source_type: str = ""
    person: Person | None = None


# -- assets ---------------------------------------------------------------------------------


class Exif(WireModel):
    date_time_original: str | None = None
    time_zone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    make: str | None = None
    model: str | None = None
    description: str | None = None
    rating: int | None = None
    file_size_in_byte: int | None = None
    orientation: str | int | None = None


class Asset(WireModel):
    """`AssetResponseDto`. `people` is filled only with `withPeople` (3.x: no face boxes)."""

    id: AssetId
    owner_id: UserId
    type: str
    original_file_name: str
    original_path: str = ""
    original_mime_type: str | None = None
    checksum: str = ""
    file_created_at: str
    file_modified_at: str | None = None
    local_date_time: str | None = None
    library_id: LibraryId | None = None
    is_favorite: bool = False
    is_archived: bool = False
    is_trashed: bool = False
    is_offline: bool = False
    visibility: str = "timeline"
    duration: int | str | None = None  # 3.x: integer ms; older servers sent "0:00:00.000"
    live_photo_video_id: AssetId | None = None
    duplicate_id: str | None = None
    width: int | None = None
    height: int | None = None
    exif_info: Exif | None = None
    people: list[Person] = Field(default_factory=list)


class UploadResult(WireModel):
    """`POST /assets`: `status` is `created` or `duplicate` (then `id` is the existing asset)."""

    id: AssetId
    status: str

    @property
    def duplicate(self) -> bool:
        return self.status == "duplicate"


class UploadCheck(WireModel):
    """One `bulk-upload-check` verdict; `id` is the caller's own key for the file."""

    id: str
    action: str
    reason: str | None = None
    asset_id: AssetId | None = None
    is_trashed: bool | None = None


class UploadCheckResults(WireModel):
    results: list[UploadCheck]


class TrashCount(WireModel):
    count: int


# -- search -----------------------------------------------------------------------------


class AssetPage(WireModel):
    """One page of `POST /search/metadata`; `next_page` is a page number as a string."""

    items: list[Asset]
    next_page: str | None = None
    next_cursor: str | None = None  # 3.2+, with `filter`
    count: int = 0


class SearchResult(WireModel):
    assets: AssetPage


# -- albums -----------------------------------------------------------------------------


class AlbumUser(WireModel):
    user: User
    role: str


class Album(WireModel):
    """`AlbumResponseDto`; 3.x has no `ownerId`: the owner is the `albumUsers` role `owner`."""

    id: AlbumId
    album_name: str
    description: str = ""
    album_thumbnail_asset_id: AssetId | None = None
    album_users: list[AlbumUser] = Field(default_factory=list)
    asset_count: int = 0
    shared: bool = False
    has_shared_link: bool = False
    is_activity_enabled: bool = True
    order: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def owner(self) -> User | None:
        return next((m.user for m in self.album_users if m.role == "owner"), None)

    @property
    def owner_id(self) -> UserId | None:
        owner = self.owner
        return owner.id if owner else None

    def role_of(self, user_id: UserId) -> str | None:
        return next((m.role for m in self.album_users if m.user.id == user_id), None)


class BulkIdResult(WireModel):
    """Per-id outcome (`error`: duplicate, no_permission, not_found, unknown, …)."""

    id: str
    success: bool
    error: str | None = None
    error_message: str | None = None


class AlbumsAddResult(WireModel):
    """`PUT /albums/assets`: one verdict for the whole request."""

    success: bool
    error: str | None = None


# -- tags -------------------------------------------------------------------------------


class Tag(WireModel):
    """`TagResponseDto`: `value` is the full path ("Places/Italy"), `name` its last part."""

    id: TagId
    name: str
    value: str
    parent_id: TagId | None = None
    color: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class TagsTagged(WireModel):
    """`PUT /tags/assets`: how many (tag, asset) links were new."""

    count: int


# -- libraries ----------------------------------------------------------------------------


class Library(WireModel):
    id: LibraryId
    owner_id: UserId
    name: str
    import_paths: list[str] = Field(default_factory=list)
    exclusion_patterns: list[str] = Field(default_factory=list)
    refreshed_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class LibraryStatistics(WireModel):
    """Use this, not `Library.asset_count`, which 3.1 always reports as 0."""

    photos: int
    videos: int
    total: int
    usage: int = 0


class ImportPathCheck(WireModel):
    import_path: str
    is_valid: bool
    message: str | None = None


class LibraryValidation(WireModel):
    import_paths: list[ImportPathCheck] = Field(default_factory=list)


class AssetFull(Asset):
    """`GET /assets/{id}`: the asset with its tags (search results carry none)."""

    tags: list[Tag] = Field(default_factory=list)
