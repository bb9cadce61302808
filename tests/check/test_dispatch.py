"""Checker.run: politeness per host, 429 back-off and retry, lazy bounded intake."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from linkfarm import LinkFarm

from provenance.check.engine import Checker
from provenance.check.policy import CheckPolicy
from provenance.domain import links as t
from provenance.settings import Settings


def reset(farm: LinkFarm) -> None:
    urllib.request.urlopen(farm.url(1, "/__reset"), timeout=5).read()


async def run_all(settings: Settings, tasks: object,
                  policy: CheckPolicy | None = None) -> dict[str, t.CheckResult]:
    results: dict[str, t.CheckResult] = {}

    async def on_result(task: t.CheckTask, result: t.CheckResult) -> None:
        results[task.url] = result

    async with Checker(settings, policy=policy) as checker:
        await checker.run(tasks, on_result)  # type: ignore[arg-type]
    return results


async def test_per_host_limit_holds(farm: LinkFarm, farm_settings: Settings) -> None:
    slow = LinkFarm(hosts=2, latency=0.02)
    await slow.start()
    try:
        tasks = [t.CheckTask(n, slow.url(1 + n % 2, f"/page/{n}")) for n in range(60)]
        results = await run_all(replace(farm_settings, per_host=3, concurrency=50), tasks)
        assert {r.outcome for r in results.values()} == {t.OK}
        assert len(results) == 60
        assert max(s["peak"] for s in slow.snapshot().values()) == 3
    finally:
        await slow.stop()


async def test_min_delay_spaces_requests(farm_settings: Settings) -> None:
    tiny = LinkFarm(hosts=1, latency=0.0)
    await tiny.start()
    try:
        tasks = [t.CheckTask(n, tiny.url(1, f"/404/{n}")) for n in range(5)]
        started = time.monotonic()
        await run_all(replace(farm_settings, min_delay=0.1), tasks)
        assert time.monotonic() - started >= 0.4
    finally:
        await tiny.stop()


async def test_429_backs_off_host_and_retries(farm: LinkFarm, farm_settings: Settings) -> None:
    reset(farm)
    started = time.monotonic()
    results = await run_all(farm_settings, [t.CheckTask(1, farm.url(2, "/429/a")),
                                            t.CheckTask(2, farm.url(2, "/page/b"))])
    assert results[farm.url(2, "/429/a")].outcome == t.OK
    assert time.monotonic() - started >= 0.9  # Retry-After: 1 honoured


async def test_429_beyond_the_cap_is_rate_limited(farm: LinkFarm,
                                                  farm_settings: Settings) -> None:
    reset(farm)
    results = await run_all(farm_settings, [t.CheckTask(1, farm.url(2, "/429/c"))],
                            CheckPolicy(retry_after_cap=0.5))
    result = results[farm.url(2, "/429/c")]
    assert (result.outcome, result.retry_after) == (t.RATE_LIMITED, 1.0)


async def test_tasks_are_pulled_lazily(farm: LinkFarm, farm_settings: Settings) -> None:
    settings = replace(farm_settings, concurrency=1)
    pulled = 0
    high_water = 0
    done = 0

    async def source() -> AsyncIterator[t.CheckTask]:
        nonlocal pulled, high_water
        for n in range(100):
            pulled += 1
            high_water = max(high_water, pulled - done)
            yield t.CheckTask(n, farm.url(1 + n % 3, f"/404/{n}"))

    async def on_result(task: t.CheckTask, result: t.CheckResult) -> None:
        nonlocal done
        done += 1

    async with Checker(settings, policy=CheckPolicy(min_buffer=10)) as checker:
        await checker.run(source(), on_result)
    assert done == 100 and high_water <= 11


async def test_on_result_error_propagates(farm: LinkFarm, farm_settings: Settings) -> None:
    async def on_result(task: t.CheckTask, result: t.CheckResult) -> None:
        raise RuntimeError("database is gone")

    async with Checker(farm_settings) as checker:
        with pytest.raises(RuntimeError, match="database is gone"):
            await checker.run([t.CheckTask(1, farm.url(1, "/404/x"))], on_result)


async def test_invalid_urls_in_a_run(farm_settings: Settings) -> None:
    results = await run_all(farm_settings, [t.CheckTask(1, "mailto:a@b.c"),
                                            t.CheckTask(2, "http://")])
    assert {r.outcome for r in results.values()} == {t.INVALID}
