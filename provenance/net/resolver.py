"""Name resolution, injectable: the checker asks a ``Resolver``, never the system directly.

``SystemResolver`` asks the operating system (``getaddrinfo``); tests and simulations give
the checker their own (a table, a resolver that answers NXDOMAIN for everything...), so no
test ever asks a real resolver. A name with no address raises ``ResolutionError`` with
``nxdomain=True``; a resolver that fails or cannot be reached, ``nxdomain=False``.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping, Sequence
from typing import Protocol

from provenance.net.safety import ResolutionError, check_address, literal_address

# getaddrinfo codes meaning "this name has no address" (as opposed to "the resolver failed").
_NO_SUCH_NAME = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)


class Resolver(Protocol):
    """Turns a host name into its IP addresses (strings), or raises ResolutionError."""

    async def resolve(self, host: str, port: int) -> list[str]: ...


class SystemResolver:
    """The operating system's resolver (``loop.getaddrinfo``)."""

    async def resolve(self, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise ResolutionError(host, f"cannot resolve host ({exc.strerror})",
                                  nxdomain=exc.errno in _NO_SUCH_NAME) from None
        except UnicodeError:
            raise ResolutionError(host, "host name cannot be encoded", nxdomain=True) from None
        addresses: list[str] = []
        for family, _type, _proto, _name, sockaddr in infos:
            if family in (socket.AF_INET, socket.AF_INET6):
                address = str(sockaddr[0])
                if address not in addresses:
                    addresses.append(address)
        if not addresses:
            raise ResolutionError(host, "host has no IP address", nxdomain=True)
        return addresses


class StaticResolver:
    """Names from a table (like a hosts file); any other name does not exist."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self._table = {name.lower(): list(addresses) for name, addresses in table.items()}

    async def resolve(self, host: str, port: int) -> list[str]:
        addresses = self._table.get(host.lower())
        if not addresses:
            raise ResolutionError(host, "cannot resolve host (not in the table)", nxdomain=True)
        return list(addresses)


async def resolve_allowed(host: str, port: int, allow_private: bool,
                          resolver: Resolver | None = None) -> list[str]:
    """Every address of ``host`` (from ``resolver``, the system's by default), all vetted;
    raises UnsafeURLError if any is refused.

    A name with no address raises ResolutionError(nxdomain=True); a resolver that fails
    raises ResolutionError(nxdomain=False).
    """
    literal = literal_address(host)
    if literal is not None:
        check_address(host, literal, allow_private)
        return [literal]
    if resolver is None:
        resolver = SystemResolver()
    addresses = await resolver.resolve(host, port)
    # Refuse if ANY answer is internal: a mixed answer is how rebinding attacks look.
    for address in addresses:
        check_address(host, address, allow_private)
    return addresses
