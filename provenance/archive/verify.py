"""Checking archive URLs that references already carry: exists, same page, date as claimed.

A reference citing ``archive-url=https://web.archive.org/web/20180508.../http://x/`` (or
"Archived from the original on 8 May 2018") is played back under the configured Wayback base
URL. Each check is an :class:`ArchiveVerification` row; a conclusive one is not repeated
for ``archive_recheck_days``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from provenance.archive.ratelimit import SharedRateLimit
from provenance.archive.wayback import WaybackClient
from provenance.domain.archives import ArchiveRef, PlaybackProbe
from provenance.domain.partial_dates import PartialDate, partial_date
from provenance.errors import ArchiveRateLimited, ArchiveServiceError
from provenance.settings import Settings
from provenance.store import archives
from provenance.store.database import Database

_WAYBACK_HOSTS = ("web.archive.org", "archive.org", "wayback.archive.org")
_WEB_PATH = re.compile(r"^/web/(\d{4,14})[a-z_]*/(.+)$", re.IGNORECASE | re.DOTALL)
NOT_WAYBACK = "not a Wayback Machine URL; not verified"


@dataclass(frozen=True)
class VerifyOutcome:
    reference_id: int
    archive_url: str
    exists: bool | None
    same_url: bool | None
    same_date: bool | None
    snapshot_timestamp: datetime | None = None
    error: str | None = None


def parse_archive_url(url: str, base_url: str | None = None) -> ArchiveRef | None:
    """Split a Wayback archive URL (archive.org or ``base_url``) into timestamp and original URL.

    None when it is not a Wayback URL (archive.today, WebCite...).
    """
    parts = urlsplit(url.strip())
    hosts = set(_WAYBACK_HOSTS) | ({urlsplit(base_url).netloc.lower()} if base_url else set())
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in hosts:
        return None
    path = url.strip().split(parts.netloc, 1)[1]
    match = _WEB_PATH.match(path)
    if not match:
        return None
    original = match.group(2)
    if re.match(r"^https?:/[^/]", original):  # some tools collapse the double slash
        original = original.replace(":/", "://", 1)
    return ArchiveRef(url=url.strip(), timestamp=match.group(1), original=original)


def page_key(url: str) -> str:
    """Scheme, ``www.``, default ports, case of the host and a trailing slash do not matter."""
    parts = urlsplit(url.strip() if "://" in url else f"http://{url.strip()}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def judge(probe: PlaybackProbe, ref: ArchiveRef, cited_url: str | None,
          claimed: PartialDate | None) -> tuple[bool, bool | None, bool | None]:
    """(exists, same_url, same_date) of a playback answer against what the reference says.

    The date is compared at the precision it was written with: an archive date of "2018"
    (or, without one, a URL timestamp of ``2018``) is any capture of 2018, "May 2018" any
    capture of that month, a full date that day."""
    if not probe.exists:
        return False, None, None
    same_url = None
    if probe.original:
        same_url = page_key(probe.original) == page_key(cited_url or ref.original)
    same_date = None
    if probe.timestamp is not None:
        try:
            when = claimed or PartialDate.from_timestamp(ref.timestamp)
        except ValueError:  # a timestamp naming no real day (month 13): nothing claimed
            return True, same_url, None
        same_date = when.covers(probe.timestamp.date())
    return True, same_url, same_date


async def verify_carried_archives(db: Database, settings: Settings, client: WaybackClient,
                                  limiter: SharedRateLimit, *, document_id: int | None = None,
                                  max_wait: float = 120.0, now: datetime) -> list[VerifyOutcome]:
    """Verify every current reference's archive URL that was not verified recently."""
    refs = archives.carried_archives(db, document_id, now=now,
                                     recheck_days=settings.archive_recheck_days,
                                     not_wayback=NOT_WAYBACK)
    outcomes = []
    for ref in refs:
        parsed = parse_archive_url(ref.archive_url, settings.wayback_url)
        probe, error = None, None
        if parsed is None:
            error = NOT_WAYBACK
        else:
            try:
                await limiter.acquire(max_wait)
            except ArchiveRateLimited:
                break  # the rest waits for the next run
            try:
                probe = await client.probe(parsed.timestamp, parsed.original)
            except ArchiveRateLimited as err:
                limiter.block(err.retry_after)
                error = str(err)
            except ArchiveServiceError as err:
                error = str(err)
        exists = same_url = same_date = None
        if probe is not None and parsed is not None:
            exists, same_url, same_date = judge(
                probe, parsed, ref.url, partial_date(ref.archive_date, ref.archive_date_precision))
        outcome = VerifyOutcome(reference_id=ref.reference_id, archive_url=ref.archive_url,
                                exists=exists,
                                same_url=same_url, same_date=same_date,
                                snapshot_timestamp=probe.timestamp if probe else None,
                                error=error)
        archives.record_verification(
            db, ref.reference_id, now=now, archive_url=ref.archive_url, exists=exists,
            same_url=same_url, same_date=same_date,
            snapshot_timestamp=outcome.snapshot_timestamp, error=error)
        outcomes.append(outcome)
    return outcomes
