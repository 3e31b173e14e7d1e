"""`/albums/*`: albums, their assets and their members (3.1: the owner is a member)."""

from __future__ import annotations

from typing import Any

from psycopg.rows import DictRow

from immkit.sim import album_sql as sql
from immkit.sim.access import SHAREABLE
from immkit.sim.dto_albums import album_dto
from immkit.sim.http import Call, Endpoints, Reply, bad_request, no_access
from immkit.sim.validate import array, boolean, enum, obj, string, uuid

api = Endpoints()

ROLES = ["owner", "editor", "viewer"]
WRITERS = ("owner", "editor")
ID = obj(id=uuid())
IDS = obj(ids=array(uuid()))


def _answer(conn: sql.Conn, call: Call, album_id: str, *, listed: bool = False) -> Any:
    """One album as the caller sees it, in the listed (GET) or mapped (write) shape."""
    (row,) = sql.albums(conn, call.user_id, "AND al.id = %(id)s", id=album_id)
    users = sql.members(conn, [album_id], call.user_id)[album_id]
    contributors = sql.contributor_counts(conn, album_id) if listed and row["shared"] else None
    return album_dto(row, users, listed=listed, contributors=contributors)


def _listed(conn: sql.Conn, call: Call, rows: list[DictRow]) -> list[Any]:
    ids = [str(r["id"]) for r in rows]
    users = sql.members(conn, ids, call.user_id)
    return [album_dto(r, users[i], listed=True) for r, i in zip(rows, ids, strict=True)]


def _need(conn: sql.Conn, call: Call, album_id: str, permission: str, *roles: str) -> str:
    found = sql.role(conn, album_id, call.user_id)
    if found not in roles:
        raise no_access(permission)
    return found


@api.route(
    "GET",
    "/albums",
    permission="album.read",
    query=obj(
        isOwned=boolean().opt(),
        isShared=boolean().opt(),
        name=string().opt(),
        assetId=uuid().opt(),
        id=uuid().opt(),
    ),
)
def list_albums(call: Call) -> object:
    q = call.query
    where: list[str] = []
    if q["isOwned"] is not None:
        where.append("me.role " + ("=" if q["isOwned"] else "<>") + " 'owner'")
    if q["isShared"] is not None:
        where.append(("" if q["isShared"] else "NOT ") + sql.SHARED_SQL)
    if q["name"] is not None:
        where.append('al."albumName" = %(name)s')
    if q["id"] is not None:
        where.append("al.id = %(id)s")
    if q["assetId"] is not None:
        where.append(
            'EXISTS (SELECT 1 FROM album_asset x WHERE x."albumId" = al.id'
            ' AND x."assetId" = %(asset)s)'
        )
    clause = "".join(f" AND {w}" for w in where)
    with call.state.db.connection() as conn:
        params = {"name": q["name"], "id": q["id"], "asset": q["assetId"]}
        rows = sql.albums(conn, call.user_id, clause, **params)
        if sql.refresh_thumbnails(conn, [str(r["id"]) for r in rows]):
            rows = sql.albums(conn, call.user_id, clause, **params)
        return _listed(conn, call, rows)


@api.route("GET", "/albums/statistics", permission="album.statistics")
def album_statistics(call: Call) -> object:
    with call.state.db.connection() as conn:
        return sql.statistics(conn, call.user_id)


@api.route(
    "POST",
    "/albums",
    permission="album.create",
    body=obj(
        albumName=string(),
        description=string().opt(""),
        assetIds=array(uuid()).opt([]),
        albumUsers=array(obj(userId=uuid(), role=enum(ROLES))).opt([]),
    ),
)
def create_album(call: Call) -> object:
    b = call.body
    # the caller is the owner; an entry for them in albumUsers is ignored
    shares = {u["userId"]: u["role"] for u in b["albumUsers"] if u["userId"] != call.user_id}
    with call.state.db.connection() as conn:
        if sql.existing_users(conn, list(shares)) != set(shares):
            raise bad_request("Invalid user")
        row = conn.execute(
            'INSERT INTO album ("albumName", description) VALUES (%s, %s) RETURNING id::text',
            (b["albumName"], b["description"]),
        ).fetchone()
        assert row is not None
        album_id = str(row["id"])
        conn.execute(
            'INSERT INTO album_user ("albumId", "userId", role)'
            " SELECT %s, u, r FROM unnest(%s::uuid[], %s::album_user_role_enum[]) AS x(u, r)",
            (album_id, [call.user_id, *shares], ["owner", *shares.values()]),
        )
        if b["assetIds"]:
            sql.add_assets(conn, album_id, call.user_id, b["assetIds"])
        return Reply(201, _answer(conn, call, album_id))


