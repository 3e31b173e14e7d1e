"""`Immich`: the facade jobs use, one typed area per attribute over one shared client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from immkit.immich.albums import AlbumsApi
from immkit.immich.assets import AssetsApi
from immkit.immich.client import ImmichClient
from immkit.immich.defaults import (
    DEFAULT_CONCURRENCY,
    DEFAULT_RETRY,
    DEFAULT_TIMEOUTS,
    RetryPolicy,
    Timeouts,
)
from immkit.immich.faces import FacesApi
from immkit.immich.libraries import LibrariesApi
from immkit.immich.people import PeopleApi
from immkit.immich.search import SearchApi
from immkit.immich.server import ServerApi
from immkit.immich.tags import TagsApi
from immkit.immich.tracing import RequestEvent
from immkit.immich.users import ApiKeysApi, UsersApi


class Immich:
    """One Immich server as seen with one API key.

    Building it sends no request; call `server.check()` to verify the url, the version and
    that it is Immich at all.
    """

    def __init__(self, client: ImmichClient) -> None:
        self.client = client
        self.server = ServerApi(client)
        self.users = UsersApi(client)
        self.api_keys = ApiKeysApi(client)
        self.assets = AssetsApi(client)
        self.people = PeopleApi(client)
        self.faces = FacesApi(client)
        self.search = SearchApi(client)
        self.albums = AlbumsApi(client)
        self.libraries = LibrariesApi(client)
        self.tags = TagsApi(client)

    @classmethod
    def connect(
        cls,
        url: str,
        api_key: str,
        *,
        ca_file: Path | None = None,
        insecure: bool = False,
        concurrency: int = DEFAULT_CONCURRENCY,
        profile: str | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        on_request: Callable[[RequestEvent], None] | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
    ) -> Immich:
        """A gateway for `url` (with or without `/api`); `profile` only names it in errors."""
        client = ImmichClient(
            url,
            api_key,
            ca_file=ca_file,
            insecure=insecure,
            concurrency=concurrency,
            profile=profile,
            retry=retry,
            on_request=on_request,
            timeouts=timeouts,
        )
        return cls(client)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Immich:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
