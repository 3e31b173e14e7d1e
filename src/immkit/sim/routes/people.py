"""`/people/*, /search/person`."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import Response

from immkit.sim import people_sql as sql
from immkit.sim.access import readable_assets
from immkit.sim.dto import person_dto
from immkit.sim.http import Call, Endpoints, Reply, SimError, bad_request, no_access
from immkit.sim.validate import (
    Path,
    Schema,
    array,
    boolean,
    custom,
    invalid_type,
    number,
    obj,
    regex,
    string,
    uuid,
)

api = Endpoints()

UNSET: Any = object()  # a field the request left out, as opposed to an explicit null
COLOR = r"^#?([0-9A-Fa-f]{3}|[0-9A-Fa-f]{4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$"
ID = obj(id=uuid())


def birth_date() -> Schema:
    """3.1 answers one custom issue for a future date and for a string that is no date."""

    def check(v: Any, path: Path, coerce: bool) -> tuple[Any, list[dict[str, Any]]]:
        if not isinstance(v, str):
            return None, [invalid_type("string", v, path)]
        try:
            ok = len(v) == 10 and date.fromisoformat(v) <= date.today()
        except ValueError:
            ok = False
        if not ok:
            return None, [custom("Birth date cannot be in the future", path)]
        return v, []

    return Schema(check)


def _person_fields(**extra: Schema) -> Schema:
    return obj(
        **extra,
        name=string().opt(UNSET),
        birthDate=birth_date().opt(UNSET).null(),
        isHidden=boolean().opt(UNSET),
        isFavorite=boolean().opt(UNSET),
        color=regex(COLOR).opt(UNSET).null(),
        featureFaceAssetId=uuid().opt(UNSET),
    )


PERSON_UPDATE = _person_fields()
CREATE = obj(
    name=string().opt(""),
    birthDate=birth_date().opt().null(),
    isHidden=boolean().opt(False),
    isFavorite=boolean().opt(False),
    color=regex(COLOR).opt().null(),
)


@api.route(
    "GET",
    "/people",
    permission="person.read",
    query=obj(
        page=number(minimum=1, integer=True).opt(1),
        size=number(minimum=1, maximum=1000, integer=True).opt(500),
        withHidden=boolean().opt(False),
        closestPersonId=uuid().opt(),
        closestAssetId=uuid().opt(),
    ),
)
def list_people(call: Call) -> object:
    size, page = call.query["size"], call.query["page"]
    with call.state.db.connection() as conn:
        rows = sql.list_people(
            conn,
            call.user_id,
            with_hidden=call.query["withHidden"],
            offset=(page - 1) * size,
            limit=size + 1,
        )
        total, hidden = sql.count_people(conn, call.user_id)
    return {
        "people": [person_dto(r) for r in rows[:size]],
        "hasNextPage": len(rows) > size,
        "total": total,
        "hidden": hidden,
    }


@api.route("POST", "/people", permission="person.create", body=CREATE)
def create_person(call: Call) -> object:
    b = call.body or {}
    with call.state.db.connection() as conn:
        row = conn.execute(
            'INSERT INTO person ("ownerId", name, "birthDate", "isHidden", "isFavorite", color)'
            " VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
            (
                call.user_id,
                b.get("name", ""),
                b.get("birthDate"),
                b.get("isHidden", False),
                b.get("isFavorite", False),
                b.get("color"),
            ),
        ).fetchone()
    assert row is not None
    return Reply(201, person_dto(row))


@api.route(
    "PUT",
    "/people",
    permission="person.update",
    body=obj(people=array(_person_fields(id=uuid()))),
)
def update_people(call: Call) -> object:
    results: list[dict[str, Any]] = []
    for item in call.body["people"]:
        try:
            with call.state.db.connection() as conn:
                _update(conn, call.user_id, item["id"], item)
        except SimError:
            results.append({"id": item["id"], "success": False, "error": "unknown"})
        else:
            results.append({"id": item["id"], "success": True})
    return results


@api.route("DELETE", "/people", permission="person.delete", body=obj(ids=array(uuid())))
def delete_people(call: Call) -> object:
    ids = list(dict.fromkeys(call.body["ids"]))
    with call.state.db.connection() as conn:
        if sql.owned_ids(conn, call.user_id, ids) != set(ids):
            raise no_access("person.delete")
        _delete(conn, ids)
    return Reply(204)


@api.route("GET", "/people/{id}", permission="person.read", params=ID)
def get_person(call: Call) -> object:
    with call.state.db.connection() as conn:
        row = sql.own_person(conn, call.user_id, call.path["id"], "person.read")
    return person_dto(row)


@api.route("PUT", "/people/{id}", permission="person.update", params=ID, body=PERSON_UPDATE)
def update_person(call: Call) -> object:
    with call.state.db.connection() as conn:
        return person_dto(_update(conn, call.user_id, call.path["id"], call.body or {}))


@api.route("DELETE", "/people/{id}", permission="person.delete", params=ID)
def delete_person(call: Call) -> object:
    with call.state.db.connection() as conn:
        sql.own_person(conn, call.user_id, call.path["id"], "person.delete")
        _delete(conn, [call.path["id"]])
    return Reply(204)


@api.route(
    "POST",
    "/people/{id}/merge",
    permission="person.merge",
    params=ID,
    body=obj(ids=array(uuid())),
)
def merge_people(call: Call) -> object:
    target_id, ids = call.path["id"], call.body["ids"]
    if target_id in ids:
        raise bad_request("Cannot merge a person into themselves")
    with call.state.db.connection() as conn:
        target = sql.own_person(conn, call.user_id, target_id, "person.update")
        mergeable = sql.owned_ids(conn, call.user_id, ids)
        merged = [i for i in dict.fromkeys(ids) if i in mergeable]
        if merged:
            _absorb(conn, target, merged)
    results: list[dict[str, Any]] = []
    done: set[str] = set()
    for pid in ids:
        if pid in mergeable and pid not in done:
            done.add(pid)
            results.append({"id": pid, "success": True})
        else:
            results.append({"id": pid, "success": False, "error": "no_permission"})
    return results


@api.route(
    "PUT",
    "/people/{id}/reassign",
    permission="person.reassign",
    params=ID,
    body=obj(data=array(obj(assetId=uuid(), personId=uuid()))),
)
def reassign_faces(call: Call) -> object:
    target_id, data = call.path["id"], call.body["data"]
    with call.state.db.connection() as conn:
        target = sql.own_person(conn, call.user_id, target_id, "person.update")
        faces = conn.execute(
            'SELECT f.id::text AS id, f."personId"::text AS person, a."ownerId"::text AS owner'
            ' FROM asset_face f JOIN asset a ON a.id = f."assetId"'
            " JOIN unnest(%s::uuid[], %s::uuid[]) AS d(asset, person)"
            ' ON f."assetId" = d.asset AND f."personId" = d.person WHERE f."deletedAt" IS NULL',
            ([d["assetId"] for d in data], [d["personId"] for d in data]),
        ).fetchall()
        if any(f["owner"] != call.user_id for f in faces):
            raise no_access("person.create")
        if faces:
            conn.execute(
                'UPDATE asset_face SET "personId" = %s, "updatedAt" = now(),'
                ' "updateId" = immich_uuid_v7() WHERE id = ANY(%s::uuid[])',
                (target_id, [f["id"] for f in faces]),
            )
            sql.refresh_feature_faces(conn, [target_id, *{f["person"] for f in faces}])
    # 3.1 pushes the target once per data item, as it was before the faces moved
    return [person_dto(target) for _ in data]


@api.route("GET", "/people/{id}/statistics", permission="person.statistics", params=ID)
def person_statistics(call: Call) -> object:
    with call.state.db.connection() as conn:
        sql.own_person(conn, call.user_id, call.path["id"], "person.read")
        return {"assets": sql.asset_count(conn, call.path["id"])}


@api.route("GET", "/people/{id}/thumbnail", permission="person.read", params=ID)
def person_thumbnail(call: Call) -> object:
    with call.state.db.connection() as conn:
        row = sql.own_person(conn, call.user_id, call.path["id"], "person.read")
    if not row["thumbnailPath"]:
        raise SimError(404, "Not Found")
    return Response(
        sql.THUMBNAIL_JPEG,
        media_type="image/jpeg",
        headers={"cache-control": "private, no-cache, no-transform"},
    )


@api.route(
    "GET",
    "/search/person",
    permission="person.read",
    query=obj(name=string(), withHidden=boolean().opt(False)),
)
def search_person(call: Call) -> object:
    with call.state.db.connection() as conn:
        rows = sql.search_by_name(
            conn, call.user_id, call.query["name"], with_hidden=call.query["withHidden"]
        )
    return [person_dto(r) for r in rows]


def _update(conn: sql.Conn, user_id: str, person_id: str, fields: dict[str, Any]) -> Any:
    """PUT /people/{id} for one person: access, feature face, then the columns."""
    sql.own_person(conn, user_id, person_id, "person.update")
    changes = {
        k: v
        for k, v in fields.items()
        if k in ("name", "birthDate", "isHidden", "isFavorite", "color") and v is not UNSET
    }
    asset_id = fields.get("featureFaceAssetId", UNSET)
    if asset_id is not UNSET:
        if asset_id not in readable_assets(conn, user_id, [asset_id]):
            raise no_access("asset.read")
        face_id = sql.feature_face_on(conn, person_id, asset_id)
        if face_id is None:
            raise bad_request("Invalid assetId for feature face or asset is offline")
        changes["faceAssetId"] = face_id
        changes["thumbnailPath"] = sql.thumbnail_path(user_id, person_id)
    return sql.update_person(conn, person_id, changes)


def _delete(conn: sql.Conn, person_ids: list[str]) -> None:
    # asset_face.personId is ON DELETE SET NULL: the faces stay, unassigned
    conn.execute(
        'INSERT INTO person_audit ("personId", "ownerId")'
        ' SELECT id, "ownerId" FROM person WHERE id = ANY(%s::uuid[])',
        (person_ids,),
    )
    conn.execute("DELETE FROM person WHERE id = ANY(%s::uuid[])", (person_ids,))


def _absorb(conn: sql.Conn, target: Any, merged: list[str]) -> None:
    """Move the faces of `merged` to `target`; it inherits a name and birth date it lacks."""
    donors = conn.execute(
        'SELECT name, "birthDate" FROM person WHERE id = ANY(%s::uuid[])'
        " ORDER BY array_position(%s::uuid[], id)",
        (merged, merged),
    ).fetchall()
    changes: dict[str, Any] = {}
    names = [d["name"] for d in donors if d["name"]]
    if not target["name"] and names:
        changes["name"] = names[0]
    if target["birthDate"] is None:
        births = [d["birthDate"] for d in donors if d["birthDate"] is not None]
        if births:
            changes["birthDate"] = births[0]
    if changes:
        sql.update_person(conn, str(target["id"]), changes)
    conn.execute(
        'UPDATE asset_face SET "personId" = %s, "updatedAt" = now(), "updateId" = immich_uuid_v7()'
        ' WHERE "personId" = ANY(%s::uuid[])',
        (target["id"], merged),
    )
    _delete(conn, merged)
    sql.refresh_feature_faces(conn, [str(target["id"])])
