"""Replay recorded exchanges against a running simulator, one at a time, in order.

`Replayer.setup` brings a fresh simulator database to the recorder's starting state (the
pre-existing admin with an all-permission key, user2, the admin's "Smoke External" library,
the external-library folder on disk). `Replayer.run` sends one recorded request with its
placeholders bound, learns new bindings and credentials from the answer, and compares the
answer with the record. Nothing here raises: a failure becomes the `Outcome`'s reasons.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from immkit.sim.seed import add_api_key, add_library, add_user
from immkit.sim.server import SimServer
from immkit.sim.state import ObservedResponse
from tests.contract.openapi import check_all
from tests.contract.recordings import Record, records
from tests.contract.replay_bind import Bindings
from tests.contract.replay_compare import Unstable, compare_body
from tests.contract.replay_media import Media, make_external_folder

PASSWORD = "Replay-Passw0rd!"
WRONG_PASSWORD = "not-the-password"
MISSING_ID = "7e57f00d-0000-4000-8000-00000000dead"  # a v4 UUID that exists nowhere
RECORDED_EXT = "/mnt/photos/ext-rec"
INVALID = {"apiKey(invalid)": "invalid-api-key-replay", "bearer(invalid)": "invalid-token-replay"}
# the client-side mark `<ts:before-updates>` was taken just before this scenario first ran
MARK_BEFORE = "assets.update-bulk"
QUIET_QUEUES = {"notifications"}  # ignored by the recorder too: delayed e-mails sit there


@dataclass
class Outcome:
    seq: int
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


@dataclass
class Tally:
    """How the replay went so far (for the summary line)."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    expected: set[int] = field(default_factory=set)

    def line(self) -> str:
        matched = sum(o.ok for o in self.outcomes.values())
        xfail = sum(1 for s, o in self.outcomes.items() if s in self.expected and not o.ok)
        other = len(self.outcomes) - matched - xfail
        text = f"recordings replayed: {matched}/{len(records())} match, {xfail} expected failures"
        return text + (f", {other} unexpected failures" if other else "")


TALLY = Tally()


