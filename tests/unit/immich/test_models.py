"""Wire models tolerate what a newer Immich may send."""

from __future__ import annotations

from immkit.immich import Album, Asset, Face, PeoplePage, Person, PersonId, UploadResult, UserId
from immkit.immich.wire import parse

ASSET = {
    "id": "a1",
    "ownerId": "u1",
    "type": "IMAGE",
    "originalFileName": "IMG_0001.jpg",
    "fileCreatedAt": "2023-05-10T08:00:00.000Z",
    "checksum": "q7iO9zQ343URE/pGnjzVREF/5BY=",
    "visibility": "timeline",
}


def test_unknown_fields_are_kept() -> None:
    asset = Asset.model_validate({**ASSET, "brandNewField": {"x": 1}})
    assert asset.model_extra == {"brandNewField": {"x": 1}}


def test_unknown_enum_values_are_kept_as_strings() -> None:
    asset = Asset.model_validate({**ASSET, "type": "HOLOGRAM", "visibility": "vault"})
    assert asset.type == "HOLOGRAM"
    assert asset.visibility == "vault"
    face = Face.model_validate(
        {
            "id": "f1",
            "imageWidth": 640,
            "imageHeight": 480,
            "boundingBoxX1": 1,
            "boundingBoxY1": 2,
            "boundingBoxX2": 3,
            "boundingBoxY2": 4,
            "sourceType": "quantum",
            "person": None,
        }
    )
    assert face.source_type == "quantum"
    assert face.bounding_box_x2 == 3
    upload = UploadResult.model_validate({"id": "a1", "status": "replaced-by-future"})
    assert not upload.duplicate


def test_3_2_person_fields_do_not_break_parsing() -> None:
    person = Person.model_validate(
        {
            "id": "p1",
            "name": "Alice",
            "birthDate": None,
            "thumbnailPath": "",
            "isHidden": False,
            "otherPeople": [],
            "sharedBy": [],
            "sharedWith": [],
        }
    )
    assert person.name == "Alice"


def test_video_duration_is_integer_ms_in_3x_and_a_string_before() -> None:
    assert Asset.model_validate({**ASSET, "duration": 2000}).duration == 2000
    assert Asset.model_validate({**ASSET, "duration": "0:00:02.000"}).duration == "0:00:02.000"


def test_album_owner_comes_from_album_users() -> None:
    album = Album.model_validate(
        {
            "id": "al1",
            "albumName": "Kids",
            "albumUsers": [
                {"user": {"id": "u2", "email": "b@x", "name": "B"}, "role": "editor"},
                {"user": {"id": "u1", "email": "a@x", "name": "A"}, "role": "owner"},
            ],
        }
    )
    assert album.owner_id == UserId("u1")
    assert album.role_of(UserId("u2")) == "editor"
    assert album.role_of(UserId("u9")) is None


def test_album_without_owner_entry_has_no_owner() -> None:
    assert Album.model_validate({"id": "al1", "albumName": "x"}).owner is None


def test_people_page_defaults_has_next_page_to_false() -> None:
    page = PeoplePage.model_validate({"people": [], "total": 0, "hidden": 0})
    assert not page.has_next_page


def test_models_build_by_python_name_too() -> None:
    person = Person(id=PersonId("p1"), name="Bob", is_favorite=True)
    assert person.model_dump(by_alias=True)["isFavorite"] is True


def test_a_wrong_shape_is_not_immich() -> None:
    import pytest

    from immkit.errors import NotImmich

    with pytest.raises(NotImmich, match="GET /people"):
        parse(PeoplePage, {"res": "pong"}, "GET /people")
