"""Reading the history behind ``provenance changes``: for each link checked (or looked up in
the archive) after a run, its state at the start and at the end of the period.

Read from the history tables (``state_before``/``state_after`` of each LinkCheck and
ArchiveLookup), so it is the same whichever process made the checks; what counts as "newly
dead" and the like is decided by the caller (:mod:`provenance.runs.changes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from provenance.domain.runs import RunStatus
from provenance.errors import NotFoundError
from provenance.store.database import Database
from provenance.store.key_batches import in_batches
from provenance.store.models import ArchiveLookup, CheckRun, Link, LinkCheck, Reference
from provenance.store.urls import normalized_other_urls, url_host


@dataclass(frozen=True)
class Span:
    """One link over the period: its state before the first and after the last entry, and
    what the last entry said (a check, or an archive lookup: outcome = its result,
    http_status = the archived status, final_url = the archive URL)."""

    link_id: int
    url: str
    before: str
    after: str
    outcome: str
    http_status: int | None
    final_url: str | None
    at: datetime
    run_id: int | None
    title_mismatch: bool = False


@dataclass(frozen=True)
class History:
    """Check runs after ``since`` and what their checks and archive lookups did."""

    since: int | None  # None: no check run yet
    runs: tuple[int, ...] = ()
    inconclusive_runs: tuple[int, ...] = ()
    checks: int = 0
    links: tuple[Span, ...] = ()
    mismatched_before: frozenset[int] = frozenset()  # last check up to ``since`` mismatched
    archives: tuple[Span, ...] = ()


def history_since(db: Database, run_id: int | None = None) -> History:
    """The history after check run ``run_id`` (0: all of it); by default, of the latest run."""
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
            return History(since=None)
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
        spans = tuple(
            Span(link_id, url, first[link_id].state_before, check.state_after, check.outcome,
                 check.http_status, check.final_url, check.checked_at, check.run_id,
                 check.title_mismatch)
            for link_id, (check, url) in last.items())
        return History(
            since=since, runs=tuple(i for i in ids if i > since),
            inconclusive_runs=tuple(i for i, status in statuses.items()
                                    if i > since and status == RunStatus.INCONCLUSIVE),
            checks=len(rows), links=spans,
            mismatched_before=_mismatched_before(
                session, since, [s.link_id for s in spans if s.title_mismatch]),
            archives=_archive_spans(session, since))


def _archive_spans(session: Session, since: int) -> tuple[Span, ...]:
    """Each link's archive state from the first to the last archive entry (lookups and
    derived moves) made since run ``since``'s successor began."""
    start = session.exec(select(func.min(CheckRun.started_at))
                         .where(col(CheckRun.id) > since)).first()
    if start is None:
        return ()
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
    return tuple(
        Span(link_id, url, first[link_id].state_before, lookup.state_after, lookup.result,
             lookup.archived_status, lookup.archive_url, lookup.looked_up_at, lookup.run_id)
        for link_id, (lookup, url) in last.items())


def _mismatched_before(session: Session, since: int, link_ids: list[int]) -> frozenset[int]:
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
    return frozenset(found)


@dataclass(frozen=True)
class Carrier:
    """A current reference carrying a link: as its ``url``, or as one of its other URLs."""

    document_id: int
    label: str
    role: str  # url | other


def carriers(db: Database, links: dict[int, str]) -> dict[int, list[Carrier]]:
    """Link id -> the current references carrying it, for ``links`` (id -> normalised URL).

    A reference's own link is found by its ``link_id``; its other URLs (``extra["urls"]``)
    by the references whose other URLs name the link's host, normalised and compared here:
    two statements per 200 links, whatever the number of references."""
    out: dict[int, list[Carrier]] = {i: [] for i in links}
    by_url = {url: i for i, url in links.items()}
    ids = sorted(links)
    with db.session() as session:
        for chunk in in_batches(ids, 200):
            for doc_id, label, link_id in session.exec(
                    select(Reference.document_id, Reference.label, Reference.link_id)
                    .where(col(Reference.current).is_(True), col(Reference.link_id).in_(chunk))
                    .order_by(col(Reference.document_id), col(Reference.ordinal))):
                out[link_id or 0].append(Carrier(doc_id, label, "url"))
            hosts = sorted({name for i in chunk for name in _host_spellings(links[i])})
            if not hosts:
                continue
            carried = func.lower(col(Reference.extra)["urls"].as_string())
            for ref in session.exec(
                    select(Reference).where(col(Reference.current).is_(True), or_(
                        *(carried.contains(h, autoescape=True) for h in hosts)))
                    .order_by(col(Reference.document_id), col(Reference.ordinal))):
                for _url, normalized in normalized_other_urls(ref.url, ref.archive_url,
                                                              ref.extra.get("urls", "")):
                    link_id = by_url.get(normalized)
                    if link_id is not None and link_id in chunk:
                        out[link_id].append(Carrier(ref.document_id, ref.label, "other"))
    return out


def _host_spellings(normalized: str) -> set[str]:
    """The host of a normalised URL as a reference may have written it: as stored (an
    internationalised name punycoded, ``xn--bcher-kva.example``) and in Unicode
    (``bücher.example``), lower-cased."""
    host = url_host(normalized)
    if not host:
        return set()
    try:
        return {host, host.encode("ascii").decode("idna").lower()}
    except UnicodeError:
        return {host}


def _span(ids: list[int]) -> str:
    return f"{ids[0]}..{ids[-1]}" if ids else "none yet"
