"""People: paged listing, read, create, update, delete, merge, reassign faces."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from immkit.immich.bodies import PersonBulkUpdate, PersonCreate, PersonUpdate
from immkit.immich.client import ImmichClient
from immkit.immich.models import (
    AssetId,
    BulkIdResult,
    PeoplePage,
    Person,
    PersonId,
    PersonStatistics,
)
from immkit.immich.wire import parse, parse_list

PEOPLE_PAGE_MAX = 1000  # 3.1: GET /people caps size at 1000


class PeopleApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client

    def page(
        self, page: int = 1, *, size: int = PEOPLE_PAGE_MAX, with_hidden: bool = False
    ) -> PeoplePage:
        """One page of `GET /people`. Lists only people with at least one visible face."""
        params = {"page": page, "size": min(size, PEOPLE_PAGE_MAX), "withHidden": with_hidden}
        data = self._client.call("GET", "/people", params=params)
        return parse(PeoplePage, data, "GET /people")

    def iter_all(
        self, *, with_hidden: bool = False, size: int = PEOPLE_PAGE_MAX
    ) -> Iterator[Person]:
        """Every person of the caller, page by page until `hasNextPage` is false."""
        number = 1
        while True:
            page = self.page(number, size=size, with_hidden=with_hidden)
            yield from page.people
            if not page.has_next_page or not page.people:
                return
            number += 1

    def get(self, person_id: PersonId) -> Person:
        data = self._client.call("GET", "/people/{id}", path_params={"id": person_id})
        return parse(Person, data, "GET /people/{id}")

    def search(self, name: str, *, with_hidden: bool = False) -> list[Person]:
        """`GET /search/person`: people whose name matches (finds people without faces too)."""
        data = self._client.call(
            "GET", "/search/person", params={"name": name, "withHidden": with_hidden}
        )
        return parse_list(Person, data, "GET /search/person")

    def create(self, person: PersonCreate) -> Person:
        data = self._client.call("POST", "/people", json=person.changes())
        return parse(Person, data, "POST /people")

    def update(self, person_id: PersonId, update: PersonUpdate) -> Person:
        data = self._client.call(
            "PUT", "/people/{id}", path_params={"id": person_id}, json=update.changes()
        )
        return parse(Person, data, "PUT /people/{id}")

    def update_many(self, updates: Sequence[PersonBulkUpdate]) -> list[BulkIdResult]:
        """`PUT /people`; per-id results (`error: "unknown"` for missing and foreign ids)."""
        if not updates:
            return []
        data = self._client.call("PUT", "/people", json={"people": [u.changes() for u in updates]})
        return parse_list(BulkIdResult, data, "PUT /people")

    def delete(self, person_id: PersonId) -> None:
        self._client.call("DELETE", "/people/{id}", path_params={"id": person_id})

    def delete_many(self, person_ids: Sequence[PersonId]) -> None:
        if person_ids:
            self._client.call("DELETE", "/people", json={"ids": list(person_ids)})

    def merge(self, into: PersonId, person_ids: Sequence[PersonId]) -> list[BulkIdResult]:
        """Move the faces of `person_ids` to `into` and delete them (the caller's people only).

        `into` must not be among `person_ids` (Immich rejects the whole request).
        """
        data = self._client.call(
            "POST", "/people/{id}/merge", path_params={"id": into}, json={"ids": list(person_ids)}
        )
        return parse_list(BulkIdResult, data, "POST /people/{id}/merge")

    def reassign(self, to: PersonId, faces_of: Sequence[tuple[AssetId, PersonId]]) -> list[Person]:
        """Move the faces of person P on asset A to `to`, for each (A, P) in `faces_of`."""
        body = {"data": [{"assetId": a, "personId": p} for a, p in faces_of]}
        data = self._client.call("PUT", "/people/{id}/reassign", path_params={"id": to}, json=body)
        return parse_list(Person, data, "PUT /people/{id}/reassign")

    def statistics(self, person_id: PersonId) -> int:
        """How many assets show this person."""
        data = self._client.call("GET", "/people/{id}/statistics", path_params={"id": person_id})
        return parse(PersonStatistics, data, "GET /people/{id}/statistics").assets
