"""Request validation that answers like Immich 3.x (zod v4 issue shapes).

Immich validates bodies and query strings with zod and answers 400
`{"message": "Validation failed", "errors": [issue, ...]}`. The recordings show the issue
shapes reproduced here: invalid_type, invalid_format (uuid, email, datetime, regex),
invalid_value (enums), too_small / too_big, custom.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

Issue = dict[str, Any]
Path = list[str | int]

# 3.1 validates ids with zod's uuidv4 (the recorded 400 shows this pattern)
UUID_PATTERN = (
    "/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$/"
)
_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
EMAIL_PATTERN = (
    "/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/"
)
_EMAIL_RE = re.compile(
    r"^[^@\s]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9-]+)*$"
)
DATETIME_PATTERN = (
    "/^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)"
    "-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-"
    "(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d"
    "(?::[0-5]\\d(?:\\.\\d+)?)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d)))$/"
)
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")

_MISSING = object()


def _type_name(value: object) -> str:
    if value is _MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def invalid_type(expected: str, value: object, path: Path) -> Issue:
    return {
        "expected": expected,
        "code": "invalid_type",
        "path": path,
        "message": f"Invalid input: expected {expected}, received {_type_name(value)}",
    }


def custom(message: str, path: Path) -> Issue:
    return {"code": "custom", "path": path, "message": message}


class Invalid(Exception):
    """Raised with the collected issues; the HTTP layer turns it into a 400."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("Validation failed")
        self.issues = issues


@dataclass(frozen=True)
class Schema:
    """One field's rule: a checker plus optional/nullable flags and a default."""

    check: Callable[[Any, Path, bool], tuple[Any, list[Issue]]]
    optional: bool = False
    nullable: bool = False
    default: Any = None

    def opt(self, default: Any = None) -> Schema:
        return Schema(self.check, True, self.nullable, default)

    def null(self) -> Schema:
        return Schema(self.check, self.optional, True, self.default)


def _run(schema: Schema, value: Any, path: Path, coerce: bool) -> tuple[Any, list[Issue]]:
    if value is _MISSING:
        if schema.optional:
            return schema.default, []
        return None, schema.check(_MISSING, path, coerce)[1]
    if value is None and schema.nullable:
        return None, []
    return schema.check(value, path, coerce)


def string(*, min_length: int | None = None) -> Schema:
    def check(v: Any, path: Path, coerce: bool) -> tuple[Any, list[Issue]]:
        if not isinstance(v, str):
            return None, [invalid_type("string", v, path)]
        if min_length is not None and len(v) < min_length:
            return None, [
                {
                    "origin": "string",
                    "code": "too_small",
                    "minimum": min_length,
                    "inclusive": True,
                    "path": path,
                    "message": f"Too small: expected string to have >={min_length} characters",
                }
            ]
        return v, []

    return Schema(check)


def _format(
    fmt: str,
    pattern: str,
    message: str,
    ok: Callable[[str], bool],
    expected: str = "string",
) -> Schema:
    def check(v: Any, path: Path, coerce: bool) -> tuple[Any, list[Issue]]:
        if not isinstance(v, str):
            wrong = invalid_type("string", v, path)
            wrong["message"] = f"Invalid input: expected {expected}, received {_type_name(v)}"
            return None, [wrong]
        if not ok(v):
            issue: Issue = {"origin": "string", "code": "invalid_format", "format": fmt}
            issue |= {"pattern": pattern, "path": path, "message": message}
            return None, [issue]
        return v, []

    return Schema(check)


def uuid() -> Schema:
    return _format("uuid", UUID_PATTERN, "Invalid UUID", lambda s: bool(_UUID_RE.match(s)))


def email() -> Schema:
    msg = "Invalid input: expected email, received string"
    return _format("email", EMAIL_PATTERN, msg, lambda s: bool(_EMAIL_RE.match(s)))


def date_time() -> Schema:
    msg = "Invalid input: expected ISO 8601 datetime string, received string"
    return _format(
        "datetime",
        DATETIME_PATTERN,
        msg,
        lambda s: bool(_DATETIME_RE.match(s)),
        expected="ISO 8601 datetime string",
    )


def regex(pattern: str) -> Schema:
    compiled = re.compile(pattern)
    shown = f"/{pattern}/"
    msg = f"Invalid string: must match pattern {shown}"
    return _format("regex", shown, msg, lambda s: bool(compiled.match(s)))


