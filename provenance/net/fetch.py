"""Fetching one document for ``provenance ingest URL``, under the checker's safety rules.

Same rule on every hop (http/https only, every resolved address vetted, connect to the
vetted address), redirects followed by hand, the body capped at ``max_document_bytes``
after decompression, one overall deadline. Problems raise one-line ``InputError`` /
``UnsafeURLError`` naming the URL.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from provenance.errors import InputError, UnsafeURLError
from provenance.net.body import ACCEPT_ENCODING, CappedDecoder
from provenance.net.failures import exception_outcome, is_redirect
from provenance.net.safety import check_address, literal_address, vet_url
from provenance.net.transport import PinnedTransport
from provenance.settings import Settings


@dataclass(frozen=True)
class FetchedDocument:
    """A fetched document: where it was asked for, where it ended, and its bytes."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    body: bytes


async def fetch_document(url: str, settings: Settings, *,
                         transport: httpx.AsyncBaseTransport | None = None) -> FetchedDocument:
    """GET ``url`` safely; raise InputError (or UnsafeURLError) with one clear line."""
    problem = vet_url(url)
    if problem is not None:
        raise InputError(url, problem)
    transport = transport or PinnedTransport(
        connections=1, allow_private=settings.allow_private_addresses,
        verify=settings.verify_tls)
    async with httpx.AsyncClient(
        transport=transport, trust_env=False, follow_redirects=False,
        timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
    ) as client:
        try:
            async with asyncio.timeout(settings.timeout):
                return await _follow(client, url, settings)
        except TimeoutError:
            raise InputError(url, f"no complete answer within {settings.timeout:g} s") from None
        except UnsafeURLError as exc:
            raise UnsafeURLError(url, exc.problem) from None
        except InputError as exc:
            if exc.source == url:
                raise
            raise InputError(url, exc.message) from None
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            outcome, reason = exception_outcome(exc)
            raise InputError(url, f"{outcome}: {reason}") from None


async def _follow(client: httpx.AsyncClient, url: str, settings: Settings) -> FetchedDocument:
    current = url
    seen: set[str] = set()
    while True:
        if current in seen or len(seen) > settings.max_redirects:
            raise InputError(url, f"too many redirects (stopped at {current})")
        seen.add(current)
        parsed = httpx.URL(current)
        literal = literal_address(parsed.host)
        if literal is not None:
            check_address(parsed.host, literal, settings.allow_private_addresses)
        async with client.stream("GET", parsed) as response:
            location = response.headers.get("location")
            if is_redirect(response.status_code) and location:
                target = str(parsed.join(location.strip()).copy_with(fragment=None))
                problem = vet_url(target)
                if problem is not None:
                    raise UnsafeURLError(url, f"redirect to {target}: {problem}")
                current = target
                continue
            if not 200 <= response.status_code < 300:
                raise InputError(url, f"HTTP {response.status_code} from {current}")
            body = await _read(response, url, settings.max_document_bytes)
            return FetchedDocument(url=url, final_url=current, status=response.status_code,
                                   content_type=response.headers.get("content-type"), body=body)


async def _read(response: httpx.Response, url: str, cap: int) -> bytes:
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding")
    if declared.isdigit() and not encoding and int(declared) > cap:
        raise InputError(url, f"document is larger than {cap} bytes ({declared} declared)")
    if response.is_stream_consumed:  # an injected transport handed over a body already read
        if len(response.content) > cap:
            raise InputError(url, f"document is larger than {cap} bytes")
        return response.content
    decoder = CappedDecoder(encoding, cap + 1)
    async for chunk in response.aiter_raw():
        decoder.feed(chunk)
        if decoder.undecodable:
            raise InputError(url, f"cannot decode the {encoding} body")
        if decoder.size > cap:
            raise InputError(url, f"document is larger than {cap} bytes")
    return decoder.body()
