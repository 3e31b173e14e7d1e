"""The parts of a transfer that are the same in every layout: assets, stacks, tags,
albums, quota, and their inverses. Each function is a fixed number of set-based
statements; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from immkit.db.statements import Statements


class TransferAborted(Exception):
    """A check inside the transaction failed; the caller rolls back."""


@dataclass(frozen=True)
class MoveArgs:
    """What to move, as plain data (built from the job's plan)."""

    source: str
    target: str
    asset_ids: list[str]
    stack_ids: list[str]
    persons: list[tuple[str, str, str]]  # (key, target key, "move" | "duplicate")
    faces_relinked: int
    tag_values: list[tuple[str, str | None]]  # (value, color): the target needs these tags
    tag_links: int
    album: str | None = None
    keep_editor: bool = False
    merge_links: list[tuple[str, str]] = field(default_factory=list)
    target_cluster: str | None = None


def _now() -> str:
    return '"updatedAt" = now(), "updateId" = immich_uuid_v7()'


def move_assets(db: Statements, a: MoveArgs) -> None:
    """Refuse target-side checksum clashes, then change the owner of assets and stacks."""
    clash = db.one(
        "SELECT count(*) AS n FROM asset s JOIN asset t ON t.checksum = s.checksum"
        ' AND t."ownerId" = %(dst)s AND t."libraryId" IS NULL'
        ' WHERE s.id = ANY(%(ids)s::uuid[]) AND s."libraryId" IS NULL',
        {"ids": a.asset_ids, "dst": a.target},
    )["n"]
    if clash:
        raise TransferAborted(f"{clash} photo(s) now also exist at the target; plan again")
    moved = db.rowcount(
        f'UPDATE asset SET "ownerId" = %(dst)s, {_now()}'
        ' WHERE id = ANY(%(ids)s::uuid[]) AND "ownerId" = %(src)s',
        {"ids": a.asset_ids, "src": a.source, "dst": a.target},
    )
    if moved != len(a.asset_ids):
        raise TransferAborted(
            f"{moved} of {len(a.asset_ids)} planned photos still belong to the source; plan again"
        )
    stacks = db.rowcount(
        f'UPDATE stack SET "ownerId" = %(dst)s, {_now()}'
        ' WHERE id = ANY(%(ids)s::uuid[]) AND "ownerId" = %(src)s',
        {"ids": a.stack_ids, "src": a.source, "dst": a.target},
    )
    if stacks != len(a.stack_ids):
        raise TransferAborted(f"{stacks} of {len(a.stack_ids)} planned stacks moved; plan again")


def restore_assets(db: Statements, state: dict[str, Any]) -> None:
    ids, src, dst = state["asset_ids"], state["source"], state["target"]
    back = db.rowcount(
        f'UPDATE asset SET "ownerId" = %(src)s, {_now()}'
        ' WHERE id = ANY(%(ids)s::uuid[]) AND "ownerId" = %(dst)s',
        {"ids": ids, "src": src, "dst": dst},
    )
    if back != len(ids):
        raise TransferAborted(
            f"only {back} of {len(ids)} transferred photos still belong to the target"
        )
    db.run(
        f'UPDATE stack SET "ownerId" = %(src)s, {_now()} WHERE id = ANY(%(ids)s::uuid[])',
        {"ids": state["stack_ids"], "src": src},
    )


def move_tags(db: Statements, a: MoveArgs) -> dict[str, Any]:
    """Give the target the same tag paths (hierarchy and closure kept) and re-point the
    moved assets' links; returns the ids of the tags it created."""
    values = [v for v, _ in a.tag_values]
    colors = [c for _, c in a.tag_values]
    created = [
        str(r["id"])
        for r in db.rows(
            'INSERT INTO tag ("userId", value, color)'
            " SELECT %(dst)s, v, c FROM unnest(%(values)s::text[], %(colors)s::text[]) AS x(v, c)"
            ' ON CONFLICT ("userId", value) DO NOTHING RETURNING id',
            {"dst": a.target, "values": values, "colors": colors},
        )
    ]
    db.run(
        'UPDATE tag c SET "parentId" = p.id FROM tag p'
        ' WHERE c.id = ANY(%(created)s::uuid[]) AND p."userId" = %(dst)s'
        " AND strpos(c.value, '/') > 0"
        " AND p.value = regexp_replace(c.value, '/[^/]*$', '')",
        {"created": created, "dst": a.target},
    )
    db.run(
        "INSERT INTO tag_closure (id_ancestor, id_descendant)"
        ' SELECT anc.id, d.id FROM tag d JOIN tag anc ON anc."userId" = d."userId"'
        " AND (anc.value = d.value OR left(d.value, length(anc.value) + 1) = anc.value || '/')"
        " WHERE d.id = ANY(%(created)s::uuid[]) ON CONFLICT DO NOTHING",
        {"created": created},
    )
    linked = db.rowcount(
        'UPDATE tag_asset ta SET "tagId" = t.id FROM tag s JOIN tag t'
        ' ON t."userId" = %(dst)s AND t.value = s.value'
        ' WHERE ta."tagId" = s.id AND s."userId" = %(src)s AND ta."assetId" = ANY(%(ids)s::uuid[])',
        {"ids": a.asset_ids, "src": a.source, "dst": a.target},
    )
    if linked != a.tag_links:
        raise TransferAborted(f"{linked} of {a.tag_links} planned tag links re-pointed")
    return {"created_tags": created}


def restore_tags(db: Statements, state: dict[str, Any]) -> None:
    db.run(
        'UPDATE tag_asset ta SET "tagId" = s.id FROM tag t JOIN tag s'
        ' ON s."userId" = %(src)s AND s.value = t.value'
        ' WHERE ta."tagId" = t.id AND t."userId" = %(dst)s AND ta."assetId" = ANY(%(ids)s::uuid[])',
        {"ids": state["asset_ids"], "src": state["source"], "dst": state["target"]},
    )
    # only tags nothing else uses now (the target may have tagged other photos since)
    db.run(
        "DELETE FROM tag t WHERE t.id = ANY(%(created)s::uuid[]) AND NOT EXISTS ("
        ' SELECT 1 FROM tag_closure c JOIN tag_asset ta ON ta."tagId" = c.id_descendant'
        " WHERE c.id_ancestor = t.id)",
        {"created": state["created_tags"]},
    )


def move_album(db: Statements, a: MoveArgs) -> dict[str, Any]:
    """--include-album: the target becomes the album's owner; the source optionally stays
    as editor. Returns the target's old role, for undo."""
    if a.album is None:
        return {"album": None}
    old = db.rows(
        'DELETE FROM album_user WHERE "albumId" = %s AND "userId" = %s RETURNING role::text',
        (a.album, a.target),
    )
    owner = db.rowcount(
        f'UPDATE album_user SET "userId" = %(dst)s, {_now()}'
        ' WHERE "albumId" = %(album)s AND "userId" = %(src)s AND role = \'owner\'',
        {"album": a.album, "src": a.source, "dst": a.target},
    )
    if owner != 1:
        raise TransferAborted("the album is no longer owned by the source; plan again")
    if a.keep_editor:
        db.run(
            'INSERT INTO album_user ("albumId", "userId", role) VALUES (%s, %s, \'editor\')',
            (a.album, a.source),
        )
    return {"album": a.album, "target_role": old[0]["role"] if old else None}


def restore_album(db: Statements, state: dict[str, Any]) -> None:
    album = state.get("album")
    if not album:
        return
    src, dst = state["source"], state["target"]
    db.run('DELETE FROM album_user WHERE "albumId" = %s AND "userId" = %s', (album, src))
    db.run(
        f'UPDATE album_user SET "userId" = %(src)s, {_now()}'
        ' WHERE "albumId" = %(album)s AND "userId" = %(dst)s AND role = \'owner\'',
        {"album": album, "src": src, "dst": dst},
    )
    if state.get("target_role"):
        db.run(
            'INSERT INTO album_user ("albumId", "userId", role) VALUES (%s, %s, %s)',
            (album, dst, state["target_role"]),
        )


def merge_albums(db: Statements, a: MoveArgs) -> list[list[str]]:
    """Duplicate policy `merge`: the target's copies join the albums of the source's."""
    if not a.merge_links:
        return []
    rows = db.rows(
        'INSERT INTO album_asset ("albumId", "assetId")'
        " SELECT * FROM unnest(%s::uuid[], %s::uuid[]) ON CONFLICT DO NOTHING"
        ' RETURNING "albumId"::text AS album, "assetId"::text AS asset',
        ([x for x, _ in a.merge_links], [y for _, y in a.merge_links]),
    )
    return [[r["album"], r["asset"]] for r in rows]


def restore_merge(db: Statements, state: dict[str, Any]) -> None:
    links = state.get("merged") or []
    if links:
        db.run(
            'DELETE FROM album_asset WHERE ("albumId", "assetId") IN'
            " (SELECT * FROM unnest(%s::uuid[], %s::uuid[]))",
            ([x for x, _ in links], [y for _, y in links]),
        )


def move_quota(db: Statements, a: MoveArgs) -> int:
    """Both users' usage corrected by the size of the moved uploads (external assets do
    not count, as in Immich's own usage sum); returns the bytes moved."""
    row = db.one(
        'WITH m AS (SELECT coalesce(sum(e."fileSizeInByte"), 0)::bigint AS b FROM asset a'
        ' JOIN asset_exif e ON e."assetId" = a.id'
        ' WHERE a.id = ANY(%(ids)s::uuid[]) AND a."libraryId" IS NULL),'
        ' u AS (UPDATE "user" SET "quotaUsageInBytes" = "quotaUsageInBytes"'
        " + CASE WHEN id = %(dst)s THEN m.b ELSE -m.b END FROM m"
        " WHERE id IN (%(src)s, %(dst)s) RETURNING 1)"
        " SELECT (SELECT b FROM m) AS b, (SELECT count(*) FROM u) AS n",
        {"ids": a.asset_ids, "src": a.source, "dst": a.target},
    )
    return int(row["b"])


def restore_quota(db: Statements, state: dict[str, Any]) -> None:
    db.run(
        'UPDATE "user" SET "quotaUsageInBytes" = "quotaUsageInBytes"'
        " + CASE WHEN id = %(src)s THEN %(b)s ELSE -%(b)s END WHERE id IN (%(src)s, %(dst)s)",
        {"b": int(state["bytes"]), "src": state["source"], "dst": state["target"]},
    )
