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

from sqlalchemy import update
from sqlmodel import col, select

from provenance.archive.ratelimit import LOOKUP_BUDGET, SAVE_BUDGET, SharedRateLimit
from provenance.archive.targets import cited_links
from provenance.archive.wayback import WaybackClient
from provenance.domain.archive_state import archive_state
from provenance.domain.archives import (
    AT_RISK,
    FAILED,
    OPEN_SAVE_STATUSES,
    PENDING,
    QUEUED,
    SUCCESS,
    SaveStatus,
    Snapshot,
    format_timestamp,
)
from provenance.domain.links import DEAD, FAILING, STATE_INVALID, STATE_REFUSED
from provenance.errors import ArchiveRateLimited, ArchiveServiceError
from provenance.settings import Settings
from provenance.store.models import ArchiveLookup, Link, SaveJob

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


def _save_candidates(session: Any, document_id: int | None) -> list[Link]:
    return [link for link, _a, _p in cited_links(session, document_id)
            if link.archive_state == AT_RISK and link.state not in NOT_SAVED]


def _open_jobs(session: Any) -> dict[int, SaveJob]:
    stmt = select(SaveJob).where(col(SaveJob.status).in_(OPEN_SAVE_STATUSES))
    return {job.link_id: job for job in session.exec(stmt)}


def plan_saves(db: Any, *, document_id: int | None = None, now: datetime,
               recheck_days: float = 30.0) -> list[str]:
    """URLs a save run would work on: open jobs and at-risk links not queued yet (dry run)."""
    with db.session() as session:
        open_jobs = _open_jobs(session)
        settled = _settled_recently(session, now - timedelta(days=recheck_days))
        urls = [session.get(Link, link_id).url for link_id in sorted(open_jobs)]
        urls += [link.url for link in _save_candidates(session, document_id)
                 if link.id not in open_jobs and link.id not in settled]
    return urls


def _settled_recently(session: Any, since: datetime) -> set[int]:
    """Links whose last job ended (captured or failed for good) after ``since``."""
    stmt = select(SaveJob.link_id).where(col(SaveJob.status).in_((SUCCESS, FAILED)),
                                         SaveJob.updated_at > since)
    return set(session.exec(stmt))


def queue_saves(db: Any, *, document_id: int | None = None, now: datetime,
                recheck_days: float = 30.0) -> int:
    """Queue a job for every at-risk link without an open one; returns how many were added.

    A link whose capture succeeded or failed for good in the last ``recheck_days`` is not
    queued again.
    """
    with db.session() as session:
        open_jobs = _open_jobs(session)
        settled = _settled_recently(session, now - timedelta(days=recheck_days))
        added = 0
        for link in _save_candidates(session, document_id):
            if link.id is None or link.id in open_jobs or link.id in settled:
                continue
            session.add(SaveJob(link_id=link.id, status=QUEUED, requested_at=now,
                                updated_at=now, next_attempt_at=now))
            added += 1
    return added


class SaveQueue:
    """Works the SaveJob queue against Save Page Now under the shared save rate limit."""

    def __init__(self, db: Any, settings: Settings, client: WaybackClient, *,
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
        self.saves = SharedRateLimit(db.engine, SAVE_BUDGET, settings.wayback_save_rate)
        self.lookups = SharedRateLimit(db.engine, LOOKUP_BUDGET, settings.wayback_rate)
        self.report = SaveRunReport()

    # -- state changes (each its own short transaction) ------------------------------------

    def _update(self, row_id: int, **values: Any) -> None:
        with self.db.session() as session:
            job = session.get(SaveJob, row_id)
            if job is None:
                return
            for key, value in values.items():
                setattr(job, key, value)
            job.updated_at = self.clock()
            session.add(job)

    def _claim(self, job_id: int) -> bool:
        """Mark a queued job pending (submission under way); False if another run has it."""
        now = self.clock()
        with self.db.session() as session:
            stmt = (update(SaveJob)
                    .where(col(SaveJob.id) == job_id, col(SaveJob.status) == QUEUED)
                    .values(status=PENDING, job_id=None, updated_at=now,
                            attempts=col(SaveJob.attempts) + 1)
                    .returning(col(SaveJob.id)))
            return session.exec(stmt).first() is not None

    def _url(self, job: SaveJob) -> str:
        with self.db.session() as session:
            link = session.get(Link, job.link_id)
            return link.url if link else ""

    def _captured(self, job: SaveJob, snapshot: Snapshot) -> None:
        now = self.clock()
        archive_url = snapshot.archive_url(self.settings.wayback_url)
        with self.db.session() as session:
            row = session.get(SaveJob, job.id)
            link = session.get(Link, job.link_id)
            if row is None or link is None:
                return
            row.status, row.archive_url, row.timestamp = SUCCESS, archive_url, snapshot.timestamp
            row.updated_at, row.error = now, None
            before = link.archive_state
            link.archive_url, link.archive_timestamp = archive_url, snapshot.timestamp
            link.archive_status = snapshot.status or 200
            link.archive_checked_at = now
            link.archive_next_at = now + timedelta(days=self.settings.archive_recheck_days)
            link.archive_state = archive_state(link.state, True)
            session.add(ArchiveLookup(link_id=link.id, looked_up_at=now, result="saved",
                                      archive_url=archive_url, timestamp=snapshot.timestamp,
                                      archived_status=link.archive_status, state_before=before,
                                      state_after=link.archive_state))
            session.add_all([row, link])
        self.report.captured.append((link.url, archive_url))

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
        with self.db.session() as session:
            stmt = select(SaveJob).where(SaveJob.status == PENDING, col(SaveJob.job_id).is_(None),
                                         SaveJob.updated_at < cutoff)
            for job in session.exec(stmt):
                job.status, job.error = QUEUED, "claim expired (run stopped mid-submission)"
                session.add(job)

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
        with self.db.session() as session:
            return session.get(SaveJob, job.id) or job

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
        with self.db.session() as session:
            stmt = select(SaveJob).where(SaveJob.status == status).order_by(col(SaveJob.id))
            return list(session.exec(stmt))

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
