"""Users with API keys for the simulator tests of users, assets, search and libraries."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from immkit.sim.jpeg import solid_jpeg
from immkit.sim.seed import add_api_key, add_user
from immkit.sim.server import SimServer


@dataclass(frozen=True)
class Account:
    user_id: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.key}


def account(
    sim: SimServer, name: str, *, admin: bool = False, perms: list[str] | None = None
) -> Account:
    with sim.state.db.connection() as conn:
        uid = add_user(conn, f"{name}@example.com", name.title(), is_admin=admin, password="pw")
        return Account(uid, add_api_key(conn, uid, perms))


def jpeg(seed: int, width: int = 64, height: int = 48) -> bytes:
    return solid_jpeg(width, height, (seed * 37 % 256, seed * 91 % 256, seed * 13 % 256),
                      comment=f"immkit test {seed}")  # fmt: skip


def upload(
    sim: SimServer,
    who: Account,
    name: str,
    content: bytes,
    taken: str = "2023-05-10T10:00:00.000Z",
    **fields: str,
) -> httpx.Response:
    data = {"fileCreatedAt": taken, "fileModifiedAt": taken, "filename": name, **fields}
    return httpx.post(
        f"{sim.url}/api/assets",
        data=data,
        files={"assetData": (name, content, "image/jpeg")},
        headers=who.headers,
    )
