"""Transient failures are checked again within the run (RetryPolicy), on the in-process
network: what is retried, how often, and what a retry of a timeout costs."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace

import pytest

from provenance.check.engine import Checker
from provenance.check.policy import CheckPolicy, RetryPolicy
from provenance.domain import links as t
from provenance.net.network import Network
from provenance.settings import Settings
from tests.net.fakenet import FakeResolver, FakeWeb, Request

SETTINGS = Settings(min_delay=0.0, timeout=1.0, connect_timeout=0.3, allow_private_addresses=True,
                    canary_names="")
QUICK = CheckPolicy(retry=RetryPolicy(backoff=(0.01, 0.02)))


async def run(web: FakeWeb, urls: list[str], policy: CheckPolicy = QUICK,
              settings: Settings = SETTINGS) -> dict[str, t.CheckResult]:
    resolver = FakeResolver({"a.test": "192.0.2.1", "b.test": "192.0.2.2"})
    results: dict[str, t.CheckResult] = {}

    async def on_result(task: t.CheckTask, result: t.CheckResult) -> None:
        results[task.url] = result

    async with Checker(settings, network=Network(resolver, web.connect), policy=policy) as c:
        await c.run([t.CheckTask(n, u) for n, u in enumerate(urls)], on_result)
    return results


def first_n_fail(web: FakeWeb, fault: str, n: int) -> Counter[str]:
    seen: Counter[str] = Counter()

    def inject(request: Request | None, _address: str) -> str | None:
        if request is None or "provenance-probe" in request.target:
            return None
        seen[request.url] += 1
        return fault if seen[request.url] <= n else None

    web.fault = inject
    web.add("http://a.test/p", html="<title>Page</title>")
    web.add("http://a.test/provenance-probe", 404)
    return seen


@pytest.mark.parametrize("fault", ["reset", "503", "500"])
async def test_two_transient_failures_are_retried_away(fault: str) -> None:
    web = FakeWeb()
    seen = first_n_fail(web, fault, 2)
    results = await run(web, ["http://a.test/p"])
    assert results["http://a.test/p"].outcome == t.OK and seen["http://a.test/p"] == 3


async def test_three_count() -> None:
    web = FakeWeb()
    seen = first_n_fail(web, "503", 3)
    results = await run(web, ["http://a.test/p"])
    assert results["http://a.test/p"].outcome == t.SERVER_ERROR and seen["http://a.test/p"] == 3


async def test_retries_off() -> None:
    web = FakeWeb()
    seen = first_n_fail(web, "reset", 1)
    results = await run(web, ["http://a.test/p"], CheckPolicy(retry=RetryPolicy(transient=0)))
    assert results["http://a.test/p"].outcome == t.CONNECTION_ERROR and seen["http://a.test/p"] == 1


async def test_a_404_is_not_retried() -> None:
    web = FakeWeb()
    results = await run(web, ["http://a.test/gone"])
    assert results["http://a.test/gone"].outcome == t.NOT_FOUND
    assert len(web.requests_to("http://a.test/gone")) == 1


async def test_a_timeout_is_retried_once_with_a_deadline_fitted_to_the_host() -> None:
    web = FakeWeb()
    web.add("http://a.test/hangs", 200)
    web.host_faults["a.test"] = "hang"
    for n in range(5):
        web.add(f"http://b.test/{n}", html="<title>B</title>")
    # a.test answered before (its usual time is ~0): the retry gets min_timeout, not 1 s
    web.add("http://a.test/provenance-probe", 404)
    quick = CheckPolicy(retry=RetryPolicy(backoff=(0.01,), min_timeout=0.2))
    web.host_faults.clear()
    web.fault = lambda request, _a: "hang" if request and request.target == "/hangs" else None
    web.add("http://a.test/fine", html="<title>A</title>")
    started = time.monotonic()
    results = await run(web, ["http://a.test/fine", "http://a.test/hangs"], quick,
                        Settings(min_delay=0.0, timeout=1.0, per_host=1,
                                 allow_private_addresses=True, canary_names=""))
    took = time.monotonic() - started
    hung = results["http://a.test/hangs"]
    assert hung.outcome == t.TIMEOUT and "within 1 s" in (hung.error or "")
    assert len(web.requests_to("http://a.test/hangs")) == 2
    # the whole deadline once and the fitted one once; two whole deadlines (2 s) would mean the
    # retry was not fitted (the widest bound that tells them apart: a loaded machine is late)
    assert took < 1.0 + 1.0


async def test_a_retry_goes_ahead_of_its_hosts_other_links() -> None:
    """Behind the host's queue a retried link would start last and keep the run going after
    every other link of the host; after its back-off it is the host's next check."""
    web = FakeWeb()
    seen = first_n_fail(web, "503", 1)
    others = [f"http://a.test/{n}" for n in range(30)]
    for url in others:
        web.add(url, html="<title>A</title>")
    results = await run(web, ["http://a.test/p", *others], CheckPolicy(
        retry=RetryPolicy(backoff=(0.0,))), replace(SETTINGS, per_host=1))
    assert results["http://a.test/p"].outcome == t.OK and seen["http://a.test/p"] == 2
    order = [request.url for request in web.requests if "provenance-probe" not in request.url]
    assert order.index("http://a.test/p", 1) < 5, order
