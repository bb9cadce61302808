"""The Save Page Now queue: one SaveJob row per capture request, each change its own short
transaction (see :mod:`provenance.archive.save_queue` for the life of a job)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from provenance.domain.archive_state import archive_state
from provenance.domain.archives import FAILED, OPEN_SAVE_STATUSES, PENDING, QUEUED, SUCCESS
from provenance.store.database import Database
from provenance.store.models import ArchiveLookup, Link, SaveJob


def open_jobs(db: Database) -> dict[int, str]:
    """Links with a queued or pending job: link id -> URL, in link order."""
    with db.session() as session:
        rows = session.exec(select(SaveJob.link_id, Link.url)
                            .join(Link, col(Link.id) == SaveJob.link_id)
                            .where(col(SaveJob.status).in_(OPEN_SAVE_STATUSES))
                            .order_by(col(SaveJob.link_id)))
        return dict(rows.all())


def settled_since(db: Database, since: datetime) -> set[int]:
    """Links whose last job ended (captured or failed for good) after ``since``."""
    with db.session() as session:
        return _settled(session, since)


def _settled(session: Session, since: datetime) -> set[int]:
    stmt = select(SaveJob.link_id).where(col(SaveJob.status).in_((SUCCESS, FAILED)),
                                         SaveJob.updated_at > since)
    return set(session.exec(stmt))


def queue_jobs(db: Database, link_ids: Iterable[int], *, now: datetime,
               settled_after: datetime) -> int:
    """Queue a job for each link without an open one and not settled after
    ``settled_after``; how many were queued."""
    with db.session() as session:
        busy = set(session.exec(select(SaveJob.link_id).where(
            col(SaveJob.status).in_(OPEN_SAVE_STATUSES))))
        busy |= _settled(session, settled_after)
        added = 0
        for link_id in link_ids:
            if link_id in busy:
                continue
            busy.add(link_id)
            session.add(SaveJob(link_id=link_id, status=QUEUED, requested_at=now,
                                updated_at=now, next_attempt_at=now))
            added += 1
    return added


def jobs(db: Database, status: str) -> list[SaveJob]:
    """The jobs in ``status``, oldest first."""
    with db.session() as session:
        return list(session.exec(select(SaveJob).where(SaveJob.status == status)
                                 .order_by(col(SaveJob.id))))


def get_job(db: Database, job_id: int) -> SaveJob | None:
    with db.session() as session:
        return session.get(SaveJob, job_id)


def link_url(db: Database, link_id: int) -> str:
    with db.session() as session:
        link = session.get(Link, link_id)
        return link.url if link else ""


def update_job(db: Database, row_id: int, now: datetime, /, **values: Any) -> None:
    """Set fields of job row ``row_id`` (and its ``updated_at``)."""
    with db.session() as session:
        job = session.get(SaveJob, row_id)
        if job is None:
            return
        for key, value in values.items():
            setattr(job, key, value)
        job.updated_at = now
        session.add(job)


def claim_job(db: Database, job_id: int, now: datetime) -> bool:
    """Mark a queued job pending (submission under way); False if another run has it."""
    with db.session() as session:
        stmt = (update(SaveJob)
                .where(col(SaveJob.id) == job_id, col(SaveJob.status) == QUEUED)
                .values(status=PENDING, job_id=None, updated_at=now,
                        attempts=col(SaveJob.attempts) + 1)
                .returning(col(SaveJob.id)))
        return session.exec(stmt).first() is not None


def requeue_stale_claims(db: Database, cutoff: datetime, reason: str) -> None:
    """Claims that never got a job id before ``cutoff`` (the run died mid-POST) go back to
    the queue."""
    with db.session() as session:
        stmt = select(SaveJob).where(SaveJob.status == PENDING,
                                     col(SaveJob.job_id).is_(None),
                                     SaveJob.updated_at < cutoff)
        for job in session.exec(stmt):
            job.status, job.error = QUEUED, reason
            session.add(job)


def record_capture(db: Database, job_id: int, link_id: int, *, archive_url: str,
                   timestamp: datetime, status: int, now: datetime,
                   recheck_days: float) -> str | None:
    """A job succeeded: the link holds the capture (a ``saved`` row in its archive history);
    the link's URL, or None if the job or link is gone."""
    with db.session() as session:
        row = session.get(SaveJob, job_id)
        link = session.get(Link, link_id)
        if row is None or link is None:
            return None
        row.status, row.archive_url, row.timestamp = SUCCESS, archive_url, timestamp
        row.updated_at, row.error = now, None
        before = link.archive_state
        link.archive_url, link.archive_timestamp = archive_url, timestamp
        link.archive_status = status
        link.archive_checked_at = now
        link.archive_next_at = now + timedelta(days=recheck_days)
        link.archive_state = archive_state(link.state, True)
        session.add(ArchiveLookup(link_id=link.id or 0, looked_up_at=now, result="saved",
                                  archive_url=archive_url, timestamp=timestamp,
                                  archived_status=link.archive_status, state_before=before,
                                  state_after=link.archive_state))
        session.add_all([row, link])
        return link.url
