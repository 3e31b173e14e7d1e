"""AlbumResponseDto in the two shapes Immich 3.1 answers.

- `listed` (GET /albums, GET /albums/{id}): dates are the UTC day at midnight
  (`2023-05-10T00:00:00.000Z`), plus `lastModifiedAssetTimestamp`, and for GET of a
  shared album `contributorCounts`;
- `mapped` (POST, PATCH, PUT …/users): dates are the assets' local date-times as
  PostgreSQL's JSON writes them (`2023-05-10T11:00:00+00:00`), no last-modified field.
Empty albums have no `startDate`/`endDate` in either shape.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from psycopg.rows import DictRow

from immkit.sim.dto import ts, user_dto


def pg_json_time(value: datetime) -> str:
    """A timestamptz as PostgreSQL's to_json renders it in a UTC session."""
    text = value.astimezone(UTC).isoformat()
    return re.sub(r"\.(\d*?)0+(?=\+)", lambda m: f".{m.group(1)}" if m.group(1) else "", text)


def _midnight(value: date) -> str:
    return f"{value.isoformat()}T00:00:00.000Z"


def album_dto(
    row: DictRow,
    users: list[DictRow],
    *,
    listed: bool,
    contributors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "albumName": row["albumName"],
        "description": row["description"],
        "albumThumbnailAssetId": _id(row["albumThumbnailAssetId"]),
        "createdAt": ts(row["createdAt"]),
        "updatedAt": ts(row["updatedAt"]),
        "id": str(row["id"]),
        "albumUsers": [{"user": user_dto(u), "role": str(u["role"])} for u in users],
        "shared": bool(row["shared"]),
        "hasSharedLink": bool(row["hasSharedLink"]),
    }
    count = row["assetCount"] or 0
    if count:
        if listed:
            out["startDate"] = _midnight(row["startDate"])
            out["endDate"] = _midnight(row["endDate"])
        else:
            out["startDate"] = pg_json_time(row["startTs"])
            out["endDate"] = pg_json_time(row["endTs"])
    out |= {
        "assetCount": count,
        "isActivityEnabled": row["isActivityEnabled"],
        "order": row["order"],
    }
    if listed and count:
        out["lastModifiedAssetTimestamp"] = ts(row["lastModified"])
    if contributors is not None:
        out["contributorCounts"] = contributors
    return out


def _id(value: object) -> str | None:
    return None if value is None else str(value)
