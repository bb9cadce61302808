"""Check runs and checker workers in the database: open or join a run, register and
heartbeat workers, decide whether a run was conclusive, close it with its counts.

Every process checking links (``check`` or ``worker``) joins the one open run of kind
"check" or opens it; the last process out closes it. A run killed mid-way stays open and the
next process carries it on (links already checked in it are skipped). A run open for longer
than the shortest recheck interval is closed as ``partial`` first, so a cycle never hides
links that fell due again.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from provenance.domain import links as t
from provenance.domain.runs import RunStatus as Status
from provenance.errors import NotFoundError
from provenance.settings import Settings
from provenance.store import checks
from provenance.store.database import Database
from provenance.store.leases import Scope, expire, lock_for_write, remaining
from provenance.store.models import CheckRun, Link, LinkCheck, Worker

RUNNING, SUSPECT, COMPLETE, PARTIAL, INCONCLUSIVE = (
    Status.RUNNING, Status.SUSPECT, Status.COMPLETE, Status.PARTIAL, Status.INCONCLUSIVE)
# A run is judged by hosts only when it saw at least this many.
INCONCLUSIVE_MIN_HOSTS = 5


def open_run(session: Session, options: dict[str, Any], *, stale_after: timedelta,
             now: datetime | None = None) -> CheckRun:
    """The open check run to join, or a new one (stale open runs are closed first)."""
    now = now or datetime.now(UTC)
    lock_for_write(session)
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(func.pg_advisory_xact_lock(
            func.hashtextextended("provenance-check-run", 0))))
    runs = session.exec(select(CheckRun).where(
        CheckRun.kind == "check", col(CheckRun.finished_at).is_(None))
        .order_by(col(CheckRun.id).desc())).all()
    for run in runs:
        if run is runs[0] and now - run.started_at < stale_after:
            continue
        run.status = PARTIAL if run.status != INCONCLUSIVE else INCONCLUSIVE
        run.finished_at = now
    if runs and runs[0].finished_at is None:
        return runs[0]
    run = CheckRun(kind="check", started_at=now, status=RUNNING, options=options)
    session.add(run)
    session.flush()
    return run


def mark_run(session: Session, run_id: int, status: str) -> None:
    """Move an open run to ``suspect`` (a worker saw most hosts fail and holds states) or
    ``inconclusive`` (never back)."""
    allowed = (RUNNING,) if status == SUSPECT else (RUNNING, SUSPECT)
    session.exec(update(CheckRun).where(
        col(CheckRun.id) == run_id, col(CheckRun.finished_at).is_(None),
        col(CheckRun.status).in_(allowed))
        .values(status=status))


def get_run(session: Session, run_id: int) -> CheckRun:
    run = session.get(CheckRun, run_id)
    if run is None:
        raise NotFoundError(f"no check run {run_id}")
    return run


def host_verdict(session: Session, run_id: int) -> tuple[int, int]:
    """(hosts checked in the run, hosts whose every check failed at the connection level)."""
    network = case((col(LinkCheck.outcome).in_(sorted(t.NETWORK_OUTCOMES)), 1), else_=0)
    rows = session.exec(select(
        Link.host, func.count(), func.sum(network))
        .join(Link, col(Link.id) == LinkCheck.link_id)
        .where(LinkCheck.run_id == run_id).group_by(Link.host)).all()
    return len(rows), sum(1 for _, total, down in rows if total == down)


def looks_inconclusive(hosts: int, down: int) -> bool:
    """Most hosts failed at the connection level: the checker's network, not the web."""
    return hosts >= INCONCLUSIVE_MIN_HOSTS and down * 2 > hosts


def links_to_rederive(session: Session, run_id: int, *, all_checked: bool) -> list[int]:
    """Links whose state the run may have moved (or, with ``all_checked``, every link it
    checked)."""
    query = select(LinkCheck.link_id).where(LinkCheck.run_id == run_id)
    if not all_checked:
        query = query.where((col(LinkCheck.state_before) != LinkCheck.state_after)
                            | col(LinkCheck.outcome).in_(sorted(t.FAILURE_OUTCOMES)))
    return sorted(set(session.exec(query).all()))


