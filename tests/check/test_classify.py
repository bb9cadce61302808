"""Pure classification: statuses, chains, exceptions, Retry-After."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime

import httpx
import pytest

from provenance.check.classify import (
    exception_outcome,
    final_outcome,
    is_bot_wall,
    retry_after_seconds,
    status_outcome,
)
from provenance.check.page import Page, parse_page
from provenance.domain import links as t
from provenance.errors import UnsafeURLError
from provenance.net.safety import ResolutionError

PLAIN = Page(is_text=True, title="An article", text="Some text about trade.")


@pytest.mark.parametrize(("status", "outcome"), [
    (200, t.OK), (204, t.OK), (304, t.OK), (404, t.NOT_FOUND), (410, t.NOT_FOUND),
    (400, t.NOT_FOUND), (401, t.BLOCKED), (402, t.BLOCKED), (403, t.BLOCKED),
    (451, t.BLOCKED), (999, t.BLOCKED), (429, t.RATE_LIMITED), (500, t.SERVER_ERROR),
    (502, t.SERVER_ERROR), (503, t.SERVER_ERROR), (302, t.SERVER_ERROR),
])
def test_status_outcome(status: int, outcome: str) -> None:
    assert status_outcome(status) == outcome


def test_permanent_chain_ending_in_200_is_redirect() -> None:
    hops = (t.Hop("http://a/1", 301), t.Hop("http://a/2", 308))
    assert final_outcome(hops, 200, {}, PLAIN, False) == t.REDIRECT


def test_temporary_chain_ending_in_200_is_ok() -> None:
    hops = (t.Hop("http://a/1", 302), t.Hop("http://a/2", 301))
    assert final_outcome(hops, 200, {}, PLAIN, False) == t.OK


def test_chain_ending_in_404_or_410_is_not_found() -> None:
    hops = (t.Hop("http://a/1", 301),)
    assert final_outcome(hops, 404, {}, Page(False), False) == t.NOT_FOUND
    assert final_outcome(hops, 410, {}, Page(False), False) == t.NOT_FOUND


def test_soft_404_wins_over_ok_and_redirect() -> None:
    assert final_outcome((t.Hop("http://a", 301),), 200, {}, PLAIN, True) == t.SOFT_404


def test_not_modified_is_ok() -> None:
    assert final_outcome((), 304, {}, Page(False), False) == t.OK


@pytest.mark.parametrize("status", [200, 403, 503])
def test_challenge_pages_are_blocked(status: int) -> None:
    wall = parse_page(b"<html><title>Just a moment...</title><body>Checking your browser"
                      b"</body></html>", "text/html")
    assert final_outcome((), status, {}, wall, False) == t.BLOCKED


def test_cf_mitigated_header_is_a_bot_wall() -> None:
    assert is_bot_wall(503, {"cf-mitigated": "challenge"}, Page(False))
    assert final_outcome((), 503, {"cf-mitigated": "challenge"}, Page(False), False) == \
        t.BLOCKED


def test_plain_503_is_a_server_error() -> None:
    assert final_outcome((), 503, {}, Page(True, "Service Unavailable", "down"), False) == \
        t.SERVER_ERROR


def test_paywall_text_on_a_short_page_is_blocked() -> None:
    page = parse_page(b"<title>The Daily</title><p>Subscribe now to continue reading.</p>",
                      "text/html")
    assert final_outcome((), 200, {}, page, False) == t.BLOCKED


def test_long_article_quoting_a_marker_is_not_blocked() -> None:
    text = ("word " * 1000 + "verify you are human").encode()
    page = parse_page(b"<title>An essay on bots</title><p>" + text + b"</p>", "text/html")
    assert final_outcome((), 200, {}, page, False) == t.OK


def _chain(exc: BaseException, cause: BaseException) -> BaseException:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(("exc", "outcome"), [
    (TimeoutError(), t.TIMEOUT),
    (httpx.ReadTimeout("slow"), t.TIMEOUT),
    (httpx.ConnectTimeout("slow"), t.TIMEOUT),
    (httpx.ConnectError("refused"), t.CONNECTION_ERROR),
    (httpx.ReadError(""), t.CONNECTION_ERROR),
    (httpx.RemoteProtocolError("peer closed"), t.CONNECTION_ERROR),
    (ConnectionResetError(), t.CONNECTION_ERROR),
    (httpx.InvalidURL("bad"), t.INVALID),
    (httpx.UnsupportedProtocol("ftp"), t.INVALID),
    (UnsafeURLError("h", "refused: 10.0.0.1 is a private address"), t.REFUSED),
    (ResolutionError("nope.invalid", "cannot resolve", nxdomain=True), t.NOT_FOUND),
    (ResolutionError("x.org", "resolver down", nxdomain=False), t.CONNECTION_ERROR),
    (_chain(httpx.ConnectError("tls"), ssl.SSLCertVerificationError(1, "bad cert")),
     t.TLS_ERROR),
    (_chain(httpx.ConnectError("tls"), ssl.SSLError(1, "handshake")), t.TLS_ERROR),
])
def test_exception_outcome(exc: BaseException, outcome: str) -> None:
    got, reason = exception_outcome(exc)
    assert got == outcome
    assert reason and "\n" not in reason


def test_retry_after_seconds_and_dates() -> None:
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Mon, 01 Jan 2024 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Mon, 01 Jan 2024 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None
