"""TLS settings of a profile: verified by default, a private CA via `ca_file`, or `insecure`."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

from immkit.errors import ConfigError

log = logging.getLogger(__name__)


def tls_verify(
    *, ca_file: Path | None, insecure: bool, host: str, profile: str | None
) -> ssl.SSLContext | bool:
    """What to verify the server's certificate with (`False` = nothing, warned every time).

    Raises:
        ConfigError: `ca_file` cannot be read as a CA bundle.
    """
    if insecure:
        log.warning(
            "TLS certificate checks are off for %s (insecure = true); "
            "anyone on the network path can read the API key",
            host,
        )
        return False
    if ca_file is None:
        return True
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as exc:
        where = f" for profile {profile}" if profile else ""
        raise ConfigError(
            f"ca_file {ca_file}{where} cannot be used as a CA bundle ({type(exc).__name__}); "
            "point it at a PEM file with the server's CA certificate"
        ) from exc
