"""Undo and resume of a people migration."""

from __future__ import annotations

import pytest

from immkit.engine import Action, Journal, Outcome
from immkit.errors import ApiError
from immkit.immich import FaceId, Immich, Person, PersonId
from immkit.jobs.people.apply import PeopleExecutor
from immkit.jobs.people.collect import read_source
from immkit.jobs.people.plan import Options, PeopleKind
from immkit.jobs.people.run import import_people
from tests.integration.people.conftest import Face, Photo, World
from tests.integration.people.test_migrate import A1, A2, _library


def test_undo_puts_every_face_back(world: World) -> None:
    source, target = _library()
    source.append(Photo("IMG_5.jpg", 5, (Face("Carol", A1),)))
    target.append(Photo("IMG_5.jpg", 5))
    world.src.seed(source)
    world.dst.seed(target)
    world.dst.seed([Photo("mine.jpg", 9, (Face("Bob", A2),))])  # Bob exists: reused
    before = world.dst.state()
    document = world.migrate_json("--create-missing-faces")
    assert world.dst.faces("IMG_5.jpg") == [("Carol", "manual")]
    assert world.dst.names("IMG_1.jpg") == ["Alice", "Bob"]
    undo = world.run("runs", "undo", document["result"]["run_id"], "--yes")
    assert undo.exit_code == 0, undo.output
    assert world.dst.state() == before
    assert world.dst.people_named("Alice") == []
    assert world.dst.faces("IMG_5.jpg") == []


class Crash(RuntimeError):
    """What a power cut looks like to the apply loop."""


class CrashingExecutor(PeopleExecutor):
    def __init__(self, immich: Immich, after: int) -> None:
        super().__init__(immich)
        self.left = after

    def apply(self, action: Action) -> Outcome:
        if self.left == 0:
            raise Crash(action.kind)
        self.left -= 1
        return super().apply(action)


def test_a_rerun_after_a_crash_completes_without_doubles(one_server: World) -> None:
    world = one_server
    photos = [Photo(f"IMG_{n}.jpg", n, (Face("Alice", A1), Face("Bob", A2))) for n in range(4)]
    world.src.seed(photos)
    world.dst.seed([Photo(p.name, p.minute, (Face(None, A1),)) for p in photos])
    with (
        Immich.connect(world.src.server.url, world.src.key) as src,
        Immich.connect(world.dst.server.url, world.dst.key) as dst,
        Journal(world.tmp / "state" / "journal.sqlite3") as journal,
    ):
        source = read_source(src)
        options = Options(create_missing=True)
        # crash after creating Alice, before Bob (persons come first, then faces)
        with pytest.raises(Crash):
            import_people(
                dst,
                source,
                options,
                journal=journal,
                profile="dst",
                dry_run=False,
                executor=CrashingExecutor(dst, after=1),
            )
        [crashed] = journal.runs()
        assert crashed.status.value == "failed"
    assert len(world.dst.people_named("Alice")) == 1
    document = world.migrate_json("--create-missing-faces")
    kinds = [a["kind"] for a in document["plan"]["actions"]]
    assert PeopleKind.CREATE_PERSON.value in kinds  # Bob, not Alice again
    assert document["report"]["people_create"] == ["Bob"]
    assert document["report"]["people_reuse"] == ["Alice"]
    assert document["report"]["faces_assign"] == 4
    for photo in photos:
        assert world.dst.faces(photo.name) == [("Alice", "machine-learning"), ("Bob", "manual")]
    assert len(world.dst.people_named("Alice")) == 1
    assert len(world.dst.people_named("Bob")) == 1


def test_a_crash_right_after_drawing_draws_nothing_twice(one_server: World) -> None:
    """A crash after a face was drawn, before the journal knew: the rerun reads the
    target again, sees the drawn face as Alice's and draws nothing."""
    world = one_server
    world.src.seed([Photo("IMG_1.jpg", 1, (Face("Alice", A1),))])
    world.dst.seed([Photo("IMG_1.jpg", 1), Photo("IMG_2.jpg", 2, (Face("Alice", A2),))])
    with (
        Immich.connect(world.src.server.url, world.src.key) as src,
        Immich.connect(world.dst.server.url, world.dst.key) as dst,
        Journal(world.tmp / "state" / "journal.sqlite3") as journal,
    ):
        source = read_source(src)
        options = Options(create_missing=True)

        class DrawThenCrash(PeopleExecutor):
            def apply(self, action: Action) -> Outcome:
                outcome = super().apply(action)
                if action.kind == PeopleKind.CREATE_FACES:
                    raise Crash("after drawing")
                return outcome

        with pytest.raises(Crash):
            import_people(
                dst, source, options, journal=journal, profile="dst", dry_run=False,
                executor=DrawThenCrash(dst),
            )  # fmt: skip
        outcome = import_people(dst, source, options, journal=journal, profile="dst", dry_run=False)
        assert outcome.plan.actions == ()
    assert world.dst.faces("IMG_1.jpg") == [("Alice", "manual")]