def close_run(session: Session, run_id: int, status: str, counts: dict[str, Any],
              now: datetime | None = None) -> bool:
    """Close an open run; False if someone else closed it first."""
    result = session.exec(update(CheckRun).where(
        col(CheckRun.id) == run_id, col(CheckRun.finished_at).is_(None))
        .values(status=status, finished_at=now or datetime.now(UTC), counts=counts))
    return bool(result.rowcount)


def run_counts(session: Session, run_id: int) -> dict[str, Any]:
    """Checks by outcome and state moves of one run (what ``CheckRun.counts`` holds)."""
    outcomes = dict(session.exec(select(
        LinkCheck.outcome, func.count()).where(LinkCheck.run_id == run_id)
        .group_by(LinkCheck.outcome)).all())
    moves = session.exec(select(
        LinkCheck.state_before, LinkCheck.state_after, func.count())
        .where(LinkCheck.run_id == run_id, LinkCheck.state_before != LinkCheck.state_after)
        .group_by(LinkCheck.state_before, LinkCheck.state_after)).all()
    workers = session.exec(select(func.count(func.distinct(
        LinkCheck.worker))).where(LinkCheck.run_id == run_id)).one()
    return {"checks": sum(outcomes.values()), "outcomes": outcomes, "workers": workers,
            "moves": {f"{a}->{b}": n for a, b, n in moves}}


# ---- workers ---------------------------------------------------------------------------

def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


def register_worker(session: Session, worker_id: str, run_id: int) -> None:
    now = datetime.now(UTC)
    session.merge(Worker(id=worker_id, hostname=socket.gethostname(), pid=os.getpid(),
                         run_id=run_id, status="running", started_at=now, heartbeat_at=now))


def beat(session: Session, worker_id: str, run_id: int, links_done: int,
         status: str = "running") -> None:
    session.exec(update(Worker).where(col(Worker.id) == worker_id)
                 .values(heartbeat_at=datetime.now(UTC), links_done=links_done, status=status,
                         run_id=run_id))


def other_live_workers(session: Session, run_id: int, worker_id: str,
                       alive_within: timedelta) -> int:
    since = datetime.now(UTC) - alive_within
    return int(session.exec(select(func.count()).select_from(Worker).where(
        Worker.run_id == run_id, Worker.status == "running", Worker.id != worker_id,
        Worker.heartbeat_at >= since)).one())


def reap_dead_local_workers(session: Session) -> list[str]:
    """Workers of this machine marked running whose process is gone: mark them dead and end
    their leases now (across machines, leases simply expire)."""
    host = socket.gethostname()
    dead = []
    for worker in session.exec(select(Worker).where(
            Worker.hostname == host, Worker.status == "running")):
        if worker.pid != os.getpid() and not _pid_alive(worker.pid):
            worker.status = "dead"
            dead.append(worker.id)
    expire(session, dead)
    return dead


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---- lookups for the command line ------------------------------------------------------

@dataclass(frozen=True)
class RunOverview:
    """What ``provenance status`` shows about the current (or last) run."""

    run: dict[str, Any] | None
    workers_alive: int
    links_done: int
    due: int
    states: dict[str, int]
    workers: list[dict[str, Any]]


