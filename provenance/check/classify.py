"""Pure classification: HTTP facts in, an outcome name out. No I/O here.

The table of quirks lives here (which statuses mean "blocked", which markers mean a bot
wall), not in the fetching code.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from provenance.check.page import Page
from provenance.domain import links as t
from provenance.net.failures import (  # noqa: F401  (re-exported for the checker)
    PERMANENT_REDIRECTS,
    REDIRECTS,
    TEMPORARY_REDIRECTS,
    exception_outcome,
    is_redirect,
)

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
