"""Where the bytes come from: the file itself when this machine can read it, else a download.

Reading the file at its original path is preferred: it costs the server nothing and needs
no temporary space. It is used only when the path is readable here *and* its size is the
size the server recorded, so a different file that happens to sit at the same path (another
machine, another mount) is never uploaded. Otherwise the original is streamed from the
server into a temporary file (its SHA-1 computed on the way) and removed after the upload.
Either way the content SHA-1 is known before the upload starts, as `x-immich-checksum`
requires, and memory stays flat whatever the file size.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from immkit.immich import AssetId, Immich, file_sha1
from immkit.jobs.assetcopy.model import SourceAsset


class SourceMode(StrEnum):
    AUTO = "auto"
    LOCAL = "local"
    DOWNLOAD = "download"


class UnreadableFile(Exception):
    """The original cannot be read from its path (mode `local`)."""


@dataclass(frozen=True)
class Original:
    path: Path
    sha1: str
    local: bool


def readable_here(asset: SourceAsset) -> bool:
    """True if the original path is a readable file here with the recorded size."""
    path = Path(asset.path)
    try:
        if not path.is_file() or not os.access(path, os.R_OK):
            return False
        return asset.size is None or path.stat().st_size == asset.size
    except OSError:
        return False


@contextmanager
def original(
    source: Immich,
    asset: SourceAsset,
    mode: SourceMode,
    tmp_dir: Path | None = None,
    local_sha1: str | None = None,
) -> Iterator[Original]:
    """The original as a local file with its SHA-1; a downloaded copy is removed after.

    Raises:
        UnreadableFile: mode `local` and the path is not readable here.
        ImmkitError: the download failed.
    """
    if mode is not SourceMode.DOWNLOAD and readable_here(asset):
        path = Path(asset.path)
        yield Original(path, local_sha1 or file_sha1(path), True)
        return
    if mode is SourceMode.LOCAL:
        raise UnreadableFile(f"{asset.path} is not readable on this machine")
    with tempfile.TemporaryDirectory(prefix="immkit-", dir=tmp_dir) as folder:
        # the file keeps its name: the upload sends it as the original file name
        dest = Path(folder) / (Path(asset.file_name).name or "original")
        got = source.assets.download_original(AssetId(asset.id), dest)
        yield Original(got.path, got.sha1, False)
