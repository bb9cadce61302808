"""Checker.check on the in-process network (tests/net/fakenet.py): chains, headers, caps,
429, soft-404 probes, and what a failed connection says. The checker's own request path
runs unchanged; only the resolver and the connections are fakes."""

from __future__ import annotations

import gzip
import re

import pytest

from provenance.check.engine import Checker
from provenance.domain import links as t
from provenance.net.network import Network
from provenance.settings import Settings
from tests.net.fakenet import FakeResolver, FakeWeb

SETTINGS = Settings(min_delay=0.0, timeout=2.0, connect_timeout=0.5, max_redirects=4,
                    max_body_bytes=10_000, canary_names="")
PAGE = "<html><head><title>Kim and Xi meet in Beijing | Daily</title></head><body>{}</body>"
PROBE = re.compile(r"http://[^/]+(/[^/]+)*/provenance-probe-[0-9a-f]+")
NAMES = ("news.example", "a.example", "b.example", "sold.example", "soft.example",
         "h.example", "en.wikipedia.org", "films.example")


@pytest.fixture
def web() -> FakeWeb:
    return FakeWeb()


def honest_probe(web: FakeWeb) -> None:
    """Made-up paths of any host answer 404."""
    web.add(PROBE, 404)


async def check(web: FakeWeb, task: t.CheckTask, settings: Settings = SETTINGS,
                ) -> t.CheckResult:
    resolver = FakeResolver({name: f"93.184.216.{n + 1}" for n, name in enumerate(NAMES)})
    async with Checker(settings, network=Network(resolver, web.connect)) as checker:
        return await checker.check(task)


