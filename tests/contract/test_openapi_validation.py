"""The OpenAPI validator itself: it passes what the real server sent and catches what it did not."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from immkit.sim.state import ObservedResponse
from tests.contract.openapi import MAX_ITEMS, check, to_json_schema
from tests.contract.recordings import record, records, with_sample_values

JSON = "application/json; charset=utf-8"


def answer(
    method: str, template: str, status: int, body: Any, content_type: str | None = JSON
) -> ObservedResponse:
    raw = None if body is None else json.dumps(body).encode()
    return ObservedResponse(method, template, status, content_type, raw)


def recorded_body(scenario: str, step: str) -> Any:
    return with_sample_values(record(scenario, step)["responseBody"])


def test_recorded_asset_passes() -> None:
    body = recorded_body("assets.get", "IMG_0001.jpg (EXIF+GPS, reverse geocoded)")
    assert check(answer("GET", "/assets/{id}", 200, body)) == []


def test_every_recorded_answer_passes() -> None:
    """The spec plus RECORDED_DEVIATIONS accept all 497 answers of the real server."""
    problems = []
    for rec in records():
        body = None if rec.get("responseBinary") else rec["responseBody"]
        raw = None if body is None else json.dumps(with_sample_values(body)).encode()
        seen = ObservedResponse(
            rec["method"],
            rec["path"],
            rec["status"],
            rec["responseHeaders"].get("content-type"),
            raw,
        )
        problems += [f"#{rec['seq']} {v}" for v in check(seen)]
    assert problems == []


def test_missing_required_key_fails_with_its_place() -> None:
    body = recorded_body("assets.get", "IMG_0001.jpg (EXIF+GPS, reverse geocoded)")
    del body["exifInfo"]["make"]  # optional there: must pass
    del body["originalFileName"]
    found = check(answer("GET", "/assets/{id}", 200, body))
    assert [(v.where, v.message) for v in found] == [
        ("$", "'originalFileName' is a required property")
    ]


def test_missing_key_in_array_item_is_located() -> None:
    body = recorded_body("search.metadata", "no filters (defaults)")
    del body["assets"]["items"][1]["checksum"]
    found = check(answer("POST", "/search/metadata", 200, body))
    assert [v.where for v in found] == ["$.assets.items[1]"]


def test_nullable_accepts_null_and_still_checks_the_type() -> None:
    body = recorded_body("users.me", "user a via api key")
    body["storageLabel"] = None  # nullable string
    assert check(answer("GET", "/users/me", 200, body)) == []
    body["storageLabel"] = 5
    assert [v.where for v in check(answer("GET", "/users/me", 200, body))] == ["$.storageLabel"]


def test_null_where_not_nullable_fails() -> None:
    body = recorded_body("users.me", "user a via api key")
    body["email"] = None
    assert [v.where for v in check(answer("GET", "/users/me", 200, body))] == ["$.email"]


def test_nullable_ref_through_all_of() -> None:
    assert to_json_schema({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": True}) == {
        "anyOf": [{"allOf": [{"$ref": "urn:immich-openapi-3.1.0:schemas:X"}]}, {"type": "null"}]
    }
    faces = recorded_body("faces.list", "IMG_0002 (two people)")
    faces[0]["person"] = None
    assert check(answer("GET", "/faces", 200, faces)) == []
    faces[0]["person"] = {"id": faces[0]["id"]}
    assert check(answer("GET", "/faces", 200, faces)) != []


def test_property_named_like_a_keyword_is_kept() -> None:
    schema = to_json_schema({"properties": {"example": {"type": "string"}, "nullable": {}}})
    assert set(schema["properties"]) == {"example", "nullable"}


def test_wrong_enum_and_bad_uuid_fail() -> None:
    body = recorded_body("assets.get", "IMG_0001.jpg (EXIF+GPS, reverse geocoded)")
    body["visibility"] = "public"
    body["ownerId"] = "not-a-uuid"
    found = {v.where for v in check(answer("GET", "/assets/{id}", 200, body))}
    assert found == {"$.visibility", "$.ownerId"}


def test_extra_properties_are_allowed_unless_the_spec_forbids() -> None:
    body = recorded_body("timeline.bucket", "default timeBucket=2023-06-01")
    assert "status" in body  # undocumented, but the real server sends it
    assert check(answer("GET", "/timeline/bucket", 200, body)) == []


def test_only_the_first_items_of_large_arrays_are_checked() -> None:
    keys = recorded_body("apikeys.list", "user a")
    good = keys[0]
    bad = copy.deepcopy(good)
    del bad["name"]
    late = [good] * MAX_ITEMS + [bad]
    assert check(answer("GET", "/api-keys", 200, late)) == []
    early = [bad] + [good] * MAX_ITEMS
    assert [v.where for v in check(answer("GET", "/api-keys", 200, early))] == ["$[0]"]


@pytest.mark.parametrize(
    "body",
    [
        {"message": "Authentication required"},
        {"message": "Validation failed", "errors": [{"code": "x", "path": ["a"], "message": "m"}]},
    ],
)
def test_undocumented_error_status_with_immich_shape_passes(body: Any) -> None:
    assert check(answer("GET", "/users/me", 401, body)) == []


@pytest.mark.parametrize(
    "body",
    [
        {"message": "Forbidden", "statusCode": 403},
        {"error": "Forbidden"},
        {"message": 403},
        {"message": "Validation failed", "errors": [{"message": "no code, no path"}]},
    ],
)
def test_undocumented_error_status_with_other_shape_fails(body: Any) -> None:
    assert check(answer("GET", "/users/me", 403, body)) != []


def test_nest_not_found_only_for_unknown_routes() -> None:
    nest = {"message": "Cannot GET /api/nope", "error": "Not Found", "statusCode": 404}
    assert check(answer("GET", "/nope", 404, nest)) == []
    assert check(answer("GET", "/assets/{id}/original", 404, nest)) != []
    assert check(answer("GET", "/assets/{id}/original", 404, {"message": "Not Found"})) == []


def test_undocumented_success_status_fails() -> None:
    assert check(answer("POST", "/albums", 200, {"id": "x"})) != []


def test_error_body_must_be_json() -> None:
    plain = ObservedResponse("GET", "/users/me", 500, "text/plain", b"Internal Server Error")
    assert [v.message for v in check(plain)] == [
        "content-type text/plain, expected application/json"
    ]


def test_no_content_answers() -> None:
    assert check(answer("POST", "/faces", 201, None, content_type=None)) == []
    assert check(answer("PUT", "/assets", 204, None, content_type=None)) == []
    assert check(answer("PUT", "/assets", 204, {"ok": True})) != []


def test_binary_content_types() -> None:
    original = ("GET", "/assets/{id}/original", 200)
    for kind in ("image/jpeg", "video/mp4", "application/octet-stream"):
        assert check(ObservedResponse(*original, kind, None)) == []
    assert check(ObservedResponse(*original, "application/json", b"{}")) != []
    assert check(ObservedResponse(*original, None, None)) != []
