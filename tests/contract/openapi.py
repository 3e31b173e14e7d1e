"""Check simulator answers against Immich's OpenAPI 3.1.0 document.

The spec is OpenAPI 3.0: its schemas are turned into JSON Schema 2020-12 (`nullable`
becomes "or null", `#/components/schemas/X` refs resolve through a `referencing`
registry), and one validator is built per (method, template, status) and cached.

The spec lists only success statuses. Any other status must carry Immich's error body
`{"message": str, "errors"?: [zod issue]}`. Where the *real* 3.1.0 server is recorded to
differ from the spec, the recorded behaviour wins: see `RECORDED_DEVIATIONS`.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from immkit.sim.state import ObservedResponse

SPEC_PATH = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "immich-openapi"
    / "immich-openapi-3.1.0.json"
)
SCHEMAS_URI = "urn:immich-openapi-3.1.0:schemas:"
MAX_ITEMS = 200  # validate at most this many items of any array: keeps the suite fast
JSON = "application/json"

# Where the real Immich 3.1.0 answers otherwise than its spec says (from the recordings in
# shared/immich-recordings/, README "Notable behaviours"). Keyed by (method, template).
RECORDED_DEVIATIONS: dict[tuple[str, str], str] = {
    # The spec declares application/octet-stream; the real server sends the media's own type.
    ("GET", "/assets/{id}/original"): "binary: image/*, video/* instead of octet-stream",
    ("GET", "/assets/{id}/thumbnail"): "binary: image/webp, image/jpeg instead of octet-stream",
    ("GET", "/assets/{id}/video/playback"): "binary: video/* instead of octet-stream",
    ("GET", "/people/{id}/thumbnail"): "binary: image/jpeg instead of octet-stream",
    ("GET", "/users/{id}/profile-image"): "binary: image/* instead of octet-stream",
    # `POST /faces` 201: no body and no content-type (the spec agrees on "no content";
    # listed so that nobody "fixes" the simulator into sending `{}`).
    ("POST", "/faces"): "201 with an empty body and no content-type",
}
BINARY_TYPES = ("image/", "video/", "application/octet-stream")

# Immich's error body (zod issues under `errors` for validation failures); nothing else:
# no statusCode, error or correlationId.
IMMICH_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "path", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "path": {"type": "array"},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": False,
}
# Nest's answer for a route that does not exist (never for a known route).
NEST_NOT_FOUND: dict[str, Any] = {
    "type": "object",
    "required": ["message", "error", "statusCode"],
    "properties": {
        "message": {"type": "string"},
        "error": {"const": "Not Found"},
        "statusCode": {"const": 404},
    },
    "additionalProperties": False,
}

_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
FORMATS = FormatChecker(formats=())


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(_DATE_TIME.match(value))


def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


# Cheap format checks only (uuid, date-time, date); `double`, `binary`, `email`, `uri` pass.
FORMATS.checks("uuid", raises=ValueError)(_is_uuid)
FORMATS.checks("date-time")(_is_date_time)
FORMATS.checks("date", raises=ValueError)(_is_date)


@dataclass(frozen=True)
class Violation:
    """One way an answer differs from the spec."""

    method: str
    template: str
    status: int
    where: str  # JSON path in the body, "$" for the whole body
    message: str

    def __str__(self) -> str:
        return f"{self.method} {self.template} -> {self.status} at {self.where}: {self.message}"


def to_json_schema(node: Any) -> Any:
    """Translate an OpenAPI 3.0 schema (fragment) into JSON Schema 2020-12."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "nullable" or key == "example" or key.startswith("x-"):
            continue
        if key == "$ref" and isinstance(value, str):
            out[key] = SCHEMAS_URI + value.removeprefix("#/components/schemas/")
        elif key == "properties":
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in {"enum", "default", "required", "const"}:
            out[key] = value
        else:
            out[key] = to_json_schema(value)
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return data


@cache
def registry() -> Registry[Any]:
    schemas = spec()["components"]["schemas"]
    return Registry().with_resources(
        (SCHEMAS_URI + name, DRAFT202012.create_resource(to_json_schema(schema)))
        for name, schema in schemas.items()
    )


