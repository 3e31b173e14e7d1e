"""Turning JSON answers into models; an answer that does not fit means "not Immich (3.x)"."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, JsonValue, TypeAdapter, ValidationError

from immkit.errors import NotImmich

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: JsonValue, endpoint: str) -> M:
    """Validate one object.

    Raises:
        NotImmich: the answer does not have the shape Immich 3.x gives `endpoint`.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _not_immich(exc, endpoint) from exc


def parse_list(model: type[M], data: JsonValue, endpoint: str) -> list[M]:
    """Validate a JSON array of objects (see `parse`)."""
    try:
        items: list[M] = _list_adapter(model).validate_python(data)
    except ValidationError as exc:
        raise _not_immich(exc, endpoint) from exc
    return items


@cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    # building an adapter costs far more than using one; GET /faces runs 10^4 times
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _not_immich(exc: ValidationError, endpoint: str) -> NotImmich:
    first = exc.errors()[0] if exc.errors() else None
    where = ".".join(str(p) for p in first["loc"]) if first and first["loc"] else "top level"
    what = first["msg"] if first else "invalid"
    return NotImmich(
        f"The answer to {endpoint} does not look like Immich 3.x's ({where}: {what}); "
        "is the url an Immich server of a supported version?"
    )
