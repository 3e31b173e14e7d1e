"""Build the gateway for a profile: the one place the CLI turns settings into a client."""

from __future__ import annotations

from immkit.config import Profile
from immkit.immich import Immich
from immkit.immich.defaults import Timeouts


def immich_for(profile: Profile, *, concurrency: int | None = None) -> Immich:
    """A gateway for `profile`; the key is taken out of its SecretStr only here."""
    return Immich.connect(
        profile.url,
        profile.api_key.get_secret_value(),
        ca_file=profile.ca_file,
        insecure=profile.insecure,
        concurrency=concurrency or profile.concurrency,
        profile=profile.name,
        timeouts=per_request(profile.timeout),
    )


def per_request(seconds: float) -> Timeouts:
    """The profile's `timeout`: how long one request may wait for the server."""
    return Timeouts(connect=min(seconds, 10.0), read=seconds, write=seconds, pool=seconds)
