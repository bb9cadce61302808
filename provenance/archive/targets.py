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

from provenance.domain.archive_state import NOT_LOOKED_UP
from provenance.domain.archives import AT_RISK, UNKNOWN
from provenance.domain.links import DEAD, FAILING
from provenance.store.archives import CitedLink


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


def priority(link: CitedLink) -> int:
    if link.state == DEAD:
        return 0
    if link.state == FAILING:
        return 1
    if link.archive_state in (AT_RISK, UNKNOWN):
        return 2
    return 3


def is_due(link: CitedLink, now: datetime) -> bool:
    if link.archive_next_at is None or link.archive_next_at <= now:
        return True
    # died after the last lookup and nothing held: ask again (a capture may exist by now)
    return (link.state == DEAD and not link.archive_url and link.state_since is not None
            and link.archive_checked_at is not None and link.state_since > link.archive_checked_at)


def select_targets(links: list[CitedLink], now: datetime,
                   limit: int | None = None) -> tuple[list[LinkTarget], int]:
    """The due links in priority order (at most ``limit``), and how many were cached."""
    due: list[tuple[int, datetime, int, LinkTarget]] = []
    cached = 0
    for link in links:
        if link.state in NOT_LOOKED_UP:
            continue
        if not is_due(link, now):
            cached += 1
            continue
        rank = priority(link)
        target = LinkTarget(link_id=link.id or 0, url=link.url, link_state=link.state,
                            archive_state=link.archive_state, access_date=link.access_date,
                            published=link.published, priority=rank)
        oldest = link.archive_checked_at or datetime.min.replace(tzinfo=now.tzinfo)
        due.append((rank, oldest, target.link_id, target))
    due.sort(key=lambda item: item[:3])
    targets = [item[3] for item in due]
    return (targets[:limit] if limit is not None else targets), cached
