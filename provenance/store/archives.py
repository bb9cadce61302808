"""What the archive stage reads and records: cited links, lookups (one ArchiveLookup row per
attempt, ``Link.archive_*`` kept current), archive runs, verifications of carried archive
URLs, and the references a fix may rewrite. Each function is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, or_, select

from provenance.domain.archive_state import archive_state
from provenance.domain.archives import DERIVED, FOUND, NONE, RESCUED, UNUSABLE
from provenance.domain.links import DEAD
from provenance.domain.partial_dates import last_day
from provenance.store.database import Database
from provenance.store.models import (
    ArchiveLookup,
    ArchiveVerification,
    CheckRun,
    Link,
    Reference,
)


@dataclass(frozen=True)
class CitedLink:
    """A link cited by current references, with the earliest access and publication dates
    among them (what its snapshot should show)."""

    id: int
    url: str
    state: str
    state_since: datetime | None
    archive_state: str
    archive_url: str | None
    archive_checked_at: datetime | None
    archive_next_at: datetime | None
    access_date: date | None
    published: date | None


def held(link: Link) -> bool | None:
    """True: a usable capture is held; False: looked up, none; None: never known."""
    if link.archive_url:
        return True
    return False if link.archive_checked_at is not None else None


def _cited(session: Session, document_id: int | None) -> list[tuple[Link, date | None,
                                                                    date | None]]:
    stmt = (select(Link, col(Reference.access_date), col(Reference.access_date_precision),
                   col(Reference.date))
            .join(Reference, col(Reference.link_id) == Link.id)
            .where(col(Reference.current).is_(True), col(Reference.url).is_not(None))
            .order_by(col(Link.id)))
    if document_id is not None:
        stmt = stmt.where(Reference.document_id == document_id)
    found: dict[int, tuple[Link, date | None, date | None]] = {}
    for link, accessed, precision, published in session.exec(stmt):
        assert link.id is not None  # a stored row
        # an access date of "2018" means any day of 2018: aim at its last day, so a capture
        # of any day of that year counts as "at or before" the author's reading
        access = last_day(accessed, precision)
        prev = found.get(link.id)
        if prev is not None:
            access = min(d for d in (access, prev[1]) if d) if (access or prev[1]) else None
            published = min(d for d in (published, prev[2]) if d) \
                if (published or prev[2]) else None
        found[link.id] = (link, access, published)
    return list(found.values())


def _view(link: Link, access: date | None, published: date | None) -> CitedLink:
    return CitedLink(link.id or 0, link.url, link.state, link.state_since, link.archive_state,
                     link.archive_url, link.archive_checked_at, link.archive_next_at, access,
                     published)


def cited_links(db: Database, document_id: int | None = None) -> list[CitedLink]:
    """Every link cited by a current reference with a URL (of one document, or of all)."""
    with db.session() as session:
        return [_view(*row) for row in _cited(session, document_id)]


@dataclass(frozen=True)
class ArchiveStart:
    """An archive run opened: its id, the cited links (archive states brought up to date)
    and the links whose archive state followed a change of their check state."""

    run_id: int
    links: list[CitedLink]
    moved: list[tuple[int, str, str, str]]  # link id, url, state before, after


def begin_archive_run(db: Database, document_id: int | None, options: dict[str, Any],
                      now: datetime) -> ArchiveStart:
    """Re-derive each cited link's archive state from its check state (a ``derived`` row in
    the history for each move, so ``provenance changes`` can tell when it moved), then open
    a run of kind ``archive``."""
    with db.session() as session:
        rows = _cited(session, document_id)
        moved = []
        for link, _access, _published in rows:
            after = archive_state(link.state, held(link))
            if after != link.archive_state:
                moved.append((link.id or 0, link.url, link.archive_state, after))
                session.add(ArchiveLookup(link_id=link.id or 0, result=DERIVED,
                                          archive_url=link.archive_url,
                                          timestamp=link.archive_timestamp,
                                          archived_status=link.archive_status,
                                          state_before=link.archive_state, state_after=after))
                link.archive_state = after
                session.add(link)
        run = CheckRun(kind="archive", started_at=now, options=options)
        session.add(run)
        session.flush()
        return ArchiveStart(run.id or 0, [_view(*row) for row in rows], moved)


def finish_archive_run(db: Database, run_id: int, now: datetime, status: str,
                       counts: dict[str, Any]) -> None:
    with db.session() as session:
        run = session.get(CheckRun, run_id)
        if run is not None:
            run.finished_at, run.status, run.counts = now, status, counts
            session.add(run)


@dataclass(frozen=True)
class RecordedLookup:
    """A lookup as recorded: the link's URL and archive state before and after."""

    url: str
    state_before: str
    state_after: str


