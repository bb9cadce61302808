"""The small HTTP/1.1 client (net/http1.py) on scripted streams: framing, keep-alive,
interim answers, malformed answers, header injection."""

from __future__ import annotations

from typing import Any

import httpcore
import pytest

from provenance.net.http1 import Http1Connection


class Scripted(httpcore.AsyncNetworkStream):
    """A stream that answers with ``chunks`` (one per read) and records what was written."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = list(chunks)
        self.written = b""
        self.closed = False

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if not self.chunks:
            return b""
        chunk = self.chunks.pop(0)
        if len(chunk) > max_bytes:
            self.chunks.insert(0, chunk[max_bytes:])
            chunk = chunk[:max_bytes]
        return chunk

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.written += buffer

    async def aclose(self) -> None:
        self.closed = True

    def get_extra_info(self, info: str) -> Any:
        return bool(self.chunks) if info == "is_readable" else None


async def get(stream: Scripted, headers: list[tuple[bytes, bytes]] | None = None,
              ) -> tuple[Http1Connection, int, dict[bytes, bytes], bytes]:
    connection = Http1Connection(stream)
    response = await connection.get(b"/p?q=1", headers or [(b"Host", b"a.test")],
                                    read_timeout=1, write_timeout=1)
    body = b"".join([chunk async for chunk in response.aiter_stream()])
    await response.aclose()
    return connection, response.status, dict(response.headers), body


async def test_content_length_and_keep_alive() -> None:
    stream = Scripted(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhel", b"lo")
    connection, status, headers, body = await get(stream)
    assert (status, body, headers[b"X"]) == (200, b"hello", b"y")
    assert stream.written == b"GET /p?q=1 HTTP/1.1\r\nHost: a.test\r\n\r\n"
    assert connection.is_idle() and connection.is_available() and not stream.closed


async def test_chunked_with_extensions_and_trailers() -> None:
    stream = Scripted(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                      b"4;ext=1\r\nWiki\r\n5\r\npedia\r\n", b"0\r\nX-Trailer: 1\r\n\r\n")
    connection, status, _, body = await get(stream)
    assert (status, body) == (200, b"Wikipedia") and connection.is_idle()


async def test_interim_answers_are_skipped() -> None:
    stream = Scripted(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n"
                      b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno")
    _, status, _, body = await get(stream)
    assert (status, body) == (404, b"no")


async def test_body_to_the_end_of_the_connection() -> None:
    stream = Scripted(b"HTTP/1.0 200 OK\r\n\r\nall ", b"of it")
    connection, status, _, body = await get(stream)
    assert (status, body) == (200, b"all of it")
    assert not connection.is_idle() and stream.closed


@pytest.mark.parametrize("status", [204, 304])
async def test_no_body_statuses(status: int) -> None:
    stream = Scripted(f"HTTP/1.1 {status} X\r\nContent-Length: 10\r\n\r\n".encode())
    connection, got, _, body = await get(stream)
    assert (got, body) == (status, b"") and connection.is_idle()


async def test_connection_close_is_honoured() -> None:
    stream = Scripted(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx")
    connection, _, _, _ = await get(stream)
    assert not connection.is_idle() and stream.closed


async def test_unread_body_closes_the_connection() -> None:
    stream = Scripted(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
    connection = Http1Connection(stream)
    response = await connection.get(b"/", [], read_timeout=1, write_timeout=1)
    await response.aclose()
    assert stream.closed and not connection.is_idle()


@pytest.mark.parametrize("answer", [
    b"", b"HTTP/1.1 200 OK\r\nContent", b"garbage\r\n\r\n", b"HTTP/1.1 2000 X\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
])
async def test_malformed_answers_are_protocol_errors(answer: bytes) -> None:
    with pytest.raises(httpcore.RemoteProtocolError):
        await get(Scripted(answer))


async def test_a_header_value_with_a_line_break_is_never_sent() -> None:
    stream = Scripted(b"HTTP/1.1 304 Not Modified\r\n\r\n")
    await get(stream, [(b"Host", b"a.test"), (b"If-None-Match", b'"x"\r\nEvil: 1')])
    assert b"Evil" not in stream.written and b"If-None-Match" not in stream.written


async def test_an_idle_connection_the_server_closed_is_not_available() -> None:
    stream = Scripted(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", b"")
    connection, _, _, _ = await get(stream)
    assert connection.is_idle() and not connection.is_available()
