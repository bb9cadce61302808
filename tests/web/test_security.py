"""The review app's guards as pure functions: loopback, cross-site requests, CSRF, token."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from provenance.web.app import LOOPBACK_NAMES
from provenance.web.security import check_csrf, check_origin, check_token, is_loopback


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("0.0.0.0", False), ("192.168.1.5", False), ("::", False),
    ("example.org", False),
])
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(("headers", "refused"), [
    ({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000",
      "sec-fetch-site": "same-origin"}, False),
    ({"host": "127.0.0.1:8000"}, False),  # a script: no browser headers (CSRF token still needed)
    ({"host": "127.0.0.1:8000", "sec-fetch-site": "same-site"}, True),  # another port
    ({"host": "127.0.0.1:8000", "sec-fetch-site": "cross-site"}, True),
    ({"host": "127.0.0.1:8000", "origin": "http://evil.example"}, True),
    ({"host": "127.0.0.1:8000", "origin": "null"}, True),
    ({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8001"}, True),
])
def test_cross_site_writes_are_refused(headers: dict[str, str], refused: bool) -> None:
    assert (check_origin(Headers(headers), "http") is not None) is refused


def test_csrf_token_must_repeat_the_cookie() -> None:
    assert check_csrf("abc", "abc") is None
    for cookie, field in (("abc", "abd"), ("abc", None), (None, None), ("", "")):
        refusal = check_csrf(cookie, field)
        assert refusal is not None and refusal.status == 403


def test_write_token() -> None:
    assert check_token(None, None, None) is None  # loopback without a token
    assert check_token("s3cret-token", "s3cret-token", None) is None
    assert check_token("s3cret-token", None, "Bearer s3cret-token") is None
    for cookie, auth in ((None, None), ("wrong", None), (None, "Bearer wrong"),
                         (None, "s3cret-token")):
        assert check_token("s3cret-token", cookie, auth) is not None


def test_off_loopback_writes_always_need_a_token() -> None:
    from provenance.cli.review import write_guard
    from provenance.errors import UsageError

    assert write_guard("127.0.0.1", None) == (None, [*LOOPBACK_NAMES, "127.0.0.1"], False)
    assert write_guard("127.0.0.1", "a-long-token-1")[0] == "a-long-token-1"
    token, hosts, made_up = write_guard("0.0.0.0", None)
    assert made_up and token and len(token) >= 24 and hosts == ["*"]
    assert write_guard("192.0.2.7", "a-long-token-1") == ("a-long-token-1", ["*"], False)
    with pytest.raises(UsageError, match="at least 12"):
        write_guard("0.0.0.0", "short")
