"""Server-level calls: version, capabilities, ping, about, features, and "is this Immich?"."""

from __future__ import annotations

from immkit.errors import NotImmich
from immkit.immich.client import ImmichClient
from immkit.immich.models import ServerAbout, ServerFeatures, ServerPing
from immkit.immich.version import Capabilities, ServerVersion, require_supported
from immkit.immich.wire import parse


class ServerApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client
        self._version: ServerVersion | None = None

    def version(self) -> ServerVersion:
        """`GET /server/version`, asked once per gateway: a server does not change mid-run."""
        if self._version is None:
            data = self._client.call("GET", "/server/version")
            self._version = parse(ServerVersion, data, "GET /server/version")
        return self._version

    def capabilities(self) -> Capabilities:
        return Capabilities.of(self.version())

    def ping(self) -> ServerPing:
        return parse(ServerPing, self._client.call("GET", "/server/ping"), "GET /server/ping")

    def about(self) -> ServerAbout:
        return parse(ServerAbout, self._client.call("GET", "/server/about"), "GET /server/about")

    def features(self) -> ServerFeatures:
        data = self._client.call("GET", "/server/features")
        return parse(ServerFeatures, data, "GET /server/features")

    def check(self) -> ServerVersion:
        """Make sure the url is an Immich server immkit supports; returns its version.

        Needs no permission: ping and version are public.

        Raises:
            NotImmich: ping does not answer `pong`, or the version has no major/minor/patch.
            UnsupportedVersion: older than `MINIMUM_VERSION`.
            Unreachable: nothing answers.
        """
        if self.ping().res != "pong":
            raise NotImmich(
                f"{self._client.host} answered GET /server/ping without 'pong'; "
                "is the url an Immich server?"
            )
        version = self.version()
        require_supported(version)
        return version
