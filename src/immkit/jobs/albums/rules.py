"""What a smart-album rule says, as the user writes it (config table, env vars or flags).

Names stay names here; `resolve.py` turns them into ids against a server. Everything is
validated up front so a typo is an exit-2 sentence before any request is sent.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from immkit.errors import ConfigError


class Match(StrEnum):
    ANY = "any"  # at least one of the people
    ALL = "all"  # every one of the people together
    NONE = "none"  # nobody: the faceless album


class Faceless(StrEnum):
    """What `match = "none"` counts as "nobody in the photo"."""

    NO_NAMED = "no_named"  # no named person; unnamed clusters and hidden people don't count
    NO_PEOPLE = "no_people"  # no person at all, named or not, hidden or not (the default)
    NO_FACES = "no_faces"  # not even a detected face left unassigned to a person


class RemoveStale(StrEnum):
    NEVER = "never"  # only ever add
    ADDED = "added"  # remove what immkit added and no longer matches (the default)
    EXACT = "exact"  # the album is exactly the rule: remove anything that doesn't match


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"


_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")


def parse_duration(text: str | int) -> timedelta:
    """`"1h"`, `"30m"`, `"2h30m"`, `"1d"`, `"0"` (or seconds as an integer).

    Raises:
        ValueError: anything else.
    """
    if isinstance(text, bool):
        raise ValueError("a duration is text like 30m or 1h, not true/false")
    if isinstance(text, int):
        if text < 0:
            raise ValueError("a duration cannot be negative")
        return timedelta(seconds=text)
    cleaned = text.strip().lower()
    if cleaned.isdigit():
        return timedelta(seconds=int(cleaned))
    found = _DURATION.match(cleaned)
    if not cleaned or found is None or not any(found.groups()):
        raise ValueError(f"{text!r} is not a duration like 30m, 1h, 2h30m or 1d")
    days, hours, minutes, seconds = (int(g or 0) for g in found.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _as_list(value: Any) -> Any:
    """`"a, b"` (env vars, one flag) becomes `["a", "b"]`; lists pass through."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _stale(value: Any) -> Any:
    """`remove_stale = true/false` (DESIGN.md's form) are the safe default and "never"."""
    if value is True or _lower(value) in ("true", "yes", "on", "1"):
        return RemoveStale.ADDED
    if value is False or _lower(value) in ("false", "no", "off", "0"):
        return RemoveStale.NEVER
    return _lower(value)


def _moment(value: Any) -> Any:
    """TOML dates and date-times, or ISO text; a bare date is midnight UTC."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text  # pydantic names the bad value
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    return value


Names = Annotated[list[str], BeforeValidator(_as_list)]
Moment = Annotated[datetime | None, BeforeValidator(_moment)]


class Share(BaseModel):
    """A user the album is shared with, by e-mail (or user id)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user: str = Field(min_length=1)
    role: Annotated[Role, BeforeValidator(_lower)] = Role.VIEWER


def _shares(value: Any) -> Any:
    """`share = ["bob@example.com", "ann@example.com:editor"]` or a list of tables."""
    items = _as_list(value)
    if not isinstance(items, list):
        return items
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            user, _, role = item.partition(":")
            out.append({"user": user.strip(), "role": role.strip() or "viewer"})
        else:
            out.append(item)
    return out


