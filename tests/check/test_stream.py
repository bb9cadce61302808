"""The asyncio network stream under httpcore: TLS, idle-connection checks, back-pressure."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpcore
import pytest
import trustme

from provenance.check.engine import Checker
from provenance.domain import links as t
from provenance.net.stream import HIGH_WATER, open_stream
from provenance.settings import Settings

MISSING = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
PAGE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 40\r\n\r\n"
        b"<html><title>Secure page</title></html>\n")


@asynccontextmanager
async def server(answer: bytes, context: ssl.SSLContext | None = None,
                 close_after: bool = False) -> AsyncIterator[int]:
    """A loopback server answering every request with ``answer`` (the soft-404 probe with
    a 404); yields its port."""
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                writer.write(MISSING if b" /provenance-probe-" in head else answer)
                await writer.drain()
                if close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError,
                asyncio.CancelledError):
            pass
        finally:
            writer.close()

    srv = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=context)
    try:
        yield srv.sockets[0].getsockname()[1]
    finally:
        srv.close()


@pytest.fixture(scope="module")
def tls_context() -> ssl.SSLContext:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


def settings(**kw: object) -> Settings:
    return Settings(allow_private_addresses=True, timeout=3.0, connect_timeout=2.0,
                    min_delay=0.0, **kw)  # type: ignore[arg-type]


async def test_untrusted_certificate_is_tls_error(tls_context: ssl.SSLContext) -> None:
    async with server(PAGE, tls_context) as port, Checker(settings()) as checker:
        result = await checker.check(t.CheckTask(1, f"https://127.0.0.1:{port}/a"))
    assert result.outcome == t.TLS_ERROR
    assert "certificate" in (result.error or "").lower()


async def test_tls_without_verification_reads_the_page(tls_context: ssl.SSLContext) -> None:
    async with server(PAGE, tls_context) as port, \
            Checker(settings(verify_tls=False)) as checker:
        first = await checker.check(t.CheckTask(1, f"https://127.0.0.1:{port}/a"))
        again = await checker.check(t.CheckTask(2, f"https://127.0.0.1:{port}/b"))
    assert first.outcome == t.OK and first.title == "Secure page"
    assert again.outcome == t.OK


async def test_connection_closed_by_server_is_not_reused() -> None:
    async with server(PAGE, close_after=True) as port, Checker(settings()) as checker:
        results = [await checker.check(t.CheckTask(n, f"http://127.0.0.1:{port}/{n}"))
                   for n in range(3)]
    assert [r.outcome for r in results] == [t.OK] * 3


async def test_read_splits_chunks_and_reports_end_of_stream() -> None:
    async with server(PAGE, close_after=True) as port:
        stream = await open_stream("127.0.0.1", port, timeout=2.0)
        await stream.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = await stream.read(10, timeout=2.0)
        assert data == PAGE[:10]
        rest = b""
        while chunk := await stream.read(65536, timeout=2.0):
            rest += chunk
        assert data + rest == PAGE
        assert stream.get_extra_info("is_readable") is True  # EOF: the connection is spent
        await stream.aclose()


async def test_reading_pauses_at_high_water_and_resumes() -> None:
    body = b"x" * (4 * HIGH_WATER)
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    async with server(head + body, close_after=True) as port:
        stream = await open_stream("127.0.0.1", port, timeout=2.0)
        await stream.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.sleep(0.2)
        got = 0
        while chunk := await stream.read(65536, timeout=2.0):
            got += len(chunk)
        assert got == len(head) + len(body)
        await stream.aclose()


async def test_read_timeout_and_refused_connect() -> None:
    async with server(b"") as port:
        stream = await open_stream("127.0.0.1", port, timeout=2.0)
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(100, timeout=0.05)
        await stream.aclose()
    with pytest.raises(httpcore.ConnectError):
        await open_stream("127.0.0.1", port, timeout=2.0)
