"""Reading a response body up to a cap counted AFTER decompression (gzip-bomb safe).

The checker asks for ``gzip, deflate`` only and decodes the raw stream itself with
``zlib``'s ``max_length``, so a small compressed chunk can never expand past the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable

ACCEPT_ENCODING = "gzip, deflate"
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class CappedDecoder:
    """Feeds raw chunks, keeps at most ``cap`` decoded bytes; ``full`` once the cap is hit."""

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        self.cap = cap
        self.full = False
        self.undecodable = False
        self._parts: list[bytes] = []
        self._size = 0
        self._decoder: zlib._Decompress | None = None
        self._first = True
        if len(codings) > 1 or (codings and codings[0] not in _WBITS):
            self.undecodable = True  # stacked or unknown coding: nothing we can read
        elif codings:
            self._decoder = zlib.decompressobj(_WBITS[codings[0]])
            self._raw_deflate_fallback = codings[0] == "deflate"

    @property
    def size(self) -> int:
        return self._size

    def body(self) -> bytes:
        return b"".join(self._parts)

    def feed(self, chunk: bytes) -> None:
        """Decode one raw chunk, keeping at most what is left of the cap."""
        if self.full or self.undecodable or not chunk:
            return
        room = self.cap - self._size
        data = chunk[:room] if self._decoder is None else self._decode(chunk, room)
        self._first = False
        self._parts.append(data)
        self._size += len(data)
        if self._size >= self.cap:
            self.full = True

    def _decode(self, chunk: bytes, room: int) -> bytes:
        assert self._decoder is not None
        try:
            return self._decoder.decompress(chunk, room)
        except zlib.error:
            if self._first and self._raw_deflate_fallback:
                # Some servers send raw deflate (no zlib header) as "deflate".
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                try:
                    return self._decoder.decompress(chunk, room)
                except zlib.error:
                    pass
            self.undecodable = True
            return b""


async def read_capped(raw: AsyncIterable[bytes], content_encoding: str | None,
                      cap: int) -> tuple[bytes, bool]:
    """Read a raw (still encoded) byte stream; returns (decoded body, truncated)."""
    decoder = CappedDecoder(content_encoding, cap)
    async for chunk in raw:
        decoder.feed(chunk)
        if decoder.full or decoder.undecodable:
            break
    return decoder.body(), decoder.full
