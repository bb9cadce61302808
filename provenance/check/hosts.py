"""Per-host politeness and per-host connection pools.

Each host has a ``HostGate`` (at most ``per_host`` requests in flight, starts spaced by
``min_delay``, and a back-off deadline set by 429/Retry-After) and, created lazily, one small
set of at most ``per_host`` keep-alive connections (the layout the throughput note measured
fastest), opened to vetted addresses over the table's ``Network`` (the system's resolver
and sockets, or what a test gives). One SSL context is shared; the environment (proxies,
netrc) is never read. Idle hosts are
dropped when the table grows, so memory stays flat over many distinct hosts.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import httpcore
import httpx

from provenance.check.shared import SharedSlots
from provenance.check.soft404 import Probe
from provenance.net.body import ACCEPT_ENCODING
from provenance.net.conns import Connections
from provenance.net.network import Network
from provenance.net.transport import vetted_connections
from provenance.settings import Settings

MAX_OPEN_HOSTS = 512


class HostGate:
    """At most ``per_host`` requests at once, starts ``min_delay`` apart, honouring back-off
    (and, given ``shared`` slots, over all the processes of one command too)."""

    def __init__(self, per_host: int, min_delay: float, name: str = "",
                 shared: SharedSlots | None = None) -> None:
        self._name = name
        self._shared = shared
        self._shared_held: set[int] = set()
        self._tokens: list[tuple[int, int]] = []
        self._slots = asyncio.Semaphore(per_host)
        self._min_delay = min_delay
        self._next_start = 0.0
        self.not_before = 0.0
        self.in_flight = 0
        self.last_start = 0.0

    @property
    def busy(self) -> bool:
        return self.in_flight > 0 or self.not_before > time.monotonic()

    def ready_at(self) -> float:
        """Monotonic time before which no request to this host may start."""
        return max(self._next_start, self.not_before)

    async def wait_ready(self) -> None:
        """Sleep until a request to this host may start (without taking a slot)."""
        while (delay := self.ready_at() - time.monotonic()) > 0:
            await asyncio.sleep(delay)

    async def acquire(self) -> None:
        """Take a slot and wait for this host's turn."""
        await self._slots.acquire()
        self.in_flight += 1
        token = None
        try:
            while True:
                now = time.monotonic()
                start = self.ready_at()
                if start <= now:
                    self._next_start = now + self._min_delay
                    self.last_start = now
                    break
                await asyncio.sleep(start - now)
            if self._shared is not None:
                token = await self._shared.acquire(self._name, self._shared_held)
                await self._shared.wait_turn(self._name)
        except BaseException:
            if token is not None:
                SharedSlots.release(token, self._shared_held)
            self._release_local()
            raise
        if token is not None:
            self._tokens.append(token)

    def release(self) -> None:
        if self._tokens:  # shared slots are interchangeable: give back any one
            SharedSlots.release(self._tokens.pop(), self._shared_held)
        self._release_local()

    def _release_local(self) -> None:
        self.in_flight -= 1
        self._slots.release()

    def back_off(self, seconds: float) -> None:
        """No request to this host before ``seconds`` from now."""
        self.not_before = max(self.not_before, time.monotonic() + seconds)


@dataclass
class Host:
    """One host's gate, connections and soft-404 probes (by origin, or by directory)."""

    name: str
    gate: HostGate
    connections: Connections | None = None
    probes: dict[str, asyncio.Task[Probe]] = field(default_factory=dict)


def host_key(url: httpx.URL) -> str:
    """The politeness key of a URL: its host name, lower-cased."""
    return url.host.lower()


class HostTable:
    """Hosts by name, each with its connections (created on first use) over ``network``."""

    def __init__(self, settings: Settings, network: Network | None = None,
                 shared: SharedSlots | None = None) -> None:
        self._settings = settings
        self.network = network or Network()
        self._shared = shared
        self._headers = {"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING,
                         "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        self._core_headers = [(k.encode("latin-1"), v.encode("utf-8"))
                              for k, v in self._headers.items()]
        self._timeouts = httpx.Timeout(settings.timeout,
                                       connect=settings.connect_timeout).as_dict()
        self._hosts: OrderedDict[str, Host] = OrderedDict()
        self._closing: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._hosts)

    def get(self, name: str) -> Host:
        host = self._hosts.get(name)
        if host is None:
            host = Host(name, HostGate(self._settings.per_host, self._settings.min_delay,
                                       name, self._shared))
            self._hosts[name] = host
            self._trim()
        else:
            self._hosts.move_to_end(name)
        return host

    def connections(self, host: Host) -> Connections:
        """This host's keep-alive connections (created on first use)."""
        if host.connections is None:
            host.connections = vetted_connections(
                keep=self._settings.per_host,
                allow_private=self._settings.allow_private_addresses,
                verify=self._settings.verify_tls, network=self.network)
        return host.connections

    def core_request(self, url: httpx.URL, extra: dict[str, str]) -> httpcore.Request:
        """A GET with the checker's headers and timeouts, as the connections take it."""
        headers = [(b"Host", url.netloc), *self._core_headers]
        headers.extend((k.encode("latin-1"), v.encode("utf-8")) for k, v in extra.items())
        target = httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port,
                              target=url.raw_path)
        return httpcore.Request(b"GET", target, headers=headers,
                                extensions={"timeout": self._timeouts})

    def _trim(self) -> None:
        """Forget the least recently used idle hosts beyond MAX_OPEN_HOSTS."""
        if len(self._hosts) <= MAX_OPEN_HOSTS:
            return
        spacing = self._settings.min_delay
        now = time.monotonic()
        for name in list(self._hosts)[: len(self._hosts) - MAX_OPEN_HOSTS]:
            host = self._hosts[name]
            if host.gate.busy or now - host.gate.last_start < spacing:
                continue
            del self._hosts[name]
            if host.connections is not None:
                task = asyncio.get_running_loop().create_task(host.connections.aclose())
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        transports = [h.connections for h in self._hosts.values() if h.connections is not None]
        probes = [p for h in self._hosts.values() for p in h.probes.values()]
        for probe in probes:
            probe.cancel()
        await asyncio.gather(*probes, return_exceptions=True)
        self._hosts.clear()
        for transport in transports:
            await transport.aclose()
        if self._closing:
            await asyncio.gather(*self._closing)
