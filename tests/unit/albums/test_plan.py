"""changes() and the plan of a rule: create, share, add and remove batches, notes."""

from __future__ import annotations

import hashlib

import pytest

from immkit.engine import Action, Effect
from immkit.engine.plan import action_id
from immkit.jobs.albums.plan import (
    JOB,
    AlbumKind,
    AlbumNow,
    RuleSnapshot,
    changes,
    plan_rule,
    plan_sync,
)
from immkit.jobs.albums.resolve import Named
from immkit.jobs.albums.rules import RemoveStale, Role

ANN = Named("u-ann", "ann@x.org")
BOB = Named("u-bob", "bob@x.org")


def snap(
    *,
    album_id: str | None = "al-1",
    assets: set[str] | None = None,
    matched: set[str] | None = None,
    added: set[str] | None = None,
    mode: RemoveStale = RemoveStale.ADDED,
    shares: tuple[tuple[Named, Role], ...] = (),
    members: dict[str, str] | None = None,
    description: str | None = None,
    rule: str = "Kids",
) -> RuleSnapshot:
    return RuleSnapshot(
        rule=rule,
        album=AlbumNow(
            name=rule,
            id=album_id,
            description=description,
            members=members or {},
            assets=frozenset(assets or ()),
        ),
        matched=frozenset(matched or ()),
        added_by_immkit=frozenset(added or ()),
        remove_stale=mode,
        shares=shares,
    )


# -- changes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "remove", "kept"),
    [
        (RemoveStale.NEVER, [], 2),
        (RemoveStale.ADDED, ["a-mine"], 1),
        (RemoveStale.EXACT, ["a-hand", "a-mine"], 0),
    ],
)
def test_changes_by_remove_stale(mode: RemoveStale, remove: list[str], kept: int) -> None:
    diff = changes(
        snap(
            assets={"a-mine", "a-hand", "a-keep"},
            matched={"a-keep", "a-new2", "a-new1"},
            added={"a-mine", "a-keep", "a-gone"},
            mode=mode,
        )
    )
    assert diff.add == ["a-new1", "a-new2"]
    assert diff.remove == remove
    assert diff.kept == kept


def test_up_to_date_album_plans_nothing() -> None:
    actions, notes = plan_rule(snap(assets={"a", "b"}, matched={"a", "b"}, added={"a"}))
    assert (actions, notes) == ([], [])


# -- plan_rule ------------------------------------------------------------------------------


def test_new_album_is_created_then_shared_then_filled() -> None:
    actions, notes = plan_rule(
        snap(
            album_id=None,
            matched={"a2", "a1"},
            shares=((BOB, Role.EDITOR),),
            description="Our kids",
        )
    )
    assert [a.kind for a in actions] == [AlbumKind.CREATE, AlbumKind.SHARE, AlbumKind.ADD]
    create, share, add = actions
    assert create.params == {"album": "Kids", "description": "Our kids"}
    assert create.requests == {"POST /albums": 1}
    assert share.params == {
        "album": "Kids",
        "user_id": "u-bob",
        "user": "bob@x.org",
        "role": "editor",
    }
    assert share.target_label == "Kids → bob@x.org (editor)"
    assert add.params == {"album": "Kids", "asset_ids": ["a1", "a2"]}
    assert {a.target for a in actions} == {"album:Kids"}
    assert [a.effect for a in actions] == [Effect.ADD, Effect.ADD, Effect.ADD]
    assert notes == []


def test_new_album_without_description_or_matches() -> None:
    actions, _ = plan_rule(snap(album_id=None))
    assert [(a.kind, a.params) for a in actions] == [(AlbumKind.CREATE, {"album": "Kids"})]


def test_existing_album_is_named_by_id() -> None:
    actions, _ = plan_rule(snap(matched={"a1"}, shares=((ANN, Role.VIEWER),)))
    assert [a.kind for a in actions] == [AlbumKind.SHARE, AlbumKind.ADD]
    assert all(a.params["album_id"] == "al-1" for a in actions)
    assert all("album" not in a.params for a in actions)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [("viewer", Role.VIEWER), ("editor", Role.EDITOR), ("owner", Role.VIEWER)],
)
def test_existing_members_are_not_shared_again(current: str, wanted: Role) -> None:
    actions, notes = plan_rule(snap(shares=((BOB, wanted),), members={"u-bob": current}))
    assert (actions, notes) == ([], [])


def test_role_mismatch_is_a_note_not_a_change() -> None:
    actions, notes = plan_rule(
        snap(shares=((BOB, Role.VIEWER), (ANN, Role.EDITOR)), members={"u-bob": "editor"})
    )
    assert [a.params["user_id"] for a in actions] == ["u-ann"]
    assert notes == [
        "Kids: already shared with bob@x.org as editor; immkit does not change roles it "
        "did not set (rule says viewer)."
    ]


