"""What an HTTP answer from Immich means: a JSON value, or one error from `immkit.errors`.

Pure functions over a transport-neutral `Answer`, so the mapping is tested without
sockets. Messages name the host and the path template only: never the key, headers or
query strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from pydantic import JsonValue

from immkit.errors import ApiError, AuthError, EnvError, MissingPermission, NotImmich, Unreachable

GATEWAY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Answer:
    """One HTTP answer, reduced to what the gateway looks at."""

    status: int
    content_type: str
    body: bytes
    retry_after: str | None = None


@dataclass(frozen=True)
class Call:
    """Who asked what: enough context for a useful, secret-free error sentence."""

    method: str
    path: str
    host: str
    profile: str | None = None

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"

    def key_hint(self) -> str:
        if self.profile:
            return f"check api_key for profile {self.profile}"
        return "check the API key (api_key in the profile, or IMMICH_API_KEY)"

    def url_hint(self) -> str:
        if self.profile:
            return f"check url for profile {self.profile}"
        return "check the url (or IMMICH_INSTANCE_URL)"


def decode_json(answer: Answer, call: Call) -> JsonValue:
    """The JSON body of a 2xx answer; `None` when the body is empty (204, `POST /faces`).

    Raises:
        NotImmich: the body is not JSON.
    """
    if not answer.body.strip():
        return None
    try:
        value: JsonValue = json.loads(answer.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        kind = answer.content_type or "no content type"
        raise NotImmich(
            f"{call.host} answered {call.endpoint} with {kind}, not JSON; "
            f"is this an Immich server? {call.url_hint()}"
        ) from exc
    return value


def immich_message(answer: Answer) -> str | None:
    """Immich's own `message` from an error body, or None when the body is not Immich's shape."""
    try:
        body = json.loads(answer.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(body, dict):
        return None
    message = body.get("message")
    if isinstance(message, str):
        return message
    if isinstance(message, list) and all(isinstance(m, str) for m in message):
        return "; ".join(message)  # older Nest validation sends a list
    return None


def error_for(answer: Answer, call: Call) -> EnvError:
    """The error that a non-2xx answer stands for."""
    message = immich_message(answer)
    status = answer.status
    if status == 401:
        said = message or f"HTTP 401 without an Immich message from {call.host}"
        return AuthError(f"The server rejected the API key ({said}); {call.key_hint()}")
    if 300 <= status < 400:
        return NotImmich(
            f"{call.host} answered {call.endpoint} with a redirect ({status}); "
            f"set the url to the address Immich is served at (http or https?); {call.url_hint()}"
        )
    if message is None and status in GATEWAY_STATUSES:
        return Unreachable(
            f"{call.host} answered {call.endpoint} with {status} from a proxy or gateway; "
            "the Immich server behind it may be down or starting; try again later"
        )
    if message is None:
        kind = answer.content_type or "no content type"
        return NotImmich(
            f"{call.host} answered {call.endpoint} with {status} ({kind}), not an Immich "
            f"error; is this an Immich server? {call.url_hint()}"
        )
    if status == 403:
        return _forbidden(message, call)
    return ApiError(call.method, call.path, status, message)


def _forbidden(message: str, call: Call) -> MissingPermission:
    if message.startswith("Missing required permission"):
        return MissingPermission(
            f"The API key lacks a permission for {call.endpoint} ({message}); "
            "create a key with that permission in Immich (Account Settings → API Keys)"
            + (f" and set it as api_key for profile {call.profile}" if call.profile else "")
        )
    if message == "Forbidden":
        return MissingPermission(
            f"The server refused {call.endpoint} (Forbidden): this needs an Immich admin; "
            "use the API key of an admin user"
            + (f" for profile {call.profile}" if call.profile else "")
        )
    return MissingPermission(f"The server refused {call.endpoint} ({message}); {call.key_hint()}")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP date); None if absent."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
