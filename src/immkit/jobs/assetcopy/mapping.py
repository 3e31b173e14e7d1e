"""Source ids → target ids, when the copy goes to another account (API-mode transfer).

Within one account (library internalization) albums, tags and people keep their ids;
between two users each side has its own tags and people, and only albums the target
may add to carry over. What has no target id is left out of the copy (and out of its
verification), never sent with the source's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from immkit.immich import PersonId
from immkit.jobs.assetcopy.model import SourceAsset, SourceFace


@dataclass(frozen=True)
class AccountMap:
    """Albums the target can add to, and the target's tags and people, by source id."""

    albums: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    people: Mapping[str, str] = field(default_factory=dict)

    def albums_of(self, asset: SourceAsset) -> list[str]:
        return sorted({self.albums[a] for a in asset.albums if a in self.albums})

    def tags_of(self, asset: SourceAsset) -> list[str]:
        return sorted({self.tags[t] for t in asset.tags if t in self.tags})

    def faces_of(self, asset: SourceAsset) -> list[SourceFace]:
        """The named faces whose person exists at the target."""
        return [f for f in asset.faces if f.person_id in self.people]

    def people_of(self, asset: SourceAsset) -> list[str]:
        return sorted({self.people[f.person_id] for f in self.faces_of(asset)})


def albums_for(asset: SourceAsset, mapping: AccountMap | None) -> list[str]:
    return list(asset.albums) if mapping is None else mapping.albums_of(asset)


def tags_for(asset: SourceAsset, mapping: AccountMap | None) -> list[str]:
    return list(asset.tags) if mapping is None else mapping.tags_of(asset)


def faces_for(asset: SourceAsset, mapping: AccountMap | None) -> list[SourceFace]:
    return list(asset.faces) if mapping is None else mapping.faces_of(asset)


def people_for(asset: SourceAsset, mapping: AccountMap | None) -> list[str]:
    if mapping is None:
        return sorted({f.person_id for f in asset.faces})
    return mapping.people_of(asset)


def person_map(mapping: AccountMap | None) -> Mapping[str, PersonId] | None:
    if mapping is None:
        return None
    return {k: PersonId(v) for k, v in mapping.people.items()}
