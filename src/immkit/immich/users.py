"""Users (`/users`, `/admin/users`) and the calling API key (`/api-keys/me`)."""

from __future__ import annotations

from collections.abc import Sequence

from immkit.immich.client import ImmichClient
from immkit.immich.models import ApiKeyInfo, User, UserAdmin, UserId
from immkit.immich.wire import parse, parse_list


class UsersApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client

    def me(self) -> UserAdmin:
        return parse(UserAdmin, self._client.call("GET", "/users/me"), "GET /users/me")

    def all(self) -> list[User]:
        """Every user the caller may see (`user.read`; no admin needed)."""
        return parse_list(User, self._client.call("GET", "/users"), "GET /users")

    def admin_all(self, *, with_deleted: bool = False) -> list[UserAdmin]:
        """Admin only: every user with admin fields."""
        data = self._client.call("GET", "/admin/users", params={"withDeleted": with_deleted})
        return parse_list(UserAdmin, data, "GET /admin/users")

    def admin_get(self, user_id: UserId) -> UserAdmin:
        data = self._client.call("GET", "/admin/users/{id}", path_params={"id": user_id})
        return parse(UserAdmin, data, "GET /admin/users/{id}")

    def find_user(self, email_or_id: str) -> User | None:
        """The user with this id, or this e-mail (case-insensitive); None if there is none."""
        return pick_user(self.all(), email_or_id)


def pick_user(users: Sequence[User], email_or_id: str) -> User | None:
    """The user of `users` with this id, or else this e-mail (case-insensitive)."""
    wanted = email_or_id.strip()
    by_id = next((u for u in users if u.id == wanted), None)
    if by_id is not None:
        return by_id
    folded = wanted.casefold()
    return next((u for u in users if u.email.casefold() == folded), None)


class ApiKeysApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client

    def me(self) -> ApiKeyInfo:
        """The calling key with its `permissions` (any key may ask; `all` grants everything)."""
        return parse(ApiKeyInfo, self._client.call("GET", "/api-keys/me"), "GET /api-keys/me")
