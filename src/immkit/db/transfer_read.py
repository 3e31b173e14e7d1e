"""Read-only SQL for an ownership transfer: users, the selection and what moves with it.

Works on both known layouts. A person is named by its *key*: `person.id` in the 3.1
layout, `person.personGroupId` in the 3.2+ layout (where the row is (ownerId, key) and a
face points to the key, IMMICH_3.2_3.3_FACTS.md §B1). Every query is set-based: the
number of statements does not grow with the number of assets.
"""

from __future__ import annotations

import re

from psycopg.rows import DictRow

from immkit.db.statements import Conn

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def is_uuid(text: str) -> bool:
    return bool(_UUID.match(text.strip()))


def face_column(layout: str) -> str:
    """The asset_face column that names the person (3.1) or person group (3.2+)."""
    return '"personId"' if layout == "3.1" else '"personGroupId"'


def person_key(layout: str) -> str:
    return "id" if layout == "3.1" else '"personGroupId"'


def find_user(conn: Conn, ref: str, layout: str) -> DictRow | None:
    """A live user by id or e-mail (case-insensitive)."""
    cluster = '"clusterGroupId"::text AS cluster' if layout != "3.1" else "NULL::text AS cluster"
    column = "id::text" if is_uuid(ref) else "lower(email)"
    return conn.execute(
        f'SELECT id::text AS id, email, name, {cluster} FROM "user"'
        f' WHERE {column} = lower(%s) AND "deletedAt" IS NULL',
        (ref.strip(),),
    ).fetchone()


def find_albums(conn: Conn, ref: str) -> list[DictRow]:
    """Albums by id or exact name, with their owner (the album_user row with role owner)."""
    column = "a.id::text" if is_uuid(ref) else 'a."albumName"'
    return conn.execute(
        'SELECT a.id::text AS id, a."albumName" AS name, u."userId"::text AS owner'
        " FROM album a JOIN album_user u ON u.\"albumId\" = a.id AND u.role = 'owner'"
        f' WHERE {column} = %s AND a."deletedAt" IS NULL ORDER BY a."createdAt"',
        (ref.strip() if is_uuid(ref) else ref,),
    ).fetchall()


def find_tags(conn: Conn, value: str) -> list[DictRow]:
    """Tags by full value ("Places/Italy") or id, with their owner."""
    column = "id::text" if is_uuid(value) else "value"
    return conn.execute(
        f'SELECT id::text AS id, value, "userId"::text AS owner FROM tag WHERE {column} = %s',
        (value.strip("/ ") if not is_uuid(value) else value,),
    ).fetchall()


def find_persons(conn: Conn, name: str, layout: str) -> list[DictRow]:
    """Persons by exact name (case-insensitive) or key, with their owner."""
    key = person_key(layout)
    column = f"{key}::text" if is_uuid(name) else "lower(name)"
    return conn.execute(
        f'SELECT {key}::text AS key, name, "ownerId"::text AS owner FROM person'
        f" WHERE {column} = lower(%s) ORDER BY name",
        (name.strip(),),
    ).fetchall()


def selected_assets(conn: Conn, kind: str, ref_id: str, source: str, layout: str) -> list[str]:
    """Ids of the source's assets in the album, under the tag (descendants too), or showing
    the person."""
    if kind == "album":
        query = (
            'SELECT a.id::text AS id FROM album_asset aa JOIN asset a ON a.id = aa."assetId"'
            ' WHERE aa."albumId" = %(ref)s AND a."ownerId" = %(src)s'
        )
    elif kind == "tag":
        query = (
            "SELECT DISTINCT a.id::text AS id FROM tag_closure c"
            ' JOIN tag_asset ta ON ta."tagId" = c.id_descendant'
            ' JOIN asset a ON a.id = ta."assetId"'
            ' WHERE c.id_ancestor = %(ref)s AND a."ownerId" = %(src)s'
        )
    else:
        query = (
            'SELECT DISTINCT a.id::text AS id FROM asset_face f JOIN asset a ON a.id = f."assetId"'
            f' WHERE f.{face_column(layout)} = %(ref)s AND a."ownerId" = %(src)s'
        )
    rows = conn.execute(query, {"ref": ref_id, "src": source}).fetchall()
    return sorted(r["id"] for r in rows)


