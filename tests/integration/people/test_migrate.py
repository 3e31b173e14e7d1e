"""`immkit people migrate` between two users of one simulator and between two simulators."""

from __future__ import annotations

from tests.integration.people.conftest import Face, Photo, World

A1 = (100, 100, 200, 220)
A2 = (600, 150, 700, 270)


def _library(*, ml: bool = True) -> tuple[list[Photo], list[Photo]]:
    """Source photos with named faces; target: the same photos, faces detected, unnamed."""
    source = [
        Photo("IMG_1.jpg", 1, (Face("Alice", A1), Face("Bob", A2))),
        Photo("IMG_2.jpg", 2, (Face("Alice", A2),)),
        Photo("IMG_3.jpg", 3, (Face("Bob", A1),)),
        Photo("IMG_4.jpg", 4),
    ]
    target = [
        Photo("IMG_1.jpg", 1, (Face(None, A1), Face("", A2)) if ml else ()),
        Photo("IMG_2.jpg", 2, (Face(None, A2),) if ml else ()),
        Photo("IMG_3.jpg", 3, (Face("", A1),) if ml else ()),
        Photo("IMG_4.jpg", 4),
    ]
    return source, target


def test_identical_libraries(world: World) -> None:
    source, target = _library()
    world.src.seed(source)
    world.src.person("Alice")
    with world.src.server.state.db.connection() as conn:
        conn.execute(
            'UPDATE person SET "birthDate" = \'1990-02-03\', "isFavorite" = true WHERE id = %s',
            (world.src.people["Alice"],),
        )
    world.dst.seed(target)
    document = world.migrate_json()
    report = document["report"]
    assert report["people_create"] == ["Alice", "Bob"]
    assert report["faces_assign"] == 4
    assert report["assets_missing"] == []
    assert document["result"]["failed"] == 0
    assert world.dst.names("IMG_1.jpg") == ["Alice", "Bob"]
    assert world.dst.names("IMG_2.jpg") == ["Alice"]
    assert world.dst.names("IMG_3.jpg") == ["Bob"]
    [alice] = world.dst.people_named("Alice")
    assert alice["birth"] == "1990-02-03"
    assert alice["isFavorite"] is True
    assert alice["feature"] is not None
    assert alice["thumbnailPath"]
    # a second run finds everything done
    again = world.migrate_json()
    assert again["plan"]["actions"] == []
    assert again["report"]["faces_already"] == 4
    assert len(world.dst.people_named("Alice")) == 1


def test_renamed_files_missing_assets_and_preview_sizes(world: World) -> None:
    world.src.seed(
        [
            Photo("IMG_1.jpg", 1, (Face("Alice", A1),)),
            Photo("IMG_2.jpg", 2, (Face("Alice", A2),)),
            Photo("gone.jpg", 3, (Face("Bob", A1),)),
        ]
    )
    world.dst.seed(
        [
            # same content under a new name: the checksum matches
            Photo("renamed.jpg", 1, (Face(None, A1),), checksum="IMG_1.jpg"),
            # re-encoded (new checksum), same name and time, measured on a preview twice as big
            Photo("IMG_2.jpg", 2, (Face(None, (1204, 296, 1398, 544), frame=(2000, 1500)),), "x"),
        ]
    )
    document = world.migrate_json()
    report = document["report"]
    assert report["assets_matched"] == 2
    assert report["assets_missing"] == ["gone.jpg"]
    assert report["people_without_faces"] == ["Bob"]
    assert world.dst.names("renamed.jpg") == ["Alice"]
    assert world.dst.names("IMG_2.jpg") == ["Alice"]
    assert world.dst.people_named("Bob") == []


def test_slightly_different_boxes_match_far_ones_do_not(world: World) -> None:
    world.src.seed([Photo("IMG_1.jpg", 1, (Face("Alice", A1), Face("Bob", A2)))])
    # Alice's box moved by a few pixels; Bob's is elsewhere on the target
    world.dst.seed(
        [Photo("IMG_1.jpg", 1, (Face(None, (105, 96, 204, 225)), Face(None, (800, 500, 900, 600))))]
    )
    report = world.migrate_json()["report"]
    assert report["faces_unmatched"] == ["IMG_1.jpg"]
    assert world.dst.names("IMG_1.jpg") == ["Alice", None]
    # a looser threshold does not pair boxes that do not overlap
    assert world.migrate_json("--threshold", "0.1")["report"]["faces_unmatched"] == ["IMG_1.jpg"]


def test_conflicting_names_skip_then_reassign(world: World) -> None:
    world.src.seed([Photo("IMG_1.jpg", 1, (Face("Bob", A1),))])
    world.dst.seed([Photo("IMG_1.jpg", 1, (Face("Robert", A1),))])
    skipped = world.migrate_json()
    assert len(skipped["report"]["conflicts"]) == 1
    assert skipped["plan"]["actions"] == []
    assert world.dst.names("IMG_1.jpg") == ["Robert"]
    world.migrate_json("--conflict", "reassign")
    assert world.dst.names("IMG_1.jpg") == ["Bob"]


def test_a_person_of_that_name_is_reused(world: World) -> None:
    source, target = _library()
    world.src.seed(source)
    world.dst.seed(target)
    world.dst.seed([Photo("other.jpg", 9, (Face("alice", A1),))])
    report = world.migrate_json()["report"]
    assert report["people_reuse"] == ["Alice"]
    assert report["people_create"] == ["Bob"]
    assert world.dst.names("IMG_2.jpg") == ["alice"]
    assert world.dst.people_named("Alice") == []


def test_create_missing_faces_when_detection_has_not_run(one_server: World) -> None:
    world = one_server
    photos = [Photo(f"IMG_{n}.jpg", n, (Face("Alice", A1),)) for n in range(12)]
    world.src.seed(photos)
    world.dst.seed([Photo(p.name, p.minute) for p in photos])
    plain = world.migrate("--dry-run")
    assert plain.exit_code == 0, plain.output
    assert "Face detection seems not to have run" in plain.stdout
    document = world.migrate_json("--create-missing-faces")
    assert document["report"]["faces_create"] == 12
    assert world.dst.faces("IMG_3.jpg") == [("Alice", "manual")]
    [alice] = world.dst.people_named("Alice")
    assert alice["feature"] is not None
    # drawn faces are found again: nothing to do the second time
    assert world.migrate_json("--create-missing-faces")["plan"]["actions"] == []


def test_dry_run_changes_nothing(one_server: World) -> None:
    world = one_server
    source, target = _library()
    world.src.seed(source)
    world.dst.seed(target)
    before = world.dst.state()
    result = world.migrate("--dry-run", "--create-missing-faces")
    assert result.exit_code == 0, result.output
    assert "Plan for people.import" in result.stdout
    assert world.dst.state() == before
