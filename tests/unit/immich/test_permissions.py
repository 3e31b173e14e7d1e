"""Job permission requirements and their assessment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from immkit.immich import JOBS, assess_jobs
from immkit.immich.permissions import ADMIN_ENDPOINTS, ENDPOINT_PERMISSIONS

SPEC = (
    Path(__file__).resolve().parents[3].parent / "shared/immich-openapi/immich-openapi-3.1.0.json"
)


def by_label(permissions: list[str], is_admin: bool) -> dict[str, tuple[bool, list[str]]]:
    return {a.label: (a.ok, a.missing) for a in assess_jobs(permissions, is_admin)}


def test_all_grants_every_job_to_an_admin() -> None:
    result = by_label(["all"], is_admin=True)
    assert all(ok for ok, _ in result.values())
    assert set(result) == {
        "albums.sync",
        "people.migrate (export)",
        "people.migrate (import)",
        "transfer (db)",
        "transfer (api)",
        "library.internalize",
        "library.list",
    }


def test_albums_sync_needs_the_documented_permissions() -> None:
    job = next(j for j in JOBS if j.job == "albums.sync")
    for needed in [
        "asset.read",
        "person.read",
        "album.read",
        "album.create",
        "albumAsset.create",
        "albumAsset.delete",
        "albumUser.create",
        "user.read",
    ]:
        assert needed in job.permissions
    assert not job.needs_admin


def test_a_key_without_album_create_cannot_sync_albums() -> None:
    job = next(j for j in JOBS if j.job == "albums.sync")
    granted = [p for p in job.permissions if p != "album.create"]
    ok, missing = by_label(granted, is_admin=False)["albums.sync"]
    assert not ok
    assert missing == ["album.create"]


def test_internalize_needs_an_admin_even_with_all() -> None:
    ok, missing = by_label(["all"], is_admin=False)["library.internalize"]
    assert not ok
    assert missing == ["admin"]
    ok, _ = by_label(["all"], is_admin=False)["albums.sync"]
    assert ok


def test_db_transfer_needs_an_admin() -> None:
    ok, missing = by_label(["all"], is_admin=False)["transfer (db)"]
    assert not ok
    assert "admin" in missing


def test_an_empty_key_lacks_everything_each_job_lists() -> None:
    for access, job in zip(assess_jobs([], is_admin=True), JOBS, strict=True):
        assert not access.ok
        assert access.missing == job.permissions


@pytest.mark.skipif(not SPEC.exists(), reason="shared/ spec not present")
def test_permission_table_matches_the_3_1_spec() -> None:
    spec = json.loads(SPEC.read_text())
    for endpoint, permission in ENDPOINT_PERMISSIONS.items():
        method, path = endpoint.split(" ", 1)
        operation = spec["paths"][path][method.lower()]
        assert operation.get("x-immich-permission") == permission, endpoint
        admin_only = bool(operation.get("x-immich-admin-only"))
        assert admin_only == (endpoint in ADMIN_ENDPOINTS), endpoint


def test_every_job_endpoint_has_a_known_permission() -> None:
    for job in JOBS:
        for endpoint in job.endpoints:
            assert endpoint in ENDPOINT_PERMISSIONS, (job.label, endpoint)
