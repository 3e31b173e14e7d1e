"""Does an asset fit a rule? The client-side part of matching, as a pure function.

The server narrows first (people, type, dates, places, camera, tags); this decides what
search cannot: owner, file-name globs, excluded and unlisted people, and "nobody in it".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase

from immkit.immich.keyset import parse_time
from immkit.immich.refs import AssetRef, PersonRef
from immkit.jobs.albums.rules import Faceless

DEFAULT_VISIBILITIES = frozenset({"timeline", "archive"})
"""Without a `visibility` key a rule leaves out `hidden` assets: Immich 3.x search returns
them too, and they are the motion halves of live photos, never wanted on their own."""


@dataclass(frozen=True)
class Matcher:
    """A rule's client-side conditions, with names already turned into ids."""

    owner: str | None = None  # None: partners' assets fit too
    globs: tuple[str, ...] = ()  # lower-cased fnmatch patterns on originalFileName
    exclude: frozenset[str] = frozenset()
    only: frozenset[str] | None = None  # only_listed: the listed person ids
    faceless: Faceless | None = None  # set for match = "none"
    settled_before: datetime | None = None  # faceless: uploaded before this moment
    visibilities: frozenset[str] = DEFAULT_VISIBILITIES

    def fits(self, asset: AssetRef) -> bool:
        if asset.is_trashed or asset.visibility not in self.visibilities:
            return False
        if self.owner is not None and asset.owner_id != self.owner:
            return False
        if self.globs:
            name = asset.original_file_name.lower()
            if not any(fnmatchcase(name, glob) for glob in self.globs):
                return False
        if self.exclude and any(p.id in self.exclude for p in asset.people):
            return False
        if self.only is not None and any(
            _counts(p) and p.id not in self.only for p in asset.people
        ):
            return False
        if self.faceless is not None:
            return self._faceless(asset)
        return True

    def _faceless(self, asset: AssetRef) -> bool:
        if self.settled_before is not None and parse_time(asset.created_at) > self.settled_before:
            return False  # face detection may not have run yet
        if self.faceless is Faceless.NO_NAMED:
            return not any(_counts(p) for p in asset.people)
        return not asset.people  # NO_FACES also needs the faces check (collect.py)


def _counts(person: PersonRef) -> bool:
    """A person the user sees: named and not hidden."""
    return bool(person.name) and not person.is_hidden
