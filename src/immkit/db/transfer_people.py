"""Persons and faces in a transfer, 3.0–3.1 layout (`person.id`, `asset_face.personId`).

A person whose faces all move changes owner; one with faces elsewhere too is duplicated
for the target and the moved faces re-linked. Faces keep their ids, so `face_search`
(keyed by faceId) keeps every embedding: nothing needs a re-scan.
"""

from __future__ import annotations

from typing import Any

from immkit.db.statements import Statements
from immkit.db.transfer_common import MoveArgs, TransferAborted

_NOW = '"updatedAt" = now(), "updateId" = immich_uuid_v7()'

# a person's feature face must be one of its own, non-deleted faces
_VALID_FEATURE = (
    'EXISTS (SELECT 1 FROM asset_face g WHERE g.id = p."faceAssetId"'
    ' AND g."personId" = p.id AND g."deletedAt" IS NULL)'
)


def _split(a: MoveArgs) -> tuple[list[str], list[str], list[str]]:
    move = [k for k, _, act in a.persons if act == "move"]
    dup_src = [k for k, _, act in a.persons if act == "duplicate"]
    dup_dst = [t for _, t, act in a.persons if act == "duplicate"]
    return move, dup_src, dup_dst


def move_people(db: Statements, a: MoveArgs) -> dict[str, Any]:
    move, dup_src, dup_dst = _split(a)
    touched = move + dup_src + dup_dst
    before = db.rows(
        'SELECT id::text AS id, "faceAssetId"::text AS face, "thumbnailPath" AS thumb'
        " FROM person WHERE id = ANY(%s::uuid[])",
        (move + dup_src,),
    )
    moved = db.rowcount(
        f'UPDATE person SET "ownerId" = %(dst)s, {_NOW}'
        ' WHERE id = ANY(%(ids)s::uuid[]) AND "ownerId" = %(src)s',
        {"ids": move, "src": a.source, "dst": a.target},
    )
    if moved != len(move):
        raise TransferAborted(f"{moved} of {len(move)} planned persons moved; plan again")
    made = db.rowcount(
        'INSERT INTO person (id, "ownerId", name, "birthDate", "isHidden", "isFavorite",'
        ' color, "thumbnailPath")'
        ' SELECT m.t, %(dst)s, p.name, p."birthDate", p."isHidden", p."isFavorite", p.color, \'\''
        " FROM unnest(%(src_ids)s::uuid[], %(dst_ids)s::uuid[]) AS m(s, t)"
        ' JOIN person p ON p.id = m.s AND p."ownerId" = %(src)s',
        {"src_ids": dup_src, "dst_ids": dup_dst, "src": a.source, "dst": a.target},
    )
    if made != len(dup_src):
        raise TransferAborted(f"{made} of {len(dup_src)} planned persons duplicated; plan again")
    relinked = db.rowcount(
        f'UPDATE asset_face f SET "personId" = m.t, {_NOW}'
        " FROM unnest(%(src_ids)s::uuid[], %(dst_ids)s::uuid[]) AS m(s, t)"
        ' WHERE f."personId" = m.s AND f."assetId" = ANY(%(ids)s::uuid[])',
        {"src_ids": dup_src, "dst_ids": dup_dst, "ids": a.asset_ids},
    )
    if relinked != a.faces_relinked:
        raise TransferAborted(f"{relinked} of {a.faces_relinked} planned faces re-linked")
    fix_feature_faces(db, touched)
    return {
        "people_moved": move,
        "people_dup": [[s, t] for s, t in zip(dup_src, dup_dst, strict=True)],
        "features": [[r["id"], r["face"], r["thumb"]] for r in before],
    }


