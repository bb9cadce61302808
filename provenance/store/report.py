"""Reading what the report shows: a document's rows in a fixed number of statements.

One statement each for the claims, the references, the citations, the links, the reference
edits and the latest checks of every link (a correlated ``LIMIT`` per link, served by the
``(link_id, checked_at)`` index): six per document whatever the number of links. The links
are those the references cite and the other URLs they carry (``extra["urls"]``, found by
the hash of their normalised URL in the same statement, a batch of hashes at a time: past
the first batch, one statement more for the links and one for their checks per batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from provenance.store.database import Database
from provenance.store.key_batches import in_batches
from provenance.store.lookup import find_document
from provenance.store.models import (
    Citation,
    Claim,
    Document,
    Link,
    LinkCheck,
    Reference,
    ReferenceEdit,
)
from provenance.store.sources import SupportExtras, empty_extras, report_extras
from provenance.store.urls import normalized_other_urls, url_hash

CHECKS_PER_LINK = 5


@dataclass(frozen=True)
class DocumentRows:
    """Everything stored about one document that its report shows."""

    document: Document
    claims: list[Claim]
    references: list[Reference]  # in list order
    citations: list[Citation]  # by claim, then position
    links: dict[int, Link]
    edits: dict[int, list[ReferenceEdit]]  # reference id -> edits, oldest first
    checks: dict[int, list[LinkCheck]]  # link id -> latest checks, newest first
    # what verify found (store/sources.report_extras): support and corroboration by claim id,
    # drift by link id; three more statements, only when there are claims or links
    extras: SupportExtras = field(default_factory=empty_extras)
    # reference id -> the other URLs it carries, as written, each with its Link (None: no row)
    other_links: dict[int, list[tuple[str, Link | None]]] = field(default_factory=dict)


def read_report(db: Database, document: str | None = None, *, history: bool = True
                ) -> list[DocumentRows]:
    """The rows of the document a command line names (id, origin or title), or of every
    document in id order; ``history``: with reference edits and recent checks."""
    with db.session() as session:
        if document is not None:
            docs = [find_document(session, document)]
        else:
            docs = list(session.exec(select(Document).order_by(col(Document.id))))
        return [document_rows(session, doc, history=history) for doc in docs]


def document_rows(session: Session, doc: Document, *, history: bool = True,
                  checks_per_link: int = CHECKS_PER_LINK) -> DocumentRows:
    claims = list(session.exec(select(Claim).where(Claim.document_id == doc.id)
                               .order_by(col(Claim.ordinal))))
    refs = list(session.exec(select(Reference).where(Reference.document_id == doc.id)
                             .order_by(col(Reference.ordinal), col(Reference.id))))
    citations = list(session.exec(
        select(Citation).join(Claim, col(Claim.id) == Citation.claim_id)
        .where(Claim.document_id == doc.id)
        .order_by(col(Citation.claim_id), col(Citation.position))))
    others = {ref.id or 0: normalized_other_urls(ref.url, ref.archive_url,
                                                 ref.extra.get("urls", "")) for ref in refs}
    hashes = sorted({url_hash(n) for pairs in others.values() for _u, n in pairs})
    wanted = _wanted_links(doc.id or 0, hashes) if hashes or any(r.link_id for r in refs) \
        else []
    links: dict[int, Link] = {}
    for condition in wanted:
        links.update((link.id or 0, link) for link in session.exec(select(Link).where(condition)))
    by_url = {link.url: link for link in links.values()}
    other_links = {ref_id: [(u, by_url.get(n)) for u, n in pairs]
                   for ref_id, pairs in others.items() if pairs}
    edits: dict[int, list[ReferenceEdit]] = {}
    checks: dict[int, list[LinkCheck]] = {}
    if history and refs:
        for edit in session.exec(
                select(ReferenceEdit).join(Reference, col(Reference.id) ==
                                           ReferenceEdit.reference_id)
                .where(Reference.document_id == doc.id).order_by(col(ReferenceEdit.id))):
            edits.setdefault(edit.reference_id, []).append(edit)
    if history and links:
        seen: set[int] = set()  # a link cited by one reference and carried by another
        for condition in wanted:
            for check in _latest_checks(session, condition, checks_per_link):
                if check.id not in seen:
                    seen.add(check.id or 0)
                    checks.setdefault(check.link_id, []).append(check)
    extras = report_extras(session, [c.id or 0 for c in claims], sorted(links))
    return DocumentRows(doc, claims, refs, citations, links, edits, checks, extras,
                        other_links)


def _wanted_links(document_id: int, hashes: Sequence[str]) -> list[ColumnElement[bool]]:
    """Conditions on ``Link`` that together select the links a document's report shows: the
    links its references cite, with the first batch of the other URLs' hashes, then one
    condition per further batch (a statement binds a bounded number of parameters)."""
    cited: ColumnElement[bool] = col(Link.id).in_(select(Reference.link_id).where(
        Reference.document_id == document_id, col(Reference.link_id).is_not(None)))
    by_hash = [col(Link.url_hash).in_(batch) for batch in in_batches(hashes)]
    if not by_hash:
        return [cited]
    return [or_(cited, by_hash[0]), *by_hash[1:]]


def _latest_checks(session: Session, wanted: ColumnElement[bool], limit: int) -> list[LinkCheck]:
    """The ``limit`` newest checks of each link ``wanted`` selects, newest first."""
    other = aliased(LinkCheck)
    newest = (select(other.id).where(other.link_id == Link.id)
              .order_by(col(other.checked_at).desc(), col(other.id).desc())
              .limit(limit).correlate(Link))
    stmt = (select(LinkCheck).join(Link, col(LinkCheck.id).in_(newest.scalar_subquery()))
            .where(wanted)
            .order_by(col(LinkCheck.link_id), col(LinkCheck.checked_at).desc(),
                      col(LinkCheck.id).desc()))
    return list(session.exec(stmt))


def link_history(db: Database, link_id: int, limit: int = 10) -> list[LinkCheck]:
    """The ``limit`` most recent checks of a link, newest first."""
    with db.session() as session:
        return list(session.exec(select(LinkCheck).where(LinkCheck.link_id == link_id)
                                 .order_by(col(LinkCheck.checked_at).desc(),
                                           col(LinkCheck.id).desc()).limit(limit)))
