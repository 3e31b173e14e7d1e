"""How HTTP answers map to errors: status codes, Immich messages, non-Immich bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from immkit.errors import (
    ApiError,
    AuthError,
    MissingPermission,
    NotImmich,
    Unreachable,
)
from immkit.immich.answers import Answer, Call, decode_json, error_for, retry_after_seconds

CALL = Call("POST", "/albums", "immich.local:2283", profile="home")
JSON = "application/json; charset=utf-8"


def answer(status: int, body: object, content_type: str = JSON) -> Answer:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Answer(status, content_type, raw)


def test_401_says_the_key_was_rejected_and_names_the_profile() -> None:
    err = error_for(answer(401, {"message": "Invalid API key"}), CALL)
    assert isinstance(err, AuthError)
    assert str(err) == (
        "The server rejected the API key (Invalid API key); check api_key for profile home"
    )


def test_401_without_profile_points_at_the_environment_variable() -> None:
    call = Call("GET", "/users/me", "h")
    err = error_for(answer(401, {"message": "Invalid API key"}), call)
    assert "IMMICH_API_KEY" in str(err)


def test_403_carries_immichs_missing_permission_message() -> None:
    err = error_for(answer(403, {"message": "Missing required permission: album.create"}), CALL)
    assert isinstance(err, MissingPermission)
    assert "Missing required permission: album.create" in str(err)
    assert err.exit_code == 3


def test_403_forbidden_means_admin_needed() -> None:
    err = error_for(answer(403, {"message": "Forbidden"}), Call("GET", "/libraries", "h"))
    assert isinstance(err, MissingPermission)
    assert "admin" in str(err)


def test_other_statuses_become_api_error_with_method_template_status_message() -> None:
    call = Call("PUT", "/albums/{id}/assets", "h")
    err = error_for(answer(400, {"message": "Album not found"}), call)
    assert isinstance(err, ApiError)
    assert (err.method, err.path, err.status, err.message) == (
        "PUT",
        "/albums/{id}/assets",
        400,
        "Album not found",
    )


def test_validation_message_lists_are_joined() -> None:
    err = error_for(answer(400, {"message": ["a must be x", "b must be y"]}), CALL)
    assert isinstance(err, ApiError)
    assert err.message == "a must be x; b must be y"


def test_html_error_page_is_not_immich() -> None:
    err = error_for(answer(404, b"<html>nope</html>", "text/html"), CALL)
    assert isinstance(err, NotImmich)
    assert "text/html" in str(err)
    assert "check url for profile home" in str(err)


def test_gateway_error_without_immich_body_means_the_server_is_down() -> None:
    err = error_for(answer(502, b"Bad Gateway", "text/plain"), CALL)
    assert isinstance(err, Unreachable)


def test_gateway_error_with_immich_body_is_an_api_error() -> None:
    err = error_for(answer(503, {"message": "Service Unavailable"}), CALL)
    assert isinstance(err, ApiError)


def test_a_redirect_is_not_followed_but_explained() -> None:
    err = error_for(Answer(301, "text/html", b""), CALL)
    assert isinstance(err, NotImmich)
    assert "redirect" in str(err)


def test_decode_json_gives_none_for_an_empty_body() -> None:
    assert decode_json(Answer(201, "", b""), CALL) is None
    assert decode_json(answer(200, {"res": "pong"}), CALL) == {"res": "pong"}


def test_decode_json_refuses_html() -> None:
    with pytest.raises(NotImmich, match="text/html, not JSON"):
        decode_json(answer(200, b"<!doctype html>", "text/html"), CALL)


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("3") == 3.0
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:05 GMT", now) == 5.0
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None
