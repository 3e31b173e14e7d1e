"""Tell which Immich schema layout a database has, from the catalog — never the version.

Known layouts:
- "3.1": Immich 3.0–3.1 — `person.id`, `asset_face.personId` → person.
- "3.2": Immich 3.2+ — `person_group`, `asset_face.personGroupId`, person keyed by
  (ownerId, personGroupId) (IMMICH_3.2_3.3_FACTS.md §B).
Anything else is refused: changing ownership in a schema we have not studied could lose faces.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg.rows import DictRow

from immkit.errors import UnknownLayout

# table → columns that must exist for the layout
_REQUIRED: dict[str, dict[str, frozenset[str]]] = {
    "3.1": {
        "asset": frozenset({"id", "ownerId", "checksum", "libraryId", "livePhotoVideoId"}),
        "asset_face": frozenset({"id", "assetId", "personId"}),
        "person": frozenset({"id", "ownerId", "name", "faceAssetId"}),
        "album_user": frozenset({"albumId", "userId", "role"}),
        "user": frozenset({"id", "email", "quotaUsageInBytes"}),
        "face_search": frozenset({"faceId"}),
        "tag": frozenset({"id", "userId", "value", "parentId"}),
        "tag_asset": frozenset({"assetId", "tagId"}),
        "stack": frozenset({"id", "ownerId", "primaryAssetId"}),
    },
    "3.2": {
        "asset": frozenset({"id", "ownerId", "checksum", "libraryId", "livePhotoVideoId"}),
        "asset_face": frozenset({"id", "assetId", "personGroupId"}),
        "person": frozenset({"ownerId", "personGroupId", "name", "faceAssetId"}),
        "person_group": frozenset({"id", "clusterGroupId"}),
        "cluster_group": frozenset({"id"}),
        "album_user": frozenset({"albumId", "userId", "role"}),
        "user": frozenset({"id", "email", "quotaUsageInBytes", "clusterGroupId"}),
        "face_search": frozenset({"faceId"}),
        "tag": frozenset({"id", "userId", "value", "parentId"}),
        "tag_asset": frozenset({"assetId", "tagId"}),
        "stack": frozenset({"id", "ownerId", "primaryAssetId"}),
    },
}
KNOWN_LAYOUTS = tuple(_REQUIRED)
_DESCRIPTIONS = {
    "3.1": "Immich 3.0–3.1 (person.id, asset_face.personId)",
    "3.2": "Immich 3.2+ (person groups: asset_face.personGroupId, person keyed by owner and group)",
}


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    has_people_sharing: bool  # 3.3 person_user table


def _columns(conn: psycopg.Connection[DictRow]) -> dict[str, set[str]]:
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["table_name"], set()).add(row["column_name"])
    return found


def detect_layout(conn: psycopg.Connection[DictRow]) -> Layout:
    """Raises:
    UnknownLayout: the tables match no layout immkit knows.
    """
    columns = _columns(conn)
    for name, required in _REQUIRED.items():
        if all(cols <= columns.get(table, set()) for table, cols in required.items()):
            return Layout(name, _DESCRIPTIONS[name], "person_user" in columns)
    if "asset" not in columns:
        raise UnknownLayout(
            "This database has no Immich tables (no `asset` table); "
            "check that database_url points at Immich's database."
        )
    hints = [
        f"{table}.{col}"
        for table, cols in _REQUIRED["3.1"].items()
        for col in sorted(cols - columns.get(table, set()))
    ]
    raise UnknownLayout(
        "The Immich database layout is not one immkit knows (missing "
        + ", ".join(hints[:5])
        + "); immkit refuses to change it. Update immkit or report the layout."
    )
