"""Dates, time zones and places of assets, as Immich 3.1's metadata job settles them.

The real server writes edits to a sidecar and re-extracts; the simulator applies the end
result at once: `dateTimeOriginal` with an offset gives `timeZone: "UTC+2"`, a named zone
is stored as its offset at that moment, and coordinates are reverse-geocoded against the
same three places the recordings' server knew (Paris, Berlin, New York City).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Place:
    city: str
    state: str
    country: str
    time_zone: str
    latitude: float
    longitude: float


PLACES = (
    Place("Paris", "Île-de-France", "France", "Europe/Paris", 48.8566, 2.3522),
    Place("Berlin", "Berlin", "Germany", "Europe/Berlin", 52.52, 13.405),
    Place("New York City", "New York", "United States of America", "America/New_York",
          40.7128, -74.006),
)  # fmt: skip

_MAX_KM = 100.0
_UTC_LABEL = re.compile(r"^UTC([+-])(\d{1,2})(?::(\d{2}))?$")


def reverse_geocode(latitude: float, longitude: float) -> Place | None:
    """The nearest known place within 100 km, else None (city/state/country stay null)."""
    best: tuple[float, Place] | None = None
    for place in PLACES:
        km = _haversine(latitude, longitude, place.latitude, place.longitude)
        if km <= _MAX_KM and (best is None or km < best[0]):
            best = (km, place)
    return best[1] if best else None


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def utc_label(offset: timedelta) -> str:
    """Immich's zone label for a bare offset: `UTC+2`, `UTC-5:30`, `UTC+0`."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_offset(label: str | None, moment: datetime) -> timedelta:
    """The offset a stored `timeZone` means at `moment` (unknown or null: UTC)."""
    if not label:
        return timedelta(0)
    match = _UTC_LABEL.match(label)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    try:
        offset = moment.astimezone(ZoneInfo(label)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return timedelta(0)
    return offset or timedelta(0)


def parse_original(text: str) -> tuple[datetime, str] | None:
    """`dateTimeOriginal` as given: (instant, zone label); no offset means UTC (`UTC+0`)."""
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    offset = parsed.utcoffset()
    if offset is None:
        return parsed.replace(tzinfo=UTC), "UTC+0"
    return parsed.astimezone(UTC), utc_label(offset)


def local_date_time(moment: datetime, label: str | None) -> datetime:
    """Immich keeps the wall-clock time as if it were UTC (`localDateTime`)."""
    return (moment + zone_offset(label, moment)).astimezone(UTC)