def fix_feature_faces(db: Statements, keys: list[str]) -> None:
    """Give each person without a valid feature face one of its faces (thumbnail to be
    drawn by Immich's thumbnail job), or none when it has no face left."""
    db.run(
        'UPDATE person p SET "faceAssetId" = (SELECT f.id FROM asset_face f'
        ' WHERE f."personId" = p.id AND f."deletedAt" IS NULL'
        ' ORDER BY f."isVisible" DESC, f.id LIMIT 1),'
        f" \"thumbnailPath\" = '', {_NOW}"
        f' WHERE p.id = ANY(%s::uuid[]) AND (p."faceAssetId" IS NULL OR NOT {_VALID_FEATURE})',
        (keys,),
    )


def restore_people(db: Statements, state: dict[str, Any]) -> None:
    src_ids = [s for s, _ in state["people_dup"]]
    dst_ids = [t for _, t in state["people_dup"]]
    db.run(
        'UPDATE asset_face f SET "personId" = m.s'
        " FROM unnest(%(src_ids)s::uuid[], %(dst_ids)s::uuid[]) AS m(s, t)"
        ' WHERE f."personId" = m.t AND f."assetId" = ANY(%(ids)s::uuid[])',
        {"src_ids": src_ids, "dst_ids": dst_ids, "ids": state["asset_ids"]},
    )
    back = db.rowcount(
        f'UPDATE person SET "ownerId" = %(src)s, {_NOW}'
        ' WHERE id = ANY(%(ids)s::uuid[]) AND "ownerId" = %(dst)s',
        {"ids": state["people_moved"], "src": state["source"], "dst": state["target"]},
    )
    if back != len(state["people_moved"]):
        raise TransferAborted("some transferred persons no longer belong to the target")
    features = state["features"]
    db.run(
        'UPDATE person p SET "faceAssetId" = b.face, "thumbnailPath" = b.thumb'
        " FROM unnest(%s::uuid[], %s::uuid[], %s::text[]) AS b(id, face, thumb)"
        " WHERE p.id = b.id",
        ([f[0] for f in features], [f[1] for f in features], [f[2] for f in features]),
    )
    db.run(
        "DELETE FROM person p WHERE p.id = ANY(%s::uuid[])"
        ' AND NOT EXISTS (SELECT 1 FROM asset_face f WHERE f."personId" = p.id)',
        (dst_ids,),
    )


def check(db: Statements, ids: list[str], keys: list[str], owner: str) -> dict[str, int]:
    """The invariants, in one statement: no face whose person's owner differs from its
    asset's owner; every touched person with faces has a valid feature face; every
    planned asset belongs to `owner`."""
    row = db.one(
        "SELECT (SELECT count(*) FROM asset_face f"
        ' JOIN person p ON p.id = f."personId" JOIN asset a ON a.id = f."assetId"'
        ' WHERE p."ownerId" <> a."ownerId"'
        ' AND (f."assetId" = ANY(%(ids)s::uuid[]) OR f."personId" = ANY(%(keys)s::uuid[])))'
        " AS bad_faces,"
        " (SELECT count(*) FROM person p WHERE p.id = ANY(%(keys)s::uuid[]) AND"
        f' ((p."faceAssetId" IS NOT NULL AND NOT {_VALID_FEATURE}) OR (p."faceAssetId" IS NULL'
        ' AND EXISTS (SELECT 1 FROM asset_face h WHERE h."personId" = p.id'
        ' AND h."deletedAt" IS NULL)))) AS bad_features,'
        ' (SELECT count(*) FROM asset WHERE id = ANY(%(ids)s::uuid[]) AND "ownerId" = %(owner)s)'
        " AS owned",
        {"ids": ids, "keys": keys, "owner": owner},
    )
    return {k: int(v) for k, v in row.items()}


def touched_keys(a: MoveArgs) -> list[str]:
    move, dup_src, dup_dst = _split(a)
    return move + dup_src + dup_dst


def touched_keys_of(state: dict[str, Any]) -> list[str]:
    return list(state["people_moved"]) + [k for pair in state["people_dup"] for k in pair]
