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
