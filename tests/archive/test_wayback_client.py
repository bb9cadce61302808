"""The Wayback client's request and answer handling (pytest-httpx: no server)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import httpx
import pytest
from pytest_httpx import HTTPXMock

from provenance.archive.wayback import WaybackClient, retry_after_seconds
from provenance.errors import ArchiveRateLimited, ArchiveServiceError

BASE = "https://web.archive.org"


@pytest.fixture
async def client():
    async with WaybackClient(BASE, timeout=5, access_key="AK", secret_key="SK",
                             user_agent="provenance-test") as c:
        yield c


CDX_ROWS = [["timestamp", "original", "statuscode", "mimetype", "digest"],
            ["20190304101112", "http://example.com/", "200", "text/html", "AAA"],
            ["20190305000000", "http://example.com/", "-", "warc/revisit", "AAA"],
            ["20190201000000", "http://example.com/", "301", "text/html", "BBB"]]


async def test_cdx_query_and_rows(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(json=CDX_ROWS)
    snaps = await client.cdx("http://example.com/", closest=date(2019, 3, 4), limit=10,
                             filters=["statuscode:200"])
    request = httpx_mock.get_request()
    assert request.url.path == "/cdx/search/cdx"
    params = request.url.params
    assert params["closest"] == "20190304000000" and params["sort"] == "closest"
    assert params["output"] == "json" and params["limit"] == "10"
    assert params["fl"] == "timestamp,original,statuscode,mimetype,digest"
    assert params.get_list("filter") == ["statuscode:200"]
    assert request.headers["User-Agent"] == "provenance-test"
    assert [s.status for s in snaps] == [200, None, 301]
    assert snaps[0].timestamp == datetime(2019, 3, 4, 10, 11, 12, tzinfo=UTC)


async def test_cdx_empty_is_a_value(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(text="[]")
    httpx_mock.add_response(text="")
    assert await client.cdx("http://none.example/") == []
    assert await client.cdx("http://none.example/") == []


async def test_cdx_blocked_site_is_no_snapshot(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(status_code=403, text="org.archive.util.io.RuntimeIOException: "
                            "org.archive.wayback.exception.AdministrativeAccessControlException:"
                            " Blocked Site Error")
    assert await client.cdx("http://blocked.example/") == []


@pytest.mark.parametrize("header,expected", [("7", 7.0), (None, 60.0), ("soon", 60.0)])
async def test_429_is_rate_limited_never_no_snapshot(client, httpx_mock: HTTPXMock, header,
                                                     expected):
    headers = {"Retry-After": header} if header else {}
    httpx_mock.add_response(status_code=429, headers=headers, html="<h1>Too Many</h1>")
    with pytest.raises(ArchiveRateLimited) as err:
        await client.cdx("http://example.com/")
    assert err.value.retry_after == expected


def test_retry_after_http_date():
    now = datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Mon, 01 Jan 2024 00:02:00 GMT", now) == 120.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_5xx_is_a_service_error(client, httpx_mock: HTTPXMock, status):
    httpx_mock.add_response(status_code=status)
    with pytest.raises(ArchiveServiceError) as err:
        await client.cdx("http://example.com/")
    assert not isinstance(err.value, ArchiveRateLimited)
    assert str(status) in str(err.value)


@pytest.mark.parametrize("exc", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"),
                                 httpx.RemoteProtocolError("reset")])
async def test_network_failures_are_service_errors(client, httpx_mock: HTTPXMock, exc):
    httpx_mock.add_exception(exc)
    with pytest.raises(ArchiveServiceError):
        await client.available("http://example.com/")


async def test_html_instead_of_json_is_a_service_error(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(html="<html>maintenance</html>")
    with pytest.raises(ArchiveServiceError, match="not JSON"):
        await client.cdx("http://example.com/")


async def test_availability_hit_and_miss(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(json={"url": "example.com", "archived_snapshots": {"closest": {
        "status": "200", "available": True, "timestamp": "20130919044612",
        "url": "http://web.archive.org/web/20130919044612/http://example.com/"}}})
    httpx_mock.add_response(json={"url": "x.example", "archived_snapshots": {},
                                  "timestamp": "199402152345"})
    snap = await client.available("example.com", date(2013, 9, 1))
    assert httpx_mock.get_requests()[0].url.params["timestamp"] == "20130901000000"
    assert snap.status == 200 and snap.original == "http://example.com/"
    assert snap.timestamp == datetime(2013, 9, 19, 4, 46, 12, tzinfo=UTC)
    assert await client.available("x.example") is None


async def test_save_sends_keys_and_returns_job(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(method="POST", url=f"{BASE}/save",
                            json={"url": "http://example.com/", "job_id": "spn2-abc"})
    answer = await client.save("http://example.com/", {"skip_first_archive": "1"})
    request = httpx_mock.get_request()
    assert request.headers["Authorization"] == "LOW AK:SK"
    assert request.headers["Accept"] == "application/json"
    assert request.content == b"url=http%3A%2F%2Fexample.com%2F&skip_first_archive=1"
    assert answer.job_id == "spn2-abc" and answer.status_ext is None


async def test_save_error_answer_is_a_value(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(method="POST", json={
        "status": "error", "status_ext": "error:too-many-daily-captures", "message": "quota"})
    answer = await client.save("http://example.com/")
    assert answer.job_id is None and answer.status_ext == "error:too-many-daily-captures"


async def test_save_without_keys_sends_no_authorization(httpx_mock: HTTPXMock):
    httpx_mock.add_response(method="POST", json={"url": "u", "job_id": "j"})
    async with WaybackClient(BASE) as anonymous:
        await anonymous.save("http://example.com/")
    assert "Authorization" not in httpx_mock.get_request().headers


async def test_save_status(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(url=f"{BASE}/save/status/j1", json={"status": "pending",
                                                                 "job_id": "j1"})
    httpx_mock.add_response(url=f"{BASE}/save/status/j1", json={
        "status": "success", "job_id": "j1", "original_url": "https://example.com/",
        "timestamp": "20240102030405", "duration_sec": 6.2})
    httpx_mock.add_response(url=f"{BASE}/save/status/j1", json={
        "status": "error", "status_ext": "error:not-found", "job_id": "j1", "message": "404"})
    assert (await client.save_status("j1")).status == "pending"
    done = await client.save_status("j1")
    assert done.timestamp == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert done.original_url == "https://example.com/"
    failed = await client.save_status("j1")
    assert failed.status == "error" and failed.status_ext == "error:not-found"


async def test_probe_follows_wayback_redirect_to_capture(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(url=f"{BASE}/web/20180508/http://example.com/", status_code=302,
                            headers={"Location": "/web/20180509120000/http://example.com/"})
    httpx_mock.add_response(url=f"{BASE}/web/20180509120000/http://example.com/",
                            headers={"Memento-Datetime": "Wed, 09 May 2018 12:00:00 GMT",
                                     "Link": '<http://example.com/>; rel="original"'})
    probe = await client.probe("20180508", "http://example.com/")
    assert probe.exists and probe.redirects == 1
    assert probe.timestamp == datetime(2018, 5, 9, 12, tzinfo=UTC)
    assert probe.original == "http://example.com/"


async def test_probe_missing(client, httpx_mock: HTTPXMock):
    httpx_mock.add_response(status_code=404, html="not archived")
    probe = await client.probe("2018", "http://nothing.example/")
    assert not probe.exists and probe.http_status == 404


def test_bad_base_url():
    with pytest.raises(ArchiveServiceError):
        WaybackClient("ftp://archive")


async def test_hang_hits_the_overall_deadline(wayback):
    wayback.fake.fail("cdx", "hang", seconds=3)
    async with WaybackClient(wayback.url, timeout=0.5) as c:
        with pytest.raises(ArchiveServiceError, match=r"timed out|no answer"):
            await c.cdx("http://example.com/")


async def test_fake_speaks_the_formats(wayback):
    fake = wayback.fake
    fake.add_capture("http://example.com/", "20190101000000", 200)
    fake.add_capture("http://example.com/", "20190301000000", None)
    fake.add_capture("https://www.example.com/", "20190401000000", 302,
                     location="https://example.com/new")
    async with httpx.AsyncClient(base_url=wayback.url) as http:
        text = (await http.get("/cdx/search/cdx", params={"url": "example.com"})).text
        assert text.splitlines()[1].split()[4] == "-"  # revisit statuscode
        rows = (await http.get("/cdx/search/cdx", params={
            "url": "example.com", "output": "json", "fl": "timestamp,statuscode",
            "filter": "!statuscode:200", "limit": "-1"})).json()
        assert rows == [["timestamp", "statuscode"], ["20190401000000", "302"]]
        closest = (await http.get("/cdx/search/cdx", params={
            "url": "example.com", "output": "json", "closest": "20190310", "sort": "closest",
            "fl": "timestamp", "limit": "1"})).json()
        assert closest == [["timestamp"], ["20190301000000"]]
        ignored = (await http.get("/cdx/search/cdx", params={
            "url": "example.com", "output": "json", "closest": "20190310",
            "fl": "timestamp", "limit": "1"})).json()
        assert ignored == [["timestamp"], ["20190101000000"]]  # closest alone: not honoured
        ranged = (await http.get("/cdx/search/cdx", params={
            "url": "example.com", "output": "json", "from": "201902", "to": "201903",
            "fl": "timestamp"})).json()
        assert ranged == [["timestamp"], ["20190301000000"]]
        assert (await http.get("/cdx/search/cdx", params={"url": "none.example",
                                                          "output": "json"})).json() == []
        avail = (await http.get("/wayback/available", params={"url": "example.com",
                                                              "timestamp": "2019"})).json()
        assert avail["archived_snapshots"]["closest"]["status"] == "200"
        assert isinstance(avail["archived_snapshots"]["closest"]["timestamp"], str)
        replay = await http.get("/web/20190401000000/https://www.example.com/")
        assert replay.status_code == 302 and "Memento-Datetime" in replay.headers
        legacy = await http.get("/save/http://example.com/")
        assert 'rel="memento"' in legacy.headers["Link"]
        fake.fail("cdx", "empty", times=1)
        assert (await http.get("/cdx/search/cdx", params={"url": "example.com",
                                                          "output": "json"})).json() == []
        body = json.loads((await http.post("/save", data={"url": "http://x.example/"})).text)
        assert body["job_id"].startswith("spn2-")
        status = (await http.get(f"/save/status/{body['job_id']}")).json()
        assert status["status"] == "success" and len(status["timestamp"]) == 14
