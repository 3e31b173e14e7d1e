"""Search iterators over an in-memory stand-in for `POST /search/metadata`.

The stand-in replaces `ImmichClient.call` (our own boundary, not httpx) with Immich 3.1's
paging semantics: `takenBefore`/`takenAfter` inclusive, newest first, LIMIT/OFFSET pages,
`nextPage` a string.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import cast

from pydantic import JsonValue

from immkit.immich import ImmichClient, MetadataSearch
from immkit.immich.client import JsonBody, QueryValue
from immkit.immich.keyset import parse_time
from immkit.immich.search import SearchApi


class SearchStandIn(ImmichClient):
    def __init__(self, times: list[str]) -> None:
        super().__init__("http://stand-in.invalid", "unused-key")
        self.assets = [{"id": f"a{i:05d}", "fileCreatedAt": ts} for i, ts in enumerate(times)]
        self.bodies: list[dict[str, object]] = []

    def call(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        json: JsonBody | None = None,
        idempotent: bool | None = None,
    ) -> JsonValue:
        assert (method, path, idempotent) == ("POST", "/search/metadata", True)
        body = dict(cast(Mapping[str, object], json))
        self.bodies.append(body)
        items = self.assets
        if "takenBefore" in body:
            limit = parse_time(str(body["takenBefore"]))
            items = [a for a in items if parse_time(a["fileCreatedAt"]) <= limit]
        if "takenAfter" in body:
            floor = parse_time(str(body["takenAfter"]))
            items = [a for a in items if parse_time(a["fileCreatedAt"]) >= floor]
        items = sorted(items, key=lambda a: (parse_time(a["fileCreatedAt"]), a["id"]), reverse=True)
        size = cast(int, body.get("size", 250))
        page = cast(int, body.get("page", 1))
        chunk = items[(page - 1) * size : page * size]
        more = len(items) > page * size
        out = [{**a, "ownerId": "u", "type": "IMAGE", "originalFileName": "x.jpg"} for a in chunk]
        answer = {"assets": {"items": out, "nextPage": str(page + 1) if more else None}}
        return cast(JsonValue, answer)


def spaced(n: int, start: datetime, step: timedelta) -> list[str]:
    return [(start + i * step).strftime("%Y-%m-%dT%H:%M:%S.000Z") for i in range(n)]


START = datetime(2020, 1, 1, tzinfo=UTC)


def test_keyset_yields_each_asset_once_newest_first() -> None:
    server = SearchStandIn(spaced(25, START, timedelta(hours=1)))
    got = list(SearchApi(server).iter_assets(page_size=10))
    assert len(got) == 25
    assert len({a.id for a in got}) == 25
    times = [parse_time(a.file_created_at) for a in got]
    assert times == sorted(times, reverse=True)
    assert all("page" not in b for b in server.bodies)  # never OFFSET paging


def test_keyset_handles_ties_across_page_boundaries() -> None:
    times = [stamp for stamp in spaced(8, START, timedelta(minutes=1)) for _ in range(3)]
    server = SearchStandIn(times)
    got = [a.id for a in SearchApi(server).iter_assets(page_size=5)]
    assert sorted(got) == sorted(a["id"] for a in server.assets)
    assert len(got) == len(set(got))


def test_keyset_does_not_stall_when_a_page_shares_one_instant() -> None:
    times = spaced(4, START, timedelta(days=1)) + [spaced(1, START, timedelta(0))[0]] * 12
    times += spaced(3, START - timedelta(days=3), timedelta(hours=1))
    server = SearchStandIn(times)
    got = [a.id for a in SearchApi(server).iter_assets(page_size=5)]
    assert sorted(got) == sorted(a["id"] for a in server.assets)
    assert len(got) == len(set(got))
    assert len(server.bodies) < 20


def test_keyset_respects_the_callers_taken_before_and_forces_desc() -> None:
    server = SearchStandIn(spaced(10, START, timedelta(hours=1)))
    cut = "2020-01-01T04:00:00.000Z"
    filters = MetadataSearch(taken_before=cut, order="asc")
    got = list(SearchApi(server).iter_assets(filters, page_size=3))
    assert got[0].file_created_at == cut
    assert len(got) == 5
    assert all(b["order"] == "desc" for b in server.bodies)


def test_next_page_iterator_follows_string_page_numbers() -> None:
    server = SearchStandIn(spaced(7, START, timedelta(hours=1)))
    pages = list(SearchApi(server).pages(MetadataSearch(), size=2))
    assert [len(p.items) for p in pages] == [2, 2, 2, 1]
    assert [b.get("page") for b in server.bodies] == [1, 2, 3, 4]


def test_empty_result_is_one_request() -> None:
    server = SearchStandIn([])
    assert list(SearchApi(server).iter_assets()) == []
    assert len(server.bodies) == 1
    assert server.bodies[0]["size"] == 1000


class CursorStandIn(SearchStandIn):
    """3.2 cursor paging: `cursor` is the offset as text, `nextCursor` the next one."""

    def call(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        json: JsonBody | None = None,
        idempotent: bool | None = None,
    ) -> JsonValue:
        body = dict(cast(Mapping[str, object], json))
        self.bodies.append(body)
        start = int(cast(str, body.get("cursor", "0")))
        size = cast(int, body["size"])
        chunk = self.assets[start : start + size]
        more = start + size < len(self.assets)
        out = [{**a, "ownerId": "u", "type": "IMAGE", "originalFileName": "x.jpg"} for a in chunk]
        answer = {"assets": {"items": out, "nextCursor": str(start + size) if more else None}}
        return cast(JsonValue, answer)


def test_v2_filter_follows_next_cursor() -> None:
    from immkit.immich import IdsFilter, SearchFilter

    server = CursorStandIn(spaced(7, START, timedelta(hours=1)))
    search = SearchFilter(person_ids=IdsFilter(none=["p1"]))
    got = list(SearchApi(server).iter_filtered(search, page_size=3))
    assert len(got) == 7
    assert [b.get("cursor") for b in server.bodies] == [None, "3", "6"]
    assert server.bodies[0]["filter"] == {"personIds": {"none": ["p1"]}, "trashedAt": {"eq": None}}
