"""The safety rule: only http(s), and never an internal address unless the settings allow it.

Every hop is vetted where the connection is opened (see ``transport.py``): the name is
resolved once, each address is checked, and the socket connects to a vetted address, so a
DNS answer that changes between the check and the connect (rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import httpx

from provenance.errors import InputError, UnsafeURLError

ALLOWED_SCHEMES = frozenset({"http", "https"})
_HOST_CHARS = re.compile(r"[A-Za-z0-9._~:\[\]-]+")


class ResolutionError(InputError):
    """A host name that could not be resolved; ``nxdomain`` says the name does not exist."""

    def __init__(self, host: str, problem: str, *, nxdomain: bool) -> None:
        super().__init__(host, problem)
        self.nxdomain = nxdomain


def vet_url(url: str) -> str | None:
    """What is wrong with the syntax or scheme of ``url``, or None if it may be fetched."""
    return parse_url(url)[1]


def parse_url(url: str) -> tuple[httpx.URL | None, str | None]:
    """(the parsed URL, None) if ``url`` may be fetched, else (None, what is wrong)."""
    if not url or not url.strip():
        return None, "empty URL"
    if any(ch in url for ch in "\r\n\t\x00") or url != url.strip():
        return None, "URL contains whitespace or control characters"
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        return None, f"malformed URL ({exc})"
    problem = url_problem(parsed)
    return (None, problem) if problem else (parsed, None)


def url_problem(parsed: httpx.URL) -> str | None:
    """What is wrong with an already parsed URL (scheme, host, port), or None."""
    scheme = parsed.scheme.lower()
    if not scheme:
        return "URL has no scheme"
    if scheme not in ALLOWED_SCHEMES:
        return f"scheme {scheme!r} is not http or https"
    if not parsed.host:
        return "URL has no host"
    if not _HOST_CHARS.fullmatch(parsed.raw_host.decode("ascii", "replace")):
        return f"URL has an invalid host {parsed.host!r}"
    try:
        port = parsed.port
    except ValueError:
        return "URL has an invalid port"
    if port is not None and not 0 < port < 65536:
        return "URL has an invalid port"
    return None


def address_problem(address: str) -> str | None:
    """Why an IP address is internal (loopback, private, ...), or None if it is public."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            inner = address_problem(str(embedded))
            if inner is not None:
                return inner
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return f"{address} is a {kind.replace('_', '-')} address"
    if not ip.is_global:
        return f"{address} is not a public address"
    return None


@lru_cache(maxsize=4096)
def literal_address(host: str) -> str | None:
    """The host as an IP address string if it is an IP literal, else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


def check_address(host: str, address: str, allow_private: bool) -> None:
    """Raise UnsafeURLError if ``address`` (resolved from ``host``) is refused."""
    if allow_private:
        return
    problem = address_problem(address)
    if problem is not None:
        raise UnsafeURLError(host, f"refused: {problem} (--allow-private-addresses or "
                             "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=1 allows it)")