def test_adds_and_removes_in_batches() -> None:
    actions, _ = plan_rule(
        snap(
            assets={"r1", "r2", "r3"},
            matched={"n5", "n3", "n1", "n4", "n2"},
            added={"r1", "r2", "r3"},
        ),
        batch=2,
    )
    assert [(a.kind, a.params["asset_ids"]) for a in actions] == [
        (AlbumKind.ADD, ["n1", "n2"]),
        (AlbumKind.ADD, ["n3", "n4"]),
        (AlbumKind.ADD, ["n5"]),
        (AlbumKind.REMOVE, ["r1", "r2"]),
        (AlbumKind.REMOVE, ["r3"]),
    ]
    assert [a.target_label for a in actions] == [
        "Kids: +2 photos (batch 1 of 3)",
        "Kids: +2 photos (batch 2 of 3)",
        "Kids: +1 photo (batch 3 of 3)",
        "Kids: −2 photos (batch 1 of 2)",
        "Kids: −1 photo (batch 2 of 2)",
    ]
    assert actions[0].reason == "2 photos fit the rule"
    assert actions[3].reason == "2 photos no longer fit the rule and were added by immkit"
    assert actions[0].requests == {"PUT /albums/{id}/assets": 1}
    assert actions[3].requests == {"DELETE /albums/{id}/assets": 1}
    assert [a.effect for a in actions] == [Effect.ADD] * 3 + [Effect.REMOVE] * 2
    assert len({a.id for a in actions}) == 5


def test_one_batch_has_no_batch_label() -> None:
    actions, _ = plan_rule(snap(assets={"x"}, matched=set(), mode=RemoveStale.EXACT))
    assert [(a.kind, a.target_label, a.reason) for a in actions] == [
        (AlbumKind.REMOVE, "Kids: −1 photo", "1 photo no longer fit the rule")
    ]


def test_default_batch_is_ten_thousand() -> None:
    matched = {f"a{n:05}" for n in range(10_001)}
    actions, _ = plan_rule(snap(matched=matched))
    assert [len(a.params["asset_ids"]) for a in actions] == [10_000, 1]  # type: ignore[arg-type]
    assert actions[0].target_label == "Kids: +10,000 photos (batch 1 of 2)"


@pytest.mark.parametrize(
    ("mode", "note"),
    [
        (
            RemoveStale.ADDED,
            "Kids: kept 2 photos not fitting the rule and not added by immkit "
            "(remove_stale = added; use exact to remove them too).",
        ),
        (
            RemoveStale.NEVER,
            "Kids: kept 3 photos no longer fitting the rule (remove_stale = never).",
        ),
        (RemoveStale.EXACT, None),
    ],
)
def test_notes_for_kept_photos(mode: RemoveStale, note: str | None) -> None:
    _, notes = plan_rule(
        snap(assets={"h1", "h2", "mine"}, matched=set(), added={"mine"}, mode=mode)
    )
    assert notes == ([note] if note else [])


def test_action_ids_are_deterministic() -> None:
    def make() -> list[Action]:
        return plan_rule(
            snap(album_id=None, matched={"a", "b"}, shares=((ANN, Role.VIEWER),)), batch=1
        )[0]

    first, second = make(), make()
    assert [a.id for a in first] == [a.id for a in second]
    assert all(a.id == action_id(a.kind, a.target, a.params) for a in first)
    assert len({a.id for a in first}) == len(first) == 4


# -- plan_sync ------------------------------------------------------------------------------


def test_plan_sync_concatenates_rules_in_order() -> None:
    kids = snap(matched={"k1"})
    pets = snap(rule="Pets", album_id="al-2", assets={"p1"}, added={"p1"})
    plan = plan_sync([kids, pets], profile="home")
    assert plan.job == JOB == "albums.sync"
    assert plan.profile == "home"
    assert [(a.kind, a.target) for a in plan.actions] == [
        (AlbumKind.ADD, "album:Kids"),
        (AlbumKind.REMOVE, "album:Pets"),
    ]
    assert plan.empty_message == "Albums are up to date (Kids, Pets): nothing to add or remove."
    expected = hashlib.sha256()
    expected.update(kids.fingerprint().encode())
    expected.update(pets.fingerprint().encode())
    assert plan.fingerprint == expected.hexdigest()


def test_plan_sync_collects_notes() -> None:
    plan = plan_sync([snap(assets={"h"}, matched=set())])
    assert plan.actions == ()
    assert len(plan.notes) == 1
    assert plan.notes[0].startswith("Kids: kept 1 photo ")
    assert "(remove_stale = added; use exact to remove them too)" in plan.notes[0]


def test_fingerprint_follows_album_and_matches() -> None:
    base = snap(assets={"a", "b"}, matched={"b", "c"})
    assert base.fingerprint() == snap(assets={"b", "a"}, matched={"c", "b"}).fingerprint()
    assert base.fingerprint() != snap(assets={"a"}, matched={"b", "c"}).fingerprint()
    assert base.fingerprint() != snap(assets={"a", "b"}, matched={"b"}).fingerprint()
    assert (
        base.fingerprint()
        != snap(album_id=None, assets={"a", "b"}, matched={"b", "c"}).fingerprint()
    )
    assert (
        base.fingerprint() != snap(rule="Pets", assets={"a", "b"}, matched={"b", "c"}).fingerprint()
    )
    # an asset moving from the album side to the match side is a change
    assert snap(assets={"a"}).fingerprint() != snap(matched={"a"}).fingerprint()
