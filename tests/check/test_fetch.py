"""fetch_document: the ingest fetcher under the same safety rules."""

from __future__ import annotations

from dataclasses import replace

import pytest
from linkfarm import LinkFarm

from provenance.errors import InputError, UnsafeURLError
from provenance.net.fetch import fetch_document
from provenance.settings import Settings


async def test_fetch_follows_redirects(farm: LinkFarm, farm_settings: Settings) -> None:
    doc = await fetch_document(farm.url(1, "/r301/4"), farm_settings)
    assert doc.status == 200 and doc.final_url == farm.url(1, "/page/4")
    assert b"<title>Report 4" in doc.body and doc.content_type.startswith("text/html")


async def test_fetch_refuses_loopback_by_default(farm: LinkFarm,
                                                 farm_settings: Settings) -> None:
    strict = replace(farm_settings, allow_private_addresses=False)
    with pytest.raises(UnsafeURLError) as info:
        await fetch_document(farm.url(1, "/page/1"), strict)
    assert farm.url(1, "/page/1") in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(UnsafeURLError):
        await fetch_document(f"http://localhost:{farm.port}/page/1", strict)


async def test_fetch_caps_the_document(farm: LinkFarm, farm_settings: Settings) -> None:
    small = replace(farm_settings, max_document_bytes=100_000)
    with pytest.raises(InputError, match="larger than 100000"):
        await fetch_document(farm.url(1, "/big/1"), small)
    with pytest.raises(InputError, match="larger than 100000"):
        await fetch_document(farm.url(1, "/bomb/1"), small)


@pytest.mark.parametrize(("path", "message"), [
    ("/404/1", "HTTP 404"), ("/loop/1", "too many redirects"), ("/hang/1", "within"),
    ("/reset/1", "connection-error"),
])
async def test_fetch_errors_are_one_line(farm: LinkFarm, farm_settings: Settings, path: str,
                                         message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        await fetch_document(farm.url(1, path), farm_settings)
    assert str(info.value).startswith(farm.url(1, path)) and "\n" not in str(info.value)


@pytest.mark.parametrize("url", ["ftp://x.example/a", "nonsense"])
async def test_fetch_refuses_bad_urls(url: str, farm_settings: Settings) -> None:
    with pytest.raises(InputError, match="scheme"):
        await fetch_document(url, farm_settings)
