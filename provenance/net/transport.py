"""The one httpx transport the checker uses: vetted connects, one shared TLS context.

``PinnedTransport`` is ``httpx.AsyncHTTPTransport`` whose connection pool opens sockets
through ``VettingBackend``: it resolves the host, applies the safety rule to every address
and connects to a vetted IP (with the asyncio stream of ``stream.py``). httpcore then starts
TLS with the original host name, so the Host header, SNI and certificate check are unchanged.
(httpx 0.28 takes no network backend argument, so the pool is rebuilt after ``__init__``;
httpx is pinned below 0.29.)

The checker sends its requests straight to this transport's own keep-alive connections
(``direct_connections``, see ``conns.py``): httpx's request and response objects and
httpcore's pool cost as much CPU as the rest of the check. Any other
transport (one injected, or a test double such as pytest-httpx patching httpx's transport)
is used through httpx's interface as usual.
"""

from __future__ import annotations

import asyncio
import ssl
import typing
from collections.abc import Sequence
from functools import lru_cache

import certifi
import httpcore
import httpx

from provenance.net.conns import Connections
from provenance.net.safety import resolve_allowed
from provenance.net.stream import open_stream


@lru_cache(maxsize=2)
def shared_ssl_context(verify: bool) -> ssl.SSLContext:
    """One SSL context for every client: loading the CA bundle per client costs seconds."""
    if not verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["http/1.1"])
        return context
    context = ssl.create_default_context(cafile=certifi.where())
    context.set_alpn_protocols(["http/1.1"])
    return context


class VettingBackend(httpcore.AsyncNetworkBackend):
    """Resolves and vets the host of each new connection, then connects to a vetted IP."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolve_allowed(host, port, self._allow_private)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        last: Exception | None = None
        for address in addresses:
            try:
                return await open_stream(address, port, timeout, local_address,
                                         socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: typing.Iterable[typing.Any] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the checker")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """A small pooled HTTP/1.1 transport that only connects to vetted addresses."""

    def __init__(self, *, connections: int, allow_private: bool, verify: bool,
                 keepalive_expiry: float = 30.0) -> None:
        context = shared_ssl_context(verify)
        super().__init__(verify=context, trust_env=False, http1=True, http2=False)
        backend = VettingBackend(allow_private)
        self.connections = Connections(backend, context, keepalive_expiry=keepalive_expiry,
                                       keep=connections)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=keepalive_expiry,
            http1=True,
            http2=False,
            retries=0,
            network_backend=backend,
        )

    async def aclose(self) -> None:
        await self.connections.aclose()
        await super().aclose()


_STOCK_HANDLE = httpx.AsyncHTTPTransport.handle_async_request
# What httpx turns into its own errors (httpx._transports.default.HTTPCORE_EXC_MAP).
CORE_ERRORS = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError,
               httpcore.ProxyError, httpcore.UnsupportedProtocol)


def direct_connections(transport: httpx.AsyncBaseTransport) -> Connections | None:
    """The connections of one of our transports whose httpx interface is the stock one
    (not replaced by a test double), else None."""
    if isinstance(transport, PinnedTransport) and \
            type(transport).handle_async_request is _STOCK_HANDLE:
        return transport.connections
    return None


def header_map(raw: Sequence[tuple[bytes, bytes]]) -> dict[str, str]:
    """Response headers by lower-case name (repeated ones joined with ", ", as httpx does)."""
    fields: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        fields[key] = f"{fields[key]}, {text}" if key in fields else text
    return fields
