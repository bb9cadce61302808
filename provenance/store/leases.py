"""The checker's work queue: leases on batches of due links, grouped by host, in the Link table.

A worker leases the due links of a few hosts at a time (``lease_owner``/``lease_until`` on
Link); while any link of a host is leased by one worker, no other worker leases that host's
links, so the per-host limit and delay of one process hold for the whole fleet. A lease
expires at ``lease_until`` (the worker died): any worker may then take the links over. A
living worker extends its leases (``heartbeat``) and releases them when it stops. A link is
checked once per run: recording a result sets ``checked_in_run`` and the lease skips links
already checked in the run.

PostgreSQL: candidate hosts are locked with ``pg_try_advisory_xact_lock`` (two workers never
claim one host at once) and the links with ``SELECT ... FOR UPDATE SKIP LOCKED`` inside one
``UPDATE ... RETURNING``. SQLite: the lease transaction takes the database write lock first
(``lock_for_write``), so the host check and the ``UPDATE ... RETURNING`` are one atomic step.

Why not procrastinate (a proven PostgreSQL job queue, evaluated in the research notes):
it is PostgreSQL-only while SQLite is our default and must use the same mechanism; the link's
schedule, state and lease are domain data already in ``link``, which a second queue table
would duplicate and keep in step; its enqueue is not transactional with our SQLAlchemy/psycopg3
sessions, so a result and its queue update could not commit together; and it has no notion of
"a host's links go to one worker". The lease here is a few statements on both databases and
commits in the same transaction as the results.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, ScalarSelect, and_, case, exists, func, or_, text, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from provenance.store.models import Link, Reference

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Scope:
    """Which links one invocation may lease: the run, ``--all``, ``--document``."""

    run_id: int
    all: bool = False
    document_id: int | None = None


@dataclass(frozen=True)
class LeasedLink:
    """A leased link with what the checker needs for a conditional request."""

    id: int
    url: str
    host: str
    etag: str | None
    last_modified: str | None
    final_url: str | None
    reference_title: str | None
    host_left: int = 0  # due links of its host still free after this lease


def lock_for_write(session: Session) -> None:
    """On SQLite, take the database write lock now (before any read of the transaction),
    so read-then-write is atomic and never fails with a stale snapshot. No-op elsewhere."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE link SET id = id WHERE 0 = 1"))


def _due(scope: Scope, now: datetime) -> ColumnElement[bool]:
    """Links this scope wants checked in its run (leased or not)."""
    conditions = [or_(col(Link.checked_in_run).is_(None),
                      col(Link.checked_in_run) != scope.run_id)]
    if not scope.all:
        conditions.append(or_(col(Link.next_check_at).is_(None),
                              col(Link.next_check_at) <= now))
    if scope.document_id is not None:
        cited = select(Reference.link_id).where(Reference.document_id == scope.document_id,
                                                col(Reference.link_id).is_not(None))
        conditions.append(col(Link.id).in_(cited))
    return and_(*conditions)


def _free(owner: str, now: datetime) -> ColumnElement[bool]:
    """Not leased, or leased by someone whose lease has expired."""
    return or_(col(Link.lease_until).is_(None),
               and_(col(Link.lease_until) < now, col(Link.lease_owner) != owner))


def _busy_hosts(owner: str, now: datetime) -> SelectOfScalar[str]:
    other = aliased(Link)
    return select(other.host).where(col(other.lease_until) >= now, other.lease_owner != owner)


# A host's links start slowest first, then new, then longest overdue. Slow = the last check
# took at least SLOW_LINK_MS (a timeout, a trickling page): started at the end of a host's
# queue, such a link holds one of the host's slots long after the others ran dry and sets
# the run's end; started first, the host's quick links run beside it (longest job first).
SLOW_LINK_MS = 1000
_HOST_ORDER = (
    case((func.coalesce(Link.last_elapsed_ms, 0) >= SLOW_LINK_MS, -col(Link.last_elapsed_ms)),
         else_=0),
    col(Link.next_check_at).asc().nulls_first(), col(Link.id))


