"""The interactive questions of `immkit transfer` (questionary), asked only on a TTY.

Every question has a flag; scripts never get here.
"""

from __future__ import annotations

import questionary

from immkit.db import connect
from immkit.db import transfer_read as read
from immkit.errors import InputError


def _answer(value: str | None) -> str:
    if value is None:  # Ctrl-C / Esc
        raise InputError("Transfer cancelled; nothing changed.")
    return value


def ask_missing(
    dsn: str, source: str | None, album: str | None, target: str | None
) -> tuple[str, str, str]:
    """Ask for the source user, their album and the target user, as the flags left open."""
    with connect(dsn) as conn:
        users = read.list_users(conn)
        if not users:
            raise InputError("This server has no users to transfer between.")
        choices = [questionary.Choice(f"{u['name']} <{u['email']}>", u["email"]) for u in users]
        if source is None:
            source = _answer(questionary.select("Move photos of which user?", choices).ask())
        if album is None:
            owner = next(
                (u for u in users if source.lower() in (u["email"].lower(), u["id"])), None
            )
            albums = read.list_albums(conn, owner["id"]) if owner else []
            if not albums:
                raise InputError(f"{source} owns no album; give --album, --tag or --person.")
            album = _answer(
                questionary.select(
                    "Which album?",
                    [
                        questionary.Choice(f"{a['name']} ({a['assets']} photos)", a["id"])
                        for a in albums
                    ],
                ).ask()
            )
        if target is None:
            others = [c for c in choices if c.value != source]
            target = _answer(questionary.select("Give them to which user?", others).ask())
        conn.rollback()
    return source, album, target


def confirm(question: str) -> bool:
    return bool(questionary.confirm(question, default=False).ask())
