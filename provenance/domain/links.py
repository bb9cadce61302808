"""Values of the link checker: what to check, what came back, and the stable names.

Outcomes are data (a 404 is a value, not an exception). Names below are an interface that
scripts rely on: keep them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    """What one check of one URL found (a 404 is a value, not an exception)."""

    OK = "ok"
    REDIRECT = "redirect"  # permanent redirect to a working page
    NOT_FOUND = "not-found"
    SOFT_404 = "soft-404"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    SERVER_ERROR = "server-error"
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection-error"
    RATE_LIMITED = "rate-limited"
    BLOCKED = "blocked"
    TLS_ERROR = "tls-error"
    INVALID = "invalid"
    REFUSED = "refused"


class LinkState(StrEnum):
    """Where a link stands after its whole check history (see domain.link_state)."""

    UNCHECKED = "unchecked"
    ALIVE = "alive"
    REDIRECTED = "redirected"
    FAILING = "failing"
    DEAD = "dead"
    BLOCKED = "blocked"
    INVALID = "invalid"
    REFUSED = "refused"


# Module-level names of the members (the code reads ``t.OK``, ``t.DEAD``...).
OK = Outcome.OK
REDIRECT = Outcome.REDIRECT
NOT_FOUND = Outcome.NOT_FOUND
SOFT_404 = Outcome.SOFT_404
TOO_MANY_REDIRECTS = Outcome.TOO_MANY_REDIRECTS
SERVER_ERROR = Outcome.SERVER_ERROR
TIMEOUT = Outcome.TIMEOUT
CONNECTION_ERROR = Outcome.CONNECTION_ERROR
RATE_LIMITED = Outcome.RATE_LIMITED
BLOCKED = Outcome.BLOCKED
TLS_ERROR = Outcome.TLS_ERROR
INVALID = Outcome.INVALID
REFUSED = Outcome.REFUSED

OUTCOMES = tuple(Outcome)
GOOD_OUTCOMES = frozenset({OK, REDIRECT})
# Failures that count toward "dead". blocked / rate-limited / tls-error / invalid / refused do not.
FAILURE_OUTCOMES = frozenset({NOT_FOUND, SOFT_404, TOO_MANY_REDIRECTS, SERVER_ERROR, TIMEOUT,
                              CONNECTION_ERROR})
# Failures that say something about the checker's own network rather than the target.
NETWORK_OUTCOMES = frozenset({TIMEOUT, CONNECTION_ERROR})

UNCHECKED = LinkState.UNCHECKED
ALIVE = LinkState.ALIVE
REDIRECTED = LinkState.REDIRECTED
FAILING = LinkState.FAILING
DEAD = LinkState.DEAD
STATE_BLOCKED = LinkState.BLOCKED
STATE_INVALID = LinkState.INVALID
STATE_REFUSED = LinkState.REFUSED
STATES = tuple(LinkState)


@dataclass(frozen=True)
class CheckTask:
    """One link to check, with what earlier checks left for a conditional request."""

    link_id: int
    url: str
    reference_title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    previous_final_url: str | None = None
    # links of the same host still to come after this one (a scheduling hint: free slots
    # go first to the hosts with the most work left, the busiest sets the run's length)
    backlog: int = 0


@dataclass(frozen=True)
class Hop:
    """One step of a redirect chain."""

    url: str
    status: int


class Cause(StrEnum):
    """Why a check got no HTTP answer at all: the evidence the outage monitor weighs."""

    NXDOMAIN = "nxdomain"  # the resolver says the name does not exist
    DNS_ERROR = "dns-error"  # the resolver failed or could not be reached
    CONNECT = "connect"  # refused, unreachable, or no connection within the deadline
    RESET = "reset"  # the connection broke before the answer was complete
    TIMEOUT = "timeout"  # no complete answer within the deadline

    @property
    def dns(self) -> bool:
        return self in (Cause.NXDOMAIN, Cause.DNS_ERROR)


@dataclass(frozen=True)
class CheckResult:
    """What one check of one URL found."""

    url: str
    outcome: str
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    elapsed_ms: int = 0
    title: str | None = None
    error: str | None = None
    retry_after: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    title_mismatch: bool = False
    # No HTTP answer: why (the network's fault or the link's is decided by the checker).
    cause: Cause | None = None
    # Seen while the checker's own network was down: recorded, changes no state.
    inconclusive: bool = False
    # the capped body of a working page, kept as the source's text (store/sources.py)
    body: bytes | None = field(default=None, repr=False, compare=False)
    content_type: str | None = None
    body_truncated: bool = False
