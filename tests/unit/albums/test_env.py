"""IMMKIT_ALBUM_<KEY> and IMMKIT_ALBUM_<N>_<KEY> → rule tables and rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from immkit.errors import ConfigError
from immkit.jobs.albums.env import rule_tables_from_environment, rules_from_environment
from immkit.jobs.albums.rules import Match, RemoveStale, Role, Share


def test_tables_in_number_order_keys_lower_cased() -> None:
    env = {
        "IMMKIT_ALBUM_10_NAME": "Ten",
        "IMMKIT_ALBUM_2_NAME": "Two",
        "IMMKIT_ALBUM_NAME": "One",
        "IMMKIT_ALBUM_PEOPLE": "Alice,Bob",
        "IMMKIT_ALBUM_2_EXCLUDE_PEOPLE": "Carl",
    }
    assert rule_tables_from_environment(env) == [
        {"name": "One", "people": "Alice,Bob"},
        {"name": "Two", "exclude_people": "Carl"},
        {"name": "Ten"},
    ]


@pytest.mark.parametrize(
    "name",
    [
        "IMMKIT_ALBUMS_DIR",
        "IMMKIT_ALBUM",
        "IMMKIT_ALBUM_2",
        "IMMKIT_ALBUM_name",
        "immkit_album_name",
        "IMMICH_ALBUM_NAME",
        "X_IMMKIT_ALBUM_NAME",
        "IMMKIT_PROFILE",
    ],
)
def test_other_variables_are_ignored(name: str) -> None:
    assert rule_tables_from_environment({name: "x"}) == []


def test_rules_from_environment_parses_every_kind_of_value() -> None:
    env = {
        "IMMKIT_ALBUM_NAME": "Kids",
        "IMMKIT_ALBUM_PEOPLE": "Alice, Bob",
        "IMMKIT_ALBUM_MATCH": "ALL",
        "IMMKIT_ALBUM_SETTLE": "30m",
        "IMMKIT_ALBUM_FAVOURITE": "true",
        "IMMKIT_ALBUM_REMOVE_STALE": "false",
        "IMMKIT_ALBUM_INCLUDE_PARTNERS": "yes",
        "IMMKIT_ALBUM_SHARE": "ann@x.org,bob@x.org:editor",
        "IMMKIT_ALBUM_SCHEDULE": "every 30m",
        "IMMKIT_ALBUM_2_NAME": "Nobody",
        "IMMKIT_ALBUM_2_MATCH": "none",
        "IMMKIT_ALBUM_2_FACELESS": "no_named",
        "IMMICH_URL": "http://immich:2283",
    }
    kids, nobody = rules_from_environment(env)
    assert kids.name == "Kids"
    assert kids.people == ["Alice", "Bob"]
    assert kids.match is Match.ALL
    assert kids.settle == timedelta(minutes=30)
    assert kids.favorite is True
    assert kids.remove_stale is RemoveStale.NEVER
    assert kids.include_partners is True
    assert kids.share == [
        Share(user="ann@x.org", role=Role.VIEWER),
        Share(user="bob@x.org", role=Role.EDITOR),
    ]
    assert kids.schedule == "every 30m"
    assert nobody.name == "Nobody"
    assert nobody.match is Match.NONE
    assert nobody.faceless.value == "no_named"


def test_no_variables_no_rules() -> None:
    assert rules_from_environment({"IMMICH_URL": "http://x"}) == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {
                "IMMKIT_ALBUM_NAME": "Pets",
                "IMMKIT_ALBUM_2_NAME": "Kids",
                "IMMKIT_ALBUM_2_MATCH": "x",
            },
            "the IMMKIT_ALBUM_* environment: albums[2] (Kids).match: "
            "Input should be 'any', 'all' or 'none'.",
        ),
        (
            {"IMMKIT_ALBUM_NAME": "Kids", "IMMKIT_ALBUM_NAMES": "x"},
            "the IMMKIT_ALBUM_* environment: albums[1] (Kids).names: is not a rule key "
            "(see the README's smart albums section).",
        ),
        (
            {"IMMKIT_ALBUM_PEOPLE": "Alice"},
            "the IMMKIT_ALBUM_* environment: albums[1].name: is required.",
        ),
    ],
)
def test_bad_variables_are_config_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        rules_from_environment(env)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_duplicate_names_across_numbers() -> None:
    with pytest.raises(ConfigError, match="two rules fill the album 'kids'"):
        rules_from_environment({"IMMKIT_ALBUM_NAME": "Kids", "IMMKIT_ALBUM_3_NAME": "kids"})


def test_the_same_key_with_and_without_number_one_is_an_error() -> None:
    with pytest.raises(ConfigError, match="IMMKIT_ALBUM_NAME and IMMKIT_ALBUM_1_NAME"):
        rule_tables_from_environment({"IMMKIT_ALBUM_NAME": "A", "IMMKIT_ALBUM_1_NAME": "B"})
