"""Keyset paging over `takenBefore`: flat cost per page where `page=n` is quadratic.

Immich 3.1 pages `POST /search/metadata` with LIMIT/OFFSET, so page 95 of a 100k library
costs 5x page 1 (IMMICH_PERFORMANCE.md). Asking again with `takenBefore` = the last
item's `fileCreatedAt` keeps every page cheap. Two wrinkles, both handled here as pure
logic so they are tested without a server:

- `takenBefore` is inclusive: items at the boundary time come back and are dropped by id;
- a full page that shares one `fileCreatedAt` cannot move the boundary; the caller then
  lists exactly that instant with `nextPage` paging and continues just below it.

Assumes Immich's millisecond timestamps (it writes JS dates), so "just below T" is T - 1 ms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Dated(Protocol):
    """What keyset paging needs of an item (`Asset` has both)."""

    @property
    def id(self) -> str: ...

    @property
    def file_created_at(self) -> str: ...


@dataclass(frozen=True)
class KeysetState:
    """Where the next page starts: `taken_before` (inclusive) and ids already yielded there."""

    taken_before: str | None = None
    seen_at_boundary: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class KeysetStep:
    """The outcome of one page.

    `fresh`: indexes of the page's items to yield. `next`: the state for the next page, or
    None when done or stalled. `stalled_at`: a timestamp whose items fill a whole page; list
    it exactly, skip `seen_at_stall`, then continue from `resume_below(stalled_at)`.
    """

    fresh: list[int]
    next: KeysetState | None
    stalled_at: str | None = None
    seen_at_stall: frozenset[str] = field(default_factory=frozenset)


def parse_time(value: str) -> datetime:
    """An Immich timestamp (`...000Z` or `+00:00`) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def format_time(value: datetime) -> str:
    """The form Immich itself sends: UTC, milliseconds, `Z`."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def resume_below(timestamp: str) -> str:
    """The inclusive `takenBefore` that excludes exactly `timestamp` and later (ms precision)."""
    return format_time(parse_time(timestamp) - timedelta(milliseconds=1))


def keyset_step(
    state: KeysetState, page: Sequence[Dated], page_size: int, has_more: bool
) -> KeysetStep:
    """Decide which items of `page` are new and where the next page starts.

    `page` must be ordered newest first, as fetched with `takenBefore=state.taken_before`.
    """
    fresh = [i for i, item in enumerate(page) if item.id not in state.seen_at_boundary]
    if not page or not has_more or len(page) < page_size:
        return KeysetStep(fresh, None)
    last = parse_time(page[-1].file_created_at)
    if parse_time(page[0].file_created_at) == last:
        seen = state.seen_at_boundary | {item.id for item in page}
        return KeysetStep(fresh, None, stalled_at=page[-1].file_created_at, seen_at_stall=seen)
    at_boundary = frozenset(item.id for item in page if parse_time(item.file_created_at) == last)
    return KeysetStep(fresh, KeysetState(page[-1].file_created_at, at_boundary))
