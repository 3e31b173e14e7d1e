"""Metadata to carry, grouped into few `PUT /assets` calls, and the read-back comparison."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import JsonValue

from immkit.immich import AssetFull
from immkit.jobs.assetcopy.model import SourceAsset

COORD_TOLERANCE = 1e-6


def desired_update(asset: SourceAsset, *, favorite: bool) -> dict[str, JsonValue]:
    """The `PUT /assets` fields that give the copy the source's metadata.

    Only what the user can have set is sent; empty values are the defaults of an upload.
    The date is always sent: on a real server it also locks the value against the
    metadata extraction that runs after the upload. `favorite` is False when the favourite
    flag travels another way (`PUT /assets/copy`).
    """
    body: dict[str, JsonValue] = {}
    if asset.date_time_original:
        body["dateTimeOriginal"] = asset.date_time_original
    if asset.time_zone:
        body["timeZone"] = asset.time_zone
    if asset.latitude is not None and asset.longitude is not None:
        body["latitude"] = asset.latitude
        body["longitude"] = asset.longitude
    if asset.description:
        body["description"] = asset.description
    if asset.rating is not None:
        body["rating"] = asset.rating
    if asset.visibility != "timeline":
        body["visibility"] = asset.visibility
    if favorite:
        body["isFavorite"] = asset.is_favorite
    return body


def group_updates(
    items: Iterable[tuple[str, dict[str, JsonValue]]],
) -> list[tuple[dict[str, JsonValue], list[str]]]:
    """Assets with equal changes share one request; deterministic order (by body, then ids)."""
    groups: dict[str, tuple[dict[str, JsonValue], list[str]]] = {}
    for asset_id, body in items:
        if not body:
            continue
        key = json.dumps(body, sort_keys=True)
        groups.setdefault(key, (body, []))[1].append(asset_id)
    return [(body, sorted(ids)) for _, (body, ids) in sorted(groups.items())]


def checksum_hex(value: str) -> str:
    """Immich's base64 SHA-1 (or hex, as some answers give) as 40 hex digits."""
    if len(value) == 40:
        return value.lower()
    return base64.b64decode(value).hex()


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def mismatches(
    source: SourceAsset,
    target: AssetFull,
    *,
    sha1: str,
    tag_ids: Sequence[str] = (),
    person_ids: Sequence[str] = (),
    motion_id: str | None = None,
) -> list[str]:
    """What the read-back copy does not have; empty means verified.

    `tag_ids` and `person_ids` are what the copy must carry on the target side (the same
    ids when source and target are one account).
    """
    found: list[str] = []
    if checksum_hex(target.checksum) != sha1.lower():
        found.append("checksum differs from the file's")
    found += _exif_mismatches(source, target)
    if not set(tag_ids) <= {t.id for t in target.tags}:
        found.append("tags")
    if not set(person_ids) <= {p.id for p in target.people}:
        found.append("named faces")
    if motion_id is not None and target.live_photo_video_id != motion_id:
        found.append("live photo link")
    return found


def _exif_mismatches(source: SourceAsset, target: AssetFull) -> list[str]:
    found: list[str] = []
    if target.is_favorite != source.is_favorite:
        found.append("favourite")
    if target.visibility != source.visibility:
        found.append("visibility")
    exif = target.exif_info
    description = (exif.description if exif else None) or ""
    if description != source.description:
        found.append("description")
    if (exif.rating if exif else None) != source.rating:
        found.append("rating")
    if source.latitude is not None and source.longitude is not None:
        lat = exif.latitude if exif else None
        lon = exif.longitude if exif else None
        if (
            lat is None
            or lon is None
            or abs(lat - source.latitude) > COORD_TOLERANCE
            or abs(lon - source.longitude) > COORD_TOLERANCE
        ):
            found.append("location")
    if source.date_time_original:
        taken = _instant(exif.date_time_original if exif else None)
        if taken != _instant(source.date_time_original):
            found.append("date taken")
        if source.local_date_time and _instant(target.local_date_time) != _instant(
            source.local_date_time
        ):
            found.append("time zone")
    return found
