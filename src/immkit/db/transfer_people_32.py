"""Persons and faces in a transfer, 3.2+ layout (person groups, cluster groups).

IMMICH_3.2_3.3_FACTS.md §C3 (steps inferred there from the schema, so done defensively):
- a person row is (ownerId, personGroupId); a face points at the group; a user sees a
  name on a face only through their own row for that group;
- same cluster group: the faces keep their group and the target gets a row for it (the
  source's fields copied, as the 3.3 sharing trigger does);
- different cluster groups: a new group in the target's cluster group, a row for the
  target, and the moved faces re-pointed (a group never spans two cluster groups);
- a person whose faces all moved loses the source's row (its group is kept: the server's
  own cleanup removes empty groups, and undo can put the row back) — unless the row has
  3.3 sharing rows (the plan keeps it then); re-checked here before any row is deleted,
  since a delete would take the shares with it.
`face_search` is keyed by face id and is never touched.
"""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from immkit.db import transfer_read as read
from immkit.db.statements import Statements
from immkit.db.transfer_common import MoveArgs, TransferAborted

_NOW = '"updatedAt" = now(), "updateId" = immich_uuid_v7()'

# a row's feature face: a non-deleted face of its group on an asset of its owner
_VALID_FEATURE = (
    'EXISTS (SELECT 1 FROM asset_face g JOIN asset ga ON ga.id = g."assetId"'
    ' WHERE g.id = p."faceAssetId" AND g."personGroupId" = p."personGroupId"'
    ' AND ga."ownerId" = p."ownerId" AND g."deletedAt" IS NULL)'
)
_HAS_FACES = (
    'EXISTS (SELECT 1 FROM asset_face h JOIN asset ha ON ha.id = h."assetId"'
    ' WHERE h."personGroupId" = p."personGroupId" AND ha."ownerId" = p."ownerId"'
    ' AND h."deletedAt" IS NULL)'
)


def move_people(db: Statements, a: MoveArgs) -> dict[str, Any]:
    keys = [k for k, _, _ in a.persons]
    tkeys = [t for _, t, _ in a.persons]
    move = [k for k, _, act in a.persons if act == "move"]
    before = db.rows(
        'SELECT "personGroupId"::text AS key, "faceAssetId"::text AS face,'
        ' "thumbnailPath" AS thumb FROM person'
        ' WHERE "ownerId" = %s AND "personGroupId" = ANY(%s::uuid[])',
        (a.source, keys),
    )
    groups = db.rows(
        'SELECT id::text AS id, "clusterGroupId"::text AS cluster FROM person_group'
        " WHERE id = ANY(%s::uuid[])",
        (move,),
    )
    new_groups = [
        str(r["id"])
        for r in db.rows(
            'INSERT INTO person_group (id, "clusterGroupId")'
            " SELECT m.t, %(cluster)s FROM unnest(%(s)s::uuid[], %(t)s::uuid[]) AS m(s, t)"
            " WHERE m.t <> m.s ON CONFLICT DO NOTHING RETURNING id",
            {"cluster": a.target_cluster, "s": keys, "t": tkeys},
        )
    ]
    new_rows = [
        str(r["key"])
        for r in db.rows(
            'INSERT INTO person ("ownerId", "personGroupId", name, "birthDate", "isHidden",'
            ' "isFavorite", color, "thumbnailPath")'
            ' SELECT %(dst)s, m.t, p.name, p."birthDate", p."isHidden", p."isFavorite",'
            " p.color, '' FROM unnest(%(s)s::uuid[], %(t)s::uuid[]) AS m(s, t)"
            ' JOIN person p ON p."ownerId" = %(src)s AND p."personGroupId" = m.s'
            ' ON CONFLICT ("ownerId", "personGroupId") DO NOTHING'
            ' RETURNING "personGroupId"::text AS key',
            {"dst": a.target, "src": a.source, "s": keys, "t": tkeys},
        )
    ]
    relinked = db.rowcount(
        f'UPDATE asset_face f SET "personGroupId" = m.t, {_NOW}'
        " FROM unnest(%(s)s::uuid[], %(t)s::uuid[]) AS m(s, t)"
        ' WHERE m.t <> m.s AND f."personGroupId" = m.s AND f."assetId" = ANY(%(ids)s::uuid[])',
        {"s": keys, "t": tkeys, "ids": a.asset_ids},
    )
    if relinked != a.faces_relinked:
        raise TransferAborted(f"{relinked} of {a.faces_relinked} planned faces re-linked")
    if shared := _shares(db, a.source, move):
        raise TransferAborted(
            f"{shared} person share(s) were made since the plan on persons it moves; plan again"
        )
    removed = db.rows(
        'DELETE FROM person WHERE "ownerId" = %s AND "personGroupId" = ANY(%s::uuid[])'
        " RETURNING to_jsonb(person.*) AS row",
        (a.source, move),
    )
    if len(removed) != len(move):
        raise TransferAborted(f"{len(removed)} of {len(move)} planned persons moved")
    _fix_features(db, _pairs(a))
    return {
        "groups": [[k, t] for k, t in zip(keys, tkeys, strict=True)],
        "moved": move,
        "removed_rows": [r["row"] for r in removed],
        "removed_groups": [[r["id"], r["cluster"]] for r in groups],
        "new_groups": new_groups,
        "new_rows": new_rows,
        "features": [[r["key"], r["face"], r["thumb"]] for r in before],
    }


def _shares(db: Statements, owner: str, keys: list[str]) -> int:
    """3.3 sharing rows that deleting these person rows of `owner` would take along."""
    if not keys or not db.one(read.HAS_SHARING)["present"]:
        return 0
    return sum(int(r["n"]) for r in db.rows(read.SHARES, {"keys": keys, "owner": owner}))


