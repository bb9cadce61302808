"""A small HTTP/1.1 client connection: one GET at a time on a keep-alive stream.

The checker sends only GETs with a handful of headers and reads at most a capped start of
each body, thousands of times a second; h11's general state machine (event objects,
validation by regular expression per header, per-event bookkeeping) cost about a quarter of
the checker's CPU. This reads the status line and headers with one buffer search, then the
body by its framing: ``Transfer-Encoding: chunked``, ``Content-Length``, or to the end of
the connection; interim (1xx) answers are skipped. Anything malformed raises httpcore's
``RemoteProtocolError``, a lost connection ``ReadError``/``WriteError``, a stall
``ReadTimeout``, so classification is unchanged. The stream underneath is any
``httpcore.AsyncNetworkStream``: a socket (``stream.py``) or a test's in-process one.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence

import httpcore

READ_SIZE = 64 * 1024
MAX_HEAD = 64 * 1024  # bytes of status line and headers at most
MAX_CHUNK_LINE = 4096
_NO_BODY = frozenset({204, 304})


class Response:
    """An answer whose body is read on demand (``aiter_stream``), then ``aclose``d."""

    __slots__ = ("_connection", "headers", "status")

    def __init__(self, connection: Http1Connection, status: int,
                 headers: list[tuple[bytes, bytes]]) -> None:
        self._connection = connection
        self.status = status
        self.headers = headers

    def aiter_stream(self) -> AsyncIterator[bytes]:
        return self._connection.body()

    async def aclose(self) -> None:
        await self._connection.response_closed()


class Http1Connection:
    """One HTTP/1.1 connection to one origin (requests one after another, keep-alive)."""

    def __init__(self, stream: httpcore.AsyncNetworkStream, *,
                 keepalive_expiry: float | None = None) -> None:
        self._stream = stream
        self._buffer = bytearray()
        self._expiry = keepalive_expiry
        self._idle_since: float | None = None
        self._closed = False
        self._reusable = False
        self._framing: tuple[str, int] = ("none", 0)
        self._done = True
        self._read_timeout: float | None = None

    # -- state -------------------------------------------------------------------------------

    def is_idle(self) -> bool:
        """Ready for another request (the last answer was read to its end, keep-alive)."""
        return not self._closed and self._done and self._reusable

    def is_available(self) -> bool:
        """Idle, and the server has not closed it (nothing unread is waiting on it)."""
        return self.is_idle() and not self._buffer and \
            not self._stream.get_extra_info("is_readable")

    def has_expired(self) -> bool:
        return (self._expiry is not None and self._idle_since is not None
                and time.monotonic() - self._idle_since > self._expiry)

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            await self._stream.aclose()

    # -- one exchange ------------------------------------------------------------------------

    async def get(self, target: bytes, headers: Sequence[tuple[bytes, bytes]], *,
                  read_timeout: float | None, write_timeout: float | None) -> Response:
        """Send ``GET target`` with ``headers``; the answer with its headers read."""
        if not self.is_idle() and self._idle_since is not None:
            raise httpcore.LocalProtocolError("connection is not idle")
        self._done = False
        self._reusable = False
        self._read_timeout = read_timeout
        lines = [b"GET ", target, b" HTTP/1.1\r\n"]
        for name, value in headers:
            if b"\r" in value or b"\n" in value or b"\0" in value:
                continue  # a value from a server (an ETag) must never add a header
            lines += [name, b": ", value, b"\r\n"]
        lines.append(b"\r\n")
        await self._stream.write(b"".join(lines), write_timeout)
        while True:
            status, fields, version = await self._read_head()
            if not 100 <= status < 200:
                break
        self._reusable = _keep_alive(version, fields)
        self._framing = _framing(status, fields)
        if self._framing[0] == "none":
            self._finish()
        return Response(self, status, fields)

    async def _exactly(self, size: int, short: str) -> AsyncIterator[bytes]:
        """``size`` bytes of the body as they come; ``short`` is the error if the server stops."""
        left = size
        while left > 0:
            data = await self._take(min(left, READ_SIZE))
            if not data:
                raise httpcore.RemoteProtocolError(short)
            left -= len(data)
            yield data

    async def body(self) -> AsyncIterator[bytes]:
        """The body's bytes as they come (decoded from chunked framing; still encoded)."""
        kind, length = self._framing
        if kind == "length":
            async for data in self._exactly(length, "server closed before the whole body"):
                yield data
            self._finish()
        elif kind == "chunked":
            while True:
                size = await self._chunk_size()
                if size == 0:
                    await self._trailers()
                    break
                async for data in self._exactly(size, "server closed inside a chunk"):
                    yield data
                if await self._line() != b"":
                    raise httpcore.RemoteProtocolError("malformed chunk end")
            self._finish()
        elif kind == "close":
            while data := await self._take(READ_SIZE):
                yield data
            self._reusable = False
            self._finish()

    async def response_closed(self) -> None:
        """After the caller is done with an answer: unread body means the connection ends."""
        if not self._done or not self._reusable:
            await self.aclose()

    # -- reading -----------------------------------------------------------------------------

    def _finish(self) -> None:
        self._done = True
        self._idle_since = time.monotonic()

    async def _fill(self) -> bool:
        data = await self._stream.read(READ_SIZE, self._read_timeout)
        if not data:
            return False
        self._buffer += data
        return True

    async def _take(self, most: int) -> bytes:
        if not self._buffer and not await self._fill():
            return b""
        data = bytes(self._buffer[:most])
        del self._buffer[:most]
        return data

    async def _line(self) -> bytes:
        while (end := self._buffer.find(b"\r\n")) < 0:
            if len(self._buffer) > MAX_CHUNK_LINE:
                raise httpcore.RemoteProtocolError("line too long")
            if not await self._fill():
                raise httpcore.RemoteProtocolError("server closed mid-line")
        line = bytes(self._buffer[:end])
        del self._buffer[:end + 2]
        return line

    async def _chunk_size(self) -> int:
        line = (await self._line()).split(b";", 1)[0].strip()
        try:
            return int(line, 16)
        except ValueError:
            raise httpcore.RemoteProtocolError("malformed chunk size") from None

    async def _trailers(self) -> None:
        while await self._line():
            pass

    async def _read_head(self) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        start = 0
        while (end := self._buffer.find(b"\r\n\r\n", start)) < 0:
            if len(self._buffer) > MAX_HEAD:
                raise httpcore.RemoteProtocolError("response head too long")
            start = max(0, len(self._buffer) - 3)
            if not await self._fill():
                raise httpcore.RemoteProtocolError(
                    "server disconnected without sending a response")
        head = bytes(self._buffer[:end])
        del self._buffer[:end + 4]
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or len(parts[1]) != 3 \
                or not parts[1].isdigit():
            raise httpcore.RemoteProtocolError(f"malformed status line {lines[0][:80]!r}")
        fields: list[tuple[bytes, bytes]] = []
        for line in lines[1:]:
            if line[:1] in (b" ", b"\t") and fields:  # obsolete line folding
                name, value = fields[-1]
                fields[-1] = (name, value + b" " + line.strip())
                continue
            name, sep, value = line.partition(b":")
            if not sep or not name or name != name.strip():
                raise httpcore.RemoteProtocolError(f"malformed header {line[:80]!r}")
            fields.append((name, value.strip()))
        return int(parts[1]), fields, parts[0]


def _values(fields: list[tuple[bytes, bytes]], name: bytes) -> list[bytes]:
    return [v for k, v in fields if k.lower() == name]


def _keep_alive(version: bytes, fields: list[tuple[bytes, bytes]]) -> bool:
    tokens = {t.strip().lower() for v in _values(fields, b"connection") for t in v.split(b",")}
    if b"close" in tokens:
        return False
    return version != b"HTTP/1.0" or b"keep-alive" in tokens


def _framing(status: int, fields: list[tuple[bytes, bytes]]) -> tuple[str, int]:
    """How the body is delimited: ("none"|"length"|"chunked"|"close", length)."""
    if status in _NO_BODY:
        return "none", 0
    codings = [t.strip().lower() for v in _values(fields, b"transfer-encoding")
               for t in v.split(b",") if t.strip()]
    if codings:
        if codings[-1] != b"chunked":
            return "close", 0
        return "chunked", 0
    lengths = {v.strip() for v in _values(fields, b"content-length")}
    if lengths:
        if len(lengths) > 1 or not all(v.isdigit() for v in lengths):
            raise httpcore.RemoteProtocolError("malformed Content-Length")
        length = int(lengths.pop())
        return ("length", length) if length else ("none", 0)
    return "close", 0
