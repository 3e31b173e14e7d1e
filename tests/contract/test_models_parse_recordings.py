"""Our wire models parse every 2xx JSON answer a real Immich 3.1.0 gave, losing nothing.

Source: shared/immich-recordings/immich-3.1.0.jsonl (497 recorded exchanges).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from immkit.immich import (
    Album,
    AlbumsAddResult,
    ApiKeyInfo,
    Asset,
    BulkIdResult,
    Face,
    Library,
    LibraryStatistics,
    LibraryValidation,
    PeoplePage,
    Person,
    ServerAbout,
    ServerFeatures,
    ServerPing,
    ServerVersion,
    UploadResult,
    User,
    UserAdmin,
)
from immkit.immich.models import PersonStatistics, SearchResult, TrashCount, UploadCheckResults
from immkit.immich.wire import parse, parse_list

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
RECORDINGS = SHARED / "immich-recordings" / "immich-3.1.0.jsonl"

# (method, path template) → (model, answer is a list)
MODELS: dict[tuple[str, str], tuple[type[BaseModel], bool]] = {
    ("GET", "/server/version"): (ServerVersion, False),
    ("GET", "/server/ping"): (ServerPing, False),
    ("GET", "/server/about"): (ServerAbout, False),
    ("GET", "/server/features"): (ServerFeatures, False),
    ("GET", "/users/me"): (UserAdmin, False),
    ("GET", "/users"): (User, True),
    ("GET", "/admin/users"): (UserAdmin, True),
    ("GET", "/admin/users/{id}"): (UserAdmin, False),
    ("GET", "/api-keys/me"): (ApiKeyInfo, False),
    ("POST", "/assets"): (UploadResult, False),
    ("GET", "/assets/{id}"): (Asset, False),
    ("PUT", "/assets/{id}"): (Asset, False),
    ("POST", "/assets/bulk-upload-check"): (UploadCheckResults, False),
    ("POST", "/trash/restore/assets"): (TrashCount, False),
    ("GET", "/people"): (PeoplePage, False),
    ("GET", "/people/{id}"): (Person, False),
    ("POST", "/people"): (Person, False),
    ("PUT", "/people/{id}"): (Person, False),
    ("PUT", "/people"): (BulkIdResult, True),
    ("POST", "/people/{id}/merge"): (BulkIdResult, True),
    ("PUT", "/people/{id}/reassign"): (Person, True),
    ("GET", "/people/{id}/statistics"): (PersonStatistics, False),
    ("GET", "/search/person"): (Person, True),
    ("GET", "/faces"): (Face, True),
    ("PUT", "/faces/{id}"): (Person, False),
    ("POST", "/search/metadata"): (SearchResult, False),
    ("GET", "/albums"): (Album, True),
    ("POST", "/albums"): (Album, False),
    ("GET", "/albums/{id}"): (Album, False),
    ("PATCH", "/albums/{id}"): (Album, False),
    ("PUT", "/albums/{id}/users"): (Album, False),
    ("PUT", "/albums/{id}/assets"): (BulkIdResult, True),
    ("DELETE", "/albums/{id}/assets"): (BulkIdResult, True),
    ("PUT", "/albums/assets"): (AlbumsAddResult, False),
    ("GET", "/libraries"): (Library, True),
    ("GET", "/libraries/{id}"): (Library, False),
    ("PUT", "/libraries/{id}"): (Library, False),
    ("GET", "/libraries/{id}/statistics"): (LibraryStatistics, False),
    ("POST", "/libraries/{id}/validate"): (LibraryValidation, False),
}


def _exchanges() -> list[dict[str, Any]]:
    if not RECORDINGS.exists():
        return []
    with RECORDINGS.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return [
        r
        for r in records
        if 200 <= r["status"] < 300
        and r["responseBody"] is not None
        and (r["method"], r["path"]) in MODELS
    ]


EXCHANGES = _exchanges()


def _assert_nothing_lost(original: Any, model: BaseModel) -> None:
    """Every value the server sent survives a parse and dump (defaults may add fields)."""
    _assert_kept(original, model.model_dump(mode="json", by_alias=True), "")


def _assert_kept(original: Any, dumped: Any, where: str) -> None:
    if isinstance(original, dict):
        assert isinstance(dumped, dict), where
        for key, value in original.items():
            assert key in dumped, f"{where}.{key}"
            _assert_kept(value, dumped[key], f"{where}.{key}")
    elif isinstance(original, list):
        assert isinstance(dumped, list), where
        assert len(dumped) == len(original), where
        for index, (a, b) in enumerate(zip(original, dumped, strict=True)):
            _assert_kept(a, b, f"{where}[{index}]")
    else:
        assert dumped == original, where


@pytest.mark.skipif(not RECORDINGS.exists(), reason="shared/ recordings not present")
@pytest.mark.parametrize(
    "record", EXCHANGES, ids=[f"{r['seq']}-{r['method']} {r['path']}" for r in EXCHANGES]
)
def test_recorded_answer_parses_without_loss(record: dict[str, Any]) -> None:
    model, is_list = MODELS[(record["method"], record["path"])]
    body = record["responseBody"]
    endpoint = f"{record['method']} {record['path']}"
    if is_list:
        parsed = parse_list(model, body, endpoint)
        assert len(parsed) == len(body)
        for original, item in zip(body, parsed, strict=True):
            _assert_nothing_lost(original, item)
    else:
        _assert_nothing_lost(body, parse(model, body, endpoint))


@pytest.mark.skipif(not RECORDINGS.exists(), reason="shared/ recordings not present")
def test_most_of_the_recorded_answers_are_covered() -> None:
    endpoints = {(r["method"], r["path"]) for r in EXCHANGES}
    print(f"parsed {len(EXCHANGES)} recorded answers of {len(endpoints)} endpoints")
    assert len(EXCHANGES) >= 200
    assert endpoints == set(MODELS)
