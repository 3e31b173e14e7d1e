"""`POST /search/metadata`: one page, `nextPage` paging, and flat-cost keyset iteration."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pydantic import JsonValue

from immkit.errors import NotImmich
from immkit.immich.bodies import MetadataSearch, SearchFilter, Timestamp
from immkit.immich.client import ImmichClient
from immkit.immich.keyset import KeysetState, format_time, keyset_step, resume_below
from immkit.immich.models import Asset, AssetPage, SearchResult
from immkit.immich.refs import AssetRef, asset_refs
from immkit.immich.wire import parse

SEARCH_PAGE_MAX = 1000  # 3.1: size must be 1..1000; 1001 gives 400
_ENDPOINT = "POST /search/metadata"

D = TypeVar("D", Asset, AssetRef)


class SearchApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client

    def metadata(
        self, filters: MetadataSearch, *, page: int | None = None, size: int = SEARCH_PAGE_MAX
    ) -> AssetPage:
        """One page of results, newest first unless `filters.order` says otherwise."""
        body: dict[str, object] = {**filters.filters(), "size": _page_size(size)}
        if page is not None:
            body["page"] = page
        data = self._client.call("POST", "/search/metadata", json=body, idempotent=True)
        return parse(SearchResult, data, "POST /search/metadata").assets

    def pages(self, filters: MetadataSearch, *, size: int = SEARCH_PAGE_MAX) -> Iterator[AssetPage]:
        """Pages by `nextPage`. Each page costs O(offset) on the server (LIMIT/OFFSET):
        fine for small result sets (a person, an album); use `iter_assets` for big ones."""
        number = 1
        while True:
            result = self.metadata(filters, page=number, size=size)
            yield result
            if result.next_page is None or not result.items:
                return
            number = _page_number(result.next_page)

    def iter_assets(
        self, filters: MetadataSearch | None = None, *, page_size: int = SEARCH_PAGE_MAX
    ) -> Iterator[Asset]:
        """Every matching asset once, newest first (`order` is forced to desc), paging by
        `takenBefore` so each page costs the same; memory holds one page."""
        return self._keyset(filters, page_size, lambda page: page.items)

    def iter_refs(
        self, filters: MetadataSearch | None = None, *, page_size: int = SEARCH_PAGE_MAX
    ) -> Iterator[AssetRef]:
        """`iter_assets` as slim `AssetRef`s: for scans of whole libraries, where
        validating full models would cost more CPU than the server spends answering."""
        return self._keyset(filters, page_size, _refs_of)

    def _keyset(
        self,
        filters: MetadataSearch | None,
        page_size: int,
        items_of: Callable[[_RawPage], Sequence[D]],
    ) -> Iterator[D]:
        base = (filters or MetadataSearch()).model_copy(update={"order": "desc"})
        size = _page_size(page_size)
        state = KeysetState(taken_before=_text(base.taken_before))
        while True:
            query = base.model_copy(update={"taken_before": state.taken_before})
            page = self._raw_page(query, size=size)
            items = items_of(page)
            step = keyset_step(state, items, size, page.next_page is not None)
            for index in step.fresh:
                yield items[index]
            if step.stalled_at is not None:
                # a whole page at one instant: list that instant exactly, then go below it
                instant = base.model_copy(
                    update={"taken_after": step.stalled_at, "taken_before": step.stalled_at}
                )
                number: int | None = 1
                while number is not None:
                    window = self._raw_page(instant, size=size, page=number)
                    found = items_of(window)
                    yield from (a for a in found if a.id not in step.seen_at_stall)
                    number = _page_number(window.next_page) if window.next_page and found else None
                state = KeysetState(taken_before=resume_below(step.stalled_at))
                continue
            if step.next is None:
                return
            state = step.next

    def _raw_page(self, filters: MetadataSearch, *, size: int, page: int | None = None) -> _RawPage:
        body: dict[str, object] = {**filters.filters(), "size": size}
        if page is not None:
            body["page"] = page
        data = self._client.call("POST", "/search/metadata", json=body, idempotent=True)
        assets = data.get("assets") if isinstance(data, dict) else None
        if not isinstance(assets, dict):
            raise NotImmich(
                "The answer to POST /search/metadata has no assets object; "
                "is the url an Immich server of a supported version?"
            )
        next_page = assets.get("nextPage")
        return _RawPage(
            assets.get("items"), str(next_page) if next_page is not None else None, filters
        )

    def iter_filtered(
        self,
        search_filter: SearchFilter,
        *,
        with_people: bool = False,
        with_exif: bool = False,
        page_size: int = SEARCH_PAGE_MAX,
    ) -> Iterator[Asset]:
        """Immich 3.2+ only (check `Capabilities.search_filter_v2` first): the structured
        `filter` with `cursor` → `nextCursor` paging."""
        cursor: str | None = None
        while True:
            body: dict[str, object] = {
                "filter": search_filter.filters(),
                "size": _page_size(page_size),
            }
            if with_people:
                body["withPeople"] = True
            if with_exif:
                body["withExif"] = True
            if cursor is not None:
                body["cursor"] = cursor
            data = self._client.call("POST", "/search/metadata", json=body, idempotent=True)
            page = parse(SearchResult, data, "POST /search/metadata").assets
            yield from page.items
            if not page.next_cursor or not page.items:
                return
            cursor = page.next_cursor


@dataclass(frozen=True)
class _RawPage:
    """One decoded page, before its items are turned into models or refs."""

    raw_items: JsonValue
    next_page: str | None
    filters: MetadataSearch

    @property
    def items(self) -> list[Asset]:
        return parse(SearchResult, {"assets": {"items": self.raw_items}}, _ENDPOINT).assets.items


def _refs_of(page: _RawPage) -> list[AssetRef]:
    return asset_refs(page.raw_items)


def _page_size(size: int) -> int:
    return max(1, min(size, SEARCH_PAGE_MAX))


def _page_number(next_page: str) -> int:
    try:
        return int(next_page)
    except ValueError as exc:
        raise NotImmich(
            f"POST /search/metadata gave nextPage {next_page!r}, not a page number; "
            "is this a supported Immich version?"
        ) from exc


def _text(value: Timestamp | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("takenBefore must be a timezone-aware datetime or an ISO string")
    return format_time(value)
