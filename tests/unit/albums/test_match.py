"""Matcher.fits: the client-side half of a rule, and how collect.resolve builds it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from immkit.immich.models import Person, User
from immkit.immich.refs import AssetRef, PersonRef
from immkit.jobs.albums.collect import Shared, resolve
from immkit.jobs.albums.match import DEFAULT_VISIBILITIES, Matcher
from immkit.jobs.albums.resolve import Named
from immkit.jobs.albums.rules import AlbumRule, Faceless

ALICE = PersonRef("p-alice", "Alice", False)
BOB = PersonRef("p-bob", "Bob", False)
UNNAMED = PersonRef("p-anon", "", False)
HIDDEN = PersonRef("p-hid", "Harry", True)
CUTOFF = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def asset(
    *people: PersonRef,
    name: str = "IMG_0001.JPG",
    owner: str = "u-me",
    visibility: str = "timeline",
    trashed: bool = False,
    created: str = "2024-06-01T10:00:00.000Z",
) -> AssetRef:
    return AssetRef(
        id="a1",
        owner_id=owner,
        original_file_name=name,
        file_created_at="2020-01-01T00:00:00.000Z",
        created_at=created,
        updated_at=created,
        is_trashed=trashed,
        visibility=visibility,
        people=people,
    )


# -- visibility, trash, owner ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "fits"),
    [("timeline", True), ("archive", True), ("hidden", False), ("locked", False)],
)
def test_default_visibilities_leave_out_hidden(visibility: str, fits: bool) -> None:
    assert {"timeline", "archive"} == DEFAULT_VISIBILITIES
    assert Matcher().fits(asset(visibility=visibility)) is fits


def test_explicit_visibility_is_the_only_one() -> None:
    only_hidden = Matcher(visibilities=frozenset({"hidden"}))
    assert only_hidden.fits(asset(visibility="hidden"))
    assert not only_hidden.fits(asset(visibility="timeline"))


def test_trashed_never_fits() -> None:
    assert not Matcher().fits(asset(trashed=True))
    assert not Matcher(faceless=Faceless.NO_PEOPLE).fits(asset(trashed=True))


@pytest.mark.parametrize(
    ("owner", "asset_owner", "fits"),
    [("u-me", "u-me", True), ("u-me", "u-partner", False), (None, "u-partner", True)],
)
def test_owner(owner: str | None, asset_owner: str, fits: bool) -> None:
    assert Matcher(owner=owner).fits(asset(owner=asset_owner)) is fits


# -- file names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "globs", "fits"),
    [
        ("IMG_0001.JPG", ("*.jpg",), True),
        ("img_0001.jpg", ("*.jpg",), True),
        ("clip.MOV", ("*.jpg",), False),
        ("photo.jpeg", ("*.jpg",), False),
        ("Screenshot 2024.PNG", ("*.heic", "screenshot*"), True),
        ("IMG_7.JPG", ("img_?.jpg",), True),
        ("IMG_77.JPG", ("img_?.jpg",), False),
        ("PXL_1.jpg", ("[ip]*",), True),
    ],
)
def test_globs_match_the_file_name_case_insensitively(
    name: str, globs: tuple[str, ...], fits: bool
) -> None:
    assert Matcher(globs=globs).fits(asset(name=name)) is fits


# -- people ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "fits"),
    [((ALICE,), True), ((ALICE, BOB), False), ((BOB,), False), ((), True)],
)
def test_exclude(people: tuple[PersonRef, ...], fits: bool) -> None:
    assert Matcher(exclude=frozenset({"p-bob"})).fits(asset(*people)) is fits


def test_exclude_applies_to_hidden_people_too() -> None:
    assert not Matcher(exclude=frozenset({"p-hid"})).fits(asset(ALICE, HIDDEN))


@pytest.mark.parametrize(
    ("people", "fits"),
    [
        ((ALICE,), True),
        ((ALICE, BOB), False),
        ((ALICE, UNNAMED), True),  # unnamed clusters don't count
        ((ALICE, HIDDEN), True),  # hidden people don't count
        ((ALICE, BOB, UNNAMED), False),
    ],
)
def test_only_listed(people: tuple[PersonRef, ...], fits: bool) -> None:
    assert Matcher(only=frozenset({"p-alice"})).fits(asset(*people)) is fits


# -- nobody in it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "no_named", "no_people", "no_faces"),
    [
        ((), True, True, True),
        ((UNNAMED,), True, False, False),
        ((HIDDEN,), True, False, False),
        ((UNNAMED, HIDDEN), True, False, False),
        ((ALICE,), False, False, False),
        ((ALICE, UNNAMED), False, False, False),
    ],
)
def test_faceless_modes(
    people: tuple[PersonRef, ...], no_named: bool, no_people: bool, no_faces: bool
) -> None:
    verdicts = [
        Matcher(faceless=mode).fits(asset(*people))
        for mode in (Faceless.NO_NAMED, Faceless.NO_PEOPLE, Faceless.NO_FACES)
    ]
    assert verdicts == [no_named, no_people, no_faces]


@pytest.mark.parametrize(
    ("created", "fits"),
    [
        ("2024-06-01T11:59:59.999Z", True),
        ("2024-06-01T12:00:00.000Z", True),
        ("2024-06-01T12:00:00.001Z", False),
        ("2024-06-01T13:30:00+02:00", True),  # 11:30 UTC
        ("2024-06-02T00:00:00Z", False),
    ],
)
def test_faceless_waits_until_settled(created: str, fits: bool) -> None:
    matcher = Matcher(faceless=Faceless.NO_PEOPLE, settled_before=CUTOFF)
    assert matcher.fits(asset(created=created)) is fits


def test_settled_before_is_only_for_faceless() -> None:
    assert Matcher(settled_before=CUTOFF).fits(asset(ALICE, created="2030-01-01T00:00:00Z"))


# -- collect.resolve builds the matcher from a rule -----------------------------------------


class FakeShared(Shared):
    """What `resolve` reads, without a server."""

    def __init__(self) -> None:
        self.__dict__.update(
            me=User.model_validate({"id": "u-me", "email": "me@x.org", "name": "Me"}),
            people=[
                Person.model_validate({"id": "p-alice", "name": "Alice"}),
                Person.model_validate({"id": "p-bob", "name": "Bob"}),
            ],
            users=[],
            tags=[Named("t-1", "Places/Italy")],
        )


NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def matcher_of(**values: Any) -> Matcher:
    rule = AlbumRule.model_validate({"name": "Kids", **values})
    return resolve(rule, FakeShared(), now=NOW).matcher


def test_resolve_builds_a_people_matcher() -> None:
    m = matcher_of(people=["alice"], only_listed=True, exclude_people="Bob", filename=["IMG_*.JPG"])
    assert m == Matcher(
        owner="u-me",
        globs=("img_*.jpg",),
        exclude=frozenset({"p-bob"}),
        only=frozenset({"p-alice"}),
    )
    assert m.fits(asset(ALICE, name="img_0001.jpg"))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"match": "none"},
            Matcher(
                owner="u-me", faceless=Faceless.NO_PEOPLE, settled_before=NOW - timedelta(hours=1)
            ),
        ),
        (
            {"match": "none", "settle": "0", "faceless": "no_named"},
            Matcher(owner="u-me", faceless=Faceless.NO_NAMED),
        ),
        (
            {"include_partners": True, "visibility": "hidden"},
            Matcher(visibilities=frozenset({"hidden"})),
        ),
        ({"settle": "2h"}, Matcher(owner="u-me")),
    ],
)
def test_resolve_builds_faceless_and_visibility(values: dict[str, Any], expected: Matcher) -> None:
    assert matcher_of(**values) == expected
