"""A tiny baseline JPEG writer for solid-colour images (no Pillow needed).

A flat 8×8 block has only a DC coefficient, so each block is one DC difference plus an
end-of-block code. The result is a valid JFIF file any decoder reads; the comment segment
makes otherwise equal images differ in content (and so in checksum).
"""

from __future__ import annotations

import struct

# standard luminance DC table (ITU T.81 K.3): code lengths 1..16, then the symbols
_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_VALUES = tuple(range(12))
# an AC table holding only end-of-block (symbol 0x00), code "0"
_AC_BITS = (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
_AC_VALUES = (0,)


def _codes(bits: tuple[int, ...], values: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    """Canonical Huffman codes: symbol → (code, length)."""
    out: dict[int, tuple[int, int]] = {}
    code, k = 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            out[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return out


_DC = _codes(_DC_BITS, _DC_VALUES)
_EOB = _codes(_AC_BITS, _AC_VALUES)[0]


class _Bits:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value: int, length: int) -> None:
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)  # byte stuffing
                self.acc, self.n = 0, 0

    def flush(self) -> bytes:
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)
        return bytes(self.out)


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _ycbcr(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    r, g, b = rgb
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return tuple(max(0, min(255, round(v))) for v in (y, cb, cr))  # type: ignore[return-value]


def _put_dc(bits: _Bits, diff: int) -> None:
    size = abs(diff).bit_length()
    code, length = _DC[size]
    bits.put(code, length)
    if size:
        bits.put(diff if diff > 0 else diff + (1 << size) - 1, size)


def solid_jpeg(width: int, height: int, rgb: tuple[int, int, int], *, comment: str = "") -> bytes:
    """A width×height JPEG filled with one colour."""
    components = _ycbcr(rgb)
    # with a quantisation table of ones a flat block's DC is 8 × (value − 128)
    dc_values = [8 * (c - 128) for c in components]
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = _Bits()
    previous = [0, 0, 0]
    for _ in range(blocks):
        for i, dc in enumerate(dc_values):
            _put_dc(bits, dc - previous[i])
            previous[i] = dc
            bits.put(*_EOB)
    out = bytearray(b"\xff\xd8")
    out += _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if comment:
        out += _segment(0xFE, comment.encode())
    out += _segment(0xDB, b"\x00" + bytes([1] * 64))
    sof = struct.pack(">BHHB", 8, height, width, 3)
    sof += b"".join(bytes([cid, 0x11, 0]) for cid in (1, 2, 3))
    out += _segment(0xC0, sof)
    out += _segment(0xC4, b"\x00" + bytes(_DC_BITS) + bytes(_DC_VALUES))
    out += _segment(0xC4, b"\x10" + bytes(_AC_BITS) + bytes(_AC_VALUES))
    sos = bytes([3]) + b"".join(bytes([cid, 0x00]) for cid in (1, 2, 3)) + b"\x00\x3f\x00"
    out += _segment(0xDA, sos)
    out += bits.flush()
    out += b"\xff\xd9"
    return bytes(out)