async def test_ok_page_records_title_and_validators(web: FakeWeb) -> None:
    honest_probe(web)
    web.add("http://news.example/a", html=PAGE.format("text"),
            headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024"})
    result = await check(web, t.CheckTask(1, "http://news.example/a",
                                          reference_title="Kim and Xi meet in Beijing"))
    assert (result.outcome, result.http_status, result.title) == (
        t.OK, 200, "Kim and Xi meet in Beijing | Daily")
    assert result.etag == '"v1"' and result.last_modified == "Mon, 01 Jan 2024"
    assert result.title_mismatch is False and result.final_url == "http://news.example/a"
    request = web.requests_to("http://news.example/a")[0]
    assert request.method == "GET"
    assert request.headers["user-agent"] == SETTINGS.user_agent
    assert request.headers["accept-encoding"] == "gzip, deflate"


async def test_permanent_chain_is_redirect_with_target(web: FakeWeb) -> None:
    honest_probe(web)
    web.add("http://a.example/old", 301, headers={"Location": "http://a.example/older"})
    web.add("http://a.example/older", 308, headers={"Location": "/new#frag"})
    web.add("http://a.example/new", html=PAGE.format("moved"))
    result = await check(web, t.CheckTask(1, "http://a.example/old"))
    assert result.outcome == t.REDIRECT
    assert result.final_url == "http://a.example/new"
    assert result.redirects == (t.Hop("http://a.example/old", 301),
                                t.Hop("http://a.example/older", 308))


async def test_temporary_redirect_to_200_is_ok(web: FakeWeb) -> None:
    honest_probe(web)
    web.add("http://a.example/x", 302, headers={"Location": "http://b.example/y"})
    web.add("http://b.example/y", html=PAGE.format("y"))
    result = await check(web, t.CheckTask(1, "http://a.example/x"))
    assert (result.outcome, result.final_url) == (t.OK, "http://b.example/y")


async def test_redirect_to_404_is_not_found(web: FakeWeb) -> None:
    web.add("http://a.example/x", 301, headers={"Location": "/gone"})
    web.add("http://a.example/gone", 410)
    result = await check(web, t.CheckTask(1, "http://a.example/x"))
    assert (result.outcome, result.http_status) == (t.NOT_FOUND, 410)
    assert result.final_url == "http://a.example/gone"


async def test_loop_and_long_chain_are_too_many_redirects(web: FakeWeb) -> None:
    web.add("http://a.example/1", 302, headers={"Location": "/2"})
    web.add("http://a.example/2", 302, headers={"Location": "/1"})
    result = await check(web, t.CheckTask(1, "http://a.example/1"))
    assert result.outcome == t.TOO_MANY_REDIRECTS and "loop" in (result.error or "")
    for n in range(SETTINGS.max_redirects + 1):
        web.add(f"http://b.example/{n}", 307, headers={"Location": f"/{n + 1}"})
    result = await check(web, t.CheckTask(1, "http://b.example/0"))
    assert result.outcome == t.TOO_MANY_REDIRECTS
    assert len(result.redirects) == SETTINGS.max_redirects + 1


async def test_redirect_to_another_scheme_is_invalid(web: FakeWeb) -> None:
    web.add("http://a.example/x", 301, headers={"Location": "ftp://a.example/file"})
    result = await check(web, t.CheckTask(1, "http://a.example/x"))
    assert result.outcome == t.INVALID and "scheme" in (result.error or "")


async def test_conditional_request_and_304(web: FakeWeb) -> None:
    web.add("http://a.example/p", 304)
    result = await check(web, t.CheckTask(1, "http://a.example/p", etag='"v1"',
                                          last_modified="Mon, 01 Jan 2024"))
    assert (result.outcome, result.not_modified, result.http_status) == (t.OK, True, 304)
    assert result.etag == '"v1"'
    sent = web.requests_to("http://a.example/p")[0].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == "Mon, 01 Jan 2024"


async def test_validators_go_to_the_previous_final_url(web: FakeWeb) -> None:
    web.add("http://a.example/p", 301, headers={"Location": "/q"})
    web.add("http://a.example/q", 304)
    result = await check(web, t.CheckTask(1, "http://a.example/p", etag='"v2"',
                                          previous_final_url="http://a.example/q"))
    assert (result.outcome, result.not_modified) == (t.REDIRECT, True)
    assert "if-none-match" not in web.requests_to("http://a.example/p")[0].headers
    assert web.requests_to("http://a.example/q")[0].headers["if-none-match"] == '"v2"'


async def test_body_is_capped_after_decompression(web: FakeWeb) -> None:
    honest_probe(web)
    bomb = gzip.compress(b"<title>Bomb</title>" + b" " * 5_000_000)
    web.add("http://a.example/bomb", body=bomb,
            headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    result = await check(web, t.CheckTask(1, "http://a.example/bomb"))
    assert (result.outcome, result.title) == (t.OK, "Bomb")


async def test_429_gives_rate_limited_with_retry_after(web: FakeWeb) -> None:
    web.add("http://a.example/r", 429, headers={"Retry-After": "30"})
    result = await check(web, t.CheckTask(1, "http://a.example/r"))
    assert (result.outcome, result.retry_after) == (t.RATE_LIMITED, 30.0)


async def test_title_mismatch_flagged(web: FakeWeb) -> None:
    honest_probe(web)
    web.add("http://sold.example/a", html="<title>This domain is for sale! Buy it today</title>")
    result = await check(web, t.CheckTask(1, "http://sold.example/a",
                                          reference_title="Kim and Xi meet in Beijing"))
    assert result.outcome == t.OK and result.title_mismatch is True


async def test_soft_404_by_probe(web: FakeWeb) -> None:
    oops = "<title>Oops!</title><p>We looked everywhere for {} but it is elsewhere.</p>"
    web.add(PROBE, html=oops.format("that"))
    web.add("http://soft.example/gone/1", html=oops.format("this"))
    result = await check(web, t.CheckTask(1, "http://soft.example/gone/1"))
    assert result.outcome == t.SOFT_404


@pytest.mark.parametrize(("title", "reference"), [
    ("Peugeot 404 - Wikipedia", "Peugeot 404"),
    ("HTTP 404 - Wikipedia", "HTTP 404"),
    ("Not Found (2015 film) - Wikipedia", "Not Found (2015 film)"),
    ("Peugeot 404 - Wikipedia", None),
])
async def test_a_title_cue_alone_never_makes_a_live_page_dead(
        web: FakeWeb, title: str, reference: str | None) -> None:
    """Wikipedia answers 404 for made-up paths: the probe disagrees with the title."""
    honest_probe(web)
    url = "http://en.wikipedia.org/wiki/" + title.split(" - ")[0].replace(" ", "_")
    web.add(url, html=f"<title>{title}</title><p>{'An article about it. ' * 200}</p>")
    result = await check(web, t.CheckTask(1, url, reference_title=reference))
    assert result.outcome == t.OK and not result.title_mismatch


async def test_a_not_found_title_on_a_site_that_agrees_is_soft_404(web: FakeWeb) -> None:
    """A site whose made-up paths beside the page answer 200 "not found" too."""
    honest_probe(web)
    missing = "<title>Article not found - Daily</title><p>Try the search.</p>"
    web.add(re.compile(r"http://news\.example/story/.*"), html=missing)
    result = await check(web, t.CheckTask(1, "http://news.example/story/123"))
    assert result.outcome == t.SOFT_404
    assert any(PROBE.fullmatch(r.url) and "/story/" in r.url for r in web.requests)


async def test_a_not_found_title_matching_the_reference_is_alive(web: FakeWeb) -> None:
    """Even where the site answers 200 to anything, the cited "Not Found" film is alive."""
    anything = "<title>Not Found (2015 film)</title><p>A film. " + "Plot. " * 100 + "</p>"
    web.add(re.compile(r"http://films\.example/.*"), html=anything)
    web.add(PROBE, html="<title>Home</title><p>" + "Latest films. " * 100 + "</p>")
    result = await check(web, t.CheckTask(1, "http://films.example/not-found-2015",
                                          reference_title="Not Found (2015 film)"))
    assert result.outcome == t.OK


async def test_soft_404_probe_is_fetched_once_per_host(web: FakeWeb) -> None:
    honest_probe(web)
    for n in range(3):
        web.add(f"http://h.example/{n}", html=PAGE.format(n))
    resolver = FakeResolver({"h.example": "93.184.216.9"})
    async with Checker(SETTINGS, network=Network(resolver, web.connect)) as checker:
        for n in range(3):
            assert (await checker.check(t.CheckTask(n, f"http://h.example/{n}"))).outcome \
                == t.OK
    assert sum(1 for r in web.requests if PROBE.fullmatch(r.url)) == 1


@pytest.mark.parametrize(("fault", "outcome", "cause"), [
    ("refused", t.CONNECTION_ERROR, t.Cause.CONNECT),
    ("connect-timeout", t.TIMEOUT, t.Cause.CONNECT),
    ("reset", t.CONNECTION_ERROR, t.Cause.RESET),
    ("hang", t.TIMEOUT, t.Cause.TIMEOUT),
])
async def test_connection_faults(web: FakeWeb, fault: str, outcome: str, cause: t.Cause) -> None:
    web.host_faults["a.example"] = fault
    web.down = fault if fault in ("refused", "connect-timeout") else None
    result = await check(web, t.CheckTask(1, "http://a.example/e"),
                         Settings(min_delay=0.0, timeout=0.5, connect_timeout=0.2,
                                  canary_names=""))
    assert (result.outcome, result.cause) == (outcome, cause)
    assert result.http_status is None and result.error


async def test_name_resolution_failures(web: FakeWeb) -> None:
    result = await check(web, t.CheckTask(1, "http://gone.example/x"))
    assert (result.outcome, result.cause) == (t.NOT_FOUND, t.Cause.NXDOMAIN)
    resolver = FakeResolver(mode="servfail")
    async with Checker(SETTINGS, network=Network(resolver, web.connect)) as checker:
        result = await checker.check(t.CheckTask(1, "http://a.example/x"))
    assert (result.outcome, result.cause) == (t.CONNECTION_ERROR, t.Cause.DNS_ERROR)
    assert resolver.asked == ["a.example"]


@pytest.mark.parametrize("url", ["ftp://a.example/x", "not a url", "http://10.0.0.1/"])
async def test_invalid_and_refused_never_reach_the_network(web: FakeWeb, url: str) -> None:
    result = await check(web, t.CheckTask(1, url))
    assert result.outcome == (t.REFUSED if "10.0.0.1" in url else t.INVALID)
    assert result.cause is None and web.connects == 0


async def test_validators_of_an_error_page_are_not_kept(web: FakeWeb) -> None:
    web.add("http://a.example/gone", 404,
            headers={"ETag": '"e404"', "Last-Modified": "Mon, 01 Jan 2024"})
    result = await check(web, t.CheckTask(1, "http://a.example/gone"))
    assert (result.outcome, result.etag, result.last_modified) == (t.NOT_FOUND, None, None)
