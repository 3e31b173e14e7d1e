"""SQL for `transfer repair-faces` (3.0–3.1 layout): faces whose person belongs to another
user than their asset, and persons whose feature face is gone. One transaction, a fixed
number of statements; undo restores the previous state the same way."""

from __future__ import annotations

from typing import Any

from immkit.db.statements import Conn, Statements
from immkit.db.transfer_common import TransferAborted
from immkit.db.transfer_people import check, fix_feature_faces

_BROKEN_FEATURE = (
    '(p."faceAssetId" IS NULL AND EXISTS (SELECT 1 FROM asset_face h'
    ' WHERE h."personId" = p.id AND h."deletedAt" IS NULL))'
    ' OR (p."faceAssetId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_face g'
    ' WHERE g.id = p."faceAssetId" AND g."personId" = p.id AND g."deletedAt" IS NULL))'
)


def foreign_faces(conn: Conn) -> list[dict[str, Any]]:
    """(person, its owner, the asset owner, face count) for faces on other users' assets."""
    rows = conn.execute(
        'SELECT p.id::text AS key, p.name, p."ownerId"::text AS owner,'
        ' a."ownerId"::text AS asset_owner, u.email AS asset_owner_email, count(*) AS faces'
        ' FROM asset_face f JOIN person p ON p.id = f."personId"'
        ' JOIN asset a ON a.id = f."assetId" JOIN "user" u ON u.id = a."ownerId"'
        ' WHERE p."ownerId" <> a."ownerId"'
        ' GROUP BY p.id, p.name, p."ownerId", a."ownerId", u.email ORDER BY p.name, p.id, u.email'
    ).fetchall()
    return [dict(r) for r in rows]


def broken_features(conn: Conn) -> list[dict[str, Any]]:
    """Persons with faces whose feature face is missing or not theirs."""
    rows = conn.execute(
        f"SELECT p.id::text AS key, p.name FROM person p WHERE {_BROKEN_FEATURE}"
        " ORDER BY p.name, p.id"
    ).fetchall()
    return [dict(r) for r in rows]


def run_repair(
    conn: Conn, copies: list[tuple[str, str, str]], features: list[str], faces: int
) -> tuple[dict[str, Any], int]:
    """`copies` are (person, asset owner, new person id). Returns (undo state, statements).

    Raises:
        TransferAborted: a count differs from the plan or an invariant fails.
    """
    src = [c[0] for c in copies]
    owners = [c[1] for c in copies]
    new = [c[2] for c in copies]
    keys = sorted(set(src + new + features))
    with conn.transaction():
        db = Statements(conn)
        before = db.rows(
            'SELECT id::text AS id, "faceAssetId"::text AS face, "thumbnailPath" AS thumb'
            " FROM person WHERE id = ANY(%s::uuid[])",
            (keys,),
        )
        made = db.rowcount(
            'INSERT INTO person (id, "ownerId", name, "birthDate", "isHidden", "isFavorite",'
            ' color, "thumbnailPath")'
            ' SELECT m.n, m.o, p.name, p."birthDate", p."isHidden", p."isFavorite", p.color, \'\''
            " FROM unnest(%s::uuid[], %s::uuid[], %s::uuid[]) AS m(s, o, n)"
            " JOIN person p ON p.id = m.s",
            (src, owners, new),
        )
        if made != len(copies):
            raise TransferAborted(f"{made} of {len(copies)} planned persons created")
        moved = db.rowcount(
            'UPDATE asset_face f SET "personId" = m.n, "updatedAt" = now(),'
            ' "updateId" = immich_uuid_v7()'
            " FROM unnest(%s::uuid[], %s::uuid[], %s::uuid[]) AS m(s, o, n), asset a"
            ' WHERE f."personId" = m.s AND a.id = f."assetId" AND a."ownerId" = m.o',
            (src, owners, new),
        )
        if moved != faces:
            raise TransferAborted(f"{moved} of {faces} planned faces re-linked")
        fix_feature_faces(db, keys)
        found = check(db, [], keys, "00000000-0000-0000-0000-000000000000")
        if found["bad_faces"] or found["bad_features"]:
            raise TransferAborted(f"the repair would leave broken faces ({found})")
        state = {
            "copies": [list(c) for c in copies],
            "features": [[r["id"], r["face"], r["thumb"]] for r in before],
        }
        return state, db.count


def run_unrepair(conn: Conn, state: dict[str, Any]) -> int:
    copies = state["copies"]
    features = state["features"]
    with conn.transaction():
        db = Statements(conn)
        db.run(
            'UPDATE asset_face f SET "personId" = m.s'
            ' FROM unnest(%s::uuid[], %s::uuid[]) AS m(s, n) WHERE f."personId" = m.n',
            ([c[0] for c in copies], [c[2] for c in copies]),
        )
        db.run(
            'UPDATE person p SET "faceAssetId" = b.face, "thumbnailPath" = b.thumb'
            " FROM unnest(%s::uuid[], %s::uuid[], %s::text[]) AS b(id, face, thumb)"
            " WHERE p.id = b.id",
            ([f[0] for f in features], [f[1] for f in features], [f[2] for f in features]),
        )
        db.run("DELETE FROM person WHERE id = ANY(%s::uuid[])", ([c[2] for c in copies],))
        return db.count
