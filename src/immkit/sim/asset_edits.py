"""Asset edits: `PUT /assets`, `PUT /assets/{id}`, `PUT /assets/copy` (routes merged into
`routes/assets.py`). Deletion and trash live in `asset_delete`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import DictRow

from immkit.sim.access import owned_assets
from immkit.sim.asset_delete import api as delete_api
from immkit.sim.asset_dto import load_asset
from immkit.sim.asset_metadata import (
    local_date_time,
    parse_original,
    reverse_geocode,
    utc_label,
    zone_offset,
)
from immkit.sim.enums import VISIBILITIES
from immkit.sim.http import Call, Endpoints, Reply, bad_request, no_access
from immkit.sim.validate import (
    Invalid,
    Schema,
    array,
    boolean,
    custom,
    enum,
    number,
    obj,
    string,
    uuid,
)

Conn = psycopg.Connection[DictRow]

api = Endpoints()
api.items.extend(delete_api.items)

UNSET: Any = object()
_RATING_ZERO = "Rating must be -1 (rejected), 1–5 (starred), or null (unrated); 0 is not valid"


def _rating() -> Schema:
    base = number(minimum=-1, maximum=5, integer=True)

    def check(v: Any, path: list[str | int], coerce: bool) -> tuple[Any, list[dict[str, Any]]]:
        if v == 0 and not isinstance(v, bool):
            return None, [custom(_RATING_ZERO, path)]
        return base.check(v, path, coerce)

    return Schema(check)


_EDIT_FIELDS: dict[str, Schema] = {
    "dateTimeOriginal": string().opt(UNSET),
    "description": string().opt(UNSET),
    "isFavorite": boolean().opt(UNSET),
    "latitude": number(minimum=-90, maximum=90).opt(UNSET),
    "longitude": number(minimum=-180, maximum=180).opt(UNSET),
    "rating": _rating().opt(UNSET).null(),
    "visibility": enum(VISIBILITIES).opt(UNSET),
}
_BULK = obj(
    ids=array(uuid()),
    dateTimeRelative=number(integer=True).opt(UNSET),
    duplicateId=string().opt(UNSET).null(),
    timeZone=string().opt(UNSET),
    **_EDIT_FIELDS,
)
_SINGLE = obj(livePhotoVideoId=uuid().opt(UNSET).null(), **_EDIT_FIELDS)


def _check_coordinates(body: dict[str, Any]) -> None:
    if (body["latitude"] is UNSET) != (body["longitude"] is UNSET):
        raise Invalid([custom("Latitude and longitude must be provided together", [])])


@api.route("PUT", "/assets", permission="asset.update", body=_BULK)
def update_many(call: Call) -> object:
    body = call.body
    _check_coordinates(body)
    ids = list(dict.fromkeys(body["ids"]))
    with call.state.db.connection() as conn:
        if len(owned_assets(conn, call.user_id, ids)) != len(ids):
            raise no_access("asset.update")
        apply_edits(conn, ids, body)
    return Reply(204)


@api.route(
    "PUT", "/assets/{id}", permission="asset.update", params=obj(id=uuid()), body=_SINGLE.opt({})
)
def update_one(call: Call) -> object:
    body = call.body or {}
    body = {k: body.get(k, UNSET) for k in (*_EDIT_FIELDS, "livePhotoVideoId")}
    _check_coordinates(body)
    asset_id = call.path["id"]
    with call.state.db.connection() as conn:
        if not owned_assets(conn, call.user_id, [asset_id]):
            raise no_access("asset.update")
        apply_edits(conn, [asset_id], body)
        return load_asset(conn, asset_id, call.user_id, "update")


def apply_edits(conn: Conn, ids: list[str], body: dict[str, Any]) -> None:
    """Write one edit request to the asset and asset_exif rows of `ids`."""
    if not ids:
        return
    given = {k: v for k, v in body.items() if v is not UNSET and k != "ids"}
    asset_sets = {
        "isFavorite": given.get("isFavorite", UNSET),
        "visibility": given.get("visibility", UNSET),
        "duplicateId": given.get("duplicateId", UNSET),
        "livePhotoVideoId": given.get("livePhotoVideoId", UNSET),
    }
    exif_sets = {
        "description": given.get("description", UNSET),
        "rating": given.get("rating", UNSET),
        "latitude": given.get("latitude", UNSET),
        "longitude": given.get("longitude", UNSET),
    }
    if "latitude" in given:
        place = reverse_geocode(given["latitude"], given["longitude"])
        exif_sets["city"] = place.city if place else None
        exif_sets["state"] = place.state if place else None
        exif_sets["country"] = place.country if place else None
        if place:
            exif_sets["timeZone"] = place.time_zone
    _update(conn, "asset", "id", ids, asset_sets)
    _update(conn, "asset_exif", '"assetId"', ids, exif_sets)
    if given.keys() & {"dateTimeOriginal", "dateTimeRelative", "timeZone", "latitude"}:
        for asset_id in ids:
            _settle_dates(conn, asset_id, given)
    conn.execute('UPDATE asset SET "updatedAt" = now() WHERE id = ANY(%s::uuid[])', (ids,))


def _update(conn: Conn, table: str, key: str, ids: list[str], sets: dict[str, Any]) -> None:
    columns = {k: v for k, v in sets.items() if v is not UNSET}
    if not columns:
        return
    assignments = ", ".join(f'"{k}" = %s' for k in columns)
    conn.execute(
        f'UPDATE {table} SET {assignments}, "updatedAt" = now() WHERE {key} = ANY(%s::uuid[])',
        [*columns.values(), ids],
    )


def _settle_dates(conn: Conn, asset_id: str, given: dict[str, Any]) -> None:
    row = conn.execute(
        'SELECT a."fileCreatedAt", e."dateTimeOriginal", e."timeZone" FROM asset a'
        ' LEFT JOIN asset_exif e ON e."assetId" = a.id WHERE a.id = %s',
        (asset_id,),
    ).fetchone()
    if row is None:
        return
    taken: datetime = (row["dateTimeOriginal"] or row["fileCreatedAt"]).astimezone(UTC)
    label: str | None = row["timeZone"]
    if "dateTimeOriginal" in given:
        parsed = parse_original(given["dateTimeOriginal"])
        if parsed is None:
            raise bad_request("Invalid dateTimeOriginal")
        taken, label = parsed
    if "dateTimeRelative" in given:
        taken += timedelta(minutes=given["dateTimeRelative"])
    if "timeZone" in given:
        label = utc_label(zone_offset(given["timeZone"], taken))
    conn.execute(
        'UPDATE asset_exif SET "dateTimeOriginal" = %s, "timeZone" = %s WHERE "assetId" = %s',
        (taken, label, asset_id),
    )
    conn.execute(
        'UPDATE asset SET "fileCreatedAt" = %s, "localDateTime" = %s WHERE id = %s',
        (taken, local_date_time(taken, label), asset_id),
    )


_COPY = obj(
    sourceId=uuid(),
    targetId=uuid(),
    albums=boolean().opt(True),
    favorite=boolean().opt(True),
    sharedLinks=boolean().opt(True),
    sidecar=boolean().opt(True),
    stack=boolean().opt(True),
)


@api.route("PUT", "/assets/copy", permission="asset.copy", body=_COPY)
def copy(call: Call) -> object:
    b = call.body
    source, target = b["sourceId"], b["targetId"]
    if source == target:
        raise bad_request("Source and target id must be distinct")
    with call.state.db.connection() as conn:
        if len(owned_assets(conn, call.user_id, [source, target])) != 2:
            raise no_access("asset.copy")
        if b["albums"]:
            conn.execute(
                'INSERT INTO album_asset ("albumId", "assetId") SELECT "albumId", %s'
                ' FROM album_asset WHERE "assetId" = %s ON CONFLICT DO NOTHING',
                (target, source),
            )
        if b["sharedLinks"]:
            conn.execute(
                'INSERT INTO shared_link_asset ("sharedLinkId", "assetId")'
                ' SELECT "sharedLinkId", %s FROM shared_link_asset WHERE "assetId" = %s'
                " ON CONFLICT DO NOTHING",
                (target, source),
            )
        if b["favorite"]:
            conn.execute(
                'UPDATE asset t SET "isFavorite" = s."isFavorite", "updatedAt" = now()'
                " FROM asset s WHERE s.id = %s AND t.id = %s",
                (source, target),
            )
        if b["stack"]:
            conn.execute(
                'UPDATE asset t SET "stackId" = s."stackId" FROM asset s'
                ' WHERE s.id = %s AND t.id = %s AND s."stackId" IS NOT NULL',
                (source, target),
            )
    return Reply(204)
