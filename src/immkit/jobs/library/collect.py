"""Read a library's assets and everything the user made on them (albums, tags, faces)."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict

from immkit.errors import InputError
from immkit.immich import Asset, AssetId, Face, Immich, Library, MetadataSearch, Tag
from immkit.jobs.assetcopy.model import SourceAsset, Unit
from immkit.jobs.assetcopy.source import ancestors, source_asset
from immkit.jobs.library.extras import copy_extras

log = logging.getLogger(__name__)


class LibraryInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    owner_id: str
    owner: str = ""
    import_paths: tuple[str, ...] = ()
    exclusion_patterns: tuple[str, ...] = ()


class Snapshot(BaseModel):
    """A library as read: its units to internalize, and what is left out and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    library: LibraryInfo
    units: tuple[Unit, ...]
    offline: tuple[str, ...] = ()  # paths of assets whose file is gone
    done_before: tuple[str, ...] = ()  # external ids an earlier run internalized (kept)
    # albums of every asset of the owner, internal copies included (for undo bookkeeping)
    albums_of: dict[str, tuple[str, ...]] = {}
    fingerprint: str = ""


def check_import_paths(admin: Immich, library: Library) -> None:
    """Refuse before anything changes when the server cannot read an import path.

    Raises:
        InputError: an import path is missing or unreadable on the server.
    """
    if not library.import_paths:
        return
    checks = admin.libraries.validate(library.id, import_paths=library.import_paths)
    for check in checks.import_paths:
        if not check.is_valid:
            raise InputError(
                f"Import path {check.import_path} of library {library.name!r} is not readable "
                f"by the server ({check.message or 'invalid'}); mount it again before "
                "internalizing: the originals are read from there."
            )


def collect(
    owner: Immich, library: Library, *, owner_name: str = "", skip: Iterable[str] = ()
) -> Snapshot:
    """Every live asset of the library, read as its owner, with albums, tags and faces."""
    skip_ids = set(skip)
    filters = MetadataSearch(library_id=library.id, with_exif=True, with_people=True)
    assets = {a.id: a for a in owner.search.iter_assets(filters)}
    for still in list(assets.values()):
        motion = still.live_photo_video_id
        if motion and motion not in assets:
            # 3.1 leaves hidden motion parts out of searches: read them by id
            assets[motion] = owner.assets.get(motion)
    albums = albums_by_asset(owner)
    extras = copy_extras(owner, library.owner_id)
    tags = _tags_of(owner, library.id)
    with_faces = [a.id for a in assets.values() if a.people and a.id not in skip_ids]
    faces = owner.faces.faces_of_many(with_faces)
    motions = {a.live_photo_video_id for a in assets.values() if a.live_photo_video_id}
    units: list[Unit] = []
    offline: list[str] = []
    for asset in sorted(assets.values(), key=lambda a: (a.original_path, a.id)):
        if asset.id in motions or asset.id in skip_ids:
            continue
        if asset.is_offline or asset.is_trashed:
            if asset.is_offline:
                offline.append(asset.original_path)
            continue
        motion_asset = assets.get(asset.live_photo_video_id) if asset.live_photo_video_id else None
        units.append(
            Unit(
                still=_source(asset, albums, tags, faces, extras),
                motion=_source(motion_asset, albums, tags, {}, extras) if motion_asset else None,
            )
        )
    digest = hashlib.sha256(
        "\n".join(f"{u.id}:{u.model_dump_json()}" for u in units).encode()
    ).hexdigest()
    return Snapshot(
        library=LibraryInfo(
            id=library.id,
            name=library.name,
            owner_id=library.owner_id,
            owner=owner_name,
            import_paths=tuple(library.import_paths),
            exclusion_patterns=tuple(library.exclusion_patterns),
        ),
        units=tuple(units),
        offline=tuple(offline),
        done_before=tuple(sorted(skip_ids & set(assets))),
        albums_of={k: tuple(sorted(v)) for k, v in albums.items()},
        fingerprint=digest,
    )


def albums_by_asset(owner: Immich) -> dict[str, set[str]]:
    """Asset id → albums of the owner it is in: one search per album."""
    found: dict[str, set[str]] = defaultdict(set)
    for album in owner.albums.all(is_owned=True):
        for ref in owner.search.iter_refs(MetadataSearch(album_ids=[album.id])):
            found[ref.id].add(album.id)
    return found


def _tags_of(owner: Immich, library_id: str) -> dict[str, set[str]]:
    """Asset id → its own tags. A tag search also finds the tag's descendants, so a parent
    found alongside one of its children is dropped (the child shows under it anyway)."""
    all_tags = owner.tags.all()
    by_id: dict[str, Tag] = {t.id: t for t in all_tags}
    found: dict[str, set[str]] = defaultdict(set)
    for tag in all_tags:
        filters = MetadataSearch(tag_ids=[tag.id], library_id=library_id)
        for ref in owner.search.iter_refs(filters):
            found[ref.id].add(tag.id)
    for asset_id, ids in found.items():
        found[asset_id] = ids - {a for t in ids for a in ancestors(by_id, t)}
    return found


def _source(
    asset: Asset,
    albums: Mapping[str, set[str]],
    tags: Mapping[str, set[str]],
    faces: Mapping[AssetId, list[Face]],
    extras: set[str] | None,
) -> SourceAsset:
    # no checksum: Immich gives an external asset a hash of its path, not of its bytes
    return source_asset(asset, albums, tags, faces).model_copy(
        update={"checksum": "", "copy_extras": extras is None or asset.id in extras}
    )
