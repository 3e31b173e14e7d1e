"""Read what the pipeline copies: assets as `SourceAsset`s, with their albums, tags and
named faces, grouped into units (a live photo's still and motion video together)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from immkit.immich import Album, Asset, AssetId, Face, Immich, MetadataSearch, Tag
from immkit.jobs.assetcopy.metadata import checksum_hex
from immkit.jobs.assetcopy.model import SourceAsset, SourceFace, Unit


def albums_of(reader: Immich, albums: Sequence[Album], among: set[str]) -> dict[str, set[str]]:
    """Asset id → the given albums it is in, for the assets in `among`: one search per album."""
    found: dict[str, set[str]] = defaultdict(set)
    for album in albums:
        for ref in reader.search.iter_refs(MetadataSearch(album_ids=[album.id])):
            if ref.id in among:
                found[ref.id].add(album.id)
    return found


def tags_of(reader: Immich, tags: Sequence[Tag], among: set[str]) -> dict[str, set[str]]:
    """Asset id → its own tags. A tag search also finds the tag's descendants, so a parent
    found alongside one of its children is dropped (the child shows under it anyway)."""
    by_id: dict[str, Tag] = {t.id: t for t in tags}
    found: dict[str, set[str]] = defaultdict(set)
    for tag in tags:
        for ref in reader.search.iter_refs(MetadataSearch(tag_ids=[tag.id])):
            if ref.id in among:
                found[ref.id].add(tag.id)
    for asset_id, ids in found.items():
        found[asset_id] = ids - {a for t in ids for a in ancestors(by_id, t)}
    return found


def ancestors(by_id: Mapping[str, Tag], tag_id: str) -> set[str]:
    out: set[str] = set()
    parent = by_id[tag_id].parent_id if tag_id in by_id else None
    while parent and parent not in out:
        out.add(parent)
        parent = by_id[parent].parent_id if parent in by_id else None
    return out


def named_faces(faces: Iterable[Face]) -> tuple[SourceFace, ...]:
    """The faces that carry a named person (unnamed clusters are not copied)."""
    named = [
        SourceFace(
            person_id=f.person.id,
            person_name=f.person.name,
            x1=f.bounding_box_x1,
            y1=f.bounding_box_y1,
            x2=f.bounding_box_x2,
            y2=f.bounding_box_y2,
            image_width=f.image_width,
            image_height=f.image_height,
        )
        for f in faces
        if f.person is not None and f.person.name
    ]
    return tuple(sorted(named, key=lambda f: (f.person_id, f.x1, f.y1)))


def source_asset(
    asset: Asset,
    albums: Mapping[str, set[str]],
    tags: Mapping[str, set[str]],
    faces: Mapping[AssetId, list[Face]],
) -> SourceAsset:
    exif = asset.exif_info
    return SourceAsset(
        id=asset.id,
        file_name=asset.original_file_name,
        path=asset.original_path,
        type=asset.type,
        size=exif.file_size_in_byte if exif else None,
        checksum=checksum_hex(asset.checksum) if asset.checksum else "",
        file_created_at=asset.file_created_at,
        file_modified_at=asset.file_modified_at,
        local_date_time=asset.local_date_time,
        is_favorite=asset.is_favorite,
        visibility=asset.visibility,
        date_time_original=exif.date_time_original if exif else None,
        time_zone=exif.time_zone if exif else None,
        latitude=exif.latitude if exif else None,
        longitude=exif.longitude if exif else None,
        description=(exif.description if exif else None) or "",
        rating=exif.rating if exif else None,
        duration_ms=asset.duration if isinstance(asset.duration, int) else None,
        tags=tuple(sorted(tags.get(asset.id, set()))),
        albums=tuple(sorted(albums.get(asset.id, set()))),
        faces=named_faces(faces.get(asset.id, [])),
    )


def read_units(
    reader: Immich, stills: Sequence[Asset], albums: Sequence[Album], tags: Sequence[Tag]
) -> list[Unit]:
    """Units for the given assets (motion parts read by id), with albums, tags and faces."""
    assets = {a.id: a for a in stills}
    motions = {a.live_photo_video_id for a in stills if a.live_photo_video_id}
    for motion_id in sorted(motions - set(assets)):
        # 3.1 leaves hidden motion parts out of searches: read them by id
        assets[AssetId(motion_id)] = reader.assets.get(AssetId(motion_id))
    ids: set[str] = set(assets)
    in_albums = albums_of(reader, albums, ids)
    tagged = tags_of(reader, tags, ids)
    faces = reader.faces.faces_of_many([a.id for a in assets.values() if a.people])
    units: list[Unit] = []
    for asset in sorted(assets.values(), key=lambda a: (a.original_file_name, a.id)):
        if asset.id in motions:
            continue
        motion = assets.get(AssetId(asset.live_photo_video_id or ""))
        units.append(
            Unit(
                still=source_asset(asset, in_albums, tagged, faces),
                motion=source_asset(motion, in_albums, tagged, {}) if motion else None,
            )
        )
    return units
