"""Server version → capabilities: the only place where Immich version numbers are compared.

Jobs ask `Capabilities` ("can the server do X?"), never the version, so supporting a new
release means changing this module only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from immkit.errors import UnsupportedVersion

_VERSION_TEXT = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-.*)?$")


class ServerVersion(BaseModel):
    """`GET /server/version`: `{major, minor, patch, prerelease}` (prerelease is 3.0+)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    major: int
    minor: int
    patch: int
    prerelease: int | None = None

    @classmethod
    def parse(cls, text: str) -> ServerVersion:
        """From `"3.1.0"` or `"v3.1.0"` (the `version` of `GET /server/about`).

        Raises:
            ValueError: not a version string.
        """
        match = _VERSION_TEXT.match(text.strip())
        if match is None:
            raise ValueError(f"not an Immich version: {text!r}")
        major, minor, patch = (int(g) for g in match.groups())
        return cls(major=major, minor=minor, patch=patch)

    @property
    def triple(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def at_least(self, major: int, minor: int = 0, patch: int = 0) -> bool:
        return self.triple >= (major, minor, patch)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


MINIMUM_VERSION = ServerVersion(major=3, minor=0, patch=0)


def require_supported(version: ServerVersion) -> None:
    """Refuse servers older than `MINIMUM_VERSION`.

    Raises:
        UnsupportedVersion: naming the server's version and the minimum.
    """
    if not version.at_least(*MINIMUM_VERSION.triple):
        raise UnsupportedVersion(
            f"The server runs Immich {version}, but immkit needs Immich {MINIMUM_VERSION} "
            "or newer; upgrade the server first"
        )


@dataclass(frozen=True)
class Capabilities:
    """What the server can do, as booleans derived from its version."""

    album_owner_in_album_users: bool
    """3.0: albums have no `ownerId`; the owner is the `albumUsers` entry with role `owner`."""
    bulk_album_add: bool
    """1.139: `PUT /albums/assets` adds many assets to many albums in one call."""
    asset_copy: bool
    """2.2: `PUT /assets/copy` copies albums, favourite, stack, shared links, sidecar."""
    face_create: bool
    """1.127: `POST /faces` creates a face with a box; `DELETE /faces/{id}` too."""
    search_filter_v2: bool
    """3.2: `filter` in search (personIds any/all/none, hasPeople) and `cursor` paging."""
    person_groups: bool
    """3.2: person ids are person-group ids, shared by users of one cluster group."""
    people_merge_v2: bool
    """3.2.1: `POST /people/merge` with an ordered id list (the old route is deprecated)."""
    people_sharing: bool
    """3.3: `/people/users` shares people between users."""

    @classmethod
    def of(cls, version: ServerVersion) -> Capabilities:
        at = version.at_least
        return cls(
            album_owner_in_album_users=at(3, 0),
            bulk_album_add=at(1, 139),
            asset_copy=at(2, 2),
            face_create=at(1, 127),
            search_filter_v2=at(3, 2),
            person_groups=at(3, 2),
            people_merge_v2=at(3, 2, 1),
            people_sharing=at(3, 3),
        )
