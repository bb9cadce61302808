"""An httpcore network stream on a plain asyncio protocol (no anyio layer per read).

httpcore's default stream wraps every read and write in anyio cancel scopes and answers
"is this idle connection still usable?" by building anyio's attribute table each time; at
thousands of requests a second that was a large share of the checker's CPU. This stream
keeps received bytes in a small buffer filled by an ``asyncio.Protocol`` (reading pauses
when it holds ``HIGH_WATER`` bytes), times reads and writes out with one timer each, and
upgrades to TLS with ``loop.start_tls``. Errors are raised as httpcore's own exceptions,
chained to the cause (an ``ssl.SSLError`` stays visible to the classifier).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import typing
from collections import deque

import httpcore

HIGH_WATER = 256 * 1024
LOW_WATER = 64 * 1024


class _Protocol(asyncio.Protocol):
    """Received bytes, end of stream and errors of one connection, for ``AsyncioStream``."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.size = 0
        self.eof = False
        self.error: BaseException | None = None
        self.reading_paused = False
        self.writing_paused = False
        self.waiter: asyncio.Future[None] | None = None
        self.drained: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.size += len(data)
        if self.size >= HIGH_WATER and not self.reading_paused and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        if exc is not None and self.error is None:
            self.error = exc
        self._wake()
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


def _expire(future: asyncio.Future[None], error: Exception) -> None:
    if not future.done():
        future.set_exception(error)


async def _wait(future: asyncio.Future[None], timeout: float | None, error: Exception) -> None:
    """Await ``future``; ``error`` is raised if it is not done within ``timeout``."""
    if timeout is None:
        await future
        return
    timer = asyncio.get_running_loop().call_later(timeout, _expire, future, error)
    try:
        await future
    finally:
        timer.cancel()


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One TCP (or TLS) connection as httpcore expects it."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol, *,
                 tls: bool = False) -> None:
        self._transport = transport
        self._protocol = protocol
        self._tls = tls

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        p = self._protocol
        while not p.chunks:
            if p.eof:
                if p.error is not None:
                    raise httpcore.ReadError(str(p.error) or type(p.error).__name__) \
                        from p.error
                return b""
            p.waiter = asyncio.get_running_loop().create_future()
            try:
                await _wait(p.waiter, timeout, httpcore.ReadTimeout("timed out reading"))
            finally:
                p.waiter = None
        data = p.chunks.popleft()
        if len(data) > max_bytes:
            p.chunks.appendleft(data[max_bytes:])
            data = data[:max_bytes]
        p.size -= len(data)
        if p.reading_paused and p.size <= LOW_WATER:
            p.reading_paused = False
            self._transport.resume_reading()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        p = self._protocol
        if p.eof or self._transport.is_closing():
            error = p.error or ConnectionResetError("connection closed")
            raise httpcore.WriteError(str(error)) from error
        self._transport.write(buffer)
        while p.writing_paused and not p.eof:
            p.drained = asyncio.get_running_loop().create_future()
            try:
                await _wait(p.drained, timeout, httpcore.WriteTimeout("timed out writing"))
            finally:
                p.drained = None

    async def aclose(self) -> None:
        if self._tls:
            self._transport.abort()  # as httpcore's own TLS streams do: no close_notify wait
        else:
            self._transport.close()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            transport = await loop.start_tls(self._transport, self._protocol, ssl_context,
                                             server_hostname=server_hostname,
                                             ssl_handshake_timeout=timeout)
        except TimeoutError as exc:
            self._transport.abort()
            raise httpcore.ConnectTimeout("TLS handshake timed out") from exc
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            self._transport.abort()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        if transport is None:  # the connection was lost during the handshake
            raise httpcore.ConnectError("connection closed during the TLS handshake")
        tls = transport
        self._protocol.transport = tls
        return AsyncioStream(tls, self._protocol, tls=True)

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":  # an idle connection with data or EOF waiting is spent
            return bool(self._protocol.chunks) or self._protocol.eof
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info in ("ssl_object", "socket"):
            return self._transport.get_extra_info(info)
        return None


async def open_stream(address: str, port: int, timeout: float | None = None,
                      local_address: str | None = None,
                      socket_options: typing.Iterable[typing.Any] | None = None,
                      ) -> AsyncioStream:
    """Connect to ``address`` (an IP) and ``port``; httpcore's connect errors on failure."""
    loop = asyncio.get_running_loop()
    options = list(socket_options or ())
    try:
        async with asyncio.timeout(timeout):
            if options:
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                sock = socket.socket(family, socket.SOCK_STREAM)
                try:
                    sock.setblocking(False)
                    for option in options:
                        sock.setsockopt(*option)
                    if local_address:
                        sock.bind((local_address, 0))
                    await loop.sock_connect(sock, (address, port))
                except BaseException:
                    sock.close()
                    raise
                transport, protocol = await loop.create_connection(_Protocol, sock=sock)
            else:
                local = (local_address, 0) if local_address else None
                transport, protocol = await loop.create_connection(_Protocol, address, port,
                                                                   local_addr=local)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(f"connecting to {address} timed out") from exc
    except OSError as exc:
        raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
    return AsyncioStream(transport, protocol)
