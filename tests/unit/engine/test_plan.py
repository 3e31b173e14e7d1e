from __future__ import annotations

import json
from pathlib import Path

import pytest

from immkit.engine import Action, Effect, Plan, effect_of
from immkit.errors import BadFileError
from tests.unit.engine.store import add, remove, store_plan


def test_plan_survives_json_round_trip() -> None:
    plan = store_plan(add("a", "1"), remove("b"))
    again = Plan.model_validate(json.loads(json.dumps(plan.model_dump(mode="json"))))
    assert again == plan
    assert again.digest() == plan.digest()


def test_same_input_gives_equal_plans_and_digests() -> None:
    assert store_plan(add("a", "1"), remove("b")) == store_plan(add("a", "1"), remove("b"))
    assert store_plan(add("a", "1")).digest() == store_plan(add("a", "1")).digest()
    assert store_plan(add("a", "1")).digest() != store_plan(add("a", "2")).digest()


def test_action_id_depends_only_on_kind_target_and_params() -> None:
    base = add("a", "1")
    relabelled = base.model_copy(update={"target_label": "other", "reason": "x"})
    assert Action.model_validate(relabelled.model_dump()).id == base.id
    assert add("a", "2").id != base.id
    assert remove("a").id != base.id


def test_action_id_is_stable_across_releases() -> None:
    # a change here breaks resume of plans saved by older immkit versions
    action = Action(kind="album.add_assets", target="album-1", params={"assetIds": ["x", "y"]})
    assert (
        action.id
        == Action(kind="album.add_assets", target="album-1", params={"assetIds": ["x", "y"]}).id
    )
    assert action.id == _expected_id()


def _expected_id() -> str:
    import hashlib

    canonical = json.dumps(
        ["album.add_assets", "album-1", {"assetIds": ["x", "y"]}],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def test_actions_sort_by_kind_then_target_then_id() -> None:
    actions = [remove("a"), add("b", "1"), add("a", "1")]
    assert [(a.kind, a.target) for a in sorted(actions)] == [
        ("store.add", "a"),
        ("store.add", "b"),
        ("store.remove", "a"),
    ]


def test_effect_follows_the_kind_verb_unless_the_job_sets_it() -> None:
    assert effect_of("album.add_assets") is Effect.ADD
    assert effect_of("person.delete") is Effect.REMOVE
    assert effect_of("asset.set_owner") is Effect.CHANGE
    assert Action(kind="asset.move", target="x", effect=Effect.REMOVE).effect is Effect.REMOVE


def test_plan_rejects_the_same_action_twice() -> None:
    with pytest.raises(ValueError, match="twice"):
        store_plan(add("a", "1"), add("a", "1"))


def test_summary_and_request_totals_count_every_action() -> None:
    plan = store_plan(add("a", "1"), add("b", "1"), remove("c"))
    assert plan.request_totals() == {"PUT /store/{key}": 2, "DELETE /store/{key}": 1}
    assert plan.summary == {
        "actions": 3,
        "add": 2,
        "remove": 1,
        "change": 0,
        "destructive": 1,
        "requests": 3,
    }


def test_saved_plan_loads_back_equal(tmp_path: Path) -> None:
    plan = store_plan(add("a", "1"), remove("b"))
    path = tmp_path / "plan.json"
    plan.save(path)
    assert Plan.load(path) == plan
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_loading_a_missing_plan_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(BadFileError, match=r"missing\.json"):
        Plan.load(tmp_path / "missing.json")


def test_loading_a_hand_edited_plan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    store_plan(add("a", "1")).save(path)
    path.write_text(path.read_text().replace('"value": "1"', '"value": "2"'))
    with pytest.raises(BadFileError, match=r"plan\.json is not a valid immkit plan"):
        Plan.load(path)


def test_loading_garbage_is_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{not json")
    with pytest.raises(BadFileError, match=r"plan\.json"):
        Plan.load(path)
