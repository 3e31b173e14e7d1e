"""`/faces/*`: the faces of an asset, drawing, reassigning and deleting one."""

from __future__ import annotations

from typing import Any

from psycopg.rows import DictRow

from immkit.sim import people_sql as sql
from immkit.sim.access import owned_assets, readable_assets
from immkit.sim.dto import person_dto
from immkit.sim.http import Call, Endpoints, Reply, no_access
from immkit.sim.validate import boolean, number, obj, uuid

api = Endpoints()

_INT = number(minimum=-9007199254740991, maximum=9007199254740991, integer=True)


def face_dto(row: DictRow, user_id: str) -> dict[str, Any]:
    """AssetFaceResponseDto; `person` is null when it belongs to someone else (3.1 mapper)."""
    person = None
    if row["p_id"] is not None and str(row["p_ownerId"]) == user_id:
        person = person_dto({k[2:]: v for k, v in row.items() if k.startswith("p_")})
    return {
        "id": str(row["id"]),
        "boundingBoxX1": row["boundingBoxX1"],
        "boundingBoxY1": row["boundingBoxY1"],
        "boundingBoxX2": row["boundingBoxX2"],
        "boundingBoxY2": row["boundingBoxY2"],
        "imageWidth": row["imageWidth"],
        "imageHeight": row["imageHeight"],
        "sourceType": row["sourceType"],
        "person": person,
    }


@api.route("GET", "/faces", permission="face.read", query=obj(id=uuid()))
def list_faces(call: Call) -> object:
    asset_id = call.query["id"]
    with call.state.db.connection() as conn:
        if asset_id not in readable_assets(conn, call.user_id, [asset_id]):
            raise no_access("asset.read")
        rows = conn.execute(
            'SELECT f.*, p.id AS p_id, p."ownerId" AS "p_ownerId", p.name AS p_name,'
            ' p."birthDate" AS "p_birthDate", p."thumbnailPath" AS "p_thumbnailPath",'
            ' p."isHidden" AS "p_isHidden", p."isFavorite" AS "p_isFavorite",'
            ' p.color AS p_color, p."updatedAt" AS "p_updatedAt"'
            ' FROM asset_face f LEFT JOIN person p ON p.id = f."personId"'
            ' WHERE f."assetId" = %s AND f."deletedAt" IS NULL AND f."isVisible"'
            ' ORDER BY f."boundingBoxX1", f.id',
            (asset_id,),
        ).fetchall()
    return [face_dto(r, call.user_id) for r in rows]


@api.route(
    "POST",
    "/faces",
    permission="face.create",
    body=obj(
        assetId=uuid(),
        personId=uuid(),
        imageWidth=_INT,
        imageHeight=_INT,
        x=_INT,
        y=_INT,
        width=_INT,
        height=_INT,
    ),
)
def create_face(call: Call) -> object:
    b = call.body
    with call.state.db.connection() as conn:
        # 3.0+: drawing a face needs update access to the asset (its owner), then the person
        if b["assetId"] not in owned_assets(conn, call.user_id, [b["assetId"]]):
            raise no_access("asset.update")
        sql.own_person(conn, call.user_id, b["personId"], "person.read")
        conn.execute(
            'INSERT INTO asset_face ("assetId", "personId", "imageWidth", "imageHeight",'
            ' "boundingBoxX1", "boundingBoxY1", "boundingBoxX2", "boundingBoxY2", "sourceType")'
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'manual')",
            (
                b["assetId"],
                b["personId"],
                b["imageWidth"],
                b["imageHeight"],
                b["x"],
                b["y"],
                b["x"] + b["width"],
                b["y"] + b["height"],
            ),
        )
        # the real server's thumbnail job picks a feature face shortly after the first face
        sql.refresh_feature_faces(conn, [b["personId"]])
    return Reply(201)


@api.route(
    "PUT",
    "/faces/{id}",
    permission="face.update",
    params=obj(id=uuid()),
    body=obj(id=uuid()),
)
def reassign_face(call: Call) -> object:
    person_id, face_id = call.path["id"], call.body["id"]
    with call.state.db.connection() as conn:
        sql.own_person(conn, call.user_id, person_id, "person.update")
        face = _own_face(conn, call.user_id, face_id, "person.create")
        conn.execute(
            'UPDATE asset_face SET "personId" = %s, "updatedAt" = now(),'
            ' "updateId" = immich_uuid_v7() WHERE id = %s',
            (person_id, face_id),
        )
        old = [str(face["personId"])] if face["personId"] is not None else []
        sql.refresh_feature_faces(conn, [person_id, *old])
        row = sql.person(conn, person_id)
    assert row is not None
    return person_dto(row)


@api.route(
    "DELETE",
    "/faces/{id}",
    permission="face.delete",
    params=obj(id=uuid()),
    body=obj(force=boolean()),
)
def delete_face(call: Call) -> object:
    face_id = call.path["id"]
    with call.state.db.connection() as conn:
        _own_face(conn, call.user_id, face_id, "face.delete")
        if call.body["force"]:
            conn.execute(
                'INSERT INTO asset_face_audit ("assetFaceId", "assetId")'
                ' SELECT id, "assetId" FROM asset_face WHERE id = %s',
                (face_id,),
            )
            conn.execute("DELETE FROM asset_face WHERE id = %s", (face_id,))
        else:
            # the person keeps its name, and its feature face, when its last face goes
            conn.execute(
                'UPDATE asset_face SET "deletedAt" = now(), "updatedAt" = now(),'
                ' "updateId" = immich_uuid_v7() WHERE id = %s',
                (face_id,),
            )
    return Reply(204)


def _own_face(conn: sql.Conn, user_id: str, face_id: str, permission: str) -> DictRow:
    """A face on one of the caller's assets (Immich's face access: the asset owner)."""
    row = conn.execute(
        'SELECT f.* FROM asset_face f JOIN asset a ON a.id = f."assetId"'
        ' WHERE f.id = %s AND a."ownerId" = %s',
        (face_id, user_id),
    ).fetchone()
    if row is None:
        raise no_access(permission)
    return row