def _pairs(a: MoveArgs) -> list[tuple[str, str]]:
    kept = [(a.source, k) for k, _, act in a.persons if act == "duplicate"]
    return kept + [(a.target, t) for _, t, _ in a.persons]


def _fix_features(db: Statements, pairs: list[tuple[str, str]]) -> None:
    db.run(
        'UPDATE person p SET "faceAssetId" = (SELECT f.id FROM asset_face f'
        ' JOIN asset fa ON fa.id = f."assetId" AND fa."ownerId" = p."ownerId"'
        ' WHERE f."personGroupId" = p."personGroupId" AND f."deletedAt" IS NULL'
        ' ORDER BY f."isVisible" DESC, f.id LIMIT 1),'
        f" \"thumbnailPath\" = '', {_NOW}"
        ' WHERE (p."ownerId", p."personGroupId") IN'
        " (SELECT * FROM unnest(%s::uuid[], %s::uuid[]))"
        f' AND (p."faceAssetId" IS NULL OR NOT {_VALID_FEATURE})',
        ([o for o, _ in pairs], [k for _, k in pairs]),
    )


def restore_people(db: Statements, state: dict[str, Any]) -> None:
    keys = [k for k, _ in state["groups"]]
    tkeys = [t for _, t in state["groups"]]
    db.run(
        'UPDATE asset_face f SET "personGroupId" = m.s'
        " FROM unnest(%(s)s::uuid[], %(t)s::uuid[]) AS m(s, t)"
        ' WHERE m.t <> m.s AND f."personGroupId" = m.t AND f."assetId" = ANY(%(ids)s::uuid[])',
        {"s": keys, "t": tkeys, "ids": state["asset_ids"]},
    )
    groups = state["removed_groups"]
    db.run(
        'INSERT INTO person_group (id, "clusterGroupId")'
        " SELECT * FROM unnest(%s::uuid[], %s::uuid[]) ON CONFLICT DO NOTHING",
        ([g[0] for g in groups], [g[1] for g in groups]),
    )
    db.run(
        "INSERT INTO person SELECT * FROM jsonb_populate_recordset(NULL::person, %s)"
        ' ON CONFLICT ("ownerId", "personGroupId") DO NOTHING',
        (Jsonb(state["removed_rows"]),),
    )
    if shared := _shares(db, state["target"], state["new_rows"]):
        raise TransferAborted(
            f"{shared} person share(s) were made on the target's new persons since the "
            "transfer; undoing would delete them (remove them in Immich first)"
        )
    db.run(
        'DELETE FROM person WHERE "ownerId" = %s AND "personGroupId" = ANY(%s::uuid[])',
        (state["target"], state["new_rows"]),
    )
    db.run(
        "DELETE FROM person_group g WHERE g.id = ANY(%s::uuid[])"
        ' AND NOT EXISTS (SELECT 1 FROM person p WHERE p."personGroupId" = g.id)',
        (state["new_groups"],),
    )
    features = state["features"]
    db.run(
        'UPDATE person p SET "faceAssetId" = b.face, "thumbnailPath" = b.thumb'
        " FROM unnest(%s::uuid[], %s::uuid[], %s::text[]) AS b(key, face, thumb)"
        ' WHERE p."ownerId" = %s AND p."personGroupId" = b.key',
        (
            [f[0] for f in features],
            [f[1] for f in features],
            [f[2] for f in features],
            state["source"],
        ),
    )


def check(db: Statements, ids: list[str], keys: list[str], owner: str) -> dict[str, int]:
    """The invariants in one statement: every face of a touched group on these assets has
    a person row of the asset's owner and a group in that owner's cluster group; every
    touched row with faces has a valid feature face; every asset belongs to `owner`."""
    row = db.one(
        'SELECT (SELECT count(*) FROM asset_face f JOIN asset a ON a.id = f."assetId"'
        ' WHERE f."assetId" = ANY(%(ids)s::uuid[]) AND f."personGroupId" = ANY(%(keys)s::uuid[])'
        ' AND NOT EXISTS (SELECT 1 FROM person p WHERE p."ownerId" = a."ownerId"'
        ' AND p."personGroupId" = f."personGroupId")) AS bad_faces,'
        ' (SELECT count(*) FROM asset_face f JOIN asset a ON a.id = f."assetId"'
        ' JOIN "user" u ON u.id = a."ownerId" JOIN person_group g ON g.id = f."personGroupId"'
        ' WHERE f."assetId" = ANY(%(ids)s::uuid[]) AND f."personGroupId" = ANY(%(keys)s::uuid[])'
        ' AND g."clusterGroupId" <> u."clusterGroupId") AS cross_cluster,'
        ' (SELECT count(*) FROM person p WHERE p."personGroupId" = ANY(%(keys)s::uuid[]) AND'
        f' ((p."faceAssetId" IS NOT NULL AND NOT {_VALID_FEATURE})'
        f' OR (p."faceAssetId" IS NULL AND {_HAS_FACES}))) AS bad_features,'
        ' (SELECT count(*) FROM asset WHERE id = ANY(%(ids)s::uuid[]) AND "ownerId" = %(owner)s)'
        " AS owned",
        {"ids": ids, "keys": keys, "owner": owner},
    )
    return {k: int(v) for k, v in row.items()}


def touched_keys(a: MoveArgs) -> list[str]:
    return sorted({k for k, _, _ in a.persons} | {t for _, t, _ in a.persons})


def touched_keys_of(state: dict[str, Any]) -> list[str]:
    return sorted({k for pair in state["groups"] for k in pair})
