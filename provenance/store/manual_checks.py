"""A check of one link asked for by hand (the review app's "check now", ``recheck``).

It is recorded like any other check, in a run of its own (kind ``manual``), so the link's
history shows it and the nightly run, which only joins runs of kind ``check``, is not mixed
up with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from provenance.domain import links as t
from provenance.errors import NotFoundError
from provenance.settings import Settings
from provenance.store.checks import record_results
from provenance.store.database import Database
from provenance.store.leases import reference_titles
from provenance.store.lookup import find_document
from provenance.store.models import CheckRun, Document, Link, Reference
from provenance.store.runs import COMPLETE, RUNNING


@dataclass(frozen=True)
class ManualCheck:
    """The task to run and the run it is recorded in."""

    run_id: int
    document_id: int
    task: t.CheckTask


def _reference_link(session: Session, document: Document, label: str) -> Link:
    """The link of reference ``[label]`` of ``document`` (NotFoundError without a URL)."""
    ref = session.exec(select(Reference).where(
        Reference.document_id == document.id, Reference.label == label)
        .order_by(col(Reference.group))).first()
    if ref is None:
        raise NotFoundError(f"document {document.id} has no reference {label!r}")
    link = session.get(Link, ref.link_id) if ref.link_id else None
    if link is None:
        raise NotFoundError(f"reference [{label}] of document {document.id} has no URL to check")
    return link


def open_manual_check(db: Database, document: str, label: str, who: str) -> ManualCheck:
    """A run of kind ``manual`` for one check of the link of reference ``[label]``."""
    with db.session() as session:
        doc = find_document(session, document)
        return _open(session, doc.id or 0, _reference_link(session, doc, label), who)


def _open(session: Session, document_id: int, link: Link, who: str) -> ManualCheck:
    run = CheckRun(kind="manual", started_at=datetime.now(UTC), status=RUNNING,
                   options={"link": link.id, "by": who})
    session.add(run)
    session.flush()
    title = reference_titles(session, [link.id or 0]).get(link.id or 0)
    return ManualCheck(run.id or 0, document_id, t.CheckTask(
        link_id=link.id or 0, url=link.url, reference_title=title, etag=link.etag,
        last_modified=link.last_modified, previous_final_url=link.final_url))


def record_manual_check(db: Database, check: ManualCheck, result: t.CheckResult,
                        settings: Settings, who: str) -> str:
    """Record the result and close the run; the link's state afterwards."""
    with db.session() as session:
        return _record(session, check, result, settings, who)


def _record(session: Session, check: ManualCheck, result: t.CheckResult, settings: Settings,
            who: str) -> str:
    recorded = record_results(session, [(check.task.link_id, result)], run_id=check.run_id,
                              owner=f"manual:{who}"[:64], settings=settings)
    run = session.get(CheckRun, check.run_id)
    if run is not None:
        run.status, run.finished_at = COMPLETE, datetime.now(UTC)
        run.counts = {"checked": 1, result.outcome: 1}
        session.add(run)
    change = recorded[0].change if recorded else None
    link = session.get(Link, check.task.link_id)
    return change.after.state if change is not None else (link.state if link else "unknown")
