"""`/tags/*`: the caller's tags, create and upsert, tagging and untagging assets (3.1).

Tags belong to one user; every id check is ownership, answered as Immich's access guard
does ("Not found or no tag.… access"). See `tag_sql` for what `POST /tags` leaves out.
"""

from __future__ import annotations

from typing import Any

from immkit.sim import tag_sql as sql
from immkit.sim.access import owned_assets, shareable_assets
from immkit.sim.http import Call, Endpoints, Reply, bad_request, no_access
from immkit.sim.routes.people import COLOR
from immkit.sim.validate import array, obj, regex, string, uuid

api = Endpoints()

_ID = obj(id=uuid())
_IDS = obj(ids=array(uuid()))
_CREATE = obj(name=string(), parentId=uuid().opt().null(), color=regex(COLOR).opt().null())


def _need(conn: sql.Conn, call: Call, tag_id: str, permission: str) -> None:
    if not sql.owned_tags(conn, call.user_id, [tag_id]):
        raise no_access(permission)


@api.route("GET", "/tags", permission="tag.read")
def list_tags(call: Call) -> object:
    with call.state.db.connection() as conn:
        return [sql.tag_dto(r) for r in sql.user_tags(conn, call.user_id)]


@api.route("POST", "/tags", permission="tag.create", body=_CREATE)
def create(call: Call) -> object:
    b = call.body
    with call.state.db.connection() as conn:
        parent = None
        if b["parentId"]:
            _need(conn, call, b["parentId"], "tag.read")
            parent = sql.get_tag(conn, b["parentId"])
        value = f"{parent['value']}/{b['name']}" if parent else b["name"]
        if sql.by_value(conn, call.user_id, value) is not None:
            raise bad_request("A tag with that name already exists")
        parent_id = str(parent["id"]) if parent else None
        row = sql.insert_bare(conn, call.user_id, value, b["color"], parent_id)
    return Reply(201, sql.tag_dto(row))


@api.route("PUT", "/tags", permission="tag.create", body=obj(tags=array(string())))
def upsert(call: Call) -> object:
    with call.state.db.connection() as conn:
        rows = [sql.upsert_path(conn, call.user_id, t) for t in dict.fromkeys(call.body["tags"])]
    return [sql.tag_dto(r) for r in rows if r is not None]


@api.route(
    "PUT",
    "/tags/assets",
    permission="tag.asset",
    body=obj(tagIds=array(uuid()), assetIds=array(uuid())),
)
def bulk_tag_assets(call: Call) -> object:
    """Foreign or unknown ids are skipped silently; `count` is the number of new links."""
    with call.state.db.connection() as conn:
        tags = sql.owned_tags(conn, call.user_id, call.body["tagIds"])
        assets = owned_assets(conn, call.user_id, call.body["assetIds"])
        added = sql.link_assets(conn, [(t, a) for t in sorted(tags) for a in sorted(assets)])
    return {"count": len(added)}


@api.route("GET", "/tags/{id}", permission="tag.read", params=_ID)
def get(call: Call) -> object:
    with call.state.db.connection() as conn:
        _need(conn, call, call.path["id"], "tag.read")
        row = sql.get_tag(conn, call.path["id"])
    if row is None:
        raise bad_request("Tag not found")
    return sql.tag_dto(row)


@api.route("DELETE", "/tags/{id}", permission="tag.delete", params=_ID)
def delete(call: Call) -> object:
    with call.state.db.connection() as conn:
        _need(conn, call, call.path["id"], "tag.delete")
        # children, closure rows and asset links go with it (FK cascades)
        conn.execute("DELETE FROM tag WHERE id = %s", (call.path["id"],))
    return Reply(204)


@api.route("PUT", "/tags/{id}/assets", permission="tag.asset", params=_ID, body=_IDS)
def tag_assets(call: Call) -> object:
    """Per-id results as for albums: a partner's asset may be tagged (`asset.share`)."""
    tag_id, ids = call.path["id"], call.body["ids"]
    with call.state.db.connection() as conn:
        _need(conn, call, tag_id, "tag.asset")
        seen = sql.asset_ids_with(conn, tag_id, ids)
        allowed = shareable_assets(conn, call.user_id, [i for i in ids if i not in seen])
        results: list[dict[str, Any]] = []
        new: list[str] = []
        for asset_id in ids:
            if asset_id in seen:
                results.append({"id": asset_id, "success": False, "error": "duplicate"})
            elif asset_id not in allowed:
                results.append({"id": asset_id, "success": False, "error": "no_permission"})
            else:
                seen.add(asset_id)
                new.append(asset_id)
                results.append({"id": asset_id, "success": True})
        sql.link_assets(conn, [(tag_id, a) for a in new])
    return results


@api.route("DELETE", "/tags/{id}/assets", permission="tag.asset", params=_ID, body=_IDS)
def untag_assets(call: Call) -> object:
    """The tag's owner may always remove it (3.1 `canAlwaysRemove: tag.delete`)."""
    tag_id, ids = call.path["id"], call.body["ids"]
    with call.state.db.connection() as conn:
        _need(conn, call, tag_id, "tag.asset")
        present = sql.asset_ids_with(conn, tag_id, ids)
        results: list[dict[str, Any]] = []
        removed: list[str] = []
        for asset_id in ids:
            if asset_id not in present:
                results.append({"id": asset_id, "success": False, "error": "not_found"})
            else:
                present.discard(asset_id)
                removed.append(asset_id)
                results.append({"id": asset_id, "success": True})
        if removed:
            conn.execute(
                'DELETE FROM tag_asset WHERE "tagId" = %s AND "assetId" = ANY(%s::uuid[])',
                (tag_id, removed),
            )
            sql.refresh_exif_tags(conn, removed)
    return results