def lease_batch(session: Session, owner: str, scope: Scope, *, lease_seconds: float,
                hosts: int, links_per_host: int, max_links: int | None = None,
                now: datetime | None = None, held: Collection[str] = (),
                top_up: Collection[str] = (), busiest_first: bool = False
                ) -> list[LeasedLink]:
    """Lease the due links of up to ``hosts`` hosts no other worker holds and not in
    ``held`` (the hosts the caller already has links of), and more links of its hosts in
    ``top_up`` (slow links first, then new ones, then the longest overdue: ``_HOST_ORDER``),
    at most ``links_per_host`` per host and ``max_links`` in all. New hosts come longest
    overdue first, or with ``busiest_first`` (a run with no budget: its length is the busiest
    host's) the host with the most due links first. The caller commits
    (``Database.session`` does)."""
    now = now or datetime.now(UTC)
    until = now + timedelta(seconds=lease_seconds)
    postgres = session.get_bind().dialect.name == "postgresql"
    lock_for_write(session)
    overdue = func.min(func.coalesce(Link.next_check_at, EPOCH))
    order = (func.count().desc(), overdue) if busiest_first else (overdue,)
    free_by_host = (select(Link.host, func.count())
                    .where(_due(scope, now), _free(owner, now),
                           col(Link.host).not_in(_busy_hosts(owner, now)))
                    .group_by(col(Link.host)))
    refills = session.exec(free_by_host.where(col(Link.host).in_(list(top_up)))).all() \
        if top_up else []
    known = [*held, *top_up]
    new_hosts = free_by_host.where(col(Link.host).not_in(known)) if known else free_by_host
    candidates = session.exec(new_hosts.order_by(*order, col(Link.host))
                              .limit(hosts * 2)).all() if hosts > 0 else []
    leased: list[LeasedLink] = []
    taken_hosts = 0
    for n, (host, free) in enumerate([*refills, *candidates]):
        new = n >= len(refills)
        if (new and taken_hosts >= hosts) or (max_links is not None and len(leased) >= max_links):
            break
        if postgres:
            # Only one worker at a time may claim a host; the UPDATE below runs after the
            # lock is held, so its snapshot sees every lease committed before.
            locked = session.exec(
                select(func.pg_try_advisory_xact_lock(func.hashtextextended(host, 0)))
            ).first()
            if not locked:
                continue
        room = links_per_host if max_links is None else min(links_per_host,
                                                             max_links - len(leased))
        ids = session.exec(
            select(Link.id)
            .where(Link.host == host, _due(scope, now), _free(owner, now),
                   ~exists().where(col(Link.host) == host, col(Link.lease_until) >= now,
                                   col(Link.lease_owner) != owner))
            .order_by(*_HOST_ORDER)
            .limit(room)
            .with_for_update(skip_locked=True)  # dropped by SQLAlchemy on SQLite
        ).all()
        # RETURNING comes back in the table's order, not the lease's: put it back in order
        position = {link_id: n for n, link_id in enumerate(ids)}
        rows = sorted(session.exec(
            update(Link).where(col(Link.id).in_(ids))
            .values(lease_owner=owner, lease_until=until)
            .returning(col(Link.id), col(Link.url), col(Link.host), col(Link.etag),
                       col(Link.last_modified), col(Link.final_url))
            .execution_options(synchronize_session=False)
        ).all(), key=lambda row: position[row[0]])
        taken_hosts += bool(rows) and new
        left = max(0, free - len(rows))
        leased.extend(LeasedLink(r[0], r[1], r[2], r[3], r[4], r[5], None, left)
                      for r in rows)
    titles = reference_titles(session, [link.id for link in leased])
    return [replace(x, reference_title=titles.get(x.id)) for x in leased]


def reference_titles(session: Session, link_ids: Sequence[int]) -> dict[int, str]:
    """The title of the first reference citing each link (what a page title is compared to)."""
    titles: dict[int, str] = {}
    for start in range(0, len(link_ids), 500):
        chunk = list(link_ids[start:start + 500])
        rows = session.exec(
            select(Reference.link_id, Reference.title)
            .where(col(Reference.link_id).in_(chunk), col(Reference.title).is_not(None))
            .order_by(col(Reference.id))
        ).all()
        for link_id, title in rows:
            if link_id is not None and title is not None:  # both filtered out in SQL
                titles.setdefault(link_id, title)
    return titles


def heartbeat(session: Session, owner: str, *, lease_seconds: float,
              now: datetime | None = None) -> int:
    """Extend every lease ``owner`` holds; the number of links still leased."""
    now = now or datetime.now(UTC)
    result = session.exec(
        update(Link).where(col(Link.id).in_(_locked_in_order(col(Link.lease_owner) == owner)))
        .values(lease_until=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def _locked_in_order(condition: ColumnElement[bool]) -> ScalarSelect[int | None]:
    """The ids matching ``condition``, row-locked in id order: every statement that waits
    for link row locks takes them in the same order, so workers never deadlock."""
    return (select(Link.id).where(condition).order_by(col(Link.id)).with_for_update()
            .scalar_subquery())


def release(session: Session, owner: str, link_ids: Sequence[int] | None = None) -> int:
    """Give back ``owner``'s leases (all, or the given links); the number released."""
    condition = col(Link.lease_owner) == owner
    if link_ids is not None:
        condition = and_(condition, col(Link.id).in_(list(link_ids)))
    result = session.exec(
        update(Link).where(col(Link.id).in_(_locked_in_order(condition)))
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def expire(session: Session, owners: Sequence[str], now: datetime | None = None) -> int:
    """End the leases of workers known to be dead, so others need not wait for expiry."""
    if not owners:
        return 0
    leased_by_them = col(Link.lease_owner).in_(list(owners))
    result = session.exec(
        update(Link).where(col(Link.id).in_(_locked_in_order(leased_by_them)))
        .values(lease_until=(now or datetime.now(UTC)) - timedelta(seconds=1))
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class Remaining:
    """What is left of a scope's work: due and free, leased by others, leased by me."""

    free: int
    others: int
    mine: int

    @property
    def total(self) -> int:
        return self.free + self.others + self.mine


def remaining(session: Session, owner: str, scope: Scope,
              now: datetime | None = None) -> Remaining:
    """How many links the scope still wants checked in its run, by who holds them."""
    now = now or datetime.now(UTC)
    live = and_(col(Link.lease_until).is_not(None), col(Link.lease_until) >= now)
    row = session.exec(
        select(
            func.count().filter(~live, or_(col(Link.lease_owner).is_(None),
                                            col(Link.lease_owner) != owner)),
            func.count().filter(live, col(Link.lease_owner) != owner),
            func.count().filter(col(Link.lease_owner) == owner),
        ).where(_due(scope, now))
    ).one()
    free, others, mine = (int(v or 0) for v in row)
    return Remaining(free=free, others=others, mine=mine)
