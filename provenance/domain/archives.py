"""Values of the archive stage: snapshots, playback probes, Save Page Now answers.

"No snapshot" is a value (an empty list, ``None``); "could not ask" is an exception
(:class:`provenance.errors.ArchiveServiceError`). The two are never confused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum


class ArchiveState(StrEnum):
    """Archive state of a link (shown in reports and ``provenance changes``)."""

    RESCUED = "rescued"  # dead, and a usable archive exists: cite it instead
    LOST = "lost"  # dead, and no usable archive anywhere: top severity
    PRESERVED = "preserved"  # alive (or not dead yet), and archived
    AT_RISK = "at-risk"  # alive, and never archived
    UNKNOWN = "unknown"  # could not ask (network down, rate limited), or never asked


class LookupResult(StrEnum):
    """What one archive lookup found (ArchiveLookup.result)."""

    FOUND = "found"  # a usable (2xx/3xx) snapshot
    NONE = "none"  # the archive holds nothing for the URL
    UNUSABLE = "unusable"  # only captures of error pages (archived 4xx/5xx)
    ERROR = "error"  # the service could not be asked (5xx, timeout, network down)
    RATE_LIMITED = "rate-limited"  # a 429
    DERIVED = "derived"  # no request: the state follows from a change of the link's check state


class SaveJobState(StrEnum):
    """Where a Save Page Now request stands (SaveJob.status)."""

    QUEUED = "queued"
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"  # permanent: never retried


RESCUED, LOST, PRESERVED, AT_RISK, UNKNOWN = (
    ArchiveState.RESCUED, ArchiveState.LOST, ArchiveState.PRESERVED, ArchiveState.AT_RISK,
    ArchiveState.UNKNOWN)
ARCHIVE_STATES = tuple(ArchiveState)
FOUND, NONE, UNUSABLE, ERROR, RATE_LIMITED, DERIVED = (
    LookupResult.FOUND, LookupResult.NONE, LookupResult.UNUSABLE, LookupResult.ERROR,
    LookupResult.RATE_LIMITED, LookupResult.DERIVED)
QUEUED, PENDING, SUCCESS, FAILED = (
    SaveJobState.QUEUED, SaveJobState.PENDING, SaveJobState.SUCCESS, SaveJobState.FAILED)
OPEN_SAVE_STATUSES = (QUEUED, PENDING)


def parse_timestamp(raw: str) -> datetime:
    """A Wayback timestamp (1-14 digits, YYYYMMDDhhmmss, missing parts = start) as UTC."""
    digits = raw.strip()
    if not digits.isdigit() or not 4 <= len(digits) <= 14:
        raise ValueError(f"not a Wayback timestamp: {raw!r}")
    padded = digits + "00000101000000"[len(digits):]
    return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def format_timestamp(moment: date | datetime) -> str:
    """14 digits for a datetime (converted to UTC), the day's 14 digits for a date."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.strftime("%Y%m%d%H%M%S")
    return moment.strftime("%Y%m%d") + "000000"


@dataclass(frozen=True)
class Snapshot:
    """One capture in the Wayback index (a CDX row or an availability answer)."""

    timestamp: datetime
    original: str
    status: int | None  # the archived page's HTTP status; None for revisits ("-")
    mimetype: str | None = None
    digest: str | None = None

    @property
    def wayback_timestamp(self) -> str:
        return format_timestamp(self.timestamp)

    def archive_url(self, base_url: str) -> str:
        """The playback URL of this capture under ``base_url``."""
        return f"{base_url.rstrip('/')}/web/{self.wayback_timestamp}/{self.original}"


@dataclass(frozen=True)
class PlaybackProbe:
    """What playing back ``/web/<ts>/<url>`` showed: is there a capture, of what, when."""

    requested_url: str
    exists: bool
    http_status: int | None = None  # status of the final playback answer
    timestamp: datetime | None = None  # capture time actually served
    original: str | None = None  # original URL actually served
    redirects: int = 0


@dataclass(frozen=True)
class SaveRequest:
    """The answer to a Save Page Now POST: a job to poll, or an error code."""

    url: str
    job_id: str | None
    status_ext: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class SaveStatus:
    """The state of one Save Page Now job."""

    job_id: str
    status: str  # pending | success | error
    original_url: str | None = None
    timestamp: datetime | None = None
    status_ext: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class ArchiveRef:
    """An archive URL a reference carries, split into its timestamp and original URL."""

    url: str
    timestamp: str
    original: str
