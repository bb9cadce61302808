"""Nights of ``provenance check`` on the in-process network (tests and bench/nights_bench.py).

The real runner, store and checker run; only the resolver and the connections are fakes
(``fakenet``), and the clock the store reads is injected: a night is "day N, 02:00" plus
the real time elapsed since it began, so leases and deadlines behave as in production.

This is the one place the runner is given its checker (``checker_factory``): the nights are
fault injection. A resolver answering NXDOMAIN for every name, an unreachable resolver, a
network that goes away mid-run and comes back, a month of random resets and hangs, and the
days a link's failures span cannot be made with loopback servers and the system resolver;
the checker above the network layer is the production one. The plain runs are tested end
to end on loopback servers (tests/check/test_runner.py, test_cli_check.py), and a run with
no network at all in its own namespace (tests/check/test_no_network.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from provenance.check.engine import Checker
from provenance.check.policy import CheckPolicy
from provenance.domain import links as t
from provenance.net.network import Network
from provenance.runs.runner import RunSummary, run_check
from provenance.settings import Settings
from provenance.store.models import Link
from tests.net.fakenet import Answer, FakeResolver, FakeWeb, Request, page

CANARIES = ("canary-one.test", "canary-two.test")
EPOCH = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


def night_settings(**overrides: Any) -> Settings:
    """Fast settings for the in-process network (defaults for the state machine)."""
    base = Settings(allow_private_addresses=True, timeout=0.5, connect_timeout=0.3,
                    min_delay=0.0, per_host=2, concurrency=32, lease_seconds=30,
                    canary_names=",".join(CANARIES), outage_wait=2.0)
    return replace(base, **overrides)


def fast_policy(settings: Settings | None = None) -> CheckPolicy:
    """The default rules (with ``settings`` folded in) with short waits, for tests."""
    return CheckPolicy.from_settings(settings or night_settings()).quick()


@dataclass
class Town:
    """``hosts`` hosts named h0.test.., ``per_host`` healthy pages each, on one FakeWeb."""

    hosts: int
    per_host: int
    web: FakeWeb = field(default_factory=FakeWeb)
    resolver: FakeResolver = field(default_factory=FakeResolver)
    served: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        for n in range(self.hosts):
            self.resolver.add(f"h{n}.test", f"192.0.2.{n % 250 + 1}")
        for name in CANARIES:
            self.resolver.add(name, "192.0.2.254")
        self.web.handle(_ANY, self._page)

    @property
    def urls(self) -> list[str]:
        return [f"http://h{n}.test/p{i}" for n in range(self.hosts) for i in range(self.per_host)]

    def _page(self, request: Request) -> Answer:
        self.served[request.host] += 1
        if "provenance-probe" in request.target:
            return Answer(404, {"Content-Type": "text/html"}, page("Not Found"))
        return Answer(200, {"Content-Type": "text/html; charset=utf-8"},
                      page(f"Page {request.target} of {request.host}"))

    def network(self) -> Network:
        return Network(resolver=self.resolver, connect=self.web.connect)


_ANY = re.compile(r".*")


def add_links(db: Any, urls: list[str]) -> None:
    with db.session() as session:
        session.add_all(Link(url=u, url_hash=hashlib.sha256(u.encode()).hexdigest(),
                             host=urlsplit(u).hostname or "") for u in urls)


def states(db: Any) -> Counter[str]:
    with db.session() as session:
        return Counter(session.execute(select(Link.state)).scalars())


def night_clock(day: float) -> Callable[[], datetime]:
    """Day ``day`` at 02:00 (plus the real time since this call)."""
    base = EPOCH + timedelta(days=day)
    began = time.monotonic()
    return lambda: base + timedelta(seconds=time.monotonic() - began)


def night(db: Any, town: Town, *, day: float, settings: Settings | None = None,
          policy: CheckPolicy | None = None, all: bool = False) -> RunSummary:
    """One ``provenance check`` on day ``day``."""
    settings = settings or night_settings()
    policy = policy or fast_policy(settings)
    network = town.network()

    def factory(s: Settings) -> Any:
        return Checker(s, network=network, policy=policy)

    return asyncio.run(run_check(db, settings, all=all, checker_factory=factory,
                                 clock=night_clock(day)))


def transient_faults(rate: float, seed: int) -> Callable[[Request | None, str], str | None]:
    """A fault on ``rate`` of connections and requests: reset, refused, hang or 503."""
    rnd = random.Random(seed)
    kinds = ("reset", "refused", "hang", "503")

    def fault(request: Request | None, _address: str) -> str | None:
        if request is not None and "provenance-probe" in request.target:
            return None
        if rnd.random() >= rate:
            return None
        kind = rnd.choice(kinds)
        if request is None:  # at connect time only "refused" happens
            return "refused" if kind == "refused" else None
        return None if kind == "refused" else kind

    return fault


@dataclass
class Month:
    nights: int
    links: int
    dead: int
    failing: int
    moved_nights: int
    checks: int


def simulate_month(db: Any, *, hosts: int = 20, per_host: int = 10, nights: int = 30,
                   rate: float = 0.10, seed: int = 11, policy: CheckPolicy | None = None,
                   settings: Settings | None = None) -> Month:
    """``nights`` nightly checks of healthy links with ``rate`` transient faults."""
    town = Town(hosts, per_host)
    add_links(db, town.urls)
    town.web.fault = transient_faults(rate, seed)
    failing_nights = checks = 0
    for day in range(nights):
        summary = night(db, town, day=day, settings=settings, policy=policy)
        checks += summary.checked
        failing_nights += bool(summary.newly_failing or summary.newly_dead)
    final = states(db)
    return Month(nights=nights, links=len(town.urls), dead=final.get(t.DEAD, 0),
                 failing=final.get(t.FAILING, 0), moved_nights=failing_nights, checks=checks)
