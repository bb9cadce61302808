"""What changed in the link states since a run: newly dead, newly failing, recovered, newly
redirected, new title mismatches, archive moves. Classified over each link's state at the
start and end of the period, read from the history by :mod:`provenance.store.changes`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from provenance.domain.link_state import HEALTHY_STATES, moves_between
from provenance.store.changes import Span, history_since
from provenance.store.database import Database


@dataclass(frozen=True)
class LinkChange:
    """One link's move over the period: its state at the start and at the end."""

    link_id: int
    url: str
    before: str
    after: str
    outcome: str
    http_status: int | None
    final_url: str | None
    checked_at: str
    run_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class Changes:
    """Moves since ``since_run`` (checks of later runs only)."""

    since_run: int | None
    runs: tuple[int, ...]
    newly_dead: tuple[LinkChange, ...] = ()
    newly_failing: tuple[LinkChange, ...] = ()
    recovered: tuple[LinkChange, ...] = ()
    newly_redirected: tuple[LinkChange, ...] = ()
    title_mismatches: tuple[LinkChange, ...] = ()
    checks: int = 0
    inconclusive_runs: tuple[int, ...] = field(default=())
    newly_lost: tuple[LinkChange, ...] = ()
    newly_rescued: tuple[LinkChange, ...] = ()
    newly_preserved: tuple[LinkChange, ...] = ()
    newly_at_risk: tuple[LinkChange, ...] = ()

    KINDS = ("newly_dead", "newly_failing", "recovered", "newly_redirected",
             "title_mismatches", "newly_lost", "newly_rescued", "newly_preserved",
             "newly_at_risk")

    @property
    def new_problems(self) -> int:
        return (len(self.newly_dead) + len(self.newly_failing) + len(self.title_mismatches)
                + len(self.newly_lost))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"since_run": self.since_run, "runs": list(self.runs),
                               "checks": self.checks,
                               "inconclusive_runs": list(self.inconclusive_runs)}
        for kind in self.KINDS:
            out[kind] = [c.to_dict() for c in getattr(self, kind)]
        return out


def changes_since(db: Database, run_id: int | None = None) -> Changes:
    """Changes made by the runs after ``run_id``; by default, by the latest run."""
    history = history_since(db, run_id)
    if history.since is None:
        return Changes(since_run=None, runs=())
    moves: dict[str, list[LinkChange]] = {kind: [] for kind in Changes.KINDS}
    for span in history.links:
        change = _change(span)
        for move in moves_between(span.before, span.after):
            moves[move.value].append(change)
        if span.title_mismatch and span.after in HEALTHY_STATES and \
                span.link_id not in history.mismatched_before:
            moves["title_mismatches"].append(change)
    for span in history.archives:
        if span.before != span.after and span.after in _ARCHIVE_KINDS:
            moves[_ARCHIVE_KINDS[span.after]].append(_change(span))
    return Changes(since_run=history.since, runs=history.runs, checks=history.checks,
                   inconclusive_runs=history.inconclusive_runs,
                   **{kind: tuple(sorted(v, key=lambda c: c.url)) for kind, v in moves.items()})


_ARCHIVE_KINDS = {"lost": "newly_lost", "rescued": "newly_rescued",
                  "preserved": "newly_preserved", "at-risk": "newly_at_risk"}


def _change(span: Span) -> LinkChange:
    return LinkChange(span.link_id, span.url, span.before, span.after, span.outcome,
                      span.http_status, span.final_url, span.at.isoformat(), span.run_id)
