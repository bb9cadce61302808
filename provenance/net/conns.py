"""Keep-alive HTTP/1.1 connections by origin for the checker, without a connection pool.

Each connection is an ``Http1Connection`` (``http1.py``): a small GET-only client.

The checker's host gate already bounds the requests in flight to one host (``per_host``),
so its connections need no pool bookkeeping: a request takes an idle connection of its
origin that is still usable (not expired, not closed by the server), or opens one (vetted
connect, TLS with the shared context), and the connection is given back once its answer
has been read to the end. httpcore's pool does the same with a lock, an event and
cancellation shields per request, which cost about a sixth of the checker's CPU.
"""

from __future__ import annotations

import ssl

import httpcore

from provenance.net.http1 import Http1Connection, Response

# What a reused connection raises when the server had closed it (no answer began).
STALE = (httpcore.RemoteProtocolError, httpcore.ReadError, httpcore.WriteError)


class Connections:
    """Idle connections by origin (at most ``keep`` each), and opening new ones."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend, ssl_context: ssl.SSLContext,
                 *, keepalive_expiry: float, keep: int) -> None:
        self._backend = backend
        self._ssl_context = ssl_context
        self._expiry = keepalive_expiry
        self._keep = keep
        self._idle: dict[tuple[bytes, bytes, int], list[Http1Connection]] = {}

    async def request(self, request: httpcore.Request,
                      ) -> tuple[Response, Http1Connection]:
        """Send ``request`` (a GET) on an idle or a new connection: (response, its
        connection)."""
        origin = request.url.origin
        timeouts = request.extensions.get("timeout", {})
        connection = await self._take(origin)
        if connection is not None:
            try:
                return await self._send(connection, request, timeouts), connection
            except STALE:
                pass  # the server closed it while idle: a GET is sent again, once
        connection = await self._open(request, origin)
        return await self._send(connection, request, timeouts), connection

    @staticmethod
    async def _send(connection: Http1Connection, request: httpcore.Request,
                    timeouts: dict[str, float]) -> Response:
        try:
            return await connection.get(request.url.target, request.headers,
                                        read_timeout=timeouts.get("read"),
                                        write_timeout=timeouts.get("write"))
        except BaseException:
            await connection.aclose()
            raise

    async def give_back(self, origin: httpcore.Origin,
                        connection: Http1Connection) -> None:
        """After its response is closed: keep the connection if it can carry another."""
        if not connection.is_idle():
            return  # closed already (body not read to the end, or the server said close)
        idle = self._idle.setdefault(_key(origin), [])
        if len(idle) < self._keep:
            idle.append(connection)
        else:
            await connection.aclose()

    async def _take(self, origin: httpcore.Origin) -> Http1Connection | None:
        idle = self._idle.get(_key(origin))
        while idle:
            connection = idle.pop()
            if connection.is_available() and not connection.has_expired():
                return connection
            await connection.aclose()
        return None

    async def _open(self, request: httpcore.Request,
                    origin: httpcore.Origin) -> Http1Connection:
        timeout = request.extensions.get("timeout", {}).get("connect")
        host = origin.host.decode("ascii")
        stream = await self._backend.connect_tcp(host, origin.port, timeout=timeout)
        if origin.scheme == b"https":
            try:
                stream = await stream.start_tls(self._ssl_context, server_hostname=host,
                                                timeout=timeout)
            except BaseException:
                await stream.aclose()
                raise
        return Http1Connection(stream, keepalive_expiry=self._expiry)

    async def aclose(self) -> None:
        """Close every idle connection."""
        idle = [c for conns in self._idle.values() for c in conns]
        self._idle.clear()
        for connection in idle:
            await connection.aclose()


def _key(origin: httpcore.Origin) -> tuple[bytes, bytes, int]:
    return origin.scheme, origin.host, origin.port
