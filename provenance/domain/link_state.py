"""The link state machine (pure): one check result in, the link's new state out.

Dead is a state, not a result. A failed check (``FAILURE_OUTCOMES``) makes a link
``failing``; it becomes ``dead`` only after ``dead_after_failures`` consecutive failures
spanning at least ``dead_after_days``; the first good check brings it back to ``alive`` (or
``redirected``). Outcomes that say nothing about the source's existence never count:
``blocked``, ``invalid`` and ``refused`` set their own state and end the failure streak,
``rate-limited`` and ``tls-error`` leave state and streak as they were. A check made in an
inconclusive run (the checker's own network looked down) is recorded but changes nothing.

``replay`` folds a link's whole check history through ``apply_result``: the state stored on
a Link is always what its history says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from provenance.domain import links as t
from provenance.domain.policy import LinkPolicy

HEALTHY_STATES = frozenset({t.ALIVE, t.REDIRECTED})
BAD_STATES = frozenset({t.FAILING, t.DEAD})
_OWN_STATE = {t.BLOCKED: t.STATE_BLOCKED, t.INVALID: t.STATE_INVALID, t.REFUSED: t.STATE_REFUSED}
# Outcomes that change neither the state nor the failure streak.
NEUTRAL_OUTCOMES = frozenset({t.RATE_LIMITED, t.TLS_ERROR})


class Move(StrEnum):
    """A named move of a link between two states: what ``check`` and ``changes`` report."""

    NEWLY_DEAD = "newly_dead"
    NEWLY_FAILING = "newly_failing"
    RECOVERED = "recovered"
    NEWLY_REDIRECTED = "newly_redirected"


def moves_between(before: str, after: str) -> frozenset[Move]:
    """The moves of a link that went from state ``before`` to ``after`` (the one definition)."""
    found: set[Move] = set()
    if after == t.DEAD and before != t.DEAD:
        found.add(Move.NEWLY_DEAD)
    if after == t.FAILING and before not in BAD_STATES:
        found.add(Move.NEWLY_FAILING)
    if before in BAD_STATES and after in HEALTHY_STATES:
        found.add(Move.RECOVERED)
    if after == t.REDIRECTED and before != t.REDIRECTED:
        found.add(Move.NEWLY_REDIRECTED)
    return frozenset(found)


@dataclass(frozen=True)
class LinkSnapshot:
    """The part of a Link the state machine reads and writes."""

    state: str = t.UNCHECKED
    state_since: datetime | None = None
    failures: int = 0
    first_failure_at: datetime | None = None
    title_mismatch: bool = False

    @classmethod
    def of(cls, link: Any) -> LinkSnapshot:
        """The snapshot of a stored Link (or anything with the same attributes)."""
        return cls(state=link.state, state_since=link.state_since, failures=link.failures,
                   first_failure_at=link.first_failure_at,
                   title_mismatch=bool(link.title_mismatch))


@dataclass(frozen=True)
class StateChange:
    """A link before and after one check; ``counted`` is False when the check was held."""

    before: LinkSnapshot
    after: LinkSnapshot
    outcome: str
    counted: bool = True

    @property
    def changed(self) -> bool:
        return self.before.state != self.after.state

    @property
    def moves(self) -> frozenset[Move]:
        return moves_between(self.before.state, self.after.state)

    @property
    def newly_dead(self) -> bool:
        return Move.NEWLY_DEAD in self.moves

    @property
    def newly_failing(self) -> bool:
        return Move.NEWLY_FAILING in self.moves

    @property
    def recovered(self) -> bool:
        return Move.RECOVERED in self.moves

    @property
    def newly_redirected(self) -> bool:
        return Move.NEWLY_REDIRECTED in self.moves

    @property
    def new_title_mismatch(self) -> bool:
        return self.after.title_mismatch and not self.before.title_mismatch

    @property
    def new_problem(self) -> bool:
        """What makes ``provenance check`` exit 1."""
        return self.newly_dead or self.newly_failing or self.new_title_mismatch


def is_dead(failures: int, first_failure_at: datetime | None, now: datetime,
            settings: LinkPolicy) -> bool:
    """Enough consecutive failures, spread over enough days."""
    if failures < settings.dead_after_failures or first_failure_at is None:
        return False
    return now - first_failure_at >= timedelta(days=settings.dead_after_days)


def apply_result(link_state: LinkSnapshot, result: Any, now: datetime, settings: LinkPolicy,
                 *, hold: bool = False) -> StateChange:
    """The link's state after ``result`` (a CheckResult, or anything with ``outcome`` and
    ``title_mismatch``); ``hold`` (an inconclusive run) records nothing new."""
    before = link_state
    outcome = result.outcome
    if hold or outcome in NEUTRAL_OUTCOMES:
        return StateChange(before, before, outcome, counted=not hold)
    if outcome in t.GOOD_OUTCOMES:
        after = LinkSnapshot(state=t.REDIRECTED if outcome == t.REDIRECT else t.ALIVE,
                             failures=0, first_failure_at=None,
                             title_mismatch=bool(result.title_mismatch))
    elif outcome in t.FAILURE_OUTCOMES:
        failures = before.failures + 1
        first = before.first_failure_at or now
        dead = before.state == t.DEAD or is_dead(failures, first, now, settings)
        after = LinkSnapshot(state=t.DEAD if dead else t.FAILING, failures=failures,
                             first_failure_at=first, title_mismatch=before.title_mismatch)
    elif outcome in _OWN_STATE:
        after = LinkSnapshot(state=_OWN_STATE[outcome], failures=0, first_failure_at=None,
                             title_mismatch=before.title_mismatch)
    else:
        raise ValueError(f"unknown check outcome {outcome!r}")
    since = before.state_since if after.state == before.state else now
    return StateChange(before, replace(after, state_since=since), outcome)


@dataclass(frozen=True)
class PastCheck:
    """One recorded check as ``replay`` reads it."""

    checked_at: datetime
    outcome: str
    title_mismatch: bool = False
    held: bool = False


def replay(history: Iterable[PastCheck], settings: LinkPolicy,
           start: LinkSnapshot | None = None) -> list[StateChange]:
    """Every state change along a link's history, oldest first (held checks change nothing)."""
    snapshot = start or LinkSnapshot()
    changes: list[StateChange] = []
    for check in history:
        change = apply_result(snapshot, check, check.checked_at, settings, hold=check.held)
        changes.append(change)
        snapshot = change.after
    return changes