def record_lookup(db: Database, link_id: int, *, run_id: int | None, now: datetime,
                  target: date | None, result: str, snapshot_url: str | None,
                  snapshot_timestamp: datetime | None, snapshot_status: int | None,
                  error: str | None, recheck_days: float) -> RecordedLookup | None:
    """Record one lookup. An answer (found, none, unusable) sets what the link holds and
    when to ask again; a failure to ask leaves both. None if the link is gone."""
    with db.session() as session:
        link = session.get(Link, link_id)
        if link is None:
            return None
        before = link.archive_state
        if result in (FOUND, NONE, UNUSABLE):
            found = result == FOUND
            link.archive_url = snapshot_url if found else None
            link.archive_timestamp = snapshot_timestamp if found else None
            link.archive_status = snapshot_status if found else None
            link.archive_checked_at = now
            link.archive_next_at = now + timedelta(days=recheck_days)
        link.archive_state = archive_state(link.state, held(link))
        session.add(link)
        session.add(ArchiveLookup(
            link_id=link_id, run_id=run_id, looked_up_at=now, target=target, result=result,
            archive_url=snapshot_url, timestamp=snapshot_timestamp,
            archived_status=snapshot_status, error=error, state_before=before,
            state_after=link.archive_state))
        return RecordedLookup(link.url, before, link.archive_state)


# ---- archive URLs that references carry ------------------------------------------------

@dataclass(frozen=True)
class CarriedArchive:
    """A current reference's own archive URL, and what the reference says of the page."""

    reference_id: int
    archive_url: str
    url: str | None
    archive_date: date | None
    archive_date_precision: str | None = None  # as written: None (a day), month, year...


def carried_archives(db: Database, document_id: int | None, *, now: datetime,
                     recheck_days: float, not_wayback: str) -> list[CarriedArchive]:
    """Current references with an archive URL not verified in the last ``recheck_days``
    (an attempt counts when it was conclusive, or found it is not a Wayback URL, which
    ``not_wayback`` names as its error)."""
    with db.session() as session:
        stmt = select(Reference).where(col(Reference.current).is_(True),
                                       col(Reference.archive_url).is_not(None))
        if document_id is not None:
            stmt = stmt.where(Reference.document_id == document_id)
        refs = list(session.exec(stmt.order_by(col(Reference.id))))
        recent = set(session.exec(
            select(ArchiveVerification.reference_id).distinct()
            .join(Reference, (col(Reference.id) == ArchiveVerification.reference_id)
                  & (col(Reference.archive_url) == ArchiveVerification.archive_url))
            .where(col(Reference.current).is_(True),
                   or_(col(ArchiveVerification.exists).is_not(None),
                       ArchiveVerification.error == not_wayback),
                   ArchiveVerification.checked_at > now - timedelta(days=recheck_days))))
        return [CarriedArchive(r.id or 0, r.archive_url or "", r.url, r.archive_date,
                               r.archive_date_precision)
                for r in refs if r.id not in recent]


def record_verification(db: Database, reference_id: int, *, now: datetime, archive_url: str,
                        exists: bool | None, same_url: bool | None, same_date: bool | None,
                        snapshot_timestamp: datetime | None, error: str | None) -> None:
    with db.session() as session:
        session.add(ArchiveVerification(
            reference_id=reference_id, checked_at=now, archive_url=archive_url, exists=exists,
            same_url=same_url, same_date=same_date, snapshot_timestamp=snapshot_timestamp,
            error=error))


# ---- what ``fix --use-archives`` may rewrite ---------------------------------------------

@dataclass(frozen=True)
class RescuedReference:
    """A current reference whose link is dead and rescued: the capture it could cite."""

    reference_id: int
    archive_url: str | None  # what the reference carries now
    carried_is_bad: bool  # its own archive URL was verified and found missing
    capture_url: str
    capture_timestamp: datetime | None


def rescued_references(db: Database, document_id: int | None, *,
                       not_wayback: str) -> list[RescuedReference]:
    with db.session() as session:
        stmt = (select(Reference, Link).join(Link, col(Reference.link_id) == Link.id)
                .where(col(Reference.current).is_(True), Link.state == DEAD,
                       Link.archive_state == RESCUED, col(Link.archive_url).is_not(None))
                .order_by(col(Reference.id)))
        if document_id is not None:
            stmt = stmt.where(Reference.document_id == document_id)
        rows = list(session.exec(stmt))
        bad = _carried_is_bad(session, [ref.id or 0 for ref, _link in rows if ref.archive_url],
                              not_wayback)
        return [RescuedReference(ref.id or 0, ref.archive_url, ref.id in bad,
                                 link.archive_url or "", link.archive_timestamp)
                for ref, link in rows]


def _carried_is_bad(session: Session, reference_ids: list[int], not_wayback: str) -> set[int]:
    """Of ``reference_ids``, those whose own archive URL was last verified and found missing
    (verifications that it is not a Wayback URL do not count)."""
    bad: set[int] = set()
    for start in range(0, len(reference_ids), 500):
        chunk = reference_ids[start:start + 500]
        seen: set[int] = set()
        for check in session.exec(
                select(ArchiveVerification)
                .join(Reference, (col(Reference.id) == ArchiveVerification.reference_id)
                      & (col(Reference.archive_url) == ArchiveVerification.archive_url))
                .where(col(ArchiveVerification.reference_id).in_(chunk),
                       or_(col(ArchiveVerification.error).is_(None),
                           ArchiveVerification.error != not_wayback))
                .order_by(col(ArchiveVerification.reference_id),
                          col(ArchiveVerification.checked_at).desc(),
                          col(ArchiveVerification.id).desc())):
            if check.reference_id not in seen:  # the latest
                seen.add(check.reference_id)
                if check.exists is False:
                    bad.add(check.reference_id)
    return bad
