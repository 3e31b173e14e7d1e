"""Users, login and API keys answer as Immich 3.1 does (status codes and messages as recorded)."""

from __future__ import annotations

import httpx

from immkit.sim.seed import add_api_key, add_user
from immkit.sim.server import SimServer


def _admin_key(sim: SimServer) -> str:
    with sim.state.db.connection() as conn:
        admin = add_user(conn, "admin@example.com", "Admin", is_admin=True, password="pw")
        return add_api_key(conn, admin)


def test_admin_creates_user_who_logs_in_and_makes_a_key(sim: SimServer) -> None:
    admin = {"x-api-key": _admin_key(sim)}
    body = {"email": "rec-a@example.com", "password": "secret", "name": "Rec User A"}
    r = httpx.post(f"{sim.url}/api/admin/users", json=body, headers=admin)
    assert r.status_code == 201
    user = r.json()
    assert user["avatarColor"] == "yellow"
    assert user["shouldChangePassword"] is True
    assert user["license"] is None
    dup = httpx.post(f"{sim.url}/api/admin/users", json=body, headers=admin)
    assert dup.status_code == 400
    assert dup.json() == {"message": "Email is not available"}

    login = httpx.post(
        f"{sim.url}/api/auth/login", json={"email": "rec-a@example.com", "password": "secret"}
    )
    assert login.status_code == 201
    assert login.json()["userId"] == user["id"]
    bearer = {"authorization": f"Bearer {login.json()['accessToken']}"}
    created = httpx.post(
        f"{sim.url}/api/api-keys", json={"name": "k", "permissions": ["asset.read"]}, headers=bearer
    )
    assert created.status_code == 201
    key = {"x-api-key": created.json()["secret"]}
    me = httpx.get(f"{sim.url}/api/api-keys/me", headers=key)
    assert me.json()["permissions"] == ["asset.read"]
    assert httpx.get(f"{sim.url}/api/api-keys/me", headers=bearer).json() == {
        "message": "Not authenticated with an API Key"
    }
    denied = httpx.get(f"{sim.url}/api/users/me", headers=key)
    assert denied.status_code == 403
    assert denied.json() == {"message": "Missing required permission: user.read"}


def test_wrong_password_is_401(sim: SimServer) -> None:
    _admin_key(sim)
    r = httpx.post(
        f"{sim.url}/api/auth/login", json={"email": "admin@example.com", "password": "x"}
    )
    assert r.status_code == 401
    assert r.json() == {"message": "Incorrect email or password"}


def test_validation_and_admin_only(sim: SimServer) -> None:
    admin = {"x-api-key": _admin_key(sim)}
    r = httpx.post(
        f"{sim.url}/api/admin/users",
        json={"email": "not-an-email", "password": "p", "name": "x"},
        headers=admin,
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["format"] == "email"
    r = httpx.post(
        f"{sim.url}/api/admin/users",
        json={"email": "n@example.com", "password": "p"},
        headers=admin,
    )
    assert r.json()["errors"][0]["path"] == ["name"]
    with sim.state.db.connection() as conn:
        user = add_user(conn, "u@example.com", "U")
        user_key = {"x-api-key": add_api_key(conn, user)}
    r = httpx.get(f"{sim.url}/api/admin/users", headers=user_key)
    assert (r.status_code, r.json()) == (403, {"message": "Forbidden"})
    listed = httpx.get(f"{sim.url}/api/users", headers=user_key).json()
    assert [u["email"] for u in listed] == ["u@example.com", "admin@example.com"]
    assert set(listed[0]) == {
        "id",
        "email",
        "name",
        "profileImagePath",
        "avatarColor",
        "profileChangedAt",
    }
    bad = httpx.post(
        f"{sim.url}/api/api-keys", json={"name": "b", "permissions": []}, headers=user_key
    )
    assert bad.json()["errors"][0]["code"] == "too_small"
    bad = httpx.post(
        f"{sim.url}/api/api-keys",
        json={"name": "b", "permissions": ["asset.fly"]},
        headers=user_key,
    )
    assert bad.json()["errors"][0]["code"] == "invalid_value"
