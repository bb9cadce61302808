"""URL vetting, address rules, resolution, and the capped decoder."""

from __future__ import annotations

import asyncio
import gzip
import re
import socket
import zlib

import pytest

from provenance.errors import UnsafeURLError
from provenance.net.body import CappedDecoder, read_capped
from provenance.net.resolver import StaticResolver, resolve_allowed
from provenance.net.safety import (
    ResolutionError,
    address_problem,
    vet_url,
)


@pytest.mark.parametrize("url", ["http://example.org/", "https://example.org:8443/a?b#c",
                                 "http://127.0.0.1/", "https://[2001:db8::1]/"])
def test_vet_url_accepts(url: str) -> None:
    assert vet_url(url) is None


@pytest.mark.parametrize(("url", "fragment"), [
    ("ftp://example.org/x", "scheme"), ("javascript:alert(1)", "scheme"),
    ("file:///etc/passwd", "scheme"), ("example.org/page", "scheme"),
    ("http:///nohost", "host"), ("", "empty"), (" http://example.org", "whitespace"),
    ("http://exa mple.org/", "host"), ("http://example.org:99999/", "port"),
])
def test_vet_url_refuses(url: str, fragment: str) -> None:
    problem = vet_url(url)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                                     "169.254.169.254", "0.0.0.0", "224.0.0.1", "100.64.0.1",
                                     "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
                                     "240.0.0.1", "ff02::1"])
def test_internal_addresses_are_refused(address: str) -> None:
    assert address_problem(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(address) is None


async def test_literal_loopback_refused_unless_allowed() -> None:
    with pytest.raises(UnsafeURLError, match="loopback"):
        await resolve_allowed("127.0.0.1", 80, allow_private=False)
    assert await resolve_allowed("127.0.0.1", 80, allow_private=True) == ["127.0.0.1"]


def _fake_getaddrinfo(answer: object):  # type: ignore[no-untyped-def]
    async def getaddrinfo(host: str, port: int, **_: object):  # type: ignore[no-untyped-def]
        if isinstance(answer, BaseException):
            raise answer
        return answer
    return getaddrinfo


async def test_nxdomain_vs_resolver_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", _fake_getaddrinfo(
        socket.gaierror(socket.EAI_NONAME, "Name or service not known")))
    with pytest.raises(ResolutionError) as info:
        await resolve_allowed("gone.example", 443, False)
    assert info.value.nxdomain
    monkeypatch.setattr(loop, "getaddrinfo", _fake_getaddrinfo(
        socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")))
    with pytest.raises(ResolutionError) as info:
        await resolve_allowed("gone.example", 443, False)
    assert not info.value.nxdomain


async def test_any_private_answer_refuses_the_name() -> None:
    """A name answering one public and one internal address (rebinding) is refused."""
    resolver = StaticResolver({"rebind.example": ["93.184.216.34", "10.0.0.5"]})
    with pytest.raises(UnsafeURLError, match=re.escape("10.0.0.5")):
        await resolve_allowed("rebind.example", 80, False, resolver)
    assert await resolve_allowed("rebind.example", 80, True, resolver) == [
        "93.184.216.34", "10.0.0.5"]
    with pytest.raises(ResolutionError) as info:
        await resolve_allowed("elsewhere.example", 80, False, resolver)
    assert info.value.nxdomain


def test_gzip_bomb_is_capped_after_decompression() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    decoder = CappedDecoder("gzip", 100_000)
    for start in range(0, len(bomb), 8192):
        decoder.feed(bomb[start:start + 8192])
    assert decoder.size == 100_000 and decoder.full


def test_deflate_zlib_and_raw() -> None:
    decoder = CappedDecoder("deflate", 1000)
    decoder.feed(zlib.compress(b"hello"))
    assert decoder.body() == b"hello"
    raw = zlib.compressobj(wbits=-15)
    decoder = CappedDecoder("deflate", 1000)
    decoder.feed(raw.compress(b"raw deflate") + raw.flush())
    assert decoder.body() == b"raw deflate"


def test_unknown_or_broken_coding_is_undecodable() -> None:
    decoder = CappedDecoder("br", 1000)
    decoder.feed(b"xx")
    assert decoder.undecodable and decoder.body() == b""
    decoder = CappedDecoder("gzip", 1000)
    decoder.feed(b"not gzip at all")
    assert decoder.undecodable


async def test_read_capped_stops_reading() -> None:
    pulled = 0

    async def chunks():  # type: ignore[no-untyped-def]
        nonlocal pulled
        for _ in range(1000):
            pulled += 1
            yield b"x" * 1000

    body, truncated = await read_capped(chunks(), None, 5500)
    assert len(body) == 5500 and truncated and pulled == 6
