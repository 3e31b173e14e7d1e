"""An in-process apprise service, so notifications go through real apprise without a socket.

`immkittest://HOST` URLs deliver into the `inbox` list; a host containing "down"
refuses delivery and one containing "crash" raises inside apprise's plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from apprise.decorators import notify

from immkit.daemon.notify import load_apprise_plugins

SCHEME = "immkittest"


@dataclass(frozen=True)
class Delivered:
    host: str
    title: str
    body: str
    kind: str


_INBOX: list[Delivered] = []
_REGISTERED: list[str] = []  # the scheme, once apprise knows it (a plugin registers once)


def _deliver(body: str, title: str, notify_type: str, *args: Any, **kwargs: Any) -> bool:
    host = str(kwargs["meta"].get("host", ""))
    if "crash" in host:
        raise RuntimeError("plugin crashed")
    if "down" in host:
        return False
    _INBOX.append(Delivered(host=host, title=title, body=body, kind=str(notify_type)))
    return True


@pytest.fixture
def inbox() -> Iterator[list[Delivered]]:
    """What the `immkittest://` service received during the test."""
    if not _REGISTERED:
        load_apprise_plugins()  # before registering: the plugin scan must not warn
        notify(on=SCHEME, name="immkit tests")(_deliver)  # type: ignore[no-untyped-call]
        _REGISTERED.append(SCHEME)
    _INBOX.clear()
    yield _INBOX
    _INBOX.clear()
