"""Request bodies: only what the caller set is sent; None filters are left out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from immkit.immich import AssetUpdate, MetadataSearch, PersonId, PersonUpdate


def test_search_filters_drop_none_and_use_wire_names() -> None:
    body = MetadataSearch(
        person_ids=[PersonId("p1")],
        with_people=True,
        taken_before=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    ).filters()
    assert body == {
        "personIds": ["p1"],
        "withPeople": True,
        "takenBefore": "2024-01-02T03:04:05Z",
    }


def test_search_keeps_server_timestamp_strings_unchanged() -> None:
    stamp = "2023-05-10T08:00:00.000Z"
    assert MetadataSearch(taken_before=stamp).filters() == {"takenBefore": stamp}


def test_update_sends_only_fields_given_and_none_clears() -> None:
    assert AssetUpdate(is_favorite=True).changes() == {"isFavorite": True}
    assert AssetUpdate(rating=None).changes() == {"rating": None}
    assert PersonUpdate(birth_date=None, name="A").changes() == {"birthDate": None, "name": "A"}


def test_our_bodies_reject_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        MetadataSearch(personIdz=["p1"])  # type: ignore[call-arg]


def test_v2_filter_excludes_trash_unless_asked() -> None:
    from immkit.immich import BoolFilter, IdsFilter, SearchFilter

    body = SearchFilter(
        person_ids=IdsFilter(any=["p1", "p2"]), has_people=BoolFilter(eq=True)
    ).filters()
    assert body == {
        "personIds": {"any": ["p1", "p2"]},
        "hasPeople": {"eq": True},
        "trashedAt": {"eq": None},
    }
    assert SearchFilter(with_trashed=True).filters() == {}
