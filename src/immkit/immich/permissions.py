"""What each immkit job needs from an API key, as data; `assess_jobs` tells doctor what is missing.

Each job lists the endpoints it calls; the permission of an endpoint is Immich 3.1.0's
`x-immich-permission` (a unit test checks this table against the spec), and an endpoint
marked `x-immich-admin-only` needs the key's user to be an admin.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = "all"
ADMIN = "admin"

ENDPOINT_PERMISSIONS: dict[str, str] = {
    "GET /users/me": "user.read",
    "GET /users": "user.read",
    "GET /admin/users": "adminUser.read",
    "GET /admin/users/{id}": "adminUser.read",
    "GET /people": "person.read",
    "GET /people/{id}": "person.read",
    "POST /people": "person.create",
    "PUT /people/{id}": "person.update",
    "PUT /people": "person.update",
    "DELETE /people/{id}": "person.delete",
    "DELETE /people": "person.delete",
    "POST /people/{id}/merge": "person.merge",
    "PUT /people/{id}/reassign": "person.reassign",
    "GET /people/{id}/statistics": "person.statistics",
    "GET /search/person": "person.read",
    "GET /faces": "face.read",
    "POST /faces": "face.create",
    "PUT /faces/{id}": "face.update",
    "DELETE /faces/{id}": "face.delete",
    "POST /search/metadata": "asset.read",
    "GET /assets/{id}": "asset.read",
    "GET /assets/{id}/original": "asset.download",
    "POST /assets": "asset.upload",
    "POST /assets/bulk-upload-check": "asset.upload",
    "PUT /assets": "asset.update",
    "PUT /assets/{id}": "asset.update",
    "PUT /assets/copy": "asset.copy",
    "DELETE /assets": "asset.delete",
    "POST /trash/restore/assets": "asset.delete",
    "GET /albums": "album.read",
    "GET /albums/{id}": "album.read",
    "POST /albums": "album.create",
    "PATCH /albums/{id}": "album.update",
    "DELETE /albums/{id}": "album.delete",
    "PUT /albums/{id}/assets": "albumAsset.create",
    "DELETE /albums/{id}/assets": "albumAsset.delete",
    "PUT /albums/assets": "albumAsset.create",
    "PUT /albums/{id}/users": "albumUser.create",
    "DELETE /albums/{id}/user/{userId}": "albumUser.delete",
    "GET /libraries": "library.read",
    "GET /libraries/{id}": "library.read",
    "PUT /libraries/{id}": "library.update",
    "POST /libraries/{id}/scan": "library.update",
    "GET /libraries/{id}/statistics": "library.statistics",
    "GET /tags": "tag.read",
    "GET /tags/{id}": "tag.read",
    "PUT /tags": "tag.create",
    "POST /tags": "tag.create",
    "DELETE /tags/{id}": "tag.delete",
    "PUT /tags/assets": "tag.asset",
    "PUT /tags/{id}/assets": "tag.asset",
    "DELETE /tags/{id}/assets": "tag.asset",
    "GET /stacks": "stack.read",
    "GET /shared-links": "sharedLink.read",
}
"""Endpoint → the permission Immich 3.1.0 checks (`x-immich-permission`)."""

ADMIN_ENDPOINTS = frozenset(
    {
        "GET /admin/users",
        "GET /admin/users/{id}",
        "GET /libraries",
        "GET /libraries/{id}",
        "PUT /libraries/{id}",
        "POST /libraries/{id}/scan",
        "GET /libraries/{id}/statistics",
    }
)
"""Endpoints whose caller must be an Immich admin (`x-immich-admin-only`)."""


@dataclass(frozen=True)
class JobRequirement:
    """The endpoints one job (in one mode) calls, and what that demands of the key."""

    job: str
    mode: str | None
    endpoints: tuple[str, ...]
    admin: bool = False
    """Needs an admin even beyond its endpoints (DB mode changes other users' data)."""

    @property
    def label(self) -> str:
        return f"{self.job} ({self.mode})" if self.mode else self.job

    @property
    def permissions(self) -> list[str]:
        return sorted({ENDPOINT_PERMISSIONS[e] for e in self.endpoints})

    @property
    def needs_admin(self) -> bool:
        return self.admin or any(e in ADMIN_ENDPOINTS for e in self.endpoints)


_READ_PEOPLE = ("GET /users/me", "GET /people", "GET /people/{id}", "GET /search/person")
_READ_ASSETS = ("POST /search/metadata", "GET /assets/{id}", "GET /faces")
_UPLOAD = (
    "GET /assets/{id}/original",
    "POST /assets/bulk-upload-check",
    "POST /assets",
    "PUT /assets",
    "DELETE /assets",
    "POST /trash/restore/assets",  # undo of a delete
    "POST /faces",
    "PUT /albums/{id}/assets",
)

JOBS: tuple[JobRequirement, ...] = (
    JobRequirement(
        "albums.sync",
        None,
        (
            *_READ_PEOPLE,
            "POST /search/metadata",
            "GET /faces",  # faceless rules: 3.x search has no "no faces" filter
            "GET /users",  # share with users named by e-mail
            "GET /tags",  # tag rules: names to ids, then search by tagIds
            "GET /albums",
            "GET /albums/{id}",
            "POST /albums",
            "PUT /albums/{id}/assets",
            "DELETE /albums/{id}/assets",
            "PUT /albums/{id}/users",
            "DELETE /albums/{id}",  # undo of a created album
            "DELETE /albums/{id}/user/{userId}",  # undo of a share
        ),
    ),
    JobRequirement("people.migrate", "export", (*_READ_PEOPLE, *_READ_ASSETS)),
    JobRequirement(
        "people.migrate",
        "import",
        (
            *_READ_PEOPLE,
            *_READ_ASSETS,
            "POST /people",
            "PUT /people/{id}",
            "POST /faces",
            "PUT /faces/{id}",
            "PUT /people/{id}/reassign",
            "DELETE /faces/{id}",  # undo
            "DELETE /people/{id}",  # undo
            "GET /people/{id}/statistics",  # people duplicates
            "POST /people/{id}/merge",  # people duplicates --merge
        ),
    ),
    JobRequirement(
        "transfer",
        "db",
        ("GET /admin/users", "GET /albums", "GET /albums/{id}", *_READ_PEOPLE, *_READ_ASSETS),
        admin=True,
    ),
    JobRequirement(
        "transfer",
        "api",
        # one entry for both keys: the source's reads, downloads and trashes; the
        # target's uploads, metadata, albums, tags, people and faces
        (
            "GET /albums",
            *_READ_PEOPLE,
            *_READ_ASSETS,
            *_UPLOAD,
            "GET /tags",
            "PUT /tags",  # the target's tags of the same value, with parents
            "PUT /tags/{id}/assets",
            "POST /people",  # a person of that name when the target has none
            "PUT /faces/{id}",  # a detected face on a copy given its person
        ),
    ),
    JobRequirement(
        "library.internalize",
        None,
        (
            "GET /libraries",
            "GET /libraries/{id}",
            "GET /libraries/{id}/statistics",
            "PUT /libraries/{id}",  # exclusion patterns, so a rescan does not re-import
            "POST /libraries/{id}/scan",
            "GET /users/me",
            "GET /people",
            "GET /albums",
            *_READ_ASSETS,
            "PUT /assets/copy",
            *_UPLOAD,
            "GET /admin/users",  # the owner's e-mail in messages
            "GET /tags",
            "PUT /tags/{id}/assets",
            "DELETE /tags/{id}/assets",  # undo
            "DELETE /albums/{id}/assets",  # undo
            "PUT /faces/{id}",  # a detected face on the copy given its person
            "PUT /assets/{id}",  # live photo link on an existing copy; undo of metadata
            # also POST /libraries/{id}/validate: admin-only, no permission of its own in 3.1
            # album adds instead of one PUT /assets/copy per asset (without these three,
            # every asset is copied one by one)
            "PUT /albums/{id}/assets",
            "GET /stacks",
            "GET /shared-links",
        ),
    ),
    JobRequirement(
        "library.list",
        None,
        ("GET /users/me", "GET /admin/users", "GET /libraries", "GET /libraries/{id}/statistics"),
    ),
)


@dataclass(frozen=True)
class JobAccess:
    """Whether a key can run one job; `missing` lists permissions, plus `admin` if needed."""

    job: str
    mode: str | None
    ok: bool
    missing: list[str]
    needs_admin: bool

    @property
    def label(self) -> str:
        return f"{self.job} ({self.mode})" if self.mode else self.job


def assess_jobs(
    permissions: list[str], is_admin: bool, jobs: tuple[JobRequirement, ...] = JOBS
) -> list[JobAccess]:
    """For each job, what the key (its permissions, its user's admin flag) lacks."""
    granted = set(permissions)
    everything = ALL in granted
    result = []
    for job in jobs:
        missing = [] if everything else [p for p in job.permissions if p not in granted]
        if job.needs_admin and not is_admin:
            missing.append(ADMIN)
        result.append(JobAccess(job.job, job.mode, not missing, missing, job.needs_admin))
    return result