class Replayer:
    def __init__(self, server: SimServer, folder: Path) -> None:
        self.server = server
        self.client = httpx.Client(base_url=server.url, timeout=15.0)
        self.bindings = Bindings()
        self.media = Media.for_records(records())
        self.keys: dict[tuple[str, str], str] = {}  # (actor, auth) → API key secret
        self.tokens: dict[str, str] = {}  # actor → bearer token
        self.folder = str(make_external_folder(folder))
        self.observed: list[ObservedResponse] = []
        self.poll_jobs = True
        server.state.observers.append(self.observed.append)

    def close(self) -> None:
        self.server.state.observers.remove(self.observed.append)
        self.client.close()

    def setup(self) -> None:
        """The recorder's starting state: pre-existing users, the admin's key and library."""
        with self.server.state.db.connection() as conn:
            admin = add_user(conn, "admin@example.com", "Immich Admin", is_admin=True)
            conn.execute('UPDATE "user" SET "storageLabel" = %s WHERE id = %s', ("admin", admin))
            user2 = add_user(conn, "user2@example.com", "Second User", password=PASSWORD)
            secret = add_api_key(conn, admin, ["all"], name="admin-all")
            smoke = add_library(
                conn, admin, "Smoke External", ["/mnt/photos/ext/lib1"],
                exclusion_patterns=["**/@eaDir/**"],
            )  # fmt: skip
            conn.execute('UPDATE library SET "refreshedAt" = now() WHERE id = %s', (smoke,))
            conn.commit()
        self.keys[("<user:admin>", "apiKey(all)")] = secret
        for placeholder, value in {
            "<user:admin>": admin,
            "<user:user2>": user2,
            "<library:smoke>": smoke,
            "<missing:1>": MISSING_ID,
        }.items():
            self.bindings.bind(placeholder, value)

    # -- one exchange ---------------------------------------------------------------------

    def run(self, rec: Record) -> Outcome:
        outcome = Outcome(rec["seq"])
        TALLY.outcomes[rec["seq"]] = outcome
        try:
            self._run(rec, outcome)
        except Exception as exc:  # the harness must survive whatever the simulator does
            outcome.reasons.append(f"harness error: {type(exc).__name__}: {exc}")
        return outcome

    def _run(self, rec: Record, outcome: Outcome) -> None:
        if rec["scenario"] == MARK_BEFORE and "<ts:before-updates>" not in self.bindings.values:
            now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            self.bindings.bind("<ts:before-updates>", now)
        if "immediately" not in rec["step"]:
            self._wait_for_jobs()
        request = self._request(rec)
        missing = self.bindings.unresolved(request)
        if any(p.startswith(("<face:", "<asset:")) for p in missing):
            self._look_up_faces(rec, missing)
            self._look_up_assets(rec, missing)
            request = self._request(rec)
            missing = self.bindings.unresolved(request)
        if missing:
            outcome.reasons.append(
                f"unresolved placeholders {sorted(missing)} (earlier step failed)"
            )
            return
        headers = self._auth(rec)
        if headers is None:
            outcome.reasons.append(f"no credentials for {rec['actor']} {rec['auth']}")
            return
        self.observed.clear()
        response = self._send(rec, request, headers)
        outcome.reasons += self._compare(rec, response)
        self._learn(rec, response)
        outcome.reasons += [f"spec: {v}" for v in check_all(self.observed)]

    def _request(self, rec: Record) -> dict[str, Any]:
        """URL, query, body, headers and form fields of the record, with our values."""
        request = {
            "url": rec["url"].split("?", 1)[0],
            "query": rec.get("query") or {},
            "json": rec.get("requestBody"),
            "headers": rec.get("requestHeaders") or {},
            "fields": (rec.get("multipart") or {}).get("fields", {}),
        }
        rewritten: dict[str, Any] = self._rewrite(self.bindings.resolve(request))
        return rewritten

    def _rewrite(self, value: Any) -> Any:
        """Recorded checksums → ours; the external folder → ours."""
        if isinstance(value, dict):
            return {key: self._rewrite(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._rewrite(item) for item in value]
        if isinstance(value, str):
            if value.startswith(RECORDED_EXT):
                return self.folder + value.removeprefix(RECORDED_EXT)
            return self.media.ours(value) or value
        return value

    def _auth(self, rec: Record) -> dict[str, str] | None:
        auth, actor = rec["auth"], rec["actor"]
        if auth == "none":
            return {}
        if auth == "apiKey(invalid)":
            return {"x-api-key": INVALID[auth]}
        if auth == "bearer(invalid)":
            return {"authorization": f"Bearer {INVALID[auth]}"}
        if auth == "bearer":
            token = self.tokens.get(actor)
            return None if token is None else {"authorization": f"Bearer {token}"}
        secret = self.keys.get((actor, auth))
        return None if secret is None else {"x-api-key": secret}

    def _send(self, rec: Record, request: dict[str, Any], auth: dict[str, str]) -> httpx.Response:
        headers = {**request["headers"], **auth}
        params = {
            k: str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in request["query"].items()
        }
        content: bytes | None = None
        if rec.get("multipart") is not None:
            content, kind = self._multipart(rec, request["fields"])
            headers["content-type"] = kind
        elif rec.get("rawRequestBody") is not None:
            content = rec["rawRequestBody"].encode()
            headers["content-type"] = "application/json"
        elif rec.get("requestBody") is not None:
            body = request["json"]
            if isinstance(body, dict) and body.get("password") == "<secret>":
                wrong = "wrong password" in rec["step"]
                body = {**body, "password": WRONG_PASSWORD if wrong else PASSWORD}
            content = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        return self.client.request(
            rec["method"], request["url"], params=params, content=content, headers=headers
        )

    def _multipart(self, rec: Record, fields: dict[str, Any]) -> tuple[bytes, str]:
        """A multipart body as the recorder's client sent it (raw UTF-8 file names)."""
        boundary = "replay" + hashlib.sha1(str(rec["seq"]).encode()).hexdigest()[:16]
        out = bytearray()
        for name, value in fields.items():
            out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            out += f"{value}\r\n".encode()
        for name, part in rec["multipart"]["files"].items():
            data = self.media.files[part["sha1"]]
            out += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{part["filename"]}"\r\nContent-Type: {part["contentType"]}\r\n\r\n'
            ).encode()
            out += data + b"\r\n"
        out += f"--{boundary}--\r\n".encode()
        return bytes(out), f"multipart/form-data; boundary={boundary}"

    # -- answers --------------------------------------------------------------------------

    def _compare(self, rec: Record, response: httpx.Response) -> list[str]:
        reasons: list[str] = []
        if response.status_code != rec["status"]:
            said = response.text[:200] if response.content else "no body"
            return [f"status {response.status_code}, recorded {rec['status']}: {said}"]
        recorded_type = (rec["responseHeaders"].get("content-type") or "").split(";")[0]
        actual_type = (response.headers.get("content-type") or "").split(";")[0]
        body = _json(response)
        if rec.get("responseBinary"):
            reasons += self._compare_binary(rec, response, recorded_type, actual_type)
        elif rec.get("responseBody") is None:
            if response.content:
                reasons.append(f"body of {len(response.content)} bytes, recorded none")
        elif body is _NOT_JSON:
            reasons.append(
                f"body is not JSON ({actual_type or 'no content-type'}): {response.text[:120]!r}"
            )
        else:
            reasons += compare_body(rec, body, self.bindings)
        if reasons and body is not _NOT_JSON and response.status_code >= 400:
            reasons.append(f"answer: {json.dumps(body)[:200]}")
        return reasons

    def _compare_binary(
        self, rec: Record, response: httpx.Response, recorded_type: str, actual_type: str
    ) -> list[str]:
        if response.status_code != 200:
            return []
        reasons = []
        if recorded_type != actual_type:
            reasons.append(f"content-type {actual_type or None}, recorded {recorded_type}")
        ours = self.media.ours(rec["responseBinary"]["sha1"])
        if ours is not None and hashlib.sha1(response.content).hexdigest() != ours:
            reasons.append("downloaded bytes differ from the uploaded ones")
        return reasons

    def _learn(self, rec: Record, response: httpx.Response) -> None:
        body = _json(response)
        if body is _NOT_JSON or response.status_code != rec["status"]:
            return
        skip = Unstable(rec)
        skip_paths = frozenset(skip.value | skip.order)
        self.bindings.learn(rec.get("responseBody"), body, skip_paths, "responseBody")
        if not isinstance(body, dict) or rec["status"] != 201:
            return
        if rec["path"] == "/api-keys" and body.get("secret"):
            permissions = ",".join((rec.get("requestBody") or {}).get("permissions", []))
            self.keys[(rec["actor"], f"apiKey({permissions})")] = body["secret"]
        user = (rec.get("responseBody") or {}).get("userId")
        if rec["path"] == "/auth/login" and user and body.get("accessToken"):
            self.tokens[user] = body["accessToken"]

    def _look_up_faces(self, rec: Record, missing: set[str]) -> None:
        """Find face ids as the recorder did (unrecorded `GET /faces?id=<asset>`)."""
        headers = self._auth(rec) or {}
        for placeholder in sorted(missing):
            origin = FACES.get(placeholder)
            asset = origin and self.bindings.values.get(origin[0])
            if origin is None or asset is None:
                continue
            answer = self.client.get("/api/faces", params={"id": asset}, headers=headers)
            found = answer.json() if answer.status_code == 200 else []
            for face in found if isinstance(found, list) else []:
                if (face.get("boundingBoxX1"), face.get("boundingBoxY1")) == origin[1:]:
                    self.bindings.bind(placeholder, face["id"])

    def _look_up_assets(self, rec: Record, missing: set[str]) -> None:
        """Find scanned (external) assets as the recorder did: by file name, via search."""
        headers = self._auth(rec) or {}
        for placeholder in sorted(missing):
            name = FILE_NAMES.get(placeholder)
            if name is None or placeholder in self.bindings.values:
                continue
            body = {"originalFileName": name, "withDeleted": True}
            answer = self.client.post("/api/search/metadata", json=body, headers=headers)
            items = answer.json().get("assets", {}).get("items", []) if answer.is_success else []
            exact = [item for item in items if item.get("originalFileName") == name]
            if len(exact) == 1:
                self.bindings.bind(placeholder, exact[0]["id"])

    def _wait_for_jobs(self, limit: float = 5.0) -> None:
        """Poll `GET /queues` until idle, as the recorder did before reading job results."""
        key = self.keys.get(("<user:admin>", "apiKey(all)"))
        if not self.poll_jobs or key is None:
            return
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                answer = self.client.get("/api/queues", headers={"x-api-key": key})
            except httpx.HTTPError:
                return
            if answer.status_code != 200:
                self.poll_jobs = False  # no queues in this simulator (yet): nothing to wait for
                return
            if not any(_busy(queue) for queue in answer.json()):
                return
            time.sleep(0.02)
        self.poll_jobs = False  # never idle: stop waiting rather than slow every step


