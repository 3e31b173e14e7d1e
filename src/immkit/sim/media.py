"""Media files of the simulator: supported types, streamed storage, header sizes, thumbnails."""

from __future__ import annotations

import base64
import hashlib
import shutil
import struct
import uuid
from pathlib import Path
from typing import BinaryIO

# Immich 3.1's supported extensions (mime-types.ts), the common ones with their mime type
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".hif": "image/heif",
    ".avif": "image/avif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".bmp": "image/bmp",
    ".jxl": "image/jxl",
    ".jp2": "image/jp2",
    ".svg": "image/svg+xml",
    ".psd": "image/vnd.adobe.photoshop",
    ".dng": "image/x-adobe-dng",
    ".arw": "image/x-sony-arw",
    ".cr2": "image/x-canon-cr2",
    ".cr3": "image/x-canon-cr3",
    ".nef": "image/x-nikon-nef",
    ".orf": "image/x-olympus-orf",
    ".raf": "image/x-fuji-raf",
    ".rw2": "image/x-panasonic-rw2",
    ".raw": "image/x-panasonic-raw",
    ".insp": "image/jpeg",
}
VIDEO_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".qt": "video/quicktime",
    ".avi": "video/avi",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".3gp": "video/3gpp",
    ".3gpp": "video/3gpp",
    ".mts": "video/mp2t",
    ".m2ts": "video/mp2t",
    ".m2t": "video/mp2t",
    ".mpg": "video/mpeg",
    ".mpeg": "video/mpeg",
    ".mpe": "video/mpeg",
    ".wmv": "video/x-ms-wmv",
    ".flv": "video/x-flv",
    ".vob": "video/mpeg",
    ".insv": "video/mp4",
}
SIDECAR_TYPES = {".xmp": "application/xml"}

CHUNK = 1 << 20

# a 1×1 lossless WebP: Immich serves thumbnails as image/webp
THUMBNAIL_WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")


def extension(file_name: str) -> str:
    dot = file_name.rfind(".")
    return file_name[dot:] if dot > 0 else ""


def asset_type(file_name: str) -> str | None:
    """IMAGE, VIDEO, or None for a file Immich would refuse."""
    ext = extension(file_name).lower()
    if ext in IMAGE_TYPES:
        return "IMAGE"
    if ext in VIDEO_TYPES:
        return "VIDEO"
    return None


def mime_type(file_name: str) -> str:
    ext = extension(file_name).lower()
    return IMAGE_TYPES.get(ext) or VIDEO_TYPES.get(ext) or "application/octet-stream"


def upload_path(media: Path, user_id: str, file_name: str) -> Path:
    """`upload/<userId>/<h2>/<h2>/<uuid>.<ext>`, the extension's case kept as Immich does."""
    name = str(uuid.uuid4())
    return media / "upload" / user_id / name[:2] / name[2:4] / (name + extension(file_name))


def store_stream(source: BinaryIO, target: Path) -> tuple[bytes, int]:
    """Copy `source` to `target` chunk by chunk; returns (SHA-1, size). Never whole in memory."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1()
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.digest(), size


def file_sha1(path: Path) -> bytes:
    digest = hashlib.sha1()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.digest()


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from a JPEG SOF or PNG IHDR header; None for anything else."""
    try:
        with path.open("rb") as f:
            head = f.read(24)
            if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
                width, height = struct.unpack(">II", head[16:24])
                return width, height
            if head.startswith(b"\xff\xd8"):
                f.seek(2)
                return _jpeg_size(f)
    except OSError:
        return None
    return None


def _jpeg_size(f: BinaryIO) -> tuple[int, int] | None:
    sof = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
    while True:
        marker = f.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        if marker[1] in (0xD8, 0x01) or 0xD0 <= marker[1] <= 0xD7:
            continue
        length_bytes = f.read(2)
        if len(length_bytes) < 2:
            return None
        (length,) = struct.unpack(">H", length_bytes)
        if marker[1] in sof:
            data = f.read(5)
            height, width = struct.unpack(">HH", data[1:5])
            return width, height
        f.seek(length - 2, 1)


def decode_checksum(text: str) -> bytes | None:
    """A SHA-1 given as 40 hex digits or as base64 (Immich accepts both)."""
    if len(text) == 40:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return raw if len(raw) == 20 else None
