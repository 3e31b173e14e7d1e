"""The WHERE clause of Immich 3.1's metadata search (searchAssetBuilder), filter by filter.

The shapes follow the real server so that paging costs alike: one query with
`ORDER BY "fileCreatedAt" LIMIT size+1 OFFSET (page-1)*size`, the people filter as an
inner join on a grouped face subquery, exif filters as an inner join on asset_exif.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.rows import DictRow

from immkit.sim.access import readable_albums, timeline_owners
from immkit.sim.http import SimError, no_access
from immkit.sim.media import decode_checksum
from immkit.sim.validate import (
    Schema,
    array,
    boolean,
    date_time,
    enum,
    number,
    string,
    uuid,
)

Conn = psycopg.Connection[DictRow]

# a nullable filter that was not sent (null itself means "IS NULL" for exif fields)
ABSENT: Any = object()

# MetadataSearchDto / RandomSearchDto / StatisticsSearchDto share these
FILTERS: dict[str, Schema] = {
    "albumIds": array(uuid()).opt(),
    "checksum": string().opt(),
    "city": string().opt(ABSENT).null(),
    "country": string().opt(ABSENT).null(),
    "state": string().opt(ABSENT).null(),
    "make": string().opt(ABSENT).null(),
    "model": string().opt(ABSENT).null(),
    "lensModel": string().opt(ABSENT).null(),
    "createdAfter": date_time().opt(),
    "createdBefore": date_time().opt(),
    "updatedAfter": date_time().opt(),
    "updatedBefore": date_time().opt(),
    "takenAfter": date_time().opt(),
    "takenBefore": date_time().opt(),
    "trashedAfter": date_time().opt(),
    "trashedBefore": date_time().opt(),
    "description": string().opt(),
    "id": uuid().opt(),
    "isEncoded": boolean().opt(),
    "isFavorite": boolean().opt(),
    "isMotion": boolean().opt(),
    "isNotInAlbum": boolean().opt(),
    "isOffline": boolean().opt(),
    "libraryId": uuid().opt(ABSENT).null(),
    "originalFileName": string().opt(),
    "originalPath": string().opt(),
    "personIds": array(uuid()).opt(),
    "rating": number(minimum=1, maximum=5, integer=True).opt(ABSENT).null(),
    "tagIds": array(uuid()).opt(ABSENT).null(),
    "type": enum(["IMAGE", "VIDEO", "AUDIO", "OTHER"]).opt(),
    "visibility": enum(["archive", "timeline", "hidden", "locked"]).opt(),
    "withDeleted": boolean().opt(),
    "withExif": boolean().opt(),
    "withPeople": boolean().opt(),
    "withStacked": boolean().opt(),
    "ocr": string().opt(),
}

_EXIF_EQUALS = ("city", "country", "state", "make", "model", "lensModel", "rating")
_RANGES = (
    ("createdAfter", '"createdAt"', ">="),
    ("createdBefore", '"createdAt"', "<="),
    ("updatedAfter", '"updatedAt"', ">="),
    ("updatedBefore", '"updatedAt"', "<="),
    ("takenAfter", '"fileCreatedAt"', ">="),
    ("takenBefore", '"fileCreatedAt"', "<="),
    ("trashedAfter", '"deletedAt"', ">="),
    ("trashedBefore", '"deletedAt"', "<="),
)


@dataclass
class Query:
    """FROM/JOIN and WHERE parts plus their parameters, in order."""

    joins: list[str] = field(default_factory=list)
    join_params: list[Any] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.where.append(clause)
        self.params.extend(params)

    def sql(self, select: str, extra_joins: str = "") -> tuple[str, list[Any]]:
        text = f"SELECT {select} FROM asset {' '.join(self.joins)} {extra_joins}"
        text += " WHERE " + " AND ".join(self.where or ["true"])
        return text, [*self.join_params, *self.params]


def build(conn: Conn, user_id: str, f: dict[str, Any]) -> Query:
    """Translate validated filters; raises the 400/401 answers the real server gives."""
    f = {k: v for k, v in f.items() if v is not ABSENT}
    q = Query()
    visibility = f.get("visibility")
    if visibility == "locked":
        raise SimError(401, "Elevated permission is required")
    album_ids = f.get("albumIds") or []
    if album_ids:
        if len(readable_albums(conn, user_id, album_ids)) != len(set(album_ids)):
            raise no_access("album.read")
        for album_id in dict.fromkeys(album_ids):
            q.add(
                'EXISTS (SELECT 1 FROM album_asset aa WHERE aa."assetId" = asset.id'
                ' AND aa."albumId" = %s)',
                album_id,
            )
    else:
        q.add('asset."ownerId" = ANY(%s::uuid[])', timeline_owners(conn, user_id))
        if f.get("isNotInAlbum"):
            q.add('NOT EXISTS (SELECT 1 FROM album_asset aa WHERE aa."assetId" = asset.id)')
    if visibility:
        q.add("asset.visibility = %s", visibility)
    else:
        q.add("asset.visibility <> 'locked'")
    trashed = f.get("trashedAfter") or f.get("trashedBefore")
    if not (f.get("withDeleted") or trashed):
        q.add('asset."deletedAt" IS NULL')
    if trashed:
        q.add('asset."deletedAt" IS NOT NULL')
    q.add("asset.status <> 'deleted'")
    _tags(q, f.get("tagIds", []))
    _people(q, f.get("personIds") or [])
    _exif(q, f)
    for key, column, op in _RANGES:
        if f.get(key):
            q.add(f"asset.{column} {op} %s", f[key])
    _simple(q, f)
    return q


def _tags(q: Query, tag_ids: list[str] | None) -> None:
    """3.1 `hasTags`: every listed tag, itself or a descendant (via tag_closure), is on
    the asset. `null` means "no tag at all"; `[]` is no filter."""
    if tag_ids is None:
        q.add('NOT EXISTS (SELECT 1 FROM tag_asset ta WHERE ta."assetId" = asset.id)')
        return
    if not tag_ids:
        return
    q.joins.append(
        'INNER JOIN (SELECT ta."assetId" FROM tag_asset ta JOIN tag_closure tc'
        ' ON tc.id_descendant = ta."tagId" WHERE tc.id_ancestor = ANY(%s::uuid[])'
        ' GROUP BY ta."assetId" HAVING count(DISTINCT tc.id_ancestor) >= %s) has_tags'
        ' ON has_tags."assetId" = asset.id'
    )
    # the raw length, as 3.1 compares it: a repeated id can never be reached
    q.join_params.extend([tag_ids, len(tag_ids)])


def _people(q: Query, person_ids: list[str]) -> None:
    if not person_ids:
        return
    wanted = list(dict.fromkeys(person_ids))
    q.joins.append(
        'INNER JOIN (SELECT f."assetId" FROM asset_face f WHERE f."personId" = ANY(%s::uuid[])'
        ' AND f."deletedAt" IS NULL AND f."isVisible" GROUP BY f."assetId"'
        ' HAVING count(DISTINCT f."personId") = %s) has_people'
        ' ON has_people."assetId" = asset.id'
    )
    q.join_params.extend([wanted, len(wanted)])


def _exif(q: Query, f: dict[str, Any]) -> None:
    used = [k for k in _EXIF_EQUALS if k in f]
    if not used and not f.get("description"):
        return
    q.joins.append('INNER JOIN asset_exif ON asset_exif."assetId" = asset.id')
    for key in used:
        if f[key] is None:
            q.add(f'asset_exif."{key}" IS NULL')
        else:
            q.add(f'asset_exif."{key}" = %s', f[key])
    if f.get("description"):
        q.add("f_unaccent(asset_exif.description) ILIKE f_unaccent(%s)", f"%{f['description']}%")


def _simple(q: Query, f: dict[str, Any]) -> None:
    if f.get("originalFileName"):
        q.add(
            'f_unaccent(asset."originalFileName") ILIKE f_unaccent(%s)',
            f"%{f['originalFileName']}%",
        )
    if f.get("originalPath"):
        q.add('f_unaccent(asset."originalPath") ILIKE f_unaccent(%s)', f"%{f['originalPath']}%")
    if f.get("checksum"):
        q.add("asset.checksum = %s", decode_checksum(f["checksum"]) or b"")
    if f.get("id"):
        q.add("asset.id = %s", f["id"])
    if f.get("libraryId"):
        q.add('asset."libraryId" = %s', f["libraryId"])
    if f.get("type"):
        q.add("asset.type = %s", f["type"])
    for key, column in (("isFavorite", '"isFavorite"'), ("isOffline", '"isOffline"')):
        if f.get(key) is not None:
            q.add(f"asset.{column} = %s", f[key])
    if f.get("isMotion") is not None:
        q.add('asset."livePhotoVideoId" IS ' + ("NOT NULL" if f["isMotion"] else "NULL"))
    if f.get("isEncoded") is not None:
        exists = (
            'EXISTS (SELECT 1 FROM asset_file af WHERE af."assetId" = asset.id'
            " AND af.type = 'encoded_video')"
        )
        q.add(exists if f["isEncoded"] else f"NOT {exists}")