_NOT_JSON = object()


def _face_origins() -> dict[str, tuple[str, int, int]]:
    """`<face:N>` → (asset, x1, y1): faces are numbered per asset (in asset order), then by
    x1, from the `POST /faces` requests that created them."""
    created = [
        (rec["requestBody"]["assetId"], rec["requestBody"]["x"], rec["requestBody"]["y"])
        for rec in records()
        if rec["method"] == "POST" and rec["path"] == "/faces" and rec["status"] == 201
    ]
    created.sort(key=lambda face: (int(face[0].strip("<>").split(":")[1]), face[1]))
    return {f"<face:{n}>": face for n, face in enumerate(created, start=1)}


FACES = _face_origins()


def _external_names() -> dict[str, str]:
    """`<asset:N>` → file name, for assets that no upload created (a library scan did)."""
    uploaded = {
        (rec.get("responseBody") or {}).get("id") for rec in records() if rec.get("multipart")
    }
    names: dict[str, str] = {}
    for rec in records():
        body = rec.get("responseBody")
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            continue
        if body["id"] not in uploaded and body.get("libraryId"):
            names.setdefault(body["id"], body.get("originalFileName", ""))
    return names


FILE_NAMES = _external_names()


def _busy(queue: dict[str, Any]) -> bool:
    stats = queue.get("statistics") or {}
    return queue.get("name") not in QUIET_QUEUES and bool(
        stats.get("active") or stats.get("waiting")
    )


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return _NOT_JSON