class AlbumRule(BaseModel):
    """One smart album. See the README's "Smart albums" section for every key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str | None = None
    share: Annotated[list[Share], BeforeValidator(_shares)] = []
    people: Names = []
    match: Annotated[Match, BeforeValidator(_lower)] = Match.ANY
    exclude_people: Names = []
    only_listed: bool = False
    faceless: Annotated[Faceless, BeforeValidator(_lower)] = Faceless.NO_PEOPLE
    settle: timedelta = timedelta(hours=1)
    filename: Names = []
    type: Annotated[
        Literal["IMAGE", "VIDEO", "AUDIO", "OTHER"] | None,
        BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
    ] = None
    favorite: bool | None = Field(default=None, alias="favorite")
    taken_after: Moment = None
    taken_before: Moment = None
    visibility: Annotated[
        Literal["timeline", "archive", "hidden"] | None, BeforeValidator(_lower)
    ] = None
    city: str | None = None
    country: str | None = None
    make: str | None = None
    model: str | None = None
    tags: Names = []
    include_partners: bool = False
    remove_stale: Annotated[RemoveStale, BeforeValidator(_stale)] = RemoveStale.ADDED
    schedule: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _british(cls, data: Any) -> Any:
        if isinstance(data, dict) and "favourite" in data:
            data = dict(data)
            data.setdefault("favorite", data.pop("favourite"))
        return data

    @field_validator("settle", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str | int) else value

    @model_validator(mode="after")
    def _coherent(self) -> AlbumRule:
        if self.match is Match.NONE and self.people:
            raise ValueError(
                'match = "none" selects photos with nobody in them, so it takes no people; '
                "to leave people out, list them under exclude_people"
            )
        if self.match is Match.NONE and (self.exclude_people or self.only_listed):
            raise ValueError('exclude_people and only_listed mean nothing with match = "none"')
        if self.only_listed and not self.people:
            raise ValueError("only_listed needs the people it lists")
        excluded = {p.casefold() for p in self.exclude_people}
        both = [p for p in self.people if p.casefold() in excluded]
        if both:
            raise ValueError(f"{both[0]} is both in people and exclude_people")
        users = [s.user.casefold() for s in self.share]
        twice = {u for u in users if users.count(u) > 1}
        if twice:
            raise ValueError(f"share lists {sorted(twice)[0]} twice; give each user one role")
        if self.taken_after and self.taken_before and self.taken_after > self.taken_before:
            raise ValueError("taken_after is later than taken_before")
        return self

    @property
    def scans_library(self) -> bool:
        """True when no person narrows the search: the rule reads the whole library."""
        return not self.people

    @property
    def needs_people(self) -> bool:
        """True when matching looks at every person on an asset (`withPeople`)."""
        return self.match is Match.NONE or bool(self.exclude_people) or self.only_listed


def load_rules(tables: list[dict[str, Any]], source: str) -> list[AlbumRule]:
    """Validate `[[albums]]` tables; names must be unique.

    Raises:
        ConfigError: naming `source`, the rule and the key, e.g. `albums[2] (Kids).match`.
    """
    rules: list[AlbumRule] = []
    for index, table in enumerate(tables, start=1):
        try:
            rules.append(AlbumRule.model_validate(table))
        except ValidationError as exc:
            label = table.get("name") if isinstance(table, dict) else None
            where = f"albums[{index}]" + (f" ({label})" if label else "")
            raise ConfigError(f"{source}: {where}{_problem(exc)}.") from exc
    seen: dict[str, str] = {}
    for rule in rules:
        key = rule.name.casefold()
        if key in seen:
            raise ConfigError(
                f"{source}: two rules fill the album {rule.name!r}; they would undo each "
                "other, so merge them into one rule."
            )
        seen[key] = rule.name
    return rules


def rule_from_flags(values: dict[str, Any]) -> AlbumRule:
    """One ad-hoc rule from `immkit albums sync` flags (None = not given).

    Raises:
        InputError (ConfigError): the flags do not make a valid rule.
    """
    given = {key: value for key, value in values.items() if value not in (None, [], ())}
    try:
        return AlbumRule.model_validate(given)
    except ValidationError as exc:
        problem = _problem(exc).removeprefix(": ").removeprefix(".")
        raise ConfigError(f"The album rule from the flags is invalid: {problem}.") from exc


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"] if not isinstance(part, int))
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "is not a rule key (see the README's smart albums section)"
    elif first["type"] == "missing":
        message = "is required"
    return f".{key}: {message}" if key else f": {message}"
