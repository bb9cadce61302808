"""Choosing the snapshot that shows what the citer saw (pure).

Order of preference:

1. the archived status: 200, then other 2xx, then revisits (status unknown, a duplicate of an
   earlier capture), then 3xx, then 4xx, then 5xx;
2. the date, within the best status class:
   * with an access date: the latest capture at or before it (and not before the publication
     date, when known: such a capture predates the page); otherwise the capture closest to it;
   * with only a publication date: the capture closest to it, at or after it on a tie (a capture
     before publication cannot show the page);
   * with neither: the newest capture.

Whether a snapshot can stand in for a dead page is :func:`usable`: an archived 2xx, revisit or
redirect; a capture of an error page rescues nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from provenance.domain.archives import Snapshot


def status_rank(status: int | None) -> int:
    """Lower is better: 200, other 2xx, revisit, 3xx, 4xx, 5xx, anything else."""
    if status == 200:
        return 0
    if status is None:
        return 2
    if 200 <= status < 300:
        return 1
    if 300 <= status < 400:
        return 3
    if 400 <= status < 500:
        return 4
    if 500 <= status < 600:
        return 5
    return 6


def usable(snapshot: Snapshot | None) -> bool:
    """Can this capture be cited instead of the live page? (archived 2xx, revisit or 3xx)."""
    return snapshot is not None and status_rank(snapshot.status) <= 3


def target_date(access_date: date | None, published: date | None) -> date | None:
    """The day the lookup aims at: the access date, else the publication date, else none."""
    return access_date or published


def _distance(snapshot: Snapshot, day: date) -> float:
    noon = datetime.combine(day, time(12), tzinfo=UTC)
    return abs((snapshot.timestamp - noon).total_seconds())


def _by_access_date(group: list[Snapshot], access: date, published: date | None) -> Snapshot:
    before = [s for s in group if s.timestamp.date() <= access
              and (published is None or s.timestamp.date() >= published)]
    if before:
        return max(before, key=lambda s: s.timestamp)
    # nothing in [published, access]: the closest capture, the earlier one on a tie
    return min(group, key=lambda s: (_distance(s, access), s.timestamp))


def _by_publication_date(group: list[Snapshot], published: date) -> Snapshot:
    return min(group, key=lambda s: (_distance(s, published), s.timestamp.date() < published,
                                     s.timestamp))


def choose_snapshot(snapshots: Iterable[Snapshot], access_date: date | None = None,
                    published: date | None = None) -> Snapshot | None:
    """The best capture for a reference accessed on ``access_date`` (see module doc)."""
    candidates = list(snapshots)
    if not candidates:
        return None
    best_rank = min(status_rank(s.status) for s in candidates)
    group = [s for s in candidates if status_rank(s.status) == best_rank]
    if access_date is not None:
        return _by_access_date(group, access_date, published)
    if published is not None:
        return _by_publication_date(group, published)
    return max(group, key=lambda s: s.timestamp)
