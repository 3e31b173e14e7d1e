"""Servers that are not Immich: garbage JSON, HTML, a hang, a 10 GB Content-Length."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

ANSWERS = {
    "garbage": (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n"
        b'Connection: close\r\n\r\n{"res": [1'
    ),
    "html": (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 40\r\n"
        b"Connection: close\r\n\r\n<html><body>Welcome to nginx</body></html>"
    ),
    "huge": (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Content-Length: 10737418240\r\nConnection: close\r\n\r\n[1, 2, 3, "
    ),
    "hang": b"",  # accepts, reads, never answers
}


@contextmanager
def hostile_server(kind: str) -> Iterator[str]:
    """A loopback server answering every request with `ANSWERS[kind]`; yields its URL."""
    answer = ANSWERS[kind]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(1)
            with suppress(OSError):
                conn.recv(65536)
            if answer:
                with suppress(OSError):
                    conn.sendall(answer)
                conn.close()
            else:
                held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        listener.close()
        for conn in held:
            conn.close()
