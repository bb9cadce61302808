"""Recording check results: one LinkCheck row per check and the Link row brought up to date
(state, counters, final URL, validators, next check, lease cleared) in one short transaction.

A result is recorded only while the link is still owed to the run (``checked_in_run`` is not
yet this run): if a lease expired and another worker checked the link meanwhile, the late
result is dropped, so no check is ever recorded twice for one run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from provenance.domain import links as t
from provenance.domain.link_state import LinkSnapshot, PastCheck, StateChange, apply_result, replay
from provenance.domain.schedule import next_check_at
from provenance.settings import Settings
from provenance.store.leases import lock_for_write
from provenance.store.many_rows import execute_many
from provenance.store.models import CheckRun, Link, LinkCheck
from provenance.store.sources import keep_bodies


@dataclass(frozen=True)
class Recorded:
    """What happened to one result: its state change, or None if it was dropped."""

    link_id: int
    change: StateChange | None


def record_results(session: Session, results: Iterable[tuple[int, t.CheckResult]], *,
                   run_id: int, owner: str, settings: Settings, hold: bool = False,
                   now: datetime | None = None,
                   jitter: Callable[[], float] = random.random) -> list[Recorded]:
    """Record ``(link_id, result)`` pairs; ``hold`` keeps every state as it is (inconclusive
    run). The caller commits (``Database.session`` does): one transaction for the lot, rows
    locked in id order (no deadlock between workers), written with two bulk statements."""
    results = list(results)
    lock_for_write(session)
    connection = session.connection()
    query = _READ_LOCKED if connection.dialect.name == "postgresql" else _READ_LINKS
    rows = {row.id: row for row in connection.execute(
        query, {"ids": sorted({i for i, _ in results})})}
    done: list[Recorded] = []
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    bodies: list[tuple[int, t.CheckResult, datetime]] = []
    for link_id, result in results:
        row = rows.pop(link_id, None)  # popped: a link twice in one batch counts once
        if row is None or row.checked_in_run == run_id:
            done.append(Recorded(link_id, None))
            continue
        at = now or datetime.now(UTC)
        change = apply_result(LinkSnapshot.of(row), result, at, settings, hold=hold)
        updates.append(_link_values(row, result, change, at, run_id, settings, jitter()))
        inserts.append({
            "link_id": link_id, "run_id": run_id, "checked_at": at, "outcome": result.outcome,
            "http_status": result.http_status, "final_url": result.final_url,
            "redirects": [{"url": hop.url, "status": hop.status} for hop in result.redirects],
            "elapsed_ms": result.elapsed_ms, "title": result.title, "error": result.error,
            "state_before": change.before.state, "state_after": change.after.state,
            "title_mismatch": result.title_mismatch, "worker": owner})
        done.append(Recorded(link_id, change))
        bodies.append((link_id, result, at))
    if updates:
        execute_many(connection, _UPDATE_LINK, updates)
        execute_many(connection, _INSERT_CHECK, inserts)
        keep_bodies(session, bodies)
    return done


_LINK = Link.__table__  # type: ignore[attr-defined]
_UPDATE_LINK = update(_LINK).where(_LINK.c.id == sa.bindparam("link_id"))
_INSERT_CHECK = insert(LinkCheck.__table__)  # type: ignore[attr-defined]


_READ = tuple(col(c) for c in (
    Link.id, Link.state, Link.state_since, Link.failures, Link.first_failure_at,
    Link.title_mismatch, Link.checks, Link.checked_in_run, Link.etag, Link.last_modified,
    Link.final_url, Link.last_title, Link.last_elapsed_ms))
# built once: building the query and its cache key for every batch cost more than reading
_READ_LINKS = (sa.select(*_READ).where(col(Link.id).in_(sa.bindparam("ids", expanding=True)))
               .order_by(col(Link.id)))
_READ_LOCKED = _READ_LINKS.with_for_update()  # PostgreSQL


def _link_values(row: Any, result: t.CheckResult, change: StateChange, at: datetime,
                 run_id: int, settings: Settings, jitter: float) -> dict[str, Any]:
    """The Link columns one check sets (the same keys every time: one bulk UPDATE)."""
    after = change.after
    good = result.outcome in t.GOOD_OUTCOMES
    return {
        "link_id": row.id, "state": after.state, "state_since": after.state_since,
        "failures": after.failures, "first_failure_at": after.first_failure_at,
        "title_mismatch": after.title_mismatch, "last_outcome": result.outcome,
        "last_http_status": result.http_status, "checked_at": at,
        # a check the network cut short says nothing about how slow the link is
        "last_elapsed_ms": row.last_elapsed_ms if result.inconclusive else result.elapsed_ms,
        "checks": (row.checks or 0) + 1,
        "final_url": result.final_url if result.final_url is not None else row.final_url,
        "last_title": result.title if result.title is not None else row.last_title,
        "etag": (result.etag or (row.etag if result.not_modified else None)) if good
        else row.etag,
        "last_modified": (result.last_modified or (
            row.last_modified if result.not_modified else None)) if good
        else row.last_modified,
        "next_check_at": next_check_at(after, result.outcome, at, settings, jitter=jitter,
                                       retry_after=result.retry_after),
        "checked_in_run": run_id, "lease_owner": None, "lease_until": None,
    }


def rederive(session: Session, run_id: int, link_ids: Sequence[int], settings: Settings, *,
             now: datetime | None = None,
             jitter: Callable[[], float] = random.random) -> int:
    """Replay the history of ``link_ids`` (checks of inconclusive runs held) and store the
    result on each Link and on the run's LinkCheck rows; the number of links whose state
    this changed. Used when a run turns out inconclusive, or conclusive after all."""
    now = now or datetime.now(UTC)
    lock_for_write(session)
    held_runs = set(session.exec(
        select(CheckRun.id).where(CheckRun.status == "inconclusive")).all())
    changed = 0
    for start in range(0, len(link_ids), 200):
        chunk = list(link_ids[start:start + 200])
        history: dict[int, list[LinkCheck]] = {i: [] for i in chunk}
        for check in session.exec(
                select(LinkCheck).where(col(LinkCheck.link_id).in_(chunk))
                .order_by(col(LinkCheck.link_id), col(LinkCheck.checked_at),
                          col(LinkCheck.id))):
            history[check.link_id].append(check)
        for link in session.exec(select(Link).where(col(Link.id).in_(chunk))):
            assert link.id is not None  # a stored row
            checks = history[link.id]
            steps = replay((PastCheck(c.checked_at, c.outcome, c.title_mismatch,
                                      held=c.run_id in held_runs) for c in checks), settings)
            for check, step in zip(checks, steps, strict=True):
                if check.run_id == run_id:
                    check.state_before = step.before.state
                    check.state_after = step.after.state
            final = steps[-1].after if steps else LinkSnapshot()
            changed += final.state != link.state
            link.state = final.state
            link.state_since = final.state_since
            link.failures = final.failures
            link.first_failure_at = final.first_failure_at
            link.title_mismatch = final.title_mismatch
            if run_id in held_runs:
                # the run said nothing: look again soon rather than after a long back-off
                link.next_check_at = next_check_at(
                    LinkSnapshot(state=t.FAILING), t.TIMEOUT, now, settings, jitter=jitter())
    session.flush()
    return changed

