"""Names → ids: people, users, tags; closest-name suggestions and ambiguity."""

from __future__ import annotations

import pytest

from immkit.errors import InputError, NotFoundError
from immkit.immich.models import Person, User
from immkit.jobs.albums.resolve import (
    Named,
    closest,
    resolve_people,
    resolve_tags,
    resolve_user,
)


def person(pid: str, name: str = "", *, hidden: bool = False) -> Person:
    return Person.model_validate({"id": pid, "name": name, "isHidden": hidden})


def user(uid: str, email: str) -> User:
    return User.model_validate({"id": uid, "email": email, "name": email.partition("@")[0]})


PEOPLE = [
    person("p-alice", "Alice Smith"),
    person("p-bob", "Bob"),
    person("p-hid", "Hidden Harry", hidden=True),
    person("p-anon"),
]
USERS = [user("u-ann", "ann@example.com"), user("u-bob", "bob@example.com")]
TAGS = [
    Named("t-italy", "Places/Italy"),
    Named("t-italy-top", "Italy"),
    Named("t-rome1", "Places/Rome"),
    Named("t-rome2", "Trips/Rome"),
    Named("t-beach", "Holidays/Summer/Beach"),
]


def not_found(error: pytest.ExceptionInfo[NotFoundError]) -> str:
    assert isinstance(error.value, InputError)
    assert error.value.exit_code == 2
    return str(error.value)


# -- people --------------------------------------------------------------------------------


def test_people_by_name_ignore_case_and_spaces() -> None:
    assert resolve_people(["  alice   SMITH ", "bob"], PEOPLE, rule="Kids") == [
        Named("p-alice", "Alice Smith"),
        Named("p-bob", "Bob"),
    ]


def test_people_by_id_hidden_included_unnamed_shown_by_id() -> None:
    assert resolve_people(["p-anon", "Hidden Harry"], PEOPLE, rule="Kids") == [
        Named("p-anon", "p-anon"),
        Named("p-hid", "Hidden Harry"),
    ]


def test_people_named_twice_resolve_once() -> None:
    assert resolve_people(["Bob", "p-bob", "BOB"], PEOPLE, rule="Kids") == [Named("p-bob", "Bob")]


def test_unknown_person_suggests_the_closest() -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_people(["Bob", "Alise Smith"], PEOPLE, rule="Kids")
    assert not_found(caught) == (
        "Album rule 'Kids': no person is named 'Alise Smith' in people "
        "(closest: Alice Smith); use the name as Immich shows it."
    )


def test_unknown_excluded_person_names_the_key() -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_people(["Zyx"], PEOPLE, rule="Kids", key="exclude_people")
    message = not_found(caught)
    assert "in exclude_people" in message
    assert "(no name is close)" in message


def test_two_people_with_one_name_are_ambiguous() -> None:
    people = [*PEOPLE, person("p-bob2", "bob")]
    with pytest.raises(NotFoundError) as caught:
        resolve_people(["Bob"], people, rule="Kids")
    message = not_found(caught)
    assert "2 people are named 'Bob' (ids p-bob, p-bob2)" in message
    assert "put the id in the rule" in message
    # the id still picks one of them
    assert resolve_people(["p-bob2"], people, rule="Kids") == [Named("p-bob2", "bob")]


# -- closest -------------------------------------------------------------------------------


def test_closest_puts_containing_names_first() -> None:
    assert closest("Ann", ["Zed", "Jan", "Anna Maria Schmidt"]) == ["Anna Maria Schmidt", "Jan"]


def test_closest_folds_case_and_skips_empty_names() -> None:
    assert closest("BOB", ["bob", "Bob", "", "Zed"]) == ["Bob"]
    assert closest("x", []) == []


def test_closest_respects_limit() -> None:
    names = [f"Alice {n}" for n in range(10)]
    assert len(closest("Alice", names)) == 5
    assert closest("Alice", names, limit=2) == ["Alice 0", "Alice 1"]


def test_closest_containing_name_beats_a_closer_spelling() -> None:
    assert closest("Ali", ["Allie", "Alice"]) == ["Alice", "Allie"]


# -- users ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["BOB@Example.com", " bob@example.com ", "u-bob"])
def test_user_by_email_or_id(text: str) -> None:
    assert resolve_user(text, USERS, rule="Kids") == Named("u-bob", "bob@example.com")


def test_unknown_user_suggests_emails() -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_user("bob@exmaple.com", USERS, rule="Kids")
    assert not_found(caught).startswith(
        "Album rule 'Kids': no user has the e-mail 'bob@exmaple.com' to share with "
        "(closest: bob@example.com"
    )


# -- tags ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tag_id"),
    [
        ("Places/Italy", "t-italy"),
        ("places/ITALY", "t-italy"),
        ("Italy", "t-italy-top"),  # the full path wins over a leaf
        ("beach", "t-beach"),  # a unique leaf
        ("Places/Rome", "t-rome1"),
    ],
)
def test_tag_by_path_or_unique_leaf(text: str, tag_id: str) -> None:
    assert [t.id for t in resolve_tags([text], TAGS, rule="Kids")] == [tag_id]


def test_ambiguous_leaf_asks_for_the_path() -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_tags(["Places/Italy", "Rome"], TAGS, rule="Kids")
    assert not_found(caught) == (
        "Album rule 'Kids': the tag 'Rome' could be Places/Rome, Trips/Rome; write its full path."
    )


def test_unknown_tag_suggests_the_closest() -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_tags(["Places/Itly"], TAGS, rule="Kids")
    message = not_found(caught)
    assert message.startswith("Album rule 'Kids': no tag is called 'Places/Itly' (closest: ")
    assert "Places/Italy" in message