@api.route("GET", "/albums/{id}", permission="album.read", params=ID)
def get_album(call: Call) -> object:
    album_id = call.path["id"]
    with call.state.db.connection() as conn:
        _need(conn, call, album_id, "album.read", *ROLES)
        sql.refresh_thumbnails(conn, [album_id])
        return _answer(conn, call, album_id, listed=True)


@api.route(
    "PATCH",
    "/albums/{id}",
    permission="album.update",
    params=ID,
    body=obj(
        albumName=string().opt(),
        description=string().opt(),
        albumThumbnailAssetId=uuid().opt(),
        isActivityEnabled=boolean().opt(),
        order=enum(["asc", "desc"]).opt(),
    ),
)
def update_album(call: Call) -> object:
    album_id = call.path["id"]
    changes = {k: v for k, v in (call.body or {}).items() if v is not None}
    with call.state.db.connection() as conn:
        _need(conn, call, album_id, "album.update", *WRITERS)
        thumbnail = changes.get("albumThumbnailAssetId")
        if (
            thumbnail is not None
            and not conn.execute(
                'SELECT 1 FROM album_asset WHERE "albumId" = %s AND "assetId" = %s',
                (album_id, thumbnail),
            ).fetchone()
        ):
            raise bad_request("Invalid album thumbnail")
        sets = "".join(f', "{k}" = %({k})s' for k in changes)
        conn.execute(
            f'UPDATE album SET "updatedAt" = now(), "updateId" = immich_uuid_v7(){sets}'
            " WHERE id = %(album)s",
            {**changes, "album": album_id},
        )
        return _answer(conn, call, album_id)


@api.route("DELETE", "/albums/{id}", permission="album.delete", params=ID)
def delete_album(call: Call) -> object:
    album_id = call.path["id"]
    with call.state.db.connection() as conn:
        _need(conn, call, album_id, "album.delete", "owner")
        conn.execute(
            'INSERT INTO album_audit ("albumId", "userId")'
            ' SELECT "albumId", "userId" FROM album_user WHERE "albumId" = %s',
            (album_id,),
        )
        conn.execute("DELETE FROM album WHERE id = %s", (album_id,))
    return Reply(204)


@api.route("PUT", "/albums/{id}/assets", permission="albumAsset.create", params=ID, body=IDS)
def add_assets(call: Call) -> object:
    album_id, ids = call.path["id"], call.body["ids"]
    with call.state.db.connection() as conn:
        if not sql.album_exists(conn, album_id):
            raise bad_request("Album not found")
        _need(conn, call, album_id, "albumAsset.create", *WRITERS)
        present, allowed = (
            sql.add_assets(conn, album_id, call.user_id, ids) if ids else (set(), set())
        )
    results: list[dict[str, Any]] = []
    seen = set(present)
    for asset_id in ids:
        if asset_id in seen:
            results.append({"id": asset_id, "success": False, "error": "duplicate"})
        elif asset_id not in allowed:
            results.append({"id": asset_id, "success": False, "error": "no_permission"})
        else:
            seen.add(asset_id)
            results.append({"id": asset_id, "success": True})
    return results


@api.route("DELETE", "/albums/{id}/assets", permission="albumAsset.delete", params=ID, body=IDS)
def remove_assets(call: Call) -> object:
    album_id, ids = call.path["id"], call.body["ids"]
    with call.state.db.connection() as conn:
        mine = _need(conn, call, album_id, "albumAsset.delete", *WRITERS)
        present, allowed = sql.remove_assets(
            conn, album_id, call.user_id, ids, is_owner=mine == "owner"
        )
    results: list[dict[str, Any]] = []
    for asset_id in ids:
        if asset_id not in present:
            results.append({"id": asset_id, "success": False, "error": "not_found"})
        elif asset_id not in allowed:
            results.append({"id": asset_id, "success": False, "error": "no_permission"})
        else:
            present.discard(asset_id)
            results.append({"id": asset_id, "success": True})
    return results


