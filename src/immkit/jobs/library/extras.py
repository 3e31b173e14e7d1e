"""Which assets hold something only `PUT /assets/copy` can carry to their copy.

Three requests and one search per album of another user: the owner's stacks, the assets
of their individual shared links, and the assets in albums they do not own (an album add
needs a role the owner may not have there; the copy takes every album along). An asset
in none of these gets its albums by album adds instead of a copy per asset.
"""

from __future__ import annotations

import logging

from pydantic import JsonValue

from immkit.errors import ImmkitError
from immkit.immich import Immich, MetadataSearch

log = logging.getLogger(__name__)


def copy_extras(owner: Immich, owner_id: str) -> set[str] | None:
    """Asset ids in a stack, an individual shared link or another user's album; None when
    that cannot be read (then every asset is copied, as if it had all three)."""
    try:
        found = _ids_in(owner.client.call("GET", "/stacks"))
        found |= _ids_in(owner.client.call("GET", "/shared-links"))
        for album in owner.albums.all():
            if album.owner_id != owner_id:
                found |= {
                    r.id for r in owner.search.iter_refs(MetadataSearch(album_ids=[album.id]))
                }
    except ImmkitError as exc:
        log.info(
            "Stacks, shared links or shared albums not readable (%s): every asset is "
            "copied with PUT /assets/copy",
            exc,
        )
        return None
    return found


def _ids_in(listing: JsonValue) -> set[str]:
    """The `assets[].id` of every stack or shared link in a listing."""
    out: set[str] = set()
    for item in listing if isinstance(listing, list) else []:
        assets = item.get("assets") if isinstance(item, dict) else None
        for asset in assets if isinstance(assets, list) else []:
            if isinstance(asset, dict) and isinstance(asset.get("id"), str):
                out.add(str(asset["id"]))
    return out