def operation(method: str, template: str) -> dict[str, Any] | None:
    op: dict[str, Any] | None = spec()["paths"].get(template, {}).get(method.lower())
    return op


@cache
def validator(method: str, template: str, status: int) -> Draft202012Validator | None:
    """The validator of an operation's documented JSON answer for `status`, if any."""
    op = operation(method, template)
    response = (op or {}).get("responses", {}).get(str(status))
    if response is None or JSON not in response.get("content", {}):
        return None
    return _validator(to_json_schema(response["content"][JSON]["schema"]))


@cache
def _error_validator(nest: bool) -> Draft202012Validator:
    return _validator(NEST_NOT_FOUND if nest else IMMICH_ERROR)


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=registry(), format_checker=FORMATS)


def truncated(value: Any) -> Any:
    """The value with every array cut to its first MAX_ITEMS items."""
    if isinstance(value, list):
        return [truncated(item) for item in value[:MAX_ITEMS]]
    if isinstance(value, dict):
        return {key: truncated(item) for key, item in value.items()}
    return value


def check(answer: ObservedResponse) -> list[Violation]:
    """Every way `answer` differs from the spec (and from the recorded deviations)."""

    def bad(message: str, where: str = "$") -> list[Violation]:
        return [Violation(answer.method, answer.template, answer.status, where, message)]

    op = operation(answer.method, answer.template)
    if op is None:
        if answer.status == 404:
            return _check_json(answer, _error_validator(nest=True))
        return bad("operation not in the Immich 3.1.0 spec")
    documented = op.get("responses", {}).get(str(answer.status))
    if documented is None:
        if answer.status < 400:
            return bad(f"undocumented success status (spec: {sorted(op['responses'])})")
        return _check_json(answer, _error_validator(nest=False))
    content = documented.get("content", {})
    if not content:
        if answer.body:
            return bad(f"spec documents no body, got {len(answer.body)} bytes")
        return []
    if JSON in content:
        found = validator(answer.method, answer.template, answer.status)
        assert found is not None
        return _check_json(answer, found)
    return _check_binary(answer, content, bad)


def _check_binary(answer: ObservedResponse, content: dict[str, Any], bad: Any) -> list[Violation]:
    kind = (answer.content_type or "").split(";")[0].strip()
    if kind in content:
        return []
    recorded = (answer.method, answer.template) in RECORDED_DEVIATIONS
    if recorded and kind.startswith(BINARY_TYPES):
        return []
    result: list[Violation] = bad(f"content-type {kind or None}, spec: {sorted(content)}")
    return result


def _check_json(answer: ObservedResponse, found: Draft202012Validator) -> list[Violation]:
    def bad(message: str, where: str = "$") -> list[Violation]:
        return [Violation(answer.method, answer.template, answer.status, where, message)]

    kind = (answer.content_type or "").split(";")[0].strip()
    if kind != JSON:
        return bad(f"content-type {kind or None}, expected {JSON}")
    if answer.body is None:
        return []  # streamed: not inspectable here
    try:
        body = json.loads(answer.body)
    except ValueError as exc:
        return bad(f"body is not JSON: {exc}")
    return [
        Violation(answer.method, answer.template, answer.status, _where(error), _short(error))
        for error in found.iter_errors(truncated(body))
    ]


def _where(error: ValidationError) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)


def _short(error: ValidationError) -> str:
    if error.validator == "pattern":  # the spec's date and uuid patterns are long
        return f"{error.instance!r} does not match the spec's pattern"
    text = str(error.message)
    return text if len(text) <= 300 else text[:297] + "..."


def check_all(answers: Iterable[ObservedResponse]) -> list[Violation]:
    """Violations of many answers, each distinct violation once."""
    seen: dict[Violation, None] = {}
    for answer in answers:
        for violation in check(answer):
            seen.setdefault(violation, None)
    return list(seen)


def report(violations: list[Violation], limit: int = 20) -> str:
    """A readable list for a failing test."""
    lines = [f"{len(violations)} OpenAPI 3.1.0 violation(s) in simulator answers:"]
    lines += [f"  {v}" for v in violations[:limit]]
    if len(violations) > limit:
        lines.append(f"  ... and {len(violations) - limit} more")
    return "\n".join(lines)
