"""Pure classification: HTTP facts in, an outcome name out. No I/O here.

The table of quirks lives here (which statuses mean "blocked", which markers mean a bot
wall), not in the fetching code.
"""

from __future__ import annotations

import email.utils
import re
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime

import httpcore
import httpx

from provenance.check import types as t
from provenance.check.page import Page
from provenance.check.safety import ResolutionError
from provenance.errors import UnsafeURLError

PERMANENT_REDIRECTS = frozenset({301, 308})
TEMPORARY_REDIRECTS = frozenset({302, 303, 307})
REDIRECTS = PERMANENT_REDIRECTS | TEMPORARY_REDIRECTS
NOT_FOUND_STATUSES = frozenset({404, 410})
# The source may well be fine: a login, a paywall, a bot filter, a legal block.
BLOCKED_STATUSES = frozenset({401, 402, 403, 407, 451, 999})

_BOT_WALL_TITLE = re.compile(
    r"just a moment|attention required|access denied|are you a (robot|human)|captcha|"
    r"security check|bot (verification|detection)|request (was )?blocked|"
    r"checking your browser|verify(ing)? (that )?you are (a )?human|pardon our interruption|"
    r"robot check|human verification|ddos-guard|subscribe to (continue|read)",
    re.IGNORECASE,
)
_BOT_WALL_TEXT = re.compile(
    r"enable javascript and cookies to continue|verify (that )?you are (a )?human|"
    r"checking (if the site connection is secure|your browser before accessing)|"
    r"subscribe (now )?to continue reading|this (article|content) is (only )?for subscribers",
    re.IGNORECASE,
)
# Every match of _BOT_WALL_TEXT contains one of these (lower-cased): a cheap test first.
_BOT_WALL_KEYS = ("javascript", "human", "checking", "subscribe")
# A short page is one whose body markers may be trusted (a long article may quote them).
SHORT_PAGE_CHARS = 2000


def is_redirect(status: int) -> bool:
    return status in REDIRECTS


def status_outcome(status: int) -> str:
    """The outcome of a final (non-redirect) HTTP status on its own."""
    if 200 <= status < 300 or status == 304:
        return t.OK
    if status in NOT_FOUND_STATUSES:
        return t.NOT_FOUND
    if status == 429:
        return t.RATE_LIMITED
    if status in BLOCKED_STATUSES:
        return t.BLOCKED
    if 400 <= status < 500:
        return t.NOT_FOUND  # 400, 405, 414...: the server will not serve this URL
    return t.SERVER_ERROR  # 5xx, and 1xx/3xx that end a chain (a redirect without Location)


def is_bot_wall(status: int, headers: Mapping[str, str], page: Page) -> bool:
    """A challenge or paywall page standing in front of the real one."""
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if page.title and _BOT_WALL_TITLE.search(page.title):
        return True
    text = page.text
    if len(text) > SHORT_PAGE_CHARS:
        return False
    if text.isascii() and not any(key in text.lower() for key in _BOT_WALL_KEYS):
        return False
    return bool(_BOT_WALL_TEXT.search(text))


def final_outcome(hops: tuple[t.Hop, ...], status: int, headers: Mapping[str, str],
                  page: Page, soft_404: bool) -> str:
    """The outcome of a chain that ended with ``status``; ``hops`` are its redirects."""
    if status == 429:
        return t.RATE_LIMITED
    if status in (403, 503, 200) and is_bot_wall(status, headers, page):
        return t.BLOCKED
    outcome = status_outcome(status)
    if outcome != t.OK:
        return outcome
    if soft_404:
        return t.SOFT_404
    if hops and hops[0].status in PERMANENT_REDIRECTS:
        return t.REDIRECT
    return t.OK


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def exception_outcome(exc: BaseException) -> tuple[str, str]:
    """(outcome, one-line reason) for an exception raised while fetching a URL."""
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, UnsafeURLError):
            return t.REFUSED, cause.problem
        if isinstance(cause, ResolutionError):
            outcome = t.NOT_FOUND if cause.nxdomain else t.CONNECTION_ERROR
            return outcome, cause.problem
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            reason = getattr(cause, "verify_message", None) or getattr(cause, "reason", None)
            return t.TLS_ERROR, f"TLS error: {reason or cause}"
    if isinstance(exc, TimeoutError | httpx.TimeoutException | httpcore.TimeoutException):
        return t.TIMEOUT, _describe(exc, "timed out")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol |
                  httpcore.UnsupportedProtocol):
        return t.INVALID, _describe(exc, "invalid URL")
    if isinstance(exc, httpx.TooManyRedirects):
        return t.TOO_MANY_REDIRECTS, _describe(exc, "too many redirects")
    if isinstance(exc, httpx.TransportError | OSError):
        return t.CONNECTION_ERROR, _describe(exc, "connection failed")
    return t.CONNECTION_ERROR, _describe(exc, type(exc).__name__)


def _describe(exc: BaseException, fallback: str) -> str:
    text = str(exc).strip().splitlines()
    name = type(exc).__name__
    return f"{name}: {text[0]}" if text and text[0] else f"{name} ({fallback})"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
