"""Checker.check against mocked responses (pytest-httpx): chains, headers, caps, 429."""

from __future__ import annotations

import gzip
import re

import httpx
import pytest
from pytest_httpx import HTTPXMock

from provenance.check.engine import Checker
from provenance.domain import links as t
from provenance.settings import Settings

SETTINGS = Settings(min_delay=0.0, timeout=2.0, max_redirects=4, max_body_bytes=10_000)
PAGE = "<html><head><title>Kim and Xi meet in Beijing | Daily</title></head><body>{}</body>"
PROBE = re.compile(r"https?://[^/]+/provenance-probe-[0-9a-f]+")


def honest_probe(httpx_mock: HTTPXMock) -> None:
    """The soft-404 probe of any host answers 404 (optional: only 200 pages probe)."""
    httpx_mock.add_response(url=PROBE, status_code=404, is_optional=True, is_reusable=True)


async def check(task: t.CheckTask, settings: Settings = SETTINGS) -> t.CheckResult:
    async with Checker(settings) as checker:
        return await checker.check(task)


async def test_ok_page_records_title_and_validators(httpx_mock: HTTPXMock) -> None:
    honest_probe(httpx_mock)
    httpx_mock.add_response(url="https://news.example/a", html=PAGE.format("text"),
                            headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024"})
    result = await check(t.CheckTask(1, "https://news.example/a",
                                     reference_title="Kim and Xi meet in Beijing"))
    assert (result.outcome, result.http_status, result.title) == (
        t.OK, 200, "Kim and Xi meet in Beijing | Daily")
    assert result.etag == '"v1"' and result.last_modified == "Mon, 01 Jan 2024"
    assert result.title_mismatch is False and result.final_url == "https://news.example/a"
    request = httpx_mock.get_requests(url="https://news.example/a")[0]
    assert request.method == "GET"
    assert request.headers["User-Agent"] == SETTINGS.user_agent
    assert request.headers["Accept-Encoding"] == "gzip, deflate"


async def test_permanent_chain_is_redirect_with_target(httpx_mock: HTTPXMock) -> None:
    honest_probe(httpx_mock)
    httpx_mock.add_response(url="http://a.example/old", status_code=301,
                            headers={"Location": "https://a.example/old"})
    httpx_mock.add_response(url="https://a.example/old", status_code=308,
                            headers={"Location": "/new#frag"})
    httpx_mock.add_response(url="https://a.example/new", html=PAGE.format("moved"))
    result = await check(t.CheckTask(1, "http://a.example/old"))
    assert result.outcome == t.REDIRECT
    assert result.final_url == "https://a.example/new"
    assert result.redirects == (t.Hop("http://a.example/old", 301),
                                t.Hop("https://a.example/old", 308))


async def test_temporary_redirect_to_200_is_ok(httpx_mock: HTTPXMock) -> None:
    honest_probe(httpx_mock)
    httpx_mock.add_response(url="https://a.example/x", status_code=302,
                            headers={"Location": "https://b.example/y"})
    httpx_mock.add_response(url="https://b.example/y", html=PAGE.format("y"))
    result = await check(t.CheckTask(1, "https://a.example/x"))
    assert (result.outcome, result.final_url) == (t.OK, "https://b.example/y")


async def test_redirect_to_404_is_not_found(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url="https://a.example/x", status_code=301,
                            headers={"Location": "/gone"})
    httpx_mock.add_response(url="https://a.example/gone", status_code=410)
    result = await check(t.CheckTask(1, "https://a.example/x"))
    assert (result.outcome, result.http_status) == (t.NOT_FOUND, 410)
    assert result.final_url == "https://a.example/gone"


async def test_loop_and_long_chain_are_too_many_redirects(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url="https://a.example/1", status_code=302,
                            headers={"Location": "/2"})
    httpx_mock.add_response(url="https://a.example/2", status_code=302,
                            headers={"Location": "/1"})
    result = await check(t.CheckTask(1, "https://a.example/1"))
    assert result.outcome == t.TOO_MANY_REDIRECTS and "loop" in (result.error or "")
    for n in range(SETTINGS.max_redirects + 1):
        httpx_mock.add_response(url=f"https://b.example/{n}", status_code=307,
                                headers={"Location": f"/{n + 1}"})
    result = await check(t.CheckTask(1, "https://b.example/0"))
    assert result.outcome == t.TOO_MANY_REDIRECTS
    assert len(result.redirects) == SETTINGS.max_redirects + 1


async def test_redirect_to_another_scheme_is_invalid(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url="https://a.example/x", status_code=301,
                            headers={"Location": "ftp://a.example/file"})
    result = await check(t.CheckTask(1, "https://a.example/x"))
    assert result.outcome == t.INVALID and "scheme" in (result.error or "")


async def test_conditional_request_and_304(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url="https://a.example/p", status_code=304,
                            match_headers={"If-None-Match": '"v1"',
                                           "If-Modified-Since": "Mon, 01 Jan 2024"})
    result = await check(t.CheckTask(1, "https://a.example/p", etag='"v1"',
                                     last_modified="Mon, 01 Jan 2024"))
    assert (result.outcome, result.not_modified, result.http_status) == (t.OK, True, 304)
    assert result.etag == '"v1"'


async def test_validators_go_to_the_previous_final_url(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url="https://a.example/p", status_code=301,
                            headers={"Location": "/q"})
    httpx_mock.add_response(url="https://a.example/q", status_code=304,
                            match_headers={"If-None-Match": '"v2"'})
    result = await check(t.CheckTask(1, "https://a.example/p", etag='"v2"',
                                     previous_final_url="https://a.example/q"))
    assert (result.outcome, result.not_modified) == (t.REDIRECT, True)
    assert "If-None-Match" not in httpx_mock.get_requests(url="https://a.example/p")[0].headers


async def test_body_is_capped_after_decompression(httpx_mock: HTTPXMock) -> None:
    honest_probe(httpx_mock)
    bomb = gzip.compress(b"<title>Bomb</title>" + b" " * 5_000_000)
    httpx_mock.add_response(url="https://a.example/bomb", content=bomb,
                            headers={"Content-Encoding": "gzip",
                                     "Content-Type": "text/html"})
    result = await check(t.CheckTask(1, "https://a.example/bomb"))
    assert (result.outcome, result.title) == (t.OK, "Bomb")


async def test_429_gives_rate_limited_with_retry_after(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url="https://a.example/r", status_code=429,
                            headers={"Retry-After": "30"})
    result = await check(t.CheckTask(1, "https://a.example/r"))
    assert (result.outcome, result.retry_after) == (t.RATE_LIMITED, 30.0)


async def test_title_mismatch_flagged(httpx_mock: HTTPXMock) -> None:
    honest_probe(httpx_mock)
    httpx_mock.add_response(url="https://sold.example/a",
                            html="<title>This domain is for sale! Buy it today</title>")
    result = await check(t.CheckTask(1, "https://sold.example/a",
                                     reference_title="Kim and Xi meet in Beijing"))
    assert result.outcome == t.OK and result.title_mismatch is True


async def test_soft_404_by_probe(httpx_mock: HTTPXMock) -> None:
    oops = "<title>Oops!</title><p>We looked everywhere for {} but it is elsewhere.</p>"
    httpx_mock.add_response(url=PROBE, html=oops.format("that"))
    httpx_mock.add_response(url="https://soft.example/gone/1", html=oops.format("this"))
    result = await check(t.CheckTask(1, "https://soft.example/gone/1"))
    assert result.outcome == t.SOFT_404


async def test_soft_404_probe_is_cached_per_host(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=PROBE, status_code=404)  # single use: a second probe fails
    for n in range(3):
        httpx_mock.add_response(url=f"https://h.example/{n}", html=PAGE.format(n))
    async with Checker(SETTINGS) as checker:
        for n in range(3):
            assert (await checker.check(t.CheckTask(n, f"https://h.example/{n}"))).outcome \
                == t.OK


@pytest.mark.parametrize(("exc", "outcome"), [
    (httpx.ConnectError("refused"), t.CONNECTION_ERROR),
    (httpx.ReadTimeout("slow"), t.TIMEOUT),
    (httpx.RemoteProtocolError("reset"), t.CONNECTION_ERROR),
])
async def test_transport_errors(httpx_mock: HTTPXMock, exc: Exception, outcome: str) -> None:
    httpx_mock.add_exception(exc, url="https://a.example/e")
    result = await check(t.CheckTask(1, "https://a.example/e"))
    assert result.outcome == outcome and result.http_status is None and result.error


@pytest.mark.parametrize("url", ["ftp://a.example/x", "not a url", "http://10.0.0.1/"])
async def test_invalid_and_refused_never_reach_the_network(url: str) -> None:
    result = await check(t.CheckTask(1, url))
    assert result.outcome in (t.INVALID, t.REFUSED)
    assert result.outcome == (t.REFUSED if "10.0.0.1" in url else t.INVALID)


async def test_injected_transport_is_used() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if "provenance-probe" in request.url.path:
            return httpx.Response(404)
        return httpx.Response(200, html=PAGE.format("mock"))

    async with Checker(SETTINGS, transport=httpx.MockTransport(answer)) as checker:
        result = await checker.check(t.CheckTask(1, "https://mock.example/"))
    assert result.outcome == t.OK


async def test_validators_of_an_error_page_are_not_kept(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url="https://a.example/gone", status_code=404,
                            headers={"ETag": '"e404"', "Last-Modified": "Mon, 01 Jan 2024"})
    result = await check(t.CheckTask(1, "https://a.example/gone"))
    assert (result.outcome, result.etag, result.last_modified) == (t.NOT_FOUND, None, None)
