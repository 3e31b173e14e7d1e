"""What the admin asked for: the transfer's spec, and the users and selection it names.

Resolution reads the database only; every unknown or ambiguous name is an InputError
(exit 2) that says what to do, before anything is planned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from immkit.db import transfer_read as read
from immkit.db.statements import Conn
from immkit.errors import InputError, NotFoundError

Kind = Literal["album", "tag", "person"]
Policy = Literal["skip", "merge"]


@dataclass(frozen=True)
class TransferSpec:
    """The command line, as data: what to move, from whom, to whom, and the choices."""

    kind: Kind
    ref: str
    target: str
    source: str | None = None
    include_album: bool = False
    keep_editor: bool = False
    duplicates: Policy = "skip"


@dataclass(frozen=True)
class UserInfo:
    id: str
    email: str
    name: str
    cluster: str | None = None  # 3.2+: user.clusterGroupId


@dataclass(frozen=True)
class Selection:
    """The resolved users and the album, tag or person that names the photos."""

    source: UserInfo
    target: UserInfo
    kind: Kind
    ref_id: str
    label: str


def resolve(conn: Conn, spec: TransferSpec, layout: str) -> Selection:
    """Raises:
    NotFoundError: an unknown user, album, tag or person.
    InputError: same source and target, an album not owned by --from, an ambiguous name.
    """
    target = _user(conn, spec.target, layout, "--to")
    source = _user(conn, spec.source, layout, "--from") if spec.source else None
    if spec.kind == "album":
        ref_id, label, owner = _album(conn, spec.ref, source)
    elif spec.kind == "tag":
        ref_id, label, owner = _owned(read.find_tags(conn, spec.ref), "tag", spec.ref, source)
    else:
        rows = [
            {"id": r["key"], "value": r["name"], "owner": r["owner"]}
            for r in read.find_persons(conn, spec.ref, layout)
        ]
        ref_id, label, owner = _owned(rows, "person", spec.ref, source)
    if source is None:
        source = _user(conn, owner, layout, "--from")
    if source.id == target.id:
        raise InputError(
            f"The source and the target are the same user ({target.email}); give --to another user."
        )
    if spec.include_album and spec.kind != "album":
        raise InputError("--include-album needs --album: only an album can be handed over.")
    return Selection(source, target, spec.kind, ref_id, label)


def _user(conn: Conn, ref: str, layout: str, flag: str) -> UserInfo:
    row = read.find_user(conn, ref, layout)
    if row is None:
        raise NotFoundError(
            f"No user {ref!r} on this server ({flag}); give a user's e-mail or id "
            "as listed in Immich's Administration > Users."
        )
    return UserInfo(row["id"], row["email"], row["name"], row["cluster"])


def _album(conn: Conn, ref: str, source: UserInfo | None) -> tuple[str, str, str]:
    rows = read.find_albums(conn, ref)
    if not rows:
        raise NotFoundError(f"No album {ref!r} on this server; check its name or give its id.")
    if source is not None:
        mine = [r for r in rows if r["owner"] == source.id]
        if not mine:
            raise InputError(
                f"The album {ref!r} is not owned by {source.email}; give --from its owner "
                "(the transfer moves the owner's photos in it)."
            )
        rows = mine
    if len(rows) > 1:
        raise InputError(
            f"{len(rows)} albums are called {ref!r}; give --from the owner or the album's id."
        )
    return rows[0]["id"], rows[0]["name"], rows[0]["owner"]


def _owned(
    rows: Sequence[Mapping[str, Any]], what: str, ref: str, source: UserInfo | None
) -> tuple[str, str, str]:
    found = list(rows)
    if source is not None:
        found = [r for r in found if r["owner"] == source.id]
    if not found:
        whose = f" of {source.email}" if source else ""
        raise NotFoundError(f"No {what} {ref!r}{whose} on this server; check the name.")
    if len(found) > 1:
        raise InputError(
            f"{len(found)} {what}s are called {ref!r}; give --from the user whose {what} it is."
        )
    return str(found[0]["id"]), str(found[0]["value"]), str(found[0]["owner"])
