"""The network the checker talks through: a resolver and a way to open connections.

Both are the lowest layer of the one request path, and both are injectable: production
uses the system's resolver and real sockets (``open_stream``); tests give an in-process
resolver and connections (tests/net/fakenet.py) and the checker runs its usual code above
them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpcore

from provenance.net.resolver import Resolver, SystemResolver
from provenance.net.stream import open_stream

# (IP address, port, connect timeout) -> an open connection (httpcore's stream interface).
Connect = Callable[[str, int, float | None], Awaitable[httpcore.AsyncNetworkStream]]


async def _connect(address: str, port: int,
                   timeout: float | None) -> httpcore.AsyncNetworkStream:
    return await open_stream(address, port, timeout)


@dataclass(frozen=True)
class Network:
    """How names are resolved and connections opened (the real ones by default)."""

    resolver: Resolver = field(default_factory=SystemResolver)
    connect: Connect = _connect