def iso_date() -> Schema:
    def ok(s: str) -> bool:
        try:
            date.fromisoformat(s)
        except ValueError:
            return False
        return len(s) == 10

    return _format(
        "date",
        "/^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|"
        "[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|"
        "(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$/",
        "Invalid input: expected ISO date string, received string",
        ok,
    )


def number(
    *, minimum: float | None = None, maximum: float | None = None, integer: bool = False
) -> Schema:
    """A number; `coerce` (query strings) turns digit strings into numbers first."""

    def check(v: Any, path: Path, coerce: bool) -> tuple[Any, list[Issue]]:
        if coerce and isinstance(v, str):
            try:
                v = float(v) if "." in v else int(v)
            except ValueError:
                return None, [invalid_type("number", v, path) | {"received": "NaN"}]
        if isinstance(v, bool) or not isinstance(v, int | float):
            return None, [invalid_type("number", v, path)]
        if integer and not float(v).is_integer():
            return None, [invalid_type("int", v, path)]
        if minimum is not None and v < minimum:
            bound = int(minimum) if float(minimum).is_integer() else minimum
            return None, [
                {
                    "origin": "number",
                    "code": "too_small",
                    "minimum": bound,
                    "inclusive": True,
                    "path": path,
                    "message": f"Too small: expected number to be >={bound}",
                }
            ]
        if maximum is not None and v > maximum:
            bound = int(maximum) if float(maximum).is_integer() else maximum
            return None, [
                {
                    "origin": "number",
                    "code": "too_big",
                    "maximum": bound,
                    "inclusive": True,
                    "path": path,
                    "message": f"Too big: expected number to be <={bound}",
                }
            ]
        return (int(v) if integer else v), []

    return Schema(check)


def boolean() -> Schema:
    def check(v: Any, path: Path, coerce: bool) -> tuple[Any, list[Issue]]:
        if coerce and v in ("true", "false"):
            return v == "true", []
        if not isinstance(v, bool):
            return None, [invalid_type("boolean", v, path)]
        return v, []

    return Schema(check)


def enum(values: Sequence[str]) -> Schema:
    shown = "|".join(f'"{v}"' for v in values)

    def check(v: Any, path: Path, coerce: bool) -> tuple[Any, list[Issue]]:
        if v not in values:
            return None, [
                {
                    "code": "invalid_value",
                    "values": list(values),
                    "path": path,
                    "message": f"Invalid option: expected one of {shown}",
                }
            ]
        return v, []

    return Schema(check)


def array(item: Schema, *, min_items: int | None = None) -> Schema:
    def check(v: Any, path: Path, coerce: bool) -> tuple[Any, list[Issue]]:
        if coerce and isinstance(v, str):
            v = [v]
        if not isinstance(v, list):
            return None, [invalid_type("array", v, path)]
        if min_items is not None and len(v) < min_items:
            return None, [
                {
                    "origin": "array",
                    "code": "too_small",
                    "minimum": min_items,
                    "inclusive": True,
                    "path": path,
                    "message": f"Too small: expected array to have >={min_items} items",
                }
            ]
        out: list[Any] = []
        issues: list[Issue] = []
        for i, element in enumerate(v):
            value, found = _run(item, element, [*path, i], coerce)
            out.append(value)
            issues.extend(found)
        return out, issues

    return Schema(check)


@dataclass(frozen=True)
class Obj:
    """An object schema; unknown keys are dropped, as zod's non-strict objects do."""

    fields: Mapping[str, Schema] = field(default_factory=dict)

    def schema(self) -> Schema:
        def check(v: Any, path: Path, coerce: bool) -> tuple[Any, list[Issue]]:
            if not isinstance(v, dict):
                return None, [invalid_type("object", v, path)]
            out: dict[str, Any] = {}
            issues: list[Issue] = []
            for name, rule in self.fields.items():
                value, found = _run(rule, v.get(name, _MISSING), [*path, name], coerce)
                issues.extend(found)
                if name in v or rule.optional:
                    out[name] = value
            return out, issues

        return Schema(check)


def obj(**fields: Schema) -> Schema:
    return Obj(fields).schema()


def parse(schema: Schema, value: Any, *, coerce: bool = False) -> Any:
    """Validate `value` (None = no body) and return the cleaned value or raise Invalid."""
    result, issues = _run(schema, _MISSING if value is None else value, [], coerce)
    if issues:
        raise Invalid(issues)
    return result


def parse_datetime(text: str) -> datetime:
    """Parse an ISO 8601 timestamp that already passed `date_time()`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
