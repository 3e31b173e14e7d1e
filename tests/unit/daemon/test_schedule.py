"""Schedules: cron and `every …` intervals, their next due time and their errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from immkit.daemon import parse_schedule
from immkit.daemon.schedule import CronSchedule, IntervalSchedule
from immkit.errors import ConfigError

T0 = datetime(2024, 5, 6, 10, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "every"),
    [
        ("every 30m", timedelta(minutes=30)),
        ("every 1h", timedelta(hours=1)),
        ("every 2h30m", timedelta(hours=2, minutes=30)),
        ("EVERY 2H 30M", timedelta(hours=2, minutes=30)),
        ("  every   1d ", timedelta(days=1)),
        ("every 90s", timedelta(seconds=90)),
        ("every 1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
    ],
)
def test_interval_is_read_case_and_space_insensitively(text: str, every: timedelta) -> None:
    assert parse_schedule(text) == IntervalSchedule(every)


def test_interval_is_due_one_interval_after_the_moment() -> None:
    assert parse_schedule("every 2h30m").next_after(T0) == T0 + timedelta(hours=2, minutes=30)


def test_interval_text_round_trips() -> None:
    for text in ("every 30m", "every 2h30m", "every 1d", "every 1d2h3m4s", "every 90s"):
        schedule = parse_schedule(text)
        assert parse_schedule(str(schedule)) == schedule
    assert str(parse_schedule("every 90m")) == "every 1h30m"


@pytest.mark.parametrize("text", ["every 45s", "every 0m", "every 59s"])
def test_interval_below_one_minute_is_refused(text: str) -> None:
    with pytest.raises(ConfigError, match=r"shorter than the minimum of one minute.*every 1m"):
        parse_schedule(text)


@pytest.mark.parametrize("text", ["every", "every 30", "every 30 minutes", "every 1m1h", "every x"])
def test_malformed_interval_names_the_text_and_shows_examples(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_schedule(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "every 2h30m" in message
    assert message.count(".") >= 1
    assert "\n" not in message


def test_cron_expression_is_due_at_its_next_match() -> None:
    schedule = parse_schedule("*/30 * * * *")
    assert schedule == CronSchedule("*/30 * * * *")
    assert schedule.next_after(T0) == datetime(2024, 5, 6, 10, 30, tzinfo=UTC)
    assert schedule.next_after(datetime(2024, 5, 6, 10, 30, tzinfo=UTC)) == datetime(
        2024, 5, 6, 11, 0, tzinfo=UTC
    )


def test_cron_aliases_are_accepted() -> None:
    assert parse_schedule("@hourly").next_after(T0) == datetime(2024, 5, 6, 11, 0, tzinfo=UTC)
    assert parse_schedule("@Daily").next_after(T0) == datetime(2024, 5, 7, 0, 0, tzinfo=UTC)
    assert str(parse_schedule("@Daily")) == "@daily"


def test_cron_is_evaluated_in_the_timezone_of_the_moment() -> None:
    daily = parse_schedule("0 3 * * *")
    plus_two = timezone(timedelta(hours=2))
    nxt = daily.next_after(datetime(2024, 5, 6, 12, 0, tzinfo=plus_two))
    assert nxt == datetime(2024, 5, 7, 3, 0, tzinfo=plus_two)
    assert nxt.utcoffset() == timedelta(hours=2)


def test_cron_follows_daylight_saving_with_a_zoneinfo() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    nxt = parse_schedule("0 3 * * *").next_after(datetime(2024, 3, 30, 12, 0, tzinfo=berlin))
    assert nxt.astimezone(UTC) == datetime(2024, 3, 31, 1, 0, tzinfo=UTC)  # 03:00 CEST


def test_cron_text_round_trips_with_spaces_normalised() -> None:
    schedule = parse_schedule("  0  3 * *   mon ")
    assert str(schedule) == "0 3 * * mon"
    assert parse_schedule(str(schedule)) == schedule


@pytest.mark.parametrize(
    "text", ["61 * * * *", "* * * *", "* * * * * *", "@reboot", "", "hourly", "0 3 * * * 2025"]
)
def test_invalid_cron_names_the_text_and_shows_examples(text: str) -> None:
    with pytest.raises(ConfigError, match=r"neither a 5-field cron expression nor an interval"):
        parse_schedule(text)


def test_naive_moment_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_schedule("every 1h").next_after(datetime(2024, 5, 6, 10, 0))
