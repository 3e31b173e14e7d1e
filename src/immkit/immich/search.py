"""`POST /search/metadata`: one page, `nextPage` paging, and flat-cost keyset iteration."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from immkit.errors import NotImmich
from immkit.immich.bodies import MetadataSearch, SearchFilter, Timestamp
from immkit.immich.client import ImmichClient
from immkit.immich.keyset import KeysetState, format_time, keyset_step, resume_below
from immkit.immich.models import Asset, AssetPage, SearchResult
from immkit.immich.wire import parse

SEARCH_PAGE_MAX = 1000  # 3.1: size must be 1..1000; 1001 gives 400


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
        base = (filters or MetadataSearch()).model_copy(update={"order": "desc"})
        size = _page_size(page_size)
        state = KeysetState(taken_before=_text(base.taken_before))
        while True:
            query = base.model_copy(update={"taken_before": state.taken_before})
            page = self.metadata(query, size=size)
            step = keyset_step(state, page.items, size, page.next_page is not None)
            for index in step.fresh:
                yield page.items[index]
            if step.stalled_at is not None:
                # a whole page at one instant: list that instant exactly, then go below it
                instant = base.model_copy(
                    update={"taken_after": step.stalled_at, "taken_before": step.stalled_at}
                )
                for window in self.pages(instant, size=size):
                    yield from (a for a in window.items if a.id not in step.seen_at_stall)
                state = KeysetState(taken_before=resume_below(step.stalled_at))
                continue
            if step.next is None:
                return
            state = step.next

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
