"""The interactive questions of `immkit transfer` (questionary), asked only on a TTY.

Every question has a flag; scripts never get here.
"""

from __future__ import annotations

import questionary
from psycopg.rows import DictRow

from immkit.db import connect
from immkit.db import transfer_read as read
from immkit.db.statements import Conn
from immkit.errors import InputError


def _answer(value: str | None) -> str:
    if value is None:  # Ctrl-C / Esc
        raise InputError("Transfer cancelled; nothing changed.")
    return value


def ask_missing(
    dsn: str, source: str | None, album: str | None, target: str | None, *, selection: bool
) -> tuple[str | None, str | None, str]:
    """Ask what the flags left open: without a selection the source user and their album
    (the selection names its owner otherwise), then the target user."""
    with connect(dsn) as conn:
        users = read.list_users(conn)
        if not users:
            raise InputError("This server has no users to transfer between.")
        choices = [questionary.Choice(f"{u['name']} <{u['email']}>", u["email"]) for u in users]
        if not selection:
            if source is None:
                source = _answer(questionary.select("Move photos of which user?", choices).ask())
            album = _ask_album(conn, users, source)
        if target is None:
            mine = (source or "").lower()
            others = [c for c in choices if str(c.value).lower() != mine]
            target = _answer(questionary.select("Give them to which user?", others).ask())
        conn.rollback()
    return source, album, target


def _ask_album(conn: Conn, users: list[DictRow], source: str) -> str:
    owner = next((u for u in users if source.lower() in (u["email"].lower(), u["id"])), None)
    if owner is None:
        raise InputError(f"No user {source!r} on this server (--from); give an e-mail or id.")
    albums = read.list_albums(conn, owner["id"])
    if not albums:
        raise InputError(f"{source} owns no album; give --album, --tag or --person.")
    choices = [questionary.Choice(f"{a['name']} ({a['assets']} photos)", a["id"]) for a in albums]
    return _answer(questionary.select("Which album?", choices).ask())


def confirm(question: str) -> bool:
    return bool(questionary.confirm(question, default=False).ask())
