"""What changed in the link states since a run: newly dead, newly failing, recovered, newly
redirected, new title mismatches. Read from the check history (``state_before`` and
``state_after`` of each LinkCheck), so it is the same whichever process made the checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from provenance.domain.link_state import HEALTHY_STATES, moves_between
from provenance.errors import NotFoundError
from provenance.store.database import Database
from provenance.store.models import ArchiveLookup, CheckRun, Link, LinkCheck


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
    with db.session() as session:
        statuses = {i: status for i, status in session.exec(
            select(CheckRun.id, CheckRun.status)
            .where(CheckRun.kind == "check").order_by(col(CheckRun.id))) if i is not None}
        ids = list(statuses)
        if run_id is None:
            since = ids[-2] if len(ids) >= 2 else (0 if ids else None)
        elif run_id not in ids and run_id != 0:
            raise NotFoundError(f"no check run {run_id} (runs: {_span(ids)})")
        else:
            since = run_id
        if since is None:
            return Changes(since_run=None, runs=())
        later = tuple(i for i in ids if i > since)
        inconclusive = tuple(i for i, status in statuses.items()
                             if i > since and status == "inconclusive")
        rows = session.exec(
            select(LinkCheck, Link.url).join(Link, col(Link.id) == LinkCheck.link_id)
            .where(col(LinkCheck.run_id) > since)
            .order_by(col(LinkCheck.link_id), col(LinkCheck.checked_at),
                      col(LinkCheck.id))).all()
        first: dict[int, LinkCheck] = {}
        last: dict[int, tuple[LinkCheck, str]] = {}
        for check, url in rows:
            first.setdefault(check.link_id, check)
            last[check.link_id] = (check, url)
        mismatched_before = _mismatched_before(session, since, [
            i for i, (c, _) in last.items() if c.title_mismatch])
        archive_moves = _archive_moves(session, since)
    moves: dict[str, list[LinkChange]] = {kind: [] for kind in Changes.KINDS}
    for link_id, (check, url) in last.items():
        before, after = first[link_id].state_before, check.state_after
        change = LinkChange(link_id, url, before, after, check.outcome, check.http_status,
                            check.final_url, check.checked_at.isoformat(), check.run_id)
        for move in moves_between(before, after):
            moves[move.value].append(change)
        if check.title_mismatch and after in HEALTHY_STATES and link_id not in mismatched_before:
            moves["title_mismatches"].append(change)
    for kind, items in archive_moves.items():
        moves[kind] = items
    return Changes(since_run=since, runs=later, checks=len(rows),
                   inconclusive_runs=inconclusive,
                   **{kind: tuple(sorted(v, key=lambda c: c.url)) for kind, v in moves.items()})


_ARCHIVE_KINDS = {"lost": "newly_lost", "rescued": "newly_rescued",
                  "preserved": "newly_preserved", "at-risk": "newly_at_risk"}


def _archive_moves(session: Session, since: int) -> dict[str, list[LinkChange]]:
    """Archive states (rescued, lost, preserved, at-risk) reached after run ``since`` began
    its successor, from the archive history (lookups and derived moves)."""
    start = session.exec(select(func.min(CheckRun.started_at))
                         .where(col(CheckRun.id) > since)).first()
    moves: dict[str, list[LinkChange]] = {kind: [] for kind in _ARCHIVE_KINDS.values()}
    if start is None:
        return moves
    rows = session.exec(
        select(ArchiveLookup, Link.url).join(Link, col(Link.id) == ArchiveLookup.link_id)
        .where(ArchiveLookup.looked_up_at >= start)
        .order_by(col(ArchiveLookup.link_id), col(ArchiveLookup.looked_up_at),
                  col(ArchiveLookup.id))).all()
    first: dict[int, ArchiveLookup] = {}
    last: dict[int, tuple[ArchiveLookup, str]] = {}
    for lookup, url in rows:
        first.setdefault(lookup.link_id, lookup)
        last[lookup.link_id] = (lookup, url)
    for link_id, (lookup, url) in last.items():
        before, after = first[link_id].state_before, lookup.state_after
        if before == after or after not in _ARCHIVE_KINDS:
            continue
        moves[_ARCHIVE_KINDS[after]].append(LinkChange(
            link_id, url, before, after, lookup.result, lookup.archived_status,
            lookup.archive_url, lookup.looked_up_at.isoformat(), lookup.run_id))
    return moves


def _mismatched_before(session: Session, since: int, link_ids: list[int]) -> set[int]:
    """Of ``link_ids``, those whose last check up to run ``since`` already had a mismatch."""
    found: set[int] = set()
    for start in range(0, len(link_ids), 500):
        chunk = link_ids[start:start + 500]
        latest = (select(LinkCheck.link_id, func.max(LinkCheck.id).label("last"))
                  .where(col(LinkCheck.link_id).in_(chunk), col(LinkCheck.run_id) <= since)
                  .group_by(col(LinkCheck.link_id)).subquery())
        found.update(session.exec(
            select(LinkCheck.link_id).join(latest, col(LinkCheck.id) == latest.c.last)
            .where(col(LinkCheck.title_mismatch).is_(True))).all())
    return found


def _span(ids: list[int]) -> str:
    return f"{ids[0]}..{ids[-1]}" if ids else "none yet"
