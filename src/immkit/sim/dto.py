"""Row → response mappers shared by several route modules (users, persons, timestamps)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from psycopg.rows import DictRow


def ts(value: datetime | None) -> str | None:
    """Immich's timestamp style: UTC with milliseconds and `Z`."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def user_dto(row: DictRow | dict[str, Any]) -> dict[str, Any]:
    """UserResponseDto: what other users see of a user."""
    return {
        "id": str(row["id"]),
        "email": row["email"],
        "name": row["name"],
        "profileImagePath": row["profileImagePath"],
        "avatarColor": row["avatarColor"] or "primary",
        "profileChangedAt": ts(row["profileChangedAt"]),
    }


def user_admin_dto(row: DictRow | dict[str, Any]) -> dict[str, Any]:
    """UserAdminResponseDto: `/users/me` and `/admin/users`."""
    return user_dto(row) | {
        "storageLabel": row["storageLabel"],
        "shouldChangePassword": row["shouldChangePassword"],
        "isAdmin": row["isAdmin"],
        "createdAt": ts(row["createdAt"]),
        "deletedAt": ts(row["deletedAt"]),
        "updatedAt": ts(row["updatedAt"]),
        "oauthId": row["oauthId"],
        "quotaSizeInBytes": row["quotaSizeInBytes"],
        "quotaUsageInBytes": row["quotaUsageInBytes"],
        "status": row["status"],
        "license": None,
    }


def person_dto(row: DictRow | dict[str, Any]) -> dict[str, Any]:
    """PersonResponseDto (3.1): no faces inside."""
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "birthDate": day(row["birthDate"]),
        "thumbnailPath": row["thumbnailPath"],
        "isHidden": row["isHidden"],
        "isFavorite": row["isFavorite"],
        "updatedAt": ts(row["updatedAt"]),
    } | ({"color": row["color"]} if row.get("color") else {})
