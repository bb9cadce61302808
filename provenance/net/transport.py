"""Vetted connections: every connection the checker or ingest opens goes to a vetted IP.

``VettingBackend`` resolves a host through the ``Network``'s resolver, applies the safety
rule to every address and connects (through the ``Network``) to a vetted IP; TLS then starts
with the original host name, so the Host header, SNI and certificate check are unchanged.

The checker sends its requests on ``vetted_connections`` (keep-alive HTTP/1.1 connections
by origin, ``conns.py``): one request path, whose lowest layer (the ``Network``) is what
tests replace. ``PinnedTransport`` is the same rule behind httpx's interface, for the one
document ``provenance ingest URL`` fetches. (httpx 0.28 takes no network backend
argument, so its pool is rebuilt after ``__init__``; httpx is pinned below 0.29.)
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
from provenance.net.network import Network
from provenance.net.resolver import resolve_allowed


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

    def __init__(self, allow_private: bool, network: Network | None = None) -> None:
        self._allow_private = allow_private
        self.network = network or Network()

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
                addresses = await resolve_allowed(host, port, self._allow_private,
                                                  self.network.resolver)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.network.connect(address, port, timeout)
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
                 keepalive_expiry: float = 30.0, network: Network | None = None) -> None:
        context = shared_ssl_context(verify)
        super().__init__(verify=context, trust_env=False, http1=True, http2=False)
        backend = VettingBackend(allow_private, network)
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


def vetted_connections(*, keep: int, allow_private: bool, verify: bool,
                       network: Network | None = None,
                       keepalive_expiry: float = 30.0) -> Connections:
    """Keep-alive connections (at most ``keep`` idle per origin) opened to vetted IPs."""
    return Connections(VettingBackend(allow_private, network), shared_ssl_context(verify),
                       keepalive_expiry=keepalive_expiry, keep=keep)


# What httpx turns into its own errors (httpx._transports.default.HTTPCORE_EXC_MAP).
CORE_ERRORS = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError,
               httpcore.ProxyError, httpcore.UnsupportedProtocol)


def header_map(raw: Sequence[tuple[bytes, bytes]]) -> dict[str, str]:
    """Response headers by lower-case name (repeated ones joined with ", ", as httpx does)."""
    fields: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        fields[key] = f"{fields[key]}, {text}" if key in fields else text
    return fields
