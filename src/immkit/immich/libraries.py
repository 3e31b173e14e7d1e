"""External libraries (admin only): list, read, statistics, update paths, scan, validate."""

from __future__ import annotations

from collections.abc import Sequence

from immkit.immich.bodies import LibraryUpdate
from immkit.immich.client import ImmichClient
from immkit.immich.models import Library, LibraryId, LibraryStatistics, LibraryValidation
from immkit.immich.wire import parse, parse_list


class LibrariesApi:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client

    def all(self) -> list[Library]:
        return parse_list(Library, self._client.call("GET", "/libraries"), "GET /libraries")

    def get(self, library_id: LibraryId) -> Library:
        data = self._client.call("GET", "/libraries/{id}", path_params={"id": library_id})
        return parse(Library, data, "GET /libraries/{id}")

    def statistics(self, library_id: LibraryId) -> LibraryStatistics:
        """Asset counts; `Library.asset_count` is always 0 on 3.1, this is not."""
        data = self._client.call(
            "GET", "/libraries/{id}/statistics", path_params={"id": library_id}
        )
        return parse(LibraryStatistics, data, "GET /libraries/{id}/statistics")

    def update(self, library_id: LibraryId, update: LibraryUpdate) -> Library:
        data = self._client.call(
            "PUT", "/libraries/{id}", path_params={"id": library_id}, json=update.changes()
        )
        return parse(Library, data, "PUT /libraries/{id}")

    def scan(self, library_id: LibraryId) -> None:
        """Queue a scan (answers at once; new files are searchable about 0.3 s later)."""
        self._client.call(
            "POST", "/libraries/{id}/scan", path_params={"id": library_id}, idempotent=True
        )

    def validate(
        self,
        library_id: LibraryId,
        *,
        import_paths: Sequence[str] = (),
        exclusion_patterns: Sequence[str] = (),
    ) -> LibraryValidation:
        """Ask the server whether paths exist as it sees them (needs an `all` key on 3.1)."""
        body = {"importPaths": list(import_paths), "exclusionPatterns": list(exclusion_patterns)}
        data = self._client.call(
            "POST",
            "/libraries/{id}/validate",
            path_params={"id": library_id},
            json=body,
            idempotent=True,
        )
        return parse(LibraryValidation, data, "POST /libraries/{id}/validate")