@api.route(
    "PUT",
    "/albums/assets",
    permission="albumAsset.create",
    body=obj(albumIds=array(uuid()), assetIds=array(uuid())),
)
def add_assets_to_albums(call: Call) -> object:
    b = call.body
    with call.state.db.connection() as conn:
        writable = conn.execute(
            'SELECT au."albumId"::text AS id FROM album_user au JOIN album al'
            ' ON al.id = au."albumId" AND al."deletedAt" IS NULL'
            ' WHERE au."albumId" = ANY(%s::uuid[]) AND au."userId" = %s'
            " AND au.role IN ('owner', 'editor')",
            (b["albumIds"], call.user_id),
        ).fetchall()
        if not writable:
            return {"success": False, "error": "no_permission"}
        album_ids = [r["id"] for r in writable]
        if not _any_shareable(conn, call.user_id, b["assetIds"]):
            return {"success": False, "error": "no_permission"}
        if sql.add_to_albums(conn, album_ids, call.user_id, b["assetIds"]) == 0:
            return {"success": False, "error": "duplicate"}
    return {"success": True}


@api.route(
    "PUT",
    "/albums/{id}/users",
    permission="albumUser.create",
    params=ID,
    body=obj(albumUsers=array(obj(userId=uuid(), role=enum(ROLES).opt("editor")), min_items=1)),
)
def add_users(call: Call) -> object:
    album_id = call.path["id"]
    wanted = {u["userId"]: u["role"] for u in call.body["albumUsers"]}
    with call.state.db.connection() as conn:
        _need(conn, call, album_id, "album.share", "owner")
        if sql.existing_users(conn, list(wanted)) != set(wanted):
            raise bad_request("Invalid user")
        if "owner" in wanted.values():
            raise bad_request("Cannot add a user as album owner")
        # 3.1 answers 200 and changes nothing for the owner or a member added again
        added = conn.execute(
            'INSERT INTO album_user ("albumId", "userId", role)'
            " SELECT %s, u, r FROM unnest(%s::uuid[], %s::album_user_role_enum[]) AS x(u, r)"
            " ON CONFLICT DO NOTHING RETURNING 1",
            (album_id, list(wanted), list(wanted.values())),
        ).fetchall()
        if added:
            conn.execute(
                'UPDATE album SET "updatedAt" = now(), "updateId" = immich_uuid_v7() WHERE id = %s',
                (album_id,),
            )
        return _answer(conn, call, album_id)


@api.route(
    "PUT",
    "/albums/{id}/user/{userId}",
    permission="albumUser.update",
    params=obj(id=uuid(), userId=string()),
    body=obj(role=enum(ROLES)),
)
def update_user(call: Call) -> object:
    album_id, user_id = call.path["id"], _user(call)
    with call.state.db.connection() as conn:
        _need(conn, call, album_id, "album.share", "owner")
        current = sql.role(conn, album_id, user_id)
        if current is None:
            raise bad_request("Album not shared with user")
        if current == "owner" or call.body["role"] == "owner":
            raise bad_request("Cannot change the role of the album owner")
        conn.execute(
            'UPDATE album_user SET role = %s, "updatedAt" = now(), "updateId" = immich_uuid_v7()'
            ' WHERE "albumId" = %s AND "userId" = %s',
            (call.body["role"], album_id, user_id),
        )
    return Reply(204)


@api.route(
    "DELETE",
    "/albums/{id}/user/{userId}",
    permission="albumUser.delete",
    params=obj(id=uuid(), userId=string()),
)
def remove_user(call: Call) -> object:
    album_id, user_id = call.path["id"], _user(call)
    with call.state.db.connection() as conn:
        if not sql.album_exists(conn, album_id):
            raise bad_request("Album not found")
        current = sql.role(conn, album_id, user_id)
        if current == "owner":
            raise bad_request("Cannot remove album owner")
        if current is None:
            raise bad_request("Album not shared with user")
        if user_id != call.user_id:  # anyone may leave; only the owner removes others
            _need(conn, call, album_id, "album.share", "owner")
        conn.execute(
            'DELETE FROM album_user WHERE "albumId" = %s AND "userId" = %s', (album_id, user_id)
        )
        conn.execute(
            'INSERT INTO album_user_audit ("albumId", "userId") VALUES (%s, %s)',
            (album_id, user_id),
        )
    return Reply(204)


def _user(call: Call) -> str:
    user_id = str(call.path["userId"])
    return call.user_id if user_id == "me" else user_id


def _any_shareable(conn: sql.Conn, user_id: str, asset_ids: list[str]) -> bool:
    row = conn.execute(
        f"SELECT 1 FROM asset a WHERE a.id = ANY(%(ids)s::uuid[]) AND {SHAREABLE} LIMIT 1",
        {"ids": asset_ids, "me": user_id},
    ).fetchone()
    return row is not None
