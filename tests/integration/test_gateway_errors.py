"""The gateway over real HTTP against tiny local servers: errors, retries, TLS, streaming.

The servers are real (`http.server` on 127.0.0.1 in a thread), answering the way Immich
3.1 does (or the way a non-Immich server would); nothing in httpx is mocked.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from immkit.errors import (
    ApiError,
    AuthError,
    MissingPermission,
    NotImmich,
    Unreachable,
    UnsupportedVersion,
)
from immkit.immich import (
    AssetId,
    Immich,
    ImmichClient,
    MetadataSearch,
    RequestEvent,
    RetryPolicy,
    Timeouts,
)
from immkit.sim.server import free_port

KEY = "sEcReT-api-key-0123456789"
FAST = RetryPolicy(attempts=4, backoff=0.001, max_backoff=0.005)
JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Reply:
    status: int = 200
    body: bytes | object = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def payload(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("content-type", "text/html")
        return json.dumps(self.body).encode(), JSON_TYPE


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class LocalServer:
    """A real HTTP server whose answers each test scripts per (method, path)."""

    def __init__(self, default: Reply) -> None:
        self.default = default
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.scheme = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}"

    def reply(self, method: str, path: str, *replies: Reply) -> None:
        """Answer in this order; the last reply repeats."""
        self.routes[(method, path)] = list(replies)

    def _next(self, method: str, path: str) -> Reply:
        with self._lock:
            replies = self.routes.get((method, path))
            if not replies:
                return self.default
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    server.seen.append(Seen(self.command, self.path, headers, body))
                    server.in_flight += 1
                    server.peak_in_flight = max(server.peak_in_flight, server.in_flight)
                done = False

                def finish() -> None:
                    # before the body goes out: once the client has read it, it may send
                    # its next request at once, before this handler gets here again
                    nonlocal done
                    if not done:
                        done = True
                        with server._lock:
                            server.in_flight -= 1

                try:
                    reply = server._next(self.command, path)
                    time.sleep(reply.delay)
                    payload, content_type = reply.payload()
                    self.send_response(reply.status)
                    self.send_header("content-type", content_type)
                    self.send_header("content-length", str(len(payload)))
                    for name, value in reply.headers.items():
                        if name != "content-type":
                            self.send_header(name, value)
                    self.end_headers()
                    finish()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    finish()

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def start(self) -> None:
        threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def immich_like() -> Iterator[LocalServer]:
    """Answers unknown routes as Immich does: 404 with a JSON message."""
    server = LocalServer(Reply(404, {"message": "Cannot GET"}))
    server.reply("GET", "/api/server/ping", Reply(200, {"res": "pong"}))
    server.reply("GET", "/api/server/version", Reply(200, {"major": 3, "minor": 1, "patch": 0}))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def plain_web() -> Iterator[LocalServer]:
    """A web server that is not Immich: HTML for everything."""
    server = LocalServer(Reply(404, b"<html><body>Not Found</body></html>"))
    server.start()
    yield server
    server.stop()


def client_for(server: LocalServer, **options: object) -> ImmichClient:
    return ImmichClient(server.url, KEY, retry=FAST, profile="home", **options)  # type: ignore[arg-type]


# -- reachability and identity ------------------------------------------------------------


def test_closed_port_is_unreachable_after_retries() -> None:
    port = free_port()
    events: list[RequestEvent] = []
    client = ImmichClient(
        f"http://127.0.0.1:{port}", KEY, retry=FAST, profile="home", on_request=events.append
    )
    with client, pytest.raises(Unreachable) as info:
        client.call("GET", "/server/ping")
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message
    assert "check url for profile home" in message
    assert KEY not in message
    assert client.requests["GET /server/ping"] == 4
    assert [e.status for e in events] == [None] * 4


def test_plain_web_server_is_not_immich(plain_web: LocalServer) -> None:
    with Immich(client_for(plain_web)) as immich, pytest.raises(NotImmich) as info:
        immich.server.check()
    assert "text/html" in str(info.value)


def test_html_200_for_every_path_is_not_immich(plain_web: LocalServer) -> None:
    plain_web.default = Reply(200, b"<!doctype html><title>My NAS</title>")
    with Immich(client_for(plain_web)) as immich, pytest.raises(NotImmich, match="not JSON"):
        immich.server.check()


def test_check_returns_version_and_capabilities(immich_like: LocalServer) -> None:
    with Immich(client_for(immich_like)) as immich:
        assert str(immich.server.check()) == "3.1.0"
        assert immich.server.capabilities().album_owner_in_album_users
        immich.server.version()
        assert immich.client.requests["GET /server/version"] == 1  # asked once


def test_old_server_is_refused_naming_versions(immich_like: LocalServer) -> None:
    immich_like.reply(
        "GET", "/api/server/version", Reply(200, {"major": 2, "minor": 7, "patch": 0})
    )
    with Immich(client_for(immich_like)) as immich, pytest.raises(UnsupportedVersion) as info:
        immich.server.check()
    assert "2.7.0" in str(info.value)
    assert "3.0.0" in str(info.value)


@pytest.mark.parametrize("suffix", ["", "/", "/api", "/api/"])
def test_every_url_spelling_reaches_api_with_the_key_header(
    immich_like: LocalServer, suffix: str
) -> None:
    with ImmichClient(immich_like.url + suffix, KEY) as client:
        assert client.call("GET", "/server/ping") == {"res": "pong"}
    seen = immich_like.seen[-1]
    assert seen.path == "/api/server/ping"
    assert seen.headers["x-api-key"] == KEY


def test_no_cookie_jar(immich_like: LocalServer) -> None:
    immich_like.reply(
        "GET",
        "/api/users/me",
        Reply(
            200,
            {"id": "u1", "email": "a@x", "name": "A"},
            headers={"set-cookie": "immich_access_token=tok; Path=/"},
        ),
    )
    with Immich(client_for(immich_like)) as immich:
        immich.users.me()
        immich.users.me()
    assert all("cookie" not in s.headers for s in immich_like.seen)


# -- status codes -------------------------------------------------------------------------


def test_401_is_an_auth_error_naming_the_profile(immich_like: LocalServer) -> None:
    immich_like.reply("GET", "/api/users/me", Reply(401, {"message": "Invalid API key"}))
    with Immich(client_for(immich_like)) as immich, pytest.raises(AuthError) as info:
        immich.users.me()
    assert str(info.value) == (
        "The server rejected the API key (Invalid API key); check api_key for profile home"
    )
    assert immich_like.seen[-1].headers["x-api-key"] == KEY


def test_403_carries_the_missing_permission(immich_like: LocalServer) -> None:
    immich_like.reply(
        "POST", "/api/albums", Reply(403, {"message": "Missing required permission: album.create"})
    )
    with Immich(client_for(immich_like)) as immich, pytest.raises(MissingPermission) as info:
        immich.albums.create("Kids")
    assert "Missing required permission: album.create" in str(info.value)
    assert KEY not in str(info.value)


def test_500_is_not_retried(immich_like: LocalServer) -> None:
    immich_like.reply("GET", "/api/albums", Reply(500, {"message": "Internal server error"}))
    with client_for(immich_like) as client, pytest.raises(ApiError) as info:
        client.call("GET", "/albums", params={"name": "secret-album-name"})
    err = info.value
    assert (err.method, err.path, err.status) == ("GET", "/albums", 500)
    assert "secret-album-name" not in str(err)
    assert client.requests["GET /albums"] == 1


def test_503_on_a_read_is_retried_until_attempts_run_out(immich_like: LocalServer) -> None:
    immich_like.reply("GET", "/api/albums", Reply(503, {"message": "Service Unavailable"}))
    with client_for(immich_like) as client, pytest.raises(ApiError) as info:
        client.call("GET", "/albums")
    assert info.value.status == 503
    assert client.requests["GET /albums"] == 4


def test_gateway_errors_then_success(immich_like: LocalServer) -> None:
    immich_like.reply(
        "GET",
        "/api/albums",
        Reply(502, b"Bad Gateway", {"content-type": "text/plain"}),
        Reply(504, b"Gateway Timeout", {"content-type": "text/plain"}),
        Reply(200, []),
    )
    with Immich(client_for(immich_like)) as immich:
        assert immich.albums.all() == []
        assert immich.client.requests["GET /albums"] == 3


def test_a_plain_post_is_never_retried_on_503(immich_like: LocalServer) -> None:
    immich_like.reply("POST", "/api/albums", Reply(503, {"message": "Service Unavailable"}))
    with client_for(immich_like) as client, pytest.raises(ApiError):
        client.call("POST", "/albums", json={"albumName": "x"})
    assert client.requests["POST /albums"] == 1


def test_search_is_a_post_marked_idempotent_so_it_is_retried(immich_like: LocalServer) -> None:
    immich_like.reply(
        "POST",
        "/api/search/metadata",
        Reply(503, {"message": "busy"}),
        Reply(200, {"assets": {"items": [], "nextPage": None}}),
    )
    with Immich(client_for(immich_like)) as immich:
        assert list(immich.search.iter_assets(MetadataSearch())) == []
        assert immich.client.requests["POST /search/metadata"] == 2


def test_429_honours_retry_after(immich_like: LocalServer) -> None:
    immich_like.reply(
        "POST",
        "/api/albums",
        Reply(429, {"message": "slow down"}, {"retry-after": "0"}),
        Reply(201, {"id": "al1", "albumName": "x"}),
    )
    with Immich(client_for(immich_like)) as immich:
        assert immich.albums.create("x").id == "al1"
        assert immich.client.requests["POST /albums"] == 2


def test_read_timeout_is_unreachable_after_retries(immich_like: LocalServer) -> None:
    immich_like.reply("GET", "/api/albums", Reply(200, [], delay=0.3))
    client = client_for(immich_like, timeouts=Timeouts(connect=1, read=0.05, write=1, pool=1))
    with client, pytest.raises(Unreachable, match="did not answer GET /albums"):
        client.call("GET", "/albums")
    assert client.requests["GET /albums"] == 4


def test_concurrency_bounds_requests_in_flight(immich_like: LocalServer) -> None:
    immich_like.reply("GET", "/api/faces", Reply(200, [], delay=0.03))
    with Immich(client_for(immich_like, concurrency=2)) as immich:
        threads = [
            threading.Thread(target=immich.faces.of_asset, args=(AssetId(f"a{i}"),))
            for i in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        faces = immich.faces.faces_of_many([AssetId(f"a{i}") for i in range(5)])
    assert immich_like.peak_in_flight == 2
    assert list(faces) == [f"a{i}" for i in range(5)]
    assert immich.client.requests["GET /faces"] == 11


# -- streaming ----------------------------------------------------------------------------


def test_download_streams_to_a_file_with_sha1(immich_like: LocalServer, tmp_path: Path) -> None:
    content = bytes(range(256)) * 12_000
    immich_like.reply(
        "GET",
        "/api/assets/a1/original",
        Reply(200, content, {"content-type": "image/jpeg"}),
    )
    with Immich(client_for(immich_like)) as immich:
        got = immich.assets.download_original(AssetId("a1"), tmp_path / "a1.jpg")
    assert got.size == len(content)
    assert got.sha1 == hashlib.sha1(content).hexdigest()
    assert (tmp_path / "a1.jpg").read_bytes() == content
    assert list(tmp_path.iterdir()) == [tmp_path / "a1.jpg"]


def test_download_of_a_foreign_asset_is_an_api_error(
    immich_like: LocalServer, tmp_path: Path
) -> None:
    immich_like.reply("GET", "/api/assets/a1/original", Reply(404, {"message": "Not Found"}))
    with Immich(client_for(immich_like)) as immich, pytest.raises(ApiError) as info:
        immich.assets.download_original(AssetId("a1"), tmp_path / "a1.jpg")
    assert info.value.status == 404
    assert list(tmp_path.iterdir()) == []


def test_upload_sends_multipart_and_checksum(immich_like: LocalServer, tmp_path: Path) -> None:
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg " * 100)
    immich_like.reply("POST", "/api/assets", Reply(201, {"id": "a9", "status": "created"}))
    with Immich(client_for(immich_like)) as immich:
        result = immich.assets.upload(
            photo, file_created_at="2023-05-10T08:00:00.000Z", is_favorite=True
        )
    assert result.id == "a9"
    assert not result.duplicate
    seen = immich_like.seen[-1]
    assert seen.headers["x-immich-checksum"] == hashlib.sha1(photo.read_bytes()).hexdigest()
    assert seen.headers["content-type"].startswith("multipart/form-data")
    assert b'name="assetData"; filename="IMG_0001.jpg"' in seen.body
    assert photo.read_bytes() in seen.body
    assert b"2023-05-10T08:00:00.000Z" in seen.body
    assert b'name="isFavorite"\r\n\r\ntrue' in seen.body


# -- TLS ----------------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[LocalServer, Path]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = LocalServer(Reply(404, {"message": "Not Found"}))
    server.reply("GET", "/api/server/ping", Reply(200, {"res": "pong"}))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.scheme = "https"
    server.start()
    yield server, cert
    server.stop()


def test_untrusted_certificate_is_unreachable_and_points_at_ca_file(
    tls_server: tuple[LocalServer, Path],
) -> None:
    server, _ = tls_server
    with client_for(server) as client, pytest.raises(Unreachable) as info:
        client.call("GET", "/server/ping")
    message = str(info.value)
    assert "TLS" in message
    assert "ca_file" in message
    assert "insecure" in message
    assert client.requests["GET /server/ping"] == 1  # a bad certificate does not heal


def test_ca_file_makes_the_certificate_trusted(tls_server: tuple[LocalServer, Path]) -> None:
    server, cert = tls_server
    with client_for(server, ca_file=cert) as client:
        assert client.call("GET", "/server/ping") == {"res": "pong"}


def test_insecure_works_and_warns_every_time(
    tls_server: tuple[LocalServer, Path], caplog: pytest.LogCaptureFixture
) -> None:
    server, _ = tls_server
    with caplog.at_level(logging.WARNING, logger="immkit.immich.tls"):
        for _ in range(2):
            with client_for(server, insecure=True) as client:
                assert client.call("GET", "/server/ping") == {"res": "pong"}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert all(KEY not in r.getMessage() for r in caplog.records)