def test_a_person_created_just_before_a_crash_is_removed_by_undo(one_server: World) -> None:
    """A crash after Alice was created, before the journal knew: the rerun plans anew and
    reuses her by name, so only settling the cut-off run first tells that the crashed run
    made her; undoing both runs then leaves no Alice behind."""
    world = one_server
    photos = [Photo(f"IMG_{n}.jpg", n, (Face("Alice", A1),)) for n in range(3)]
    world.src.seed(photos)
    world.dst.seed([Photo(p.name, p.minute, (Face(None, A1),)) for p in photos])
    before = world.dst.state()

    class CreateThenCrash(PeopleExecutor):
        def apply(self, action: Action) -> Outcome:
            outcome = super().apply(action)
            if action.kind == PeopleKind.CREATE_PERSON:
                raise KeyboardInterrupt  # the entry stays `applying`, as after a SIGKILL
            return outcome

    with (
        Immich.connect(world.src.server.url, world.src.key) as src,
        Immich.connect(world.dst.server.url, world.dst.key) as dst,
        Journal(world.tmp / "state" / "journal.sqlite3") as journal,
    ):
        with pytest.raises(KeyboardInterrupt):
            import_people(
                dst, read_source(src), Options(), journal=journal, profile="dst", dry_run=False,
                executor=CreateThenCrash(dst),
            )  # fmt: skip
        [crashed] = journal.runs()
    assert len(world.dst.people_named("Alice")) == 1
    document = world.migrate_json()
    assert len(world.dst.people_named("Alice")) == 1
    for run_id in (document["result"]["run_id"], crashed.id):
        undo = world.run("runs", "undo", run_id, "--yes")
        assert undo.exit_code == 0, undo.output
    assert world.dst.people_named("Alice") == []
    assert world.dst.state() == before


def test_a_lost_answer_to_a_person_create_is_found_not_made_twice(one_server: World) -> None:
    """The server made Alice but its answer was lost (a POST is never retried): the
    executor finds her by name, journals her as created, and undo removes her."""
    world = one_server
    photos = [Photo(f"IMG_{n}.jpg", n, (Face("Alice", A1),)) for n in range(2)]
    world.src.seed(photos)
    world.dst.seed([Photo(p.name, p.minute, (Face(None, A1),)) for p in photos])
    before = world.dst.state()
    faults = world.dst.server.state.faults
    faults.set("POST /people", drop_after_rate=1.0)
    try:
        document = world.migrate_json()
        assert faults.injected["drop_after"] == 1
    finally:
        faults.clear()
    assert document["result"]["failed"] == 0
    assert len(world.dst.people_named("Alice")) == 1
    undo = world.run("runs", "undo", document["result"]["run_id"], "--yes")
    assert undo.exit_code == 0, undo.output
    assert world.dst.people_named("Alice") == []
    assert world.dst.state() == before


def test_an_assign_that_failed_part_way_is_reversed_by_undo(
    one_server: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One face of three could not be given to Alice: the action is failed, but the two
    faces that moved are journaled with their inverse, so undo puts them back."""
    world = one_server
    photos = [Photo(f"IMG_{n}.jpg", n, (Face("Alice", A1),)) for n in range(3)]
    world.src.seed(photos)
    world.dst.seed([Photo(p.name, p.minute, (Face(None, A1),)) for p in photos])
    before = world.dst.state()
    with (
        Immich.connect(world.src.server.url, world.src.key) as src,
        Immich.connect(world.dst.server.url, world.dst.key) as dst,
        Journal(world.tmp / "state" / "journal.sqlite3") as journal,
    ):
        real = dst.faces.reassign
        calls: list[FaceId] = []

        def flaky(face: FaceId, person: PersonId) -> Person:
            calls.append(face)
            if len(calls) == 2:
                raise ApiError("PUT", "/faces/{id}", 500, "Simulated failure")
            return real(face, person)

        monkeypatch.setattr(dst.faces, "reassign", flaky)
        outcome = import_people(
            dst, read_source(src), Options(), journal=journal, profile="dst", dry_run=False
        )
    assert outcome.result is not None
    assert outcome.result.failed == 1
    named = [world.dst.names(p.name) for p in photos]
    assert sorted(map(str, named)) == ["['Alice']", "['Alice']", "[None]"]
    undo = world.run("runs", "undo", outcome.result.run_id or "", "--yes")
    assert undo.exit_code == 0, undo.output
    assert world.dst.state() == before
