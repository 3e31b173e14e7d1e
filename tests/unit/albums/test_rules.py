"""AlbumRule: keys, defaults, normalisation, coherence, and the ConfigError sentences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from immkit.errors import ConfigError, InputError
from immkit.jobs.albums.rules import (
    AlbumRule,
    Faceless,
    Match,
    RemoveStale,
    Role,
    Share,
    load_rules,
    parse_duration,
    rule_from_flags,
)


def rule(**values: Any) -> AlbumRule:
    return AlbumRule.model_validate({"name": "Kids", **values})


def load_error(*tables: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_rules(list(tables), "cfg.toml")
    assert isinstance(caught.value, InputError)
    assert caught.value.exit_code == 2
    assert isinstance(caught.value.__cause__, ValidationError | None)
    return str(caught.value)


# -- defaults and normalisation ---------------------------------------------------------


def test_defaults_are_the_safe_ones() -> None:
    r = rule()
    assert r.match is Match.ANY
    assert r.faceless is Faceless.NO_PEOPLE
    assert r.settle == timedelta(hours=1)
    assert r.remove_stale is RemoveStale.ADDED
    assert r.visibility is None
    assert r.include_partners is False
    assert (r.people, r.exclude_people, r.filename, r.tags, r.share) == ([], [], [], [], [])
    assert r.scans_library is True
    assert r.needs_people is False


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1h", 3600),
        ("30m", 1800),
        ("2h30m", 9000),
        ("1d", 86400),
        ("45s", 45),
        ("0", 0),
        (" 1H 5s ", 3605),
        ("1d 2h 3m 4s", 93784),
        (90, 90),
        (0, 0),
    ],
)
def test_parse_duration(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "  ", "abc", "1x", "h", "-1h", "1h1d", "1.5h", -5])
def test_parse_duration_rejects(text: str | int) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_comma_separated_text_becomes_lists() -> None:
    r = rule(people="Alice, Bob ,,", filename="*.JPG,IMG_*", tags=" Places/Italy ")
    assert r.people == ["Alice", "Bob"]
    assert r.filename == ["*.JPG", "IMG_*"]
    assert r.tags == ["Places/Italy"]


def test_share_from_strings_and_tables() -> None:
    assert rule(share="ann@x.org, bob@x.org:EDITOR").share == [
        Share(user="ann@x.org", role=Role.VIEWER),
        Share(user="bob@x.org", role=Role.EDITOR),
    ]
    assert rule(share=[{"user": "bob@x.org", "role": " Editor "}, "cy@x.org:"]).share == [
        Share(user="bob@x.org", role=Role.EDITOR),
        Share(user="cy@x.org", role=Role.VIEWER),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, RemoveStale.ADDED),
        (False, RemoveStale.NEVER),
        ("yes", RemoveStale.ADDED),
        ("ON", RemoveStale.ADDED),
        ("off", RemoveStale.NEVER),
        ("0", RemoveStale.NEVER),
        (" Exact ", RemoveStale.EXACT),
        ("never", RemoveStale.NEVER),
        ("added", RemoveStale.ADDED),
    ],
)
def test_remove_stale_accepts_booleans_and_modes(value: object, expected: RemoveStale) -> None:
    assert rule(remove_stale=value).remove_stale is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        (date(2024, 5, 1), datetime(2024, 5, 1, tzinfo=UTC)),
        (datetime(2024, 5, 1, 10, 30), datetime(2024, 5, 1, 10, 30, tzinfo=UTC)),
        ("2024-05-01T10:30:00Z", datetime(2024, 5, 1, 10, 30, tzinfo=UTC)),
        (
            "2024-05-01T12:30:00+02:00",
            datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=2))),
        ),
    ],
)
def test_moments_are_timezone_aware(value: object, expected: datetime) -> None:
    taken = rule(taken_after=value).taken_after
    assert taken == expected
    assert taken is not None
    assert taken.utcoffset() == expected.utcoffset()


def test_enum_like_keys_are_case_insensitive() -> None:
    r = rule(match="ALL", people=["A"], type=" video ", visibility="Archive")
    assert (r.match, r.type, r.visibility) == (Match.ALL, "VIDEO", "archive")
    assert rule(match="None", faceless="No_Named").faceless is Faceless.NO_NAMED


def test_settle_accepts_durations_and_seconds() -> None:
    assert rule(settle="2h30m").settle == timedelta(hours=2, minutes=30)
    assert rule(settle=600).settle == timedelta(minutes=10)
    assert rule(settle="0").settle == timedelta(0)


def test_british_favourite() -> None:
    assert rule(favourite=True).favorite is True
    assert rule(favorite=False, favourite=True).favorite is False  # the US key wins


@pytest.mark.parametrize(
    ("values", "needs"),
    [
        ({"people": ["A"]}, False),
        ({"people": ["A"], "match": "all"}, False),
        ({"match": "none"}, True),
        ({"exclude_people": ["B"]}, True),
        ({"people": ["A"], "only_listed": True}, True),
    ],
)
def test_needs_people(values: dict[str, Any], needs: bool) -> None:
    assert rule(**values).needs_people is needs


# -- load_rules: errors name the source, the rule and the key ----------------------------


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"name": "Kids", "match": "some"},
            "cfg.toml: albums[2] (Kids).match: Input should be 'any', 'all' or 'none'.",
        ),
        (
            {"name": "Kids", "frob": 1},
            "cfg.toml: albums[2] (Kids).frob: is not a rule key (see the README's smart albums "
            "section).",
        ),
        ({"people": ["A"]}, "cfg.toml: albums[2].name: is required."),
        (
            {"name": "Kids", "settle": "soon"},
            "cfg.toml: albums[2] (Kids).settle: 'soon' is not a duration like 30m, 1h, 2h30m "
            "or 1d.",
        ),
        (
            {"name": "Kids", "share": ["bob@x.org:owner"]},
            "cfg.toml: albums[2] (Kids).share.role: Input should be 'viewer' or 'editor'.",
        ),
        (
            {"name": "Kids", "visibility": "locked"},
            "cfg.toml: albums[2] (Kids).visibility: Input should be 'timeline', 'archive' or "
            "'hidden'.",
        ),
    ],
)
def test_load_rules_names_rule_and_key(table: dict[str, Any], message: str) -> None:
    assert load_error({"name": "Pets"}, table) == message


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"match": "none", "people": ["Alice"]}, 'match = "none" selects photos with nobody'),
        ({"match": "none", "exclude_people": ["Bob"]}, "exclude_people and only_listed mean"),
        ({"match": "none", "only_listed": True}, "exclude_people and only_listed mean"),
        ({"only_listed": True}, "only_listed needs the people it lists"),
        (
            {"people": ["Alice"], "exclude_people": ["ALICE"]},
            "Alice is both in people and exclude_people",
        ),
        (
            {"taken_after": "2024-02-01", "taken_before": "2024-01-01"},
            "taken_after is later than taken_before",
        ),
    ],
)
def test_incoherent_rules_are_config_errors(values: dict[str, Any], problem: str) -> None:
    message = load_error({"name": "Kids", **values})
    assert message.startswith(f"cfg.toml: albums[1] (Kids): {problem}")


def test_duplicate_names_are_refused_case_insensitively() -> None:
    message = load_error({"name": "Kids"}, {"name": "KIDS"})
    assert "two rules fill the album 'KIDS'" in message
    assert message.startswith("cfg.toml: ")


def test_load_rules_keeps_order() -> None:
    rules = load_rules([{"name": "B"}, {"name": "A", "people": "Ann"}], "cfg.toml")
    assert [r.name for r in rules] == ["B", "A"]
    assert rules[1].people == ["Ann"]


def test_same_user_twice_in_share_is_a_config_error() -> None:
    message = load_error({"name": "Kids", "share": ["bob@x.org", "BOB@x.org:editor"]})
    assert "share" in message


# -- rule_from_flags ---------------------------------------------------------------------


def test_rule_from_flags_drops_flags_not_given() -> None:
    r = rule_from_flags(
        {"name": "Kids", "people": ["Alice"], "match": None, "tags": [], "filename": ()}
    )
    assert r == rule(people=["Alice"])


def test_rule_from_flags_keeps_false() -> None:
    assert rule_from_flags({"name": "Kids", "favorite": False}).favorite is False


def test_rule_from_flags_model_level_error() -> None:
    with pytest.raises(ConfigError) as caught:
        rule_from_flags({"name": "Kids", "only_listed": True})
    assert str(caught.value) == (
        "The album rule from the flags is invalid: only_listed needs the people it lists."
    )


def test_rule_from_flags_names_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        rule_from_flags({"name": "Kids", "match": "some"})
    assert str(caught.value) == (
        "The album rule from the flags is invalid: match: Input should be 'any', 'all' or 'none'."
    )
