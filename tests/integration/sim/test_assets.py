"""Asset upload, read, edit, trash and delete answer as Immich 3.1 does."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import httpx

from immkit.sim.server import SimServer
from tests.integration.sim.seeded_users import account, jpeg, upload


def test_upload_dedupes_per_owner_and_by_checksum_header(sim: SimServer) -> None:
    a, b = account(sim, "a"), account(sim, "b")
    content = jpeg(1)
    first = upload(sim, a, "IMG_0001.jpg", content)
    assert first.status_code == 201
    assert first.json()["status"] == "created"
    again = upload(sim, a, "other.jpg", content, taken="2024-01-01T00:00:00.000Z")
    assert (again.status_code, again.json()) == (
        200,
        {"status": "duplicate", "id": first.json()["id"]},
    )
    assert upload(sim, b, "IMG_0001.jpg", content).status_code == 201

    sha1 = hashlib.sha1(content).digest()
    fields = {
        "fileCreatedAt": "2023-05-10T10:00:00.000Z",
        "fileModifiedAt": "2023-05-10T10:00:00.000Z",
    }
    for header in (sha1.hex(), base64.b64encode(sha1).decode()):
        r = httpx.post(
            f"{sim.url}/api/assets",
            data=fields,
            files={"x": ("x", b"")},
            headers={**a.headers, "x-immich-checksum": header},
        )
        assert (r.status_code, r.json()["status"]) == (200, "duplicate")
    r = httpx.post(
        f"{sim.url}/api/assets",
        data=fields,
        files={"x": ("x", b"")},
        headers={**a.headers, "x-immich-checksum": "53279b82a90dcf9d6060498688f583c88100e451"},
    )
    assert (r.status_code, r.json()) == (400, {"message": "File is required"})


def test_upload_errors(sim: SimServer) -> None:
    a = account(sim, "a")
    assert upload(sim, a, "empty.jpg", b"").json() == {"message": "File is empty"}
    assert upload(sim, a, "notes.txt", b"hello").json() == {
        "message": "Unsupported file type notes.txt"
    }
    r = httpx.post(
        f"{sim.url}/api/assets",
        data={"fileModifiedAt": "2023-01-01T00:00:00.000Z"},
        files={"assetData": ("x.jpg", jpeg(2), "image/jpeg")},
        headers=a.headers,
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == (
        "Invalid input: expected ISO 8601 datetime string, received undefined"
    )


def test_get_asset_shape_and_scoping(sim: SimServer) -> None:
    a, b = account(sim, "a"), account(sim, "b")
    asset_id = upload(sim, a, "IMG_0001.jpg", jpeg(3, 640, 480)).json()["id"]
    got = httpx.get(f"{sim.url}/api/assets/{asset_id}", headers=a.headers).json()
    assert list(got) == [
        "id",
        "createdAt",
        "ownerId",
        "owner",
        "libraryId",
        "type",
        "originalPath",
        "originalFileName",
        "originalMimeType",
        "thumbhash",
        "fileCreatedAt",
        "fileModifiedAt",
        "localDateTime",
        "updatedAt",
        "isFavorite",
        "isArchived",
        "isTrashed",
        "visibility",
        "duration",
        "exifInfo",
        "livePhotoVideoId",
        "tags",
        "people",
        "checksum",
        "stack",
        "isOffline",
        "hasMetadata",
        "duplicateId",
        "resized",
        "width",
        "height",
        "isEdited",
    ]
    assert (got["width"], got["height"]) == (640, 480)
    assert got["exifInfo"]["dateTimeOriginal"] == "2023-05-10T10:00:00+00:00"
    assert got["exifInfo"]["fileSizeInByte"] == len(jpeg(3, 640, 480))
    assert Path(got["originalPath"]).is_file()
    denied = httpx.get(f"{sim.url}/api/assets/{asset_id}", headers=b.headers)
    assert (denied.status_code, denied.json()) == (
        400,
        {"message": "Not found or no asset.read access"},
    )
    original = httpx.get(f"{sim.url}/api/assets/{asset_id}/original", headers=a.headers)
    assert original.headers["content-type"] == "image/jpeg"
    assert original.content == jpeg(3, 640, 480)
    foreign = httpx.get(f"{sim.url}/api/assets/{asset_id}/original", headers=b.headers)
    assert (foreign.status_code, foreign.json()) == (404, {"message": "Not Found"})
    thumb = httpx.get(f"{sim.url}/api/assets/{asset_id}/thumbnail", headers=a.headers)
    assert thumb.headers["content-type"] == "image/webp"
    me = httpx.get(f"{sim.url}/api/users/me", headers=a.headers).json()
    assert me["quotaUsageInBytes"] == len(jpeg(3, 640, 480))


def test_restricted_key_gets_403(sim: SimServer) -> None:
    a = account(sim, "a", perms=["asset.read"])
    r = httpx.put(f"{sim.url}/api/assets", json={"ids": [], "isFavorite": True}, headers=a.headers)
    assert (r.status_code, r.json()) == (
        403,
        {"message": "Missing required permission: asset.update"},
    )


def test_bulk_update_rules(sim: SimServer) -> None:
    a, b = account(sim, "a"), account(sim, "b")
    mine = upload(sim, a, "IMG_0001.jpg", jpeg(4)).json()["id"]
    theirs = upload(sim, b, "b.jpg", jpeg(5)).json()["id"]
    url = f"{sim.url}/api/assets"
    assert (
        httpx.put(url, json={"ids": [mine], "isFavorite": True}, headers=a.headers).status_code
        == 204
    )
    zero = httpx.put(url, json={"ids": [mine], "rating": 0}, headers=a.headers).json()
    assert zero["errors"][0]["code"] == "custom"
    assert httpx.put(url, json={"ids": [mine], "rating": -1}, headers=a.headers).status_code == 204
    assert (
        httpx.put(url, json={"ids": [mine], "rating": None}, headers=a.headers).status_code == 204
    )
    lat = httpx.put(url, json={"ids": [mine], "latitude": 40.7}, headers=a.headers).json()
    assert lat["errors"] == [
        {
            "code": "custom",
            "path": [],
            "message": "Latitude and longitude must be provided together",
        }
    ]
    mixed = httpx.put(url, json={"ids": [mine, theirs], "isFavorite": False}, headers=a.headers)
    assert mixed.json() == {"message": "Not found or no asset.update access"}
    body = {"ids": [mine], "dateTimeOriginal": "2021-07-12T15:30:00.000+02:00"}
    assert httpx.put(url, json=body, headers=a.headers).status_code == 204
    geo = {"ids": [mine], "latitude": 52.52, "longitude": 13.405}
    assert httpx.put(url, json=geo, headers=a.headers).status_code == 204
    got = httpx.get(f"{url}/{mine}", headers=a.headers).json()
    assert got["isFavorite"] is True
    assert got["fileCreatedAt"] == "2021-07-12T13:30:00.000Z"
    assert got["exifInfo"]["city"] == "Berlin"
    assert got["exifInfo"]["timeZone"] == "Europe/Berlin"
    assert got["localDateTime"] == "2021-07-12T15:30:00.000Z"
    one = httpx.put(
        f"{url}/{mine}", json={"description": "hi", "rating": 5}, headers=a.headers
    ).json()
    assert not {"owner", "tags", "stack"} & set(one)
    assert (one["exifInfo"]["description"], one["exifInfo"]["rating"]) == ("hi", 5)


def test_trash_restore_and_force_delete(sim: SimServer) -> None:
    a = account(sim, "a")
    content = jpeg(6)
    asset_id = upload(sim, a, "trash_me.jpg", content).json()["id"]
    url = f"{sim.url}/api/assets"
    assert (
        httpx.request("DELETE", url, json={"ids": [asset_id]}, headers=a.headers).status_code == 204
    )
    got = httpx.get(f"{url}/{asset_id}", headers=a.headers).json()
    assert (got["isTrashed"], got["visibility"]) == (True, "timeline")
    dup = upload(sim, a, "again.jpg", content).json()
    assert dup == {"status": "duplicate", "id": asset_id}
    check = httpx.post(
        f"{url}/bulk-upload-check",
        json={"assets": [{"id": "c", "checksum": hashlib.sha1(content).hexdigest()}]},
        headers=a.headers,
    ).json()
    assert check["results"][0]["isTrashed"] is True
    restored = httpx.post(
        f"{sim.url}/api/trash/restore/assets", json={"ids": [asset_id]}, headers=a.headers
    )
    assert restored.json() == {"count": 1}
    path = Path(got["originalPath"])
    body = {"ids": [asset_id], "force": True}
    assert httpx.request("DELETE", url, json=body, headers=a.headers).status_code == 204
    assert not path.exists()
    gone = httpx.get(f"{url}/{asset_id}", headers=a.headers)
    assert gone.json() == {"message": "Not found or no asset.read access"}
    again = httpx.request("DELETE", url, json=body, headers=a.headers)
    assert again.json() == {"message": "Not found or no asset.delete access"}
    assert upload(sim, a, "again.jpg", content).status_code == 201


def test_bulk_upload_check_and_statistics(sim: SimServer) -> None:
    a = account(sim, "a")
    upload(sim, a, "one.jpg", jpeg(7))
    upload(sim, a, "hidden.jpg", jpeg(8), visibility="hidden")
    empty = httpx.post(
        f"{sim.url}/api/assets/bulk-upload-check", json={"assets": []}, headers=a.headers
    )
    assert (empty.status_code, empty.json()) == (500, {"message": "Failed to check bulk upload"})
    stats = httpx.get(f"{sim.url}/api/assets/statistics", headers=a.headers).json()
    assert stats == {"images": 1, "videos": 0, "total": 1}


def test_copy_requires_distinct_owned_assets(sim: SimServer) -> None:
    a = account(sim, "a")
    src = upload(sim, a, "src.jpg", jpeg(9)).json()["id"]
    dst = upload(sim, a, "dst.jpg", jpeg(10)).json()["id"]
    url = f"{sim.url}/api/assets"
    httpx.put(f"{url}/{src}", json={"isFavorite": True}, headers=a.headers)
    same = httpx.put(f"{url}/copy", json={"sourceId": src, "targetId": src}, headers=a.headers)
    assert same.json() == {"message": "Source and target id must be distinct"}
    assert (
        httpx.put(
            f"{url}/copy", json={"sourceId": src, "targetId": dst}, headers=a.headers
        ).status_code
        == 204
    )
    assert httpx.get(f"{url}/{dst}", headers=a.headers).json()["isFavorite"] is True


def test_utf8_multipart_filename_is_decoded(sim: SimServer) -> None:
    a = account(sim, "a")
    content = jpeg(11)
    fields = {
        "fileCreatedAt": "2017-02-02T02:02:02.000Z",
        "fileModifiedAt": "2017-02-02T02:02:02.000Z",
    }
    r = httpx.post(
        f"{sim.url}/api/assets",
        data=fields,
        files={"assetData": ("Ünïcödé_名前.jpg", content, "image/jpeg")},
        headers=a.headers,
    )
    got = httpx.get(f"{sim.url}/api/assets/{r.json()['id']}", headers=a.headers).json()
    assert got["originalFileName"] == "Ünïcödé_名前.jpg"
