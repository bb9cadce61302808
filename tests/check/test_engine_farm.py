"""Checker.check against the real loopback link farm: what only a real server shows."""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import replace

import pytest
from linkfarm import BIG_BYTES, HANG_FOR, LinkFarm

from provenance.check.engine import Checker
from provenance.domain import links as t
from provenance.net.network import Network
from provenance.settings import Settings
from tests.net.fakenet import FakeResolver, FakeWeb


async def check(farm: LinkFarm, settings: Settings, path: str, host: int = 1,
                **task: object) -> t.CheckResult:
    async with Checker(settings) as checker:
        return await checker.check(t.CheckTask(1, farm.url(host, path), **task))  # type: ignore[arg-type]


@pytest.mark.parametrize(("path", "outcome"), [
    ("/page/1", t.OK), ("/r302/1", t.OK), ("/r301/1", t.REDIRECT), ("/r308/1", t.REDIRECT),
    ("/chain/1/0", t.REDIRECT), ("/cross/1", t.REDIRECT), ("/loop/1", t.TOO_MANY_REDIRECTS),
    ("/long/1/0", t.TOO_MANY_REDIRECTS), ("/r404/1", t.NOT_FOUND), ("/404/1", t.NOT_FOUND),
    ("/410/1", t.NOT_FOUND), ("/500/1", t.SERVER_ERROR), ("/503/1", t.SERVER_ERROR),
    ("/401/1", t.BLOCKED), ("/403/1", t.BLOCKED), ("/botwall/1", t.BLOCKED),
    ("/nf-title/1", t.SOFT_404), ("/sold/1", t.OK),
])
async def test_farm_outcomes(farm: LinkFarm, farm_settings: Settings, path: str,
                             outcome: str) -> None:
    assert (await check(farm, farm_settings, path)).outcome == outcome


async def test_cross_host_redirect_records_target(farm: LinkFarm,
                                                  farm_settings: Settings) -> None:
    result = await check(farm, farm_settings, "/cross/7")
    assert result.final_url == farm.url(2, "/page/7")
    assert result.redirects == (t.Hop(farm.url(1, "/cross/7"), 301),)


async def test_hung_answer_times_out_on_the_deadline(farm: LinkFarm,
                                                     farm_settings: Settings) -> None:
    started = time.monotonic()
    result = await check(farm, farm_settings, "/hang/1")
    assert result.outcome == t.TIMEOUT
    # the client gave up, not the server (it holds a hung answer for HANG_FOR = 60 s); no
    # tighter bound: a loaded machine may be late, and timings belong to bench/
    assert time.monotonic() - started < HANG_FOR / 4


async def test_trickling_body_hits_the_overall_deadline(farm: LinkFarm,
                                                        farm_settings: Settings) -> None:
    """10 bytes every 0.5 s never trips a read timeout; the per-URL deadline ends it."""
    started = time.monotonic()
    result = await check(farm, replace(farm_settings, timeout=1.2), "/trickle/1")
    assert result.outcome == t.TIMEOUT
    elapsed = time.monotonic() - started
    assert 1.1 < elapsed < HANG_FOR / 4  # the 1.2 s deadline ended it, not the server


async def test_connection_reset_is_connection_error(farm: LinkFarm,
                                                    farm_settings: Settings) -> None:
    result = await check(farm, farm_settings, "/reset/1")
    assert result.outcome == t.CONNECTION_ERROR and result.error


async def test_closed_port_is_connection_error(farm_settings: Settings) -> None:
    async with Checker(farm_settings) as checker:
        result = await checker.check(t.CheckTask(1, "http://127.0.0.1:9/"))
    assert result.outcome == t.CONNECTION_ERROR


async def test_20_mb_body_is_read_only_to_the_cap(farm: LinkFarm,
                                                  farm_settings: Settings) -> None:
    tracemalloc.start()
    try:
        result = await check(farm, farm_settings, "/big/1")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (result.outcome, result.title) == (t.OK, "A very large page")
    assert peak < BIG_BYTES / 4  # never held the 20 MB body (a memory bound, not a timing)


