"""URL normalisation: the key under which references that cite the same page share a Link."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str) -> str | None:
    """Canonical form of an http(s) URL (scheme/host lower-cased, IDN punycoded, default port
    and fragment dropped, query sorted, percent-escapes normalised), or None when ``url`` is
    not an absolute http(s) URL."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        canonical = canonicalize_url(url, keep_fragments=False)
        parts = urlsplit(canonical)
        port = parts.port
    except ValueError:
        return None
    netloc = parts.hostname or ""
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username or parts.password:
        return None  # credentials in a cited URL are refused: never stored, never fetched
    path = parts.path or "/"
    return urlunsplit((parts.scheme, netloc, path, parts.query, ""))


def url_hash(normalized: str) -> str:
    """sha256 of the normalised URL: the indexed, unique key of a Link (URLs can be long)."""
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def url_host(normalized: str) -> str:
    """The host of a normalised URL (what per-host politeness and leases group by)."""
    return (urlsplit(normalized).hostname or "").lower()


def other_urls(url: str | None, archive_url: str | None, carried: str) -> list[str]:
    """The URLs a reference carries beside its primary ``url`` (``carried``: its
    ``extra["urls"]``, space-separated), as written: http(s) only, each page once, neither the
    primary URL nor the reference's own archive URL (once normalised)."""
    return [written for written, _normalized in normalized_other_urls(url, archive_url, carried)]


def normalized_other_urls(url: str | None, archive_url: str | None,
                          carried: str) -> list[tuple[str, str]]:
    """:func:`other_urls`, each as written with its normalised form."""
    seen = {normalize_url(u) for u in (url, archive_url) if u}
    out: list[tuple[str, str]] = []
    for candidate in carried.split():
        if not candidate.lower().startswith(("http://", "https://")):
            continue
        normalized = normalize_url(candidate)
        if normalized is None or normalized in seen:
            continue
        seen.add(normalized)
        out.append((candidate, normalized))
    return out
