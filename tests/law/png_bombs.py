"""Real PNG files of any declared size made without holding their pixels: a decompression bomb is a few kilobytes
that declare 20000×20000 pixels (about 60 KB here; issue 17 found one of 75 KiB accepted)."""

from __future__ import annotations

import functools
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def declared_png(width: int, height: int) -> bytes:
    """A valid PNG of width×height one-bit grey pixels, all black, compressed one row at a time."""
    row = bytes(1 + (width + 7) // 8)  # filter byte 0, then the row's bits
    squeeze = zlib.compressobj(9)
    pixels = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale, deflate, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")
