"""External libraries: admin-only CRUD, validation and a scan of real files on disk."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import httpx

from immkit.sim.server import SimServer
from tests.integration.sim.seeded_users import account, jpeg

MTIME = 1559390400  # 2019-06-01T12:00:00Z, as in the recordings


def _folder(root: Path) -> Path:
    ext = root / "ext-rec"
    (ext / "sub").mkdir(parents=True)
    (ext / "@eaDir").mkdir()
    for i, rel in enumerate(
        ["ext_0001.jpg", "ext_0002.jpg", "sub/ext_0003.jpg", "@eaDir/x.jpg", "skip.tmp"]
    ):
        (ext / rel).write_bytes(jpeg(100 + i, 640, 480))
        os.utime(ext / rel, (MTIME, MTIME))
    (ext / "readme.txt").write_text("not a photo")
    return ext


def test_scan_creates_external_assets_for_the_owner(sim: SimServer, tmp_path: Path) -> None:
    admin, owner = account(sim, "admin", admin=True), account(sim, "owner")
    folder = _folder(tmp_path)
    body = {"ownerId": owner.user_id, "name": "Rec External", "importPaths": [str(folder)],
            "exclusionPatterns": ["**/@eaDir/**", "**/*.tmp"]}  # fmt: skip
    created = httpx.post(f"{sim.url}/api/libraries", json=body, headers=admin.headers)
    assert created.status_code == 201
    lib = created.json()
    assert (lib["assetCount"], lib["refreshedAt"]) == (0, None)
    url = f"{sim.url}/api/libraries/{lib['id']}"
    assert httpx.post(f"{url}/scan", headers=admin.headers).status_code == 204
    stats = httpx.get(f"{url}/statistics", headers=admin.headers).json()
    usage = sum(len(jpeg(100 + i, 640, 480)) for i in range(3))
    assert stats == {"photos": 3, "videos": 0, "usage": usage, "total": 3}
    assert httpx.get(url, headers=admin.headers).json()["refreshedAt"] is not None

    found = httpx.post(
        f"{sim.url}/api/search/metadata", json={"libraryId": lib["id"]}, headers=owner.headers
    )
    items = found.json()["assets"]["items"]
    assert sorted(i["originalPath"] for i in items) == sorted(
        str(folder / rel) for rel in ("ext_0001.jpg", "ext_0002.jpg", "sub/ext_0003.jpg")
    )
    first = next(i for i in items if i["originalFileName"] == "ext_0001.jpg")
    expected = hashlib.sha1(f"path:{folder / 'ext_0001.jpg'}".encode()).digest()
    assert first["checksum"] == base64.b64encode(expected).decode()
    assert first["fileCreatedAt"] == "2019-06-01T12:00:00.000Z"
    assert first["isOffline"] is False
    assert first["libraryId"] == lib["id"]
    # the admin who made the library cannot read the owner's assets
    denied = httpx.get(f"{sim.url}/api/assets/{first['id']}", headers=admin.headers)
    assert denied.status_code == 400

    (folder / "ext_0002.jpg").unlink()
    httpx.post(f"{url}/scan", headers=admin.headers)
    gone = next(i for i in items if i["originalFileName"] == "ext_0002.jpg")
    got = httpx.get(f"{sim.url}/api/assets/{gone['id']}", headers=owner.headers).json()
    assert got["isOffline"] is True

    force = {"ids": [first["id"]], "force": True}
    httpx.request("DELETE", f"{sim.url}/api/assets", json=force, headers=owner.headers)
    assert not (folder / "ext_0001.jpg").exists()  # 3.1 deletes an external file on force delete

    assert httpx.delete(url, headers=admin.headers).status_code == 204
    assert httpx.get(url, headers=admin.headers).json() == {"message": "Library not found"}
    assert (folder / "sub" / "ext_0003.jpg").exists()


def test_libraries_are_admin_only_and_validate_paths(sim: SimServer, tmp_path: Path) -> None:
    admin, user = account(sim, "admin", admin=True), account(sim, "user")
    r = httpx.get(f"{sim.url}/api/libraries", headers=user.headers)
    assert (r.status_code, r.json()) == (403, {"message": "Forbidden"})
    default = httpx.post(
        f"{sim.url}/api/libraries", json={"ownerId": user.user_id}, headers=admin.headers
    ).json()
    assert default["name"] == "New External Library"
    assert default["exclusionPatterns"][0] == "**/@eaDir/**"
    missing_owner = httpx.post(
        f"{sim.url}/api/libraries",
        json={"ownerId": "6f1c3b4e-2d3a-4b5c-8d9e-0a1b2c3d4e5f"},
        headers=admin.headers,
    )
    assert (missing_owner.status_code, missing_owner.json()) == (
        500,
        {"message": "Failed to create library"},
    )
    (tmp_path / "file.txt").write_text("x")
    paths = [str(tmp_path), "/nonexistent/rec", "relative/path", str(tmp_path / "file.txt")]
    checked = httpx.post(
        f"{sim.url}/api/libraries/{default['id']}/validate",
        json={"importPaths": paths},
        headers=admin.headers,
    ).json()["importPaths"]
    assert [c["isValid"] for c in checked] == [True, False, False, False]
    assert checked[1]["message"] == "Path does not exist (ENOENT)"
    assert checked[3]["message"] == "Not a directory"
    assert checked[2]["message"].startswith("Import path must be absolute, try ")
    renamed = httpx.put(
        f"{sim.url}/api/libraries/{default['id']}", json={"name": "Renamed"}, headers=admin.headers
    )
    assert renamed.json()["name"] == "Renamed"
    listed = httpx.get(f"{sim.url}/api/libraries", headers=admin.headers).json()
    assert [lib["name"] for lib in listed] == ["Renamed"]