def asset_closure(conn: Conn, ids: list[str], source: str) -> list[DictRow]:
    """The selected assets plus everything that must move with them: live-photo motion
    parts (both directions) and every member of their stacks, transitively; the source's
    assets only."""
    return conn.execute(
        "WITH RECURSIVE s(id) AS ("
        '  SELECT a.id FROM asset a WHERE a.id = ANY(%(ids)s::uuid[]) AND a."ownerId" = %(src)s'
        "  UNION"
        "  SELECT n.id FROM s JOIN asset a ON a.id = s.id"
        '  JOIN asset n ON (n.id = a."livePhotoVideoId" OR n."livePhotoVideoId" = a.id'
        '   OR (a."stackId" IS NOT NULL AND n."stackId" = a."stackId"))'
        '  WHERE n."ownerId" = %(src)s)'
        ' SELECT a.id::text AS id, a."originalFileName" AS file_name,'
        " encode(a.checksum, 'hex') AS checksum, a.\"libraryId\"::text AS library_id,"
        ' a."livePhotoVideoId"::text AS live_video_id, a."stackId"::text AS stack_id,'
        ' coalesce(e."fileSizeInByte", 0) AS size, a.type'
        ' FROM s JOIN asset a ON a.id = s.id LEFT JOIN asset_exif e ON e."assetId" = a.id'
        " ORDER BY a.id",
        {"ids": ids, "src": source},
    ).fetchall()


def faces_on(conn: Conn, ids: list[str], source: str, layout: str) -> list[DictRow]:
    """(face, asset, person key) for the faces on these assets whose person is the source's;
    soft-deleted and hidden faces included: they point at the person too."""
    col = face_column(layout)
    key = person_key(layout)
    return conn.execute(
        f'SELECT f.id::text AS id, f."assetId"::text AS asset_id, f.{col}::text AS key'
        f' FROM asset_face f JOIN person p ON p.{key} = f.{col} AND p."ownerId" = %(src)s'
        ' WHERE f."assetId" = ANY(%(ids)s::uuid[]) ORDER BY f.id',
        {"ids": ids, "src": source},
    ).fetchall()


def persons(conn: Conn, keys: list[str], source: str, layout: str) -> list[DictRow]:
    """The source's persons with every face that points at them (3.2+: on the source's own
    assets, the faces that person row counts)."""
    col = face_column(layout)
    key = person_key(layout)
    scope = (
        "" if layout == "3.1" else 'JOIN asset a ON a.id = f."assetId" AND a."ownerId" = %(src)s'
    )
    return conn.execute(
        f'SELECT p.{key}::text AS key, p.name, p."birthDate"::text AS birth_date,'
        ' p."isHidden" AS hidden, p."isFavorite" AS favorite, p.color,'
        ' p."faceAssetId"::text AS feature_face,'
        f" (SELECT count(*) FROM asset_face f {scope} WHERE f.{col} = p.{key}) AS faces"
        f' FROM person p WHERE p.{key} = ANY(%(keys)s::uuid[]) AND p."ownerId" = %(src)s'
        f" ORDER BY p.name, p.{key}",
        {"keys": keys, "src": source},
    ).fetchall()


HAS_SHARING = "SELECT to_regclass('person_user') IS NOT NULL AS present"
# Immich 3.3 people sharing: the shares a person row takes with it when it is deleted
# (the sharer's, by foreign key; the recipient's, by the person_delete_shares trigger)
SHARES = (
    'SELECT "personGroupId"::text AS key, count(*) AS n FROM person_user'
    ' WHERE "personGroupId" = ANY(%(keys)s::uuid[])'
    ' AND (%(owner)s IN ("sharedById", "sharedWithId")) GROUP BY "personGroupId"'
)


