"""Which links the archive stage works on, in what order, and what each one aims at.

A link is cited by one or more current references with a URL. Its lookup aims at the earliest
access date among them (else the earliest publication date). Lookups are spent where they
matter: dead links first, then failing, then at-risk, then the rest; a link whose snapshot
was looked up less than ``archive_recheck_days`` ago is not asked again (unless it died
since, holding nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from provenance.domain.archive_state import NOT_LOOKED_UP, archive_state
from provenance.domain.archives import AT_RISK, DERIVED, UNKNOWN
from provenance.domain.links import DEAD, FAILING
from provenance.store.models import ArchiveLookup, Link, Reference


@dataclass(frozen=True)
class LinkTarget:
    """One link to look up, and the day its snapshot should show."""

    link_id: int
    url: str
    link_state: str
    archive_state: str
    access_date: date | None
    published: date | None
    priority: int


def held(link: Link) -> bool | None:
    """True: a usable capture is held; False: looked up, none; None: never known."""
    if link.archive_url:
        return True
    return False if link.archive_checked_at is not None else None


def priority(link: Link) -> int:
    if link.state == DEAD:
        return 0
    if link.state == FAILING:
        return 1
    if link.archive_state in (AT_RISK, UNKNOWN):
        return 2
    return 3


def is_due(link: Link, now: datetime) -> bool:
    if link.archive_next_at is None or link.archive_next_at <= now:
        return True
    # died after the last lookup and nothing held: ask again (a capture may exist by now)
    return (link.state == DEAD and not link.archive_url and link.state_since is not None
            and link.archive_checked_at is not None and link.state_since > link.archive_checked_at)


def cited_links(session: Session, document_id: int | None = None) -> list[tuple[Link, date | None,
                                                                                  date | None]]:
    """Every link cited by a current reference with a URL: (link, access date, published)."""
    stmt = (select(Link, col(Reference.access_date), col(Reference.date))
            .join(Reference, col(Reference.link_id) == Link.id)
            .where(col(Reference.current).is_(True), col(Reference.url).is_not(None))
            .order_by(col(Link.id)))
    if document_id is not None:
        stmt = stmt.where(Reference.document_id == document_id)
    found: dict[int, tuple[Link, date | None, date | None]] = {}
    for link, access, published in session.exec(stmt):
        assert link.id is not None  # a stored row
        prev = found.get(link.id)
        if prev is not None:
            access = min(d for d in (access, prev[1]) if d) if (access or prev[1]) else None
            published = min(d for d in (published, prev[2]) if d) \
                if (published or prev[2]) else None
        found[link.id] = (link, access, published)
    return list(found.values())


def refresh_states(session: Session, links: list[Link]) -> list[tuple[Link, str, str]]:
    """Re-derive archive_state from each link's current check state (no lookup needed).

    Returns the links whose state changed, with the state before and after.
    """
    changed = []
    for link in links:
        after = archive_state(link.state, held(link))
        if after != link.archive_state:
            changed.append((link, link.archive_state, after))
            # a row in the history too, so `provenance changes` can tell when it moved
            session.add(ArchiveLookup(link_id=link.id or 0, result=DERIVED,
                                      archive_url=link.archive_url,
                                      timestamp=link.archive_timestamp,
                                      archived_status=link.archive_status,
                                      state_before=link.archive_state, state_after=after))
            link.archive_state = after
            session.add(link)
    return changed


def select_targets(rows: list[tuple[Link, date | None, date | None]], now: datetime,
                   limit: int | None = None) -> tuple[list[LinkTarget], int]:
    """The due links in priority order (at most ``limit``), and how many were cached."""
    due: list[tuple[int, datetime, int, LinkTarget]] = []
    cached = 0
    for link, access, published in rows:
        if link.state in NOT_LOOKED_UP:
            continue
        if not is_due(link, now):
            cached += 1
            continue
        rank = priority(link)
        target = LinkTarget(link_id=link.id or 0, url=link.url, link_state=link.state,
                            archive_state=link.archive_state, access_date=access,
                            published=published, priority=rank)
        oldest = link.archive_checked_at or datetime.min.replace(tzinfo=now.tzinfo)
        due.append((rank, oldest, target.link_id, target))
    due.sort(key=lambda item: item[:3])
    targets = [item[3] for item in due]
    return (targets[:limit] if limit is not None else targets), cached
