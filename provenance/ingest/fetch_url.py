"""Fetch a page for ``provenance ingest URL`` and decode it to text.

Fetching follows the checker's safety rules (no private addresses, http/https only, size
cap) through :func:`provenance.net.fetch.fetch_document`; decoding uses the HTTP
charset, then the page's own declaration, then detection (:func:`decode_document`).
"""

from __future__ import annotations

import httpx

from provenance.ingest.decode import decode_document
from provenance.net.fetch import fetch_document
from provenance.settings import Settings

__all__ = ["fetch_and_decode"]


async def fetch_and_decode(url: str, settings: Settings, *,
                           transport: httpx.AsyncBaseTransport | None = None,
                           ) -> tuple[str, str, str | None]:
    """(final URL, decoded text, content type) of the page at ``url``; InputError if not."""
    fetched = await fetch_document(url, settings, transport=transport)
    text = decode_document(fetched.body, url, fetched.content_type)
    return fetched.final_url, text, fetched.content_type