def person_shares(conn: Conn, keys: list[str], owner: str) -> dict[str, int]:
    """Sharing rows (3.3 `person_user`) per person key of this owner; {} without the table."""
    present = conn.execute(HAS_SHARING).fetchone()
    if not keys or present is None or not present["present"]:
        return {}
    rows = conn.execute(SHARES, {"keys": keys, "owner": owner}).fetchall()
    return {str(r["key"]): int(r["n"]) for r in rows}


def tag_links(conn: Conn, ids: list[str], source: str) -> list[DictRow]:
    """(asset, tag) links of these assets to the source's tags."""
    return conn.execute(
        'SELECT ta."assetId"::text AS asset_id, t.id::text AS tag_id, t.value'
        ' FROM tag_asset ta JOIN tag t ON t.id = ta."tagId" AND t."userId" = %(src)s'
        ' WHERE ta."assetId" = ANY(%(ids)s::uuid[]) ORDER BY t.value, ta."assetId"',
        {"ids": ids, "src": source},
    ).fetchall()


def tag_paths(conn: Conn, tag_ids: list[str]) -> list[DictRow]:
    """These tags and all their ancestors (the hierarchy the target must get)."""
    return conn.execute(
        "SELECT DISTINCT t.id::text AS id, t.value, t.color FROM tag_closure c"
        " JOIN tag t ON t.id = c.id_ancestor WHERE c.id_descendant = ANY(%s::uuid[])"
        " UNION SELECT id::text, value, color FROM tag WHERE id = ANY(%s::uuid[])"
        " ORDER BY value",
        (tag_ids, tag_ids),
    ).fetchall()


def target_checksums(conn: Conn, target: str, checksums: list[str]) -> list[DictRow]:
    """The target's internal assets with one of these checksums (unique per owner)."""
    return conn.execute(
        "SELECT encode(checksum, 'hex') AS checksum, id::text AS id FROM asset"
        ' WHERE "ownerId" = %s AND "libraryId" IS NULL'
        " AND checksum = ANY(ARRAY(SELECT decode(x, 'hex') FROM unnest(%s::text[]) x))",
        (target, checksums),
    ).fetchall()


def album_links(conn: Conn, ids: list[str]) -> list[DictRow]:
    """(album, asset) for every album holding one of these assets, with the album's owner."""
    return conn.execute(
        'SELECT aa."albumId"::text AS album_id, aa."assetId"::text AS asset_id,'
        ' a."albumName" AS name, u."userId"::text AS owner'
        ' FROM album_asset aa JOIN album a ON a.id = aa."albumId"'
        " JOIN album_user u ON u.\"albumId\" = a.id AND u.role = 'owner'"
        ' WHERE aa."assetId" = ANY(%s::uuid[]) ORDER BY a."albumName", aa."assetId"',
        (ids,),
    ).fetchall()


def album_role(conn: Conn, album_id: str, user_id: str) -> str | None:
    row = conn.execute(
        'SELECT role::text AS role FROM album_user WHERE "albumId" = %s AND "userId" = %s',
        (album_id, user_id),
    ).fetchone()
    return None if row is None else str(row["role"])


def list_users(conn: Conn) -> list[DictRow]:
    """Live users, for the interactive questions."""
    return conn.execute(
        'SELECT id::text AS id, email, name FROM "user" WHERE "deletedAt" IS NULL ORDER BY email'
    ).fetchall()


def list_albums(conn: Conn, owner: str) -> list[DictRow]:
    """The user's own albums with their asset counts, for the interactive questions."""
    return conn.execute(
        'SELECT a.id::text AS id, a."albumName" AS name,'
        ' (SELECT count(*) FROM album_asset aa WHERE aa."albumId" = a.id) AS assets'
        " FROM album a JOIN album_user u ON u.\"albumId\" = a.id AND u.role = 'owner'"
        ' WHERE u."userId" = %s AND a."deletedAt" IS NULL ORDER BY a."albumName"',
        (owner,),
    ).fetchall()
