"""Who is calling the simulator, and may they: Immich 3.1's guard, message for message."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from starlette.requests import Request

from immkit.sim.http import SimError
from immkit.sim.state import SimState


@dataclass(frozen=True)
class Caller:
    """The authenticated user and what the credential allows."""

    user_id: str
    is_admin: bool
    permissions: frozenset[str]
    via: str  # "api_key" | "session" | "none"
    key_id: str | None = None

    def allows(self, permission: str) -> bool:
        return self.via == "session" or "all" in self.permissions or permission in self.permissions


def hash_secret(secret: str) -> bytes:
    """API keys and session tokens are stored as their SHA-256, never in clear."""
    return hashlib.sha256(secret.encode()).digest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def authenticate(state: SimState, request: Request) -> Caller:
    api_key = request.headers.get("x-api-key") or request.query_params.get("apiKey")
    bearer = request.headers.get("authorization", "")
    with state.db.connection() as conn:
        if api_key:
            row = conn.execute(
                'SELECT k.id, k."userId", k.permissions, u."isAdmin" FROM api_key k '
                'JOIN "user" u ON u.id = k."userId" '
                'WHERE k.key = %s AND u."deletedAt" IS NULL',
                (hash_secret(api_key),),
            ).fetchone()
            if row is None:
                raise SimError(401, "Invalid API key")
            return Caller(
                str(row["userId"]),
                row["isAdmin"],
                frozenset(row["permissions"]),
                "api_key",
                str(row["id"]),
            )
        if bearer.lower().startswith("bearer "):
            token = bearer[7:].strip()
            row = conn.execute(
                'SELECT s."userId", u."isAdmin" FROM session s JOIN "user" u ON u.id = s."userId" '
                'WHERE s.token = %s AND u."deletedAt" IS NULL',
                (hash_secret(token),),
            ).fetchone()
            if row is None:
                raise SimError(401, "Invalid user token")
            return Caller(str(row["userId"]), row["isAdmin"], frozenset({"all"}), "session")
    raise SimError(401, "Authentication required")


def authorize(caller: Caller, permission: str | None, admin: bool, api_key_only: bool) -> None:
    if api_key_only:
        # GET /api-keys/me opts out of permissions: any key may describe itself
        if caller.via != "api_key":
            raise SimError(403, "Not authenticated with an API Key")
        return
    if admin and not caller.is_admin:
        raise SimError(403, "Forbidden")
    if caller.via == "api_key" and not caller.allows(permission or "all"):
        raise SimError(403, f"Missing required permission: {permission or 'all'}")
