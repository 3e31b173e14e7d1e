"""Collect: read what a transfer touches, in a constant number of queries, change nothing.

The snapshot is plain data, so the plan is tested without a database and an API-mode
collector can fill the same shape from the HTTP API.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from immkit.db import transfer_read as read
from immkit.db.statements import Conn
from immkit.jobs.transfer.select import Selection, TransferSpec, UserInfo, resolve


@dataclass(frozen=True)
class AssetInfo:
    id: str
    file_name: str
    checksum: str  # hex
    library_id: str | None
    live_video_id: str | None
    stack_id: str | None
    size: int
    type: str
    selected: bool  # named by the selection (not only pulled in by a live photo or stack)


@dataclass(frozen=True)
class PersonInfo:
    key: str  # 3.1 person.id, 3.2+ person.personGroupId
    name: str
    birth_date: str | None
    hidden: bool
    favorite: bool
    color: str | None
    feature_face: str | None
    faces: int  # every face pointing at the person (the selection's included)
    shares: int = 0  # 3.3 people sharing: rows of person_user the person's row holds


@dataclass(frozen=True)
class FaceInfo:
    id: str
    asset_id: str
    key: str


@dataclass(frozen=True)
class TagInfo:
    id: str
    value: str
    color: str | None


@dataclass(frozen=True)
class AlbumLink:
    album_id: str
    asset_id: str
    name: str
    owner: str


@dataclass(frozen=True)
class Snapshot:
    """Everything the plan needs; `fingerprint` changes when any of it does."""

    layout: str
    spec: TransferSpec
    selection: Selection
    assets: tuple[AssetInfo, ...]
    faces: tuple[FaceInfo, ...]
    persons: tuple[PersonInfo, ...]
    tag_links: tuple[tuple[str, str], ...]  # (asset id, source tag id)
    tags: tuple[TagInfo, ...]  # the linked tags and their ancestors
    target_copies: tuple[tuple[str, str], ...]  # (checksum, target's asset id)
    album_links: tuple[AlbumLink, ...]
    target_album_role: str | None = None  # the target's role in the album, for --include-album

    @property
    def fingerprint(self) -> str:
        data = asdict(self)
        data.pop("spec")
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def collect(conn: Conn, spec: TransferSpec, layout: str) -> Snapshot:
    """Read the users, the selection and what moves with it.

    Raises:
        NotFoundError, InputError: from `resolve`.
    """
    selection = resolve(conn, spec, layout)
    return collect_selection(conn, spec, selection, layout)


def collect_selection(
    conn: Conn, spec: TransferSpec, selection: Selection, layout: str
) -> Snapshot:
    source = selection.source.id
    chosen = set(read.selected_assets(conn, selection.kind, selection.ref_id, source, layout))
    rows = read.asset_closure(conn, sorted(chosen), source)
    assets = tuple(
        AssetInfo(
            id=r["id"],
            file_name=r["file_name"],
            checksum=r["checksum"],
            library_id=r["library_id"],
            live_video_id=r["live_video_id"],
            stack_id=r["stack_id"],
            size=int(r["size"]),
            type=str(r["type"]),
            selected=r["id"] in chosen,
        )
        for r in rows
    )
    ids = [a.id for a in assets]
    faces = tuple(
        FaceInfo(r["id"], r["asset_id"], r["key"]) for r in read.faces_on(conn, ids, source, layout)
    )
    keys = sorted({f.key for f in faces})
    shares = read.person_shares(conn, keys, source) if layout != "3.1" else {}
    persons = tuple(
        PersonInfo(
            key=r["key"],
            name=r["name"],
            birth_date=r["birth_date"],
            hidden=bool(r["hidden"]),
            favorite=bool(r["favorite"]),
            color=r["color"],
            feature_face=r["feature_face"],
            faces=int(r["faces"]),
            shares=shares.get(r["key"], 0),
        )
        for r in read.persons(conn, keys, source, layout)
    )
    links = read.tag_links(conn, ids, source)
    tag_ids = sorted({r["tag_id"] for r in links})
    tags = tuple(TagInfo(r["id"], r["value"], r["color"]) for r in read.tag_paths(conn, tag_ids))
    copies = read.target_checksums(
        conn, selection.target.id, sorted({a.checksum for a in assets if a.library_id is None})
    )
    albums = tuple(
        AlbumLink(r["album_id"], r["asset_id"], r["name"], r["owner"])
        for r in read.album_links(conn, ids)
    )
    role = None
    if spec.include_album:
        role = read.album_role(conn, selection.ref_id, selection.target.id)
    return Snapshot(
        layout=layout,
        spec=spec,
        selection=selection,
        assets=assets,
        faces=faces,
        persons=persons,
        tag_links=tuple((r["asset_id"], r["tag_id"]) for r in links),
        tags=tags,
        target_copies=tuple(sorted((r["checksum"], r["id"]) for r in copies)),
        album_links=albums,
        target_album_role=role,
    )


__all__ = [
    "AlbumLink",
    "AssetInfo",
    "FaceInfo",
    "PersonInfo",
    "Snapshot",
    "TagInfo",
    "UserInfo",
    "collect",
    "collect_selection",
]
