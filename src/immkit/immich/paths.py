"""Base-URL normalisation and path templates: how immkit addresses an Immich API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit, urlunsplit

from immkit.errors import ConfigError

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def normalize_base_url(url: str) -> str:
    """Return the API root (`scheme://host[:port][/prefix]/api`) for a profile's url.

    Users write the server address with or without `/api` and with or without a
    trailing slash; every form must reach the same endpoints.

    Raises:
        ConfigError: not an http(s) URL, or it carries a query string or fragment.
    """
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"The Immich url {text!r} is not an http:// or https:// address; "
            "set url to something like http://immich.local:2283"
        )
    if parts.query or parts.fragment:
        raise ConfigError(
            "The Immich url must not contain a query string or fragment; "
            "set url to the server address only, e.g. http://immich.local:2283"
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/api"):
        path = f"{path}/api"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def expand_path(template: str, params: Mapping[str, str] | None = None) -> str:
    """Fill a path template such as `/albums/{id}/assets` with quoted values.

    Raises:
        ValueError: a placeholder has no value or a value has no placeholder
            (a programming error, never a user error).
    """
    values = dict(params or {})
    names = _PLACEHOLDER.findall(template)
    missing = [n for n in names if n not in values]
    unused = [n for n in values if n not in names]
    if missing or unused:
        raise ValueError(f"path {template}: missing {missing}, unused {unused}")
    return _PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), template)


def host_of(base_url: str) -> str:
    """The `host[:port]` part, the only piece of an address that errors and logs show."""
    parts = urlsplit(base_url)
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host
