"""Telling the checker's own network going down from links going bad.

A bad night must not poison the store: when the network (or the resolver) is down, every
check fails, and those failures say nothing about the links. ``OutageMonitor`` watches the
failures at the network level (no HTTP answer: DNS, connect, reset, timeout) as they come:

- a DNS failure (a name that "does not exist", or a resolver that fails) is judged by
  resolving the canary names (``Settings.canary_names``): a resolver that answers NXDOMAIN
  for everything cannot resolve them either, while one missing host leaves them resolving;
- connection failures on ``min_hosts`` different hosts within ``window`` seconds (hosts that
  answered earlier in the run, or hosts never heard from) are judged by a probe: the
  canary URL if there is one, and a TCP connection to a few hosts that answered recently
  (else to the failing hosts and to a few not tried yet).

While a probe runs, and while the network is down, no new check starts (``wait_open``).
Down: the failures seen are not final, their links are checked again once a probe finds the
network back (probes every ``probe_every`` seconds, doubling up to ``probe_max``). After
``max_wait`` seconds down the monitor gives up: what is left is recorded inconclusive.
A network failure is final only ``settle`` seconds after it was seen with no outage found
meanwhile (``outage_covers``), so the first failures of an outage are caught too.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from provenance.domain.links import Cause


class State(StrEnum):
    UP = "up"
    PROBING = "probing"
    DOWN = "down"
    GAVE_UP = "gave-up"


HEALTHY_ANSWERS = 2


@dataclass(frozen=True)
class OutagePolicy:
    """How outages are told apart from bad links (see the module docstring)."""

    window: float = 10.0
    min_hosts: int = 3
    settle: float = 3.0
    cooldown: float = 30.0
    probe_every: float = 1.0
    probe_max: float = 30.0
    reach_targets: int = 3


class NetworkProbe(Protocol):
    """What the monitor asks of the checker when in doubt (each True if the network is fine
    by that test, or if the test does not apply)."""

    @property
    def has_canaries(self) -> bool: ...

    async def names_resolve(self, failing: Sequence[str]) -> bool: ...

    async def reachable(self, hosts: Sequence[tuple[str, int]]) -> bool: ...

    async def canary_answers(self) -> bool: ...


@dataclass
class Outage:
    """One outage: from its first failure (monotonic time) to when it ended (or None)."""

    kind: str  # "dns" or "network"
    start: float
    end: float | None = None


class OutageMonitor:
    """Watches one run's network failures; see the module docstring."""

    def __init__(self, probe: NetworkProbe, policy: OutagePolicy, max_wait: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._probe = probe
        self.policy = policy
        self.max_wait = max_wait
        self._clock = clock
        self.state = State.UP
        self.outages: list[Outage] = []
        self._open = asyncio.Event()
        self._open.set()
        self._verdict: asyncio.Future[bool] | None = None
        self._recent: deque[tuple[float, str, tuple[str, int], bool]] = deque()
        self._answered: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self._answer_starts: deque[float] = deque(maxlen=8)  # of the last answered requests
        self._untried: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self._cleared: dict[str, float] = {}  # host -> until when its failures are trusted
        self._dns_fine_until = 0.0
        self._task: asyncio.Task[None] | None = None

    # -- what the dispatcher tells us --------------------------------------------------------

    def answered(self, host: str, origin: tuple[str, int], started: float) -> None:
        """Some HTTP answer came from ``host`` to a request started at ``started``."""
        self._answer_starts.append(started)
        self._answered[host] = origin
        self._answered.move_to_end(host)
        if len(self._answered) > 32:
            self._answered.popitem(last=False)
        self._untried.pop(host, None)

    def queued(self, host: str, origin: tuple[str, int]) -> None:
        """``host`` has work waiting (a reachability target if nothing answered yet)."""
        if host not in self._answered and host not in self._untried and len(self._untried) < 32:
            self._untried[host] = origin

    @property
    def is_down(self) -> bool:
        return self.state in (State.PROBING, State.DOWN)

    @property
    def gave_up(self) -> bool:
        return self.state == State.GAVE_UP

    async def wait_open(self) -> bool:
        """Wait while a probe runs or the network is down; False once given up."""
        await self._open.wait()
        return self.state != State.GAVE_UP

    def healthy_after(self, at: float) -> bool:
        """Whether requests started after ``at`` got answers (``HEALTHY_ANSWERS`` of them):
        the network worked then, so a failure at ``at`` is no sign of an outage."""
        return sum(1 for started in self._answer_starts if started > at) >= HEALTHY_ANSWERS

    async def network_up(self) -> bool:
        """A quick look when there is no other evidence: can hosts that answered in this run
        still be reached (True if none answered yet)?"""
        known = list(reversed(self._answered.values()))[: self.policy.reach_targets]
        if not known or await self._probe.reachable(known):
            return True
        return not await self._trip("network", self._clock())  # judged as any other trip

    def outage_covers(self, at: float) -> bool:
        """Whether an outage was found that was going on at monotonic time ``at`` (or began
        within ``settle`` seconds after it)."""
        return any(o.start - self.policy.settle <= at and (o.end is None or at <= o.end)
                   for o in self.outages)

    async def failed(self, host: str, origin: tuple[str, int], cause: Cause) -> bool:
        """A check of ``host`` got no answer (``cause``); True if the network is down (the
        failure says nothing about the link), False if it stands."""
        now = self._clock()
        if self.state == State.GAVE_UP:
            return True
        if self.state in (State.PROBING, State.DOWN):
            return await self._current_verdict()
        self._recent.append((now, host, origin, cause.dns))
        while self._recent and self._recent[0][0] < now - self.policy.window:
            self._recent.popleft()
        if cause.dns:
            if now < self._dns_fine_until:
                return False
            if not self._probe.has_canaries:  # judge by the pattern: many names at once
                names = {h for _, h, _, dns in self._recent if dns}
                if len(names) < self.policy.min_hosts:
                    return False
            return await self._trip("dns", now)
        if self._cleared.get(host, 0.0) > now:
            return False
        hosts = {h for _, h, _, dns in self._recent
                 if not dns and self._cleared.get(h, 0.0) <= now}
        if len(hosts) < self.policy.min_hosts:
            return False
        return await self._trip("network", now)

    def give_up(self) -> None:
        """Stop waiting for the network (a stop was asked for): what is left is inconclusive."""
        if self.state in (State.PROBING, State.DOWN):
            self._end(State.GAVE_UP)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    # -- judging -------------------------------------------------------------------------------

    async def _current_verdict(self) -> bool:
        if self._verdict is not None:
            return await asyncio.shield(self._verdict)
        return True

    async def _trip(self, kind: str, now: float) -> bool:
        self.state = State.PROBING
        self._open.clear()
        self._verdict = asyncio.get_running_loop().create_future()
        start = min((t for t, _, _, dns in self._recent if dns == (kind == "dns")), default=now)
        evidence = list(self._recent)
        self._task = asyncio.get_running_loop().create_task(
            self._judge(kind, start, evidence))
        return await asyncio.shield(self._verdict)

    async def _network_fine(self, kind: str,
                            evidence: list[tuple[float, str, tuple[str, int], bool]]) -> bool:
        failing = list(dict.fromkeys(h for _, h, _, _ in evidence))
        if kind == "dns":
            return await self._probe.names_resolve(failing)
        if not await self._probe.canary_answers():
            return False
        n = self.policy.reach_targets
        known = list(reversed(self._answered.values()))[:n]
        failing_origins = list(dict.fromkeys(o for _, _, o, _ in evidence))[:n]
        untried = list(self._untried.values())[:n]
        return await self._probe.reachable(known or failing_origins + untried)

    async def _judge(self, kind: str, start: float,
                     evidence: list[tuple[float, str, tuple[str, int], bool]]) -> None:
        try:
            fine = await self._network_fine(kind, evidence)
            now = self._clock()
            if fine:
                self._settle_verdict(False)
                self._trust(kind, evidence, now)
                self.state = State.UP
                self._open.set()
                return
            outage = Outage(kind, start)
            self.outages.append(outage)
            self.state = State.DOWN
            self._settle_verdict(True)
            pause = self.policy.probe_every
            while True:
                await asyncio.sleep(pause)
                if self._clock() - outage.start > self.max_wait:
                    self._end(State.GAVE_UP)
                    return
                if await self._network_fine(kind, evidence):
                    outage.end = self._clock()
                    self._recent.clear()
                    self._end(State.UP)
                    return
                pause = min(pause * 2, self.policy.probe_max)
        except asyncio.CancelledError:
            self._settle_verdict(True)
            raise

    def _trust(self, kind: str, evidence: list[tuple[float, str, tuple[str, int], bool]],
               now: float) -> None:
        """The network was fine: these failures stand, and do not trip again for a while."""
        until = now + self.policy.cooldown
        if kind == "dns":
            self._dns_fine_until = until
        for _, host, _, _ in evidence:
            self._cleared[host] = until
        self._recent.clear()

    def _settle_verdict(self, down: bool) -> None:
        if self._verdict is not None and not self._verdict.done():
            self._verdict.set_result(down)

    def _end(self, state: State) -> None:
        self.state = state
        self._settle_verdict(state != State.UP)
        self._verdict = None
        self._open.set()
