"""Masking of secrets in text shown to people: one rule for config, database and logs."""

from __future__ import annotations

import re

# scheme://user:PASSWORD@host: the password may itself hold "@", the host cannot
_URL_PASSWORD = re.compile(r"^(?P<head>[A-Za-z][\w+.-]*://[^:/@]*:)[^/]*@(?P<host>[^@/]*)")
_PASSWORD_PARAM = re.compile(r"(?i)(password=)[^&\s]+")


def mask_url(url: str) -> str:
    """Return `url` with any password (userinfo or `password=` parameter) replaced by `***`."""
    masked = _PASSWORD_PARAM.sub(r"\1***", url)
    return _URL_PASSWORD.sub(r"\g<head>***@\g<host>", masked, count=1)
