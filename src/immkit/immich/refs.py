"""Slim views of search results for jobs that scan whole libraries.

A full `Asset` model costs ~50 µs of client CPU per item to validate; a 100k-asset scan
then spends longer parsing than the server spends answering. Jobs that only need ids,
names, dates and the people on each asset read these instead: plain slotted dataclasses
taken straight from the decoded JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import JsonValue

from immkit.errors import NotImmich

_ENDPOINT = "POST /search/metadata"


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A person on an asset, as `withPeople` lists it (no face boxes in 3.x)."""

    id: str
    name: str
    is_hidden: bool


@dataclass(frozen=True, slots=True)
class AssetRef:
    """What matching and keyset paging need of an asset."""

    id: str
    owner_id: str
    original_file_name: str
    file_created_at: str
    created_at: str
    updated_at: str
    is_trashed: bool
    visibility: str = "timeline"
    people: tuple[PersonRef, ...] = ()


def asset_refs(items: JsonValue) -> list[AssetRef]:
    """Read a page's `items`.

    Raises:
        NotImmich: an item lacks a field every Immich 3.x asset has.
    """
    if not isinstance(items, list):
        raise _shape("items is not a list")
    refs: list[AssetRef] = []
    for item in items:
        if not isinstance(item, Mapping):
            raise _shape("an item is not an object")
        try:
            people = item.get("people") or ()
            refs.append(
                AssetRef(
                    id=str(item["id"]),
                    owner_id=str(item["ownerId"]),
                    original_file_name=str(item["originalFileName"]),
                    file_created_at=str(item["fileCreatedAt"]),
                    created_at=str(item.get("createdAt") or item["fileCreatedAt"]),
                    updated_at=str(item.get("updatedAt") or item["fileCreatedAt"]),
                    is_trashed=bool(item.get("isTrashed", False)),
                    visibility=str(item.get("visibility") or "timeline"),
                    people=tuple(_person(p) for p in people),  # type: ignore[union-attr]
                )
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise _shape(f"an item lacks {exc}") from exc
    return refs


def _person(data: JsonValue) -> PersonRef:
    if not isinstance(data, Mapping):
        raise TypeError("person")
    return PersonRef(
        id=str(data["id"]), name=str(data.get("name") or ""), is_hidden=bool(data.get("isHidden"))
    )


def _shape(what: str) -> NotImmich:
    return NotImmich(
        f"The answer to {_ENDPOINT} does not look like Immich 3.x's ({what}); "
        "is the url an Immich server of a supported version?"
    )