def status(session: Session, *, alive_within: timedelta,
           now: datetime | None = None) -> RunOverview:
    now = now or datetime.now(UTC)
    run = session.exec(select(CheckRun).where(
        CheckRun.kind == "check").order_by(col(CheckRun.id).desc()).limit(1)).first()
    done = 0
    if run is not None:
        done = int(session.exec(select(func.count()).select_from(LinkCheck).where(
            LinkCheck.run_id == run.id)).one())
    due_query = select(func.count()).select_from(Link).where(
        (col(Link.next_check_at).is_(None)) | (col(Link.next_check_at) <= now))
    if run is not None and run.finished_at is None:
        due_query = due_query.where((col(Link.checked_in_run).is_(None))
                                    | (col(Link.checked_in_run) != run.id))
    due = int(session.exec(due_query).one())
    states = dict(session.exec(select(Link.state, func.count())
                               .group_by(Link.state)).all())
    since = now - alive_within
    workers = [
        {"id": w.id, "hostname": w.hostname, "pid": w.pid, "run_id": w.run_id,
         "status": w.status if w.status != "running" or w.heartbeat_at >= since else "silent",
         "links_done": w.links_done, "heartbeat_at": w.heartbeat_at.isoformat()}
        for w in session.exec(select(Worker).where(
            (col(Worker.status) == "running")
            | (col(Worker.heartbeat_at) >= now - timedelta(days=1)))
            .order_by(col(Worker.heartbeat_at).desc()).limit(50))]
    alive = sum(1 for w in workers if w["status"] == "running")
    run_info = None if run is None else {
        "id": run.id, "status": run.status, "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "counts": run.counts}
    return RunOverview(run=run_info, workers_alive=alive, links_done=done, due=due,
                       states=states, workers=workers)


def check_status(db: Database, *, alive_within: timedelta) -> RunOverview:
    """The current (or last) check run, its workers, and the links due and by state."""
    with db.session() as session:
        return status(session, alive_within=alive_within)


def current_run_id(session: Session) -> int | None:
    """The open check run, if any."""
    return session.exec(select(CheckRun.id).where(
        CheckRun.kind == "check", col(CheckRun.finished_at).is_(None))
        .order_by(col(CheckRun.id).desc()).limit(1)).first()


def worker_moves(session: Session, run_id: int, worker_id: str) -> dict[tuple[str, str], int]:
    """State moves recorded by one worker in one run: (before, after) -> count."""
    rows = session.exec(select(
        LinkCheck.state_before, LinkCheck.state_after, func.count())
        .where(LinkCheck.run_id == run_id, LinkCheck.worker == worker_id,
               LinkCheck.state_before != LinkCheck.state_after)
        .group_by(LinkCheck.state_before, LinkCheck.state_after)).all()
    return {(a, b): int(n) for a, b, n in rows}


def lock_run(session: Session, run_id: int) -> CheckRun:
    """The run row, locked for the rest of the transaction (the closing step)."""
    lock_for_write(session)
    run = session.exec(select(CheckRun).where(CheckRun.id == run_id)
                       .with_for_update().execution_options(populate_existing=True)
                       ).first()
    if run is None:
        raise NotFoundError(f"no check run {run_id}")
    return run


# ---- the end of a run ------------------------------------------------------------------

def close_if_last(session: Session, run_id: int, owner: str, *, alive_within: timedelta,
                  settings: Settings, now: datetime) -> str:
    """Close the run if ``owner`` is the last process out: judge it (inconclusive when most
    hosts failed at the connection level), replay held histories, count it; the run's status
    either way. One transaction."""
    run = lock_run(session, run_id)
    if run.finished_at is not None:
        return str(run.status)
    if other_live_workers(session, run_id, owner, alive_within):
        return str(run.status)
    hosts, down = host_verdict(session, run_id)
    if run.status == INCONCLUSIVE or looks_inconclusive(hosts, down):
        mark_run(session, run_id, INCONCLUSIVE)
        links = links_to_rederive(session, run_id, all_checked=False)
        checks.rederive(session, run_id, links, settings, now=now)
        status = INCONCLUSIVE
    else:
        if run.status == SUSPECT:  # held for nothing: apply what was held
            links = links_to_rederive(session, run_id, all_checked=True)
            checks.rederive(session, run_id, links, settings, now=now)
        whole = remaining(session, owner, Scope(run_id=run_id), now=now)
        status = COMPLETE if whole.total == 0 else PARTIAL
    close_run(session, run_id, status, run_counts(session, run_id), now=now)
    return status


def nothing_to_do(session: Session, scope: Scope, owner: str, now: datetime) -> bool:
    """No open run to help with and nothing due in ``scope``: no run is opened (no empty
    runs)."""
    if current_run_id(session) is not None:
        return False
    return remaining(session, owner, scope, now=now).total == 0


def links_due(db: Database, *, all: bool = False, document_id: int | None = None) -> int:
    """How many links a check would take on now (``all``: every link; ``document_id``: only
    that document's)."""
    with db.session() as session:
        run_id = current_run_id(session)
        return remaining(session, "", Scope(run_id=run_id or -1, all=all,
                                            document_id=document_id)).total
