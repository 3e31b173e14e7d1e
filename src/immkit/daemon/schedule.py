"""When a rule runs: a 5-field cron expression or a fixed interval such as `every 2h30m`.

Cron expressions are evaluated in the timezone of the moment they are asked about: the
daemon asks with the system's local time, so `0 3 * * *` means 03:00 where the machine
(or the container, through `TZ`) says it is. Intervals are plain elapsed time.

The shortest schedule is one minute: cron cannot say less, and each run reads the whole
library from the server, so running more often would only load it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import croniter

from immkit.errors import ConfigError
from immkit.jobs.albums.rules import parse_duration

__all__ = ["MIN_INTERVAL", "CronSchedule", "IntervalSchedule", "Schedule", "parse_schedule"]

MIN_INTERVAL = timedelta(minutes=1)
"""The shortest interval `every …` accepts."""

EXAMPLES = '"*/30 * * * *", "@daily", "every 1h" or "every 2h30m"'

_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


class Schedule(ABC):
    """A rule's schedule; `str()` gives the text `parse_schedule` reads back."""

    @abstractmethod
    def next_after(self, moment: datetime) -> datetime:
        """The first time strictly after `moment` (aware) when the rule is due.

        The result is in `moment`'s timezone.
        """

    @abstractmethod
    def __str__(self) -> str: ...


@dataclass(frozen=True)
class CronSchedule(Schedule):
    """A 5-field cron expression (or an alias such as `@hourly`), as croniter reads it."""

    expression: str

    def next_after(self, moment: datetime) -> datetime:
        _require_aware(moment)
        nxt: datetime = croniter(self.expression, moment).get_next(datetime)
        return nxt

    def __str__(self) -> str:
        return self.expression


@dataclass(frozen=True)
class IntervalSchedule(Schedule):
    """A fixed interval: due again `every` after the previous due time."""

    every: timedelta

    def next_after(self, moment: datetime) -> datetime:
        _require_aware(moment)
        return moment + self.every

    def __str__(self) -> str:
        rest = int(self.every.total_seconds())
        parts = []
        for unit, seconds in _UNITS:
            count, rest = divmod(rest, seconds)
            if count:
                parts.append(f"{count}{unit}")
        return "every " + "".join(parts)


def parse_schedule(text: str) -> Schedule:
    """Read a schedule as written in the config file.

    Raises:
        ConfigError: the text is neither a 5-field cron expression nor `every <interval>`,
            or the interval is shorter than a minute.
    """
    cleaned = " ".join(text.split())
    if cleaned.lower().startswith("every"):
        return _interval(text, cleaned)
    if cleaned.startswith("@") or len(cleaned.split(" ")) == 5:
        expression = cleaned.lower() if cleaned.startswith("@") else cleaned
        if croniter.is_valid(expression):
            return CronSchedule(expression)
    raise ConfigError(
        f"Schedule {text!r} is neither a 5-field cron expression nor an interval; "
        f"write something like {EXAMPLES}."
    )


def _interval(text: str, cleaned: str) -> IntervalSchedule:
    amount = cleaned[len("every") :].strip()
    try:
        if amount.isdigit():
            raise ValueError("an interval needs its unit")
        every = parse_duration(amount)
    except ValueError as exc:
        raise ConfigError(
            f"Schedule {text!r} is not an interval this tool reads; use days, hours, minutes "
            'and seconds in that order, like "every 1d", "every 2h30m" or "every 90s".'
        ) from exc
    if every < MIN_INTERVAL:
        raise ConfigError(
            f"Schedule {text!r} is shorter than the minimum of one minute; "
            'use "every 1m" or longer.'
        )
    return IntervalSchedule(every)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"schedules need an aware datetime, got naive {moment.isoformat()}")
