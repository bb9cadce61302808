"""When a link is checked next (pure): new links first, healthy links back off, failing
links sooner, everything spread with jitter so a corpus does not fall due in one burst.

- never checked: ``None`` (due now; the lease orders NULLs first);
- alive / redirected: ``recheck_alive_days``, growing with how long the link has been
  healthy (a link healthy for 3 weeks waits 3 weeks) up to 4x: days, then weeks;
- failing: ``recheck_failing_hours``, so the failures that make a link dead are spread over
  days, never one bad night;
- dead, blocked: ``recheck_alive_days`` (a dead link may come back; a blocked one may open);
- invalid, refused: 4x ``recheck_alive_days`` (the URL itself is the problem);
- rate-limited: after the host's ``Retry-After`` (at least an hour); tls-error: as failing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from provenance.domain import links as t
from provenance.domain.link_state import HEALTHY_STATES, LinkSnapshot
from provenance.domain.policy import LinkPolicy

MAX_BACKOFF = 4.0
JITTER = 0.1  # +-10% of the interval
MIN_RATE_LIMIT_WAIT = timedelta(hours=1)


def recheck_interval(snapshot: LinkSnapshot, outcome: str, now: datetime, settings: LinkPolicy,
                     retry_after: float | None = None) -> timedelta:
    """How long until the next check, before jitter."""
    alive = timedelta(days=settings.recheck_alive_days)
    failing = timedelta(hours=settings.recheck_failing_hours)
    if outcome == t.RATE_LIMITED:
        return max(timedelta(seconds=retry_after or 0), MIN_RATE_LIMIT_WAIT)
    if outcome == t.TLS_ERROR or snapshot.state == t.FAILING:
        return failing
    if snapshot.state in HEALTHY_STATES:
        healthy_for = now - snapshot.state_since if snapshot.state_since else timedelta(0)
        return min(max(healthy_for, alive), alive * MAX_BACKOFF)
    if snapshot.state in (t.STATE_INVALID, t.STATE_REFUSED):
        return alive * MAX_BACKOFF
    if snapshot.state == t.UNCHECKED:
        return failing
    return alive  # dead, blocked


def next_check_at(snapshot: LinkSnapshot, outcome: str, now: datetime, settings: LinkPolicy, *,
                  jitter: float = 0.5, retry_after: float | None = None) -> datetime:
    """The next check time after a check with ``outcome`` left the link at ``snapshot``;
    ``jitter`` in [0, 1) (0.5 = none) spreads it by +-10%."""
    interval = recheck_interval(snapshot, outcome, now, settings, retry_after)
    factor = 1.0 + JITTER * (2.0 * min(max(jitter, 0.0), 1.0) - 1.0)
    return now + interval * factor