async def test_gzip_bomb_is_capped(farm: LinkFarm, farm_settings: Settings) -> None:
    result = await check(farm, replace(farm_settings, max_body_bytes=64 * 1024), "/bomb/1")
    assert (result.outcome, result.title) == (t.OK, "Compressed page")


async def test_soft_404_hosts(farm: LinkFarm, farm_settings: Settings) -> None:
    """Host 4 answers unknown paths with a 200 "Oops!" page, host 3 redirects them home."""
    assert (await check(farm, farm_settings, "/missing/5", host=4)).outcome == t.SOFT_404
    assert (await check(farm, farm_settings, "/page/5", host=4)).outcome == t.OK
    assert (await check(farm, farm_settings, "/old/5", host=3)).outcome == t.SOFT_404
    assert (await check(farm, farm_settings, "/", host=3)).outcome == t.OK


async def test_conditional_recheck_gets_304(farm: LinkFarm, farm_settings: Settings) -> None:
    first = await check(farm, farm_settings, "/page/9")
    again = await check(farm, farm_settings, "/page/9", etag=first.etag,
                        last_modified=first.last_modified)
    assert (again.outcome, again.http_status, again.not_modified) == (t.OK, 304, True)


async def test_title_mismatch_on_a_sold_domain(farm: LinkFarm, farm_settings: Settings) -> None:
    ok = await check(farm, farm_settings, "/page/3",
                     reference_title="Report 3 on the economy of region 1")
    sold = await check(farm, farm_settings, "/sold/3",
                       reference_title="Report 3 on the economy of region 1")
    assert (ok.title_mismatch, sold.title_mismatch) == (False, True)


# -- the safety rule on a real connection ------------------------------------------------

async def test_loopback_refused_by_default(farm: LinkFarm, farm_settings: Settings) -> None:
    strict = replace(farm_settings, allow_private_addresses=False)
    before = farm.snapshot().get("127.0.0.1", {}).get("requests", 0)
    result = await check(farm, strict, "/page/1")
    assert result.outcome == t.REFUSED and "loopback" in (result.error or "")
    assert farm.snapshot().get("127.0.0.1", {}).get("requests", 0) == before  # never sent
    assert (await check(farm, farm_settings, "/page/1")).outcome == t.OK


async def test_localhost_name_is_resolved_and_refused(farm: LinkFarm,
                                                      farm_settings: Settings) -> None:
    strict = replace(farm_settings, allow_private_addresses=False)
    async with Checker(strict) as checker:
        result = await checker.check(t.CheckTask(1, f"http://localhost:{farm.port}/page/1"))
    assert result.outcome == t.REFUSED


async def test_redirect_from_allowed_host_to_private_is_refused(
        farm_settings: Settings) -> None:
    """A public host (on the in-process network) that redirects to loopback is refused."""
    web = FakeWeb()
    web.add("http://public.example/r", 302, headers={"Location": "http://127.0.0.1:9/admin"})
    network = Network(FakeResolver({"public.example": "93.184.216.34"}), web.connect)
    strict = replace(farm_settings, allow_private_addresses=False)
    async with Checker(strict, network=network) as checker:
        result = await checker.check(t.CheckTask(1, "http://public.example/r"))
    assert result.outcome == t.REFUSED
    assert result.redirects == (t.Hop("http://public.example/r", 302),)
    assert [r.url for r in web.requests] == ["http://public.example/r"]


async def test_redirect_by_name_to_loopback_is_refused_at_connect(
        farm: LinkFarm, farm_settings: Settings) -> None:
    """Names are vetted where the socket opens: a redirect to localhost never connects."""
    strict = replace(farm_settings, allow_private_addresses=False)
    async with Checker(strict) as checker:
        result = await checker.check(t.CheckTask(
            1, f"http://localhost:{farm.port}/r301/1"))
    assert result.outcome == t.REFUSED
