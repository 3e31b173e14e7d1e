"""Keyset paging decisions: de-duplication at the inclusive boundary and stalls."""

from __future__ import annotations

from dataclasses import dataclass

from immkit.immich.keyset import KeysetState, format_time, keyset_step, parse_time, resume_below


@dataclass(frozen=True)
class Item:
    id: str
    file_created_at: str


def t(second: int) -> str:
    return f"2024-01-01T00:00:{second:02d}.000Z"


def test_short_page_is_the_end() -> None:
    step = keyset_step(KeysetState(), [Item("a", t(5)), Item("b", t(4))], 3, has_more=False)
    assert step.fresh == [0, 1]
    assert step.next is None
    assert step.stalled_at is None


def test_full_page_continues_from_the_last_time_remembering_boundary_ids() -> None:
    page = [Item("a", t(9)), Item("b", t(8)), Item("c", t(7)), Item("d", t(7))]
    step = keyset_step(KeysetState(), page, 4, has_more=True)
    assert step.fresh == [0, 1, 2, 3]
    assert step.next == KeysetState(t(7), frozenset({"c", "d"}))


def test_boundary_items_seen_before_are_dropped() -> None:
    state = KeysetState(t(7), frozenset({"c", "d"}))
    page = [Item("d", t(7)), Item("c", t(7)), Item("e", t(7)), Item("f", t(6))]
    step = keyset_step(state, page, 4, has_more=True)
    assert step.fresh == [2, 3]
    assert step.next == KeysetState(t(6), frozenset({"f"}))


def test_boundary_compares_instants_not_spellings() -> None:
    page = [Item("a", t(9)), Item("b", "2024-01-01T00:00:08+00:00"), Item("c", t(8))]
    step = keyset_step(KeysetState(), page, 3, has_more=True)
    assert step.next is not None
    assert step.next.seen_at_boundary == frozenset({"b", "c"})


def test_a_full_page_at_one_instant_stalls_instead_of_looping() -> None:
    state = KeysetState(t(5), frozenset({"x"}))
    page = [Item("x", t(5)), Item("y", t(5)), Item("z", t(5))]
    step = keyset_step(state, page, 3, has_more=True)
    assert step.fresh == [1, 2]
    assert step.next is None
    assert step.stalled_at == t(5)
    assert step.seen_at_stall == frozenset({"x", "y", "z"})


def test_resume_below_is_one_millisecond_earlier_in_immich_form() -> None:
    assert resume_below("2024-01-01T00:00:00.000Z") == "2023-12-31T23:59:59.999Z"
    assert resume_below("2023-05-10T08:00:00+00:00") == "2023-05-10T07:59:59.999Z"


def test_format_time_round_trips_immich_timestamps() -> None:
    stamp = "2020-08-13T13:00:00.123Z"
    assert format_time(parse_time(stamp)) == stamp
