"""`/users/*, /admin/users/*, /auth/login`."""

from __future__ import annotations

import hmac
from typing import Any

from immkit.sim.auth import hash_secret, new_secret
from immkit.sim.dto import user_admin_dto, user_dto
from immkit.sim.enums import AVATAR_COLORS
from immkit.sim.http import Call, Endpoints, Reply, SimError, bad_request
from immkit.sim.validate import boolean, email, enum, number, obj, regex, string, uuid

api = Endpoints()

_USER_COLUMNS = (
    'id, email, name, "profileImagePath", "avatarColor", "profileChangedAt", "storageLabel",'
    ' "shouldChangePassword", "isAdmin", "createdAt", "deletedAt", "updatedAt", "oauthId",'
    ' "quotaSizeInBytes", "quotaUsageInBytes", status'
)


def avatar_color(user_email: str) -> str:
    """Immich's default colour: the sum of the e-mail's code points picks one."""
    return AVATAR_COLORS[sum(ord(c) for c in user_email) % len(AVATAR_COLORS)]


def password_hash(password: str) -> str:
    # the simulator's stand-in for bcrypt; seed.add_user stores the same form
    return hash_secret(password).hex()


@api.route("POST", "/auth/login", auth=False, body=obj(email=email(), password=string()))
def login(call: Call) -> object:
    with call.state.db.connection() as conn:
        row = conn.execute(
            f'SELECT {_USER_COLUMNS}, password FROM "user"'
            ' WHERE lower(email) = lower(%s) AND "deletedAt" IS NULL',
            (call.body["email"],),
        ).fetchone()
        given = password_hash(call.body["password"])
        if row is None or not row["password"] or not hmac.compare_digest(row["password"], given):
            raise SimError(401, "Incorrect email or password")
        token = new_secret()
        conn.execute(
            'INSERT INTO session (token, "userId", "deviceOS", "deviceType")'
            " VALUES (%s, %s, %s, %s)",
            (hash_secret(token), row["id"], "immkit", "sim"),
        )
    body = {
        "accessToken": token,
        "userId": str(row["id"]),
        "userEmail": row["email"],
        "name": row["name"],
        "isAdmin": row["isAdmin"],
        "profileImagePath": row["profileImagePath"],
        "shouldChangePassword": row["shouldChangePassword"],
        "isOnboarded": False,
    }
    return Reply(201, body)


def _users(
    call: Call, where: str = "", params: tuple[Any, ...] = (), *, with_deleted: bool = False
) -> list[dict[str, Any]]:
    alive = "true" if with_deleted else '"deletedAt" IS NULL'
    with call.state.db.connection() as conn:
        rows = conn.execute(
            f'SELECT {_USER_COLUMNS} FROM "user" WHERE {alive} {where}'
            ' ORDER BY "createdAt" DESC, id',
            params,
        ).fetchall()
    return [dict(r) for r in rows]


@api.route("GET", "/users/me", permission="user.read")
def me(call: Call) -> object:
    return user_admin_dto(_users(call, "AND id = %s", (call.user_id,))[0])


@api.route("GET", "/users", permission="user.read")
def list_users(call: Call) -> object:
    return [user_dto(u) for u in _users(call)]


@api.route(
    "GET",
    "/admin/users",
    permission="adminUser.read",
    admin=True,
    query=obj(id=uuid().opt(), withDeleted=boolean().opt(False)),
)
def admin_list(call: Call) -> object:
    where = ""
    params: tuple[Any, ...] = ()
    if call.query.get("id"):
        where, params = "AND id = %s", (call.query["id"],)
    users = _users(call, where, params, with_deleted=call.query["withDeleted"])
    return [user_admin_dto(u) for u in users]


@api.route(
    "GET", "/admin/users/{id}", permission="adminUser.read", admin=True, params=obj(id=uuid())
)
def admin_get(call: Call) -> object:
    with call.state.db.connection() as conn:
        row = conn.execute(
            f'SELECT {_USER_COLUMNS} FROM "user" WHERE id = %s', (call.path["id"],)
        ).fetchone()
    if row is None:
        raise bad_request("User not found")
    return user_admin_dto(row)


_CREATE = obj(
    email=email(),
    name=string(),
    password=string(),
    isAdmin=boolean().opt(False),
    avatarColor=enum(AVATAR_COLORS).opt().null(),
    notify=boolean().opt(),
    pinCode=regex(r"^\d{6}$").opt().null(),
    quotaSizeInBytes=number(minimum=0, integer=True).opt().null(),
    shouldChangePassword=boolean().opt(True),
    storageLabel=string().opt().null(),
)


@api.route("POST", "/admin/users", permission="adminUser.create", admin=True, body=_CREATE)
def admin_create(call: Call) -> object:
    b = call.body
    with call.state.db.connection() as conn:
        taken = conn.execute(
            'SELECT 1 FROM "user" WHERE lower(email) = lower(%s)', (b["email"],)
        ).fetchone()
        if taken is not None:
            raise bad_request("Email is not available")
        if b["storageLabel"]:
            label = conn.execute(
                'SELECT 1 FROM "user" WHERE "storageLabel" = %s', (b["storageLabel"],)
            ).fetchone()
            if label is not None:
                raise bad_request("Storage label already taken")
        row = conn.execute(
            'INSERT INTO "user" (email, name, password, "isAdmin", "avatarColor",'
            ' "quotaSizeInBytes", "shouldChangePassword", "storageLabel")'
            f" VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING {_USER_COLUMNS}",
            (
                b["email"],
                b["name"],
                password_hash(b["password"]),
                b["isAdmin"],
                b["avatarColor"] or avatar_color(b["email"]),
                b["quotaSizeInBytes"],
                b["shouldChangePassword"],
                b["storageLabel"] or None,
            ),
        ).fetchone()
    assert row is not None
    return Reply(201, user_admin_dto(row))
