"""Save Page Now as a queue: capture at-risk links politely, survive being stopped.

Every capture request is a :class:`SaveJob` row: ``queued`` -> ``pending`` (submitted, with the
SPN2 ``job_id``) -> ``success`` (the capture is recorded on the link) or ``failed``
(permanent). A job is claimed with one conditional UPDATE before its POST, so two runs never
submit it twice; a restarted run polls the pending jobs it finds instead of submitting again.
A job whose earlier submission may have produced a capture (timeout, 5xx, lost job) is first
looked up in the CDX index before it is submitted again.

SPN2 ``status_ext`` errors are: permanent for the URL (never retried), transient (retried
with backoff, at most ``max_attempts``), or stop-the-run (daily quotas, session limits, a
blocked client): the job stays queued for the next run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from provenance.archive.ratelimit import LOOKUP_BUDGET, SAVE_BUDGET, SharedRateLimit
from provenance.archive.wayback import WaybackClient
from provenance.domain.archives import (
    AT_RISK,
    FAILED,
    PENDING,
    QUEUED,
    SaveStatus,
    Snapshot,
    format_timestamp,
)
from provenance.domain.links import DEAD, FAILING, STATE_INVALID, STATE_REFUSED
from provenance.errors import ArchiveRateLimited, ArchiveServiceError
from provenance.settings import Settings
from provenance.store import save_jobs
from provenance.store.archives import CitedLink, cited_links
from provenance.store.database import Database
from provenance.store.models import SaveJob

PERMANENT = frozenset({"not-found", "no-access", "blocked", "blocked-url",
                       "invalid-url-syntax", "invalid-host-resolution", "filesize-limit",
                       "ftp-access-denied", "method-not-allowed"})
STOP_RUN = frozenset({"too-many-daily-captures", "user-session-limit", "blocked-client-ip",
                      "unauthorized", "max-daily-bandwidth", "max-daily-bandwidth-from-ip",
                      "max-daily-bandwidth-host"})
NOT_SAVED = frozenset({DEAD, FAILING, STATE_INVALID, STATE_REFUSED})


def classify_status_ext(status_ext: str | None) -> str:
    """``permanent``, ``transient`` or ``stop`` for an SPN2 error code (``error:...``)."""
    code = (status_ext or "").removeprefix("error:").strip().lower()
    if code in PERMANENT:
        return "permanent"
    if code in STOP_RUN or code.startswith("max-daily"):
        return "stop"
    return "transient"


@dataclass
class SaveRunReport:
    submitted: list[str] = field(default_factory=list)
    captured: list[tuple[str, str]] = field(default_factory=list)  # url, archive url
    failed: list[tuple[str, str]] = field(default_factory=list)  # url, status_ext
    retried: list[tuple[str, str]] = field(default_factory=list)
    pending_left: int = 0
    queued_left: int = 0
    stopped: str | None = None

    def counts(self) -> dict[str, Any]:
        return {"submitted": len(self.submitted), "captured": len(self.captured),
                "failed": len(self.failed), "retried": len(self.retried),
                "pending_left": self.pending_left, "queued_left": self.queued_left,
                "stopped": self.stopped}


def _save_candidates(db: Database, document_id: int | None) -> list[CitedLink]:
    return [link for link in cited_links(db, document_id)
            if link.archive_state == AT_RISK and link.state not in NOT_SAVED]


def plan_saves(db: Database, *, document_id: int | None = None, now: datetime,
               recheck_days: float = 30.0) -> list[str]:
    """URLs a save run would work on: open jobs and at-risk links not queued yet (dry run)."""
    open_jobs = save_jobs.open_jobs(db)
    settled = save_jobs.settled_since(db, now - timedelta(days=recheck_days))
    return [*open_jobs.values(), *(link.url for link in _save_candidates(db, document_id)
                                   if link.id not in open_jobs and link.id not in settled)]


def queue_saves(db: Database, *, document_id: int | None = None, now: datetime,
                recheck_days: float = 30.0) -> int:
    """Queue a job for every at-risk link without an open one; returns how many were added.

    A link whose capture succeeded or failed for good in the last ``recheck_days`` is not
    queued again.
    """
    return save_jobs.queue_jobs(db, [link.id for link in _save_candidates(db, document_id)],
                                now=now, settled_after=now - timedelta(days=recheck_days))


class SaveQueue:
    """Works the SaveJob queue against Save Page Now under the shared save rate limit."""

    def __init__(self, db: Database, settings: Settings, client: WaybackClient, *,
                 max_wait: float = 120.0, poll_interval: float = 5.0,
                 poll_timeout: float = 300.0, claim_timeout: float = 600.0,
                 max_attempts: int = 3, retry_delay: float = 600.0,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        self.db, self.settings, self.client = db, settings, client
        self.max_wait, self.poll_interval, self.poll_timeout = max_wait, poll_interval, \
            poll_timeout
        self.claim_timeout, self.max_attempts, self.retry_delay = claim_timeout, max_attempts, \
            retry_delay
        self.clock, self.sleep = clock, sleep
        self.saves = SharedRateLimit(db, SAVE_BUDGET, settings.wayback_save_rate)
        self.lookups = SharedRateLimit(db, LOOKUP_BUDGET, settings.wayback_rate)
        self.report = SaveRunReport()

    # -- state changes (each its own short transaction) ------------------------------------

    def _update(self, row_id: int, **values: Any) -> None:
        save_jobs.update_job(self.db, row_id, self.clock(), **values)

    def _claim(self, job_id: int) -> bool:
        """Mark a queued job pending (submission under way); False if another run has it."""
        return save_jobs.claim_job(self.db, job_id, self.clock())

    def _url(self, job: SaveJob) -> str:
        return save_jobs.link_url(self.db, job.link_id)

    def _captured(self, job: SaveJob, snapshot: Snapshot) -> None:
        archive_url = snapshot.archive_url(self.settings.wayback_url)
        url = save_jobs.record_capture(
            self.db, job.id or 0, job.link_id, archive_url=archive_url,
            timestamp=snapshot.timestamp, status=snapshot.status or 200, now=self.clock(),
            recheck_days=self.settings.archive_recheck_days)
        if url is not None:
            self.report.captured.append((url, archive_url))

    def _failed(self, job: SaveJob, url: str, status_ext: str, *, kind: str) -> None:
        """Record an error answer; True-ish side effect: stops the run for ``stop`` errors."""
        now = self.clock()
        if kind == "permanent" or (kind == "transient" and job.attempts >= self.max_attempts):
            self._update(job.id or 0, status=FAILED, error=status_ext, job_id=None)
            self.report.failed.append((url, status_ext))
        elif kind == "stop":
            self._update(job.id or 0, status=QUEUED, error=status_ext, job_id=None,
                         attempts=max(0, job.attempts - 1), next_attempt_at=now)
            self.report.stopped = f"Save Page Now said {status_ext}: stopping; resume later"
        else:
            delay = self.retry_delay * (2 ** max(0, job.attempts - 1))
            self._update(job.id or 0, status=QUEUED, error=status_ext, job_id=None,
                         next_attempt_at=now + timedelta(seconds=delay))
            self.report.retried.append((url, status_ext))

    # -- the work --------------------------------------------------------------------------

    def _recover_stale_claims(self) -> None:
        """Claims that never got a job id (the run died mid-POST) go back to the queue."""
        cutoff = self.clock() - timedelta(seconds=self.claim_timeout)
        save_jobs.requeue_stale_claims(self.db, cutoff,
                                       "claim expired (run stopped mid-submission)")

    async def _already_captured(self, job: SaveJob, url: str) -> Snapshot | None:
        """A capture made since the job was first requested (an earlier POST may have worked)."""
        await self.lookups.acquire(self.max_wait)
        try:
            found = await self.client.cdx(url, limit=1, from_=format_timestamp(job.requested_at),
                                          filters=["statuscode:200"])
        except ArchiveRateLimited as err:
            self.lookups.block(err.retry_after)
            raise
        return found[-1] if found else None

    async def _submit(self, job: SaveJob) -> None:
        url = self._url(job)
        if job.attempts > 0:
            try:
                earlier = await self._already_captured(job, url)
            except ArchiveServiceError:
                earlier = None
            if earlier is not None:
                self._captured(job, earlier)
                return
        await self.saves.acquire(self.max_wait)
        if not self._claim(job.id or 0):
            return  # another run took it
        try:
            answer = await self.client.save(url, {"skip_first_archive": "1"})
        except ArchiveRateLimited as err:
            self.saves.block(err.retry_after)
            self._update(job.id or 0, status=QUEUED, attempts=job.attempts, error=str(err))
            return
        except ArchiveServiceError as err:
            self._failed(self._reload(job), url, f"submit: {err}", kind="transient")
            return
        except BaseException:
            self._update(job.id or 0, status=QUEUED, error="interrupted during submission")
            raise
        self.report.submitted.append(url)
        if answer.job_id:
            self._update(job.id or 0, job_id=answer.job_id, error=None)
        else:
            ext = answer.status_ext or "error:unknown"
            self._failed(self._reload(job), url, ext, kind=classify_status_ext(ext))

    def _reload(self, job: SaveJob) -> SaveJob:
        return save_jobs.get_job(self.db, job.id or 0) or job

    async def _poll(self, job: SaveJob) -> None:
        url = self._url(job)
        try:
            status: SaveStatus = await self.client.save_status(job.job_id or "")
        except ArchiveRateLimited as err:
            self.saves.block(err.retry_after)
            return
        except ArchiveServiceError:
            return  # ask again later
        if status.status == "success" and status.timestamp is not None:
            self._captured(job, Snapshot(timestamp=status.timestamp,
                                         original=status.original_url or url, status=200))
        elif status.status == "error":
            ext = status.status_ext or "error:unknown"
            self._failed(job, url, ext, kind=classify_status_ext(ext))

    def _jobs(self, status: str) -> list[SaveJob]:
        return save_jobs.jobs(self.db, status)

    async def run(self) -> SaveRunReport:
        """Poll pending jobs and submit queued ones until done, stopped, or the poll timeout."""
        self._recover_stale_claims()
        quiet_since = self.clock()
        while not self.report.stopped:
            for job in [j for j in self._jobs(PENDING) if j.job_id]:
                await self._poll(job)
            if self.report.stopped:
                break
            now = self.clock()
            due = [j for j in self._jobs(QUEUED)
                   if j.next_attempt_at is None or j.next_attempt_at <= now]
            if due:
                try:
                    await self._submit(due[0])
                except ArchiveRateLimited as err:
                    self.report.stopped = f"rate limited: {err}"
                quiet_since = self.clock()
                continue
            if not [j for j in self._jobs(PENDING) if j.job_id]:
                break
            if (self.clock() - quiet_since).total_seconds() >= self.poll_timeout:
                break
            await self.sleep(self.poll_interval)
        self.report.pending_left = len(self._jobs(PENDING))
        self.report.queued_left = len(self._jobs(QUEUED))
        return self.report
