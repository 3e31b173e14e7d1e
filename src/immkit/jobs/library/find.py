"""Which library the admin means, and whose key can act for its owner."""

from __future__ import annotations

from immkit.errors import MissingPermission, NotFoundError
from immkit.immich import Immich, Library


def find_library(admin: Immich, name_or_id: str) -> Library:
    """The library with this id, or the only one with this name (case-insensitive).

    Raises:
        MissingPermission: the key is not an admin's (3.x serves libraries to admins only).
        NotFoundError: no library matches, or the name is ambiguous.
    """
    require_admin(admin)
    libraries = admin.libraries.all()
    exact = [lib for lib in libraries if lib.id == name_or_id]
    if exact:
        return exact[0]
    named = [lib for lib in libraries if lib.name.casefold() == name_or_id.casefold()]
    if len(named) == 1:
        return named[0]
    listing = ", ".join(f"{lib.name} ({lib.id})" for lib in libraries) or "none"
    if named:
        raise NotFoundError(
            f"Several libraries are called {name_or_id!r}; give its id instead ({listing})."
        )
    raise NotFoundError(
        f"No external library is called {name_or_id!r} (libraries: {listing}); "
        "see `immkit library list`."
    )


def require_admin(admin: Immich) -> None:
    """Refuse a non-admin key with one sentence (3.x serves libraries to admins only).

    Raises:
        MissingPermission: the key's user is not an admin.
    """
    me = admin.users.me()
    if not me.is_admin:
        raise MissingPermission(
            f"Libraries can only be read with an admin's API key ({me.email} is not an admin); "
            "use a profile with an admin key, e.g. --profile admin."
        )
