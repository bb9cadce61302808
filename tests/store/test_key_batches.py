"""A document larger than one statement can bind: a lookup by a list of ids or hashes goes
one batch at a time (SQLite binds at most 32,766 parameters per statement, PostgreSQL
65,535; a 3 MB Markdown file of 72,000 sentences, or one footnote of 70,000 URLs, broke
the report and the ingest on PostgreSQL with 'number of parameters must be between 0 and
65535'). Measured here on a smaller document by the parameters each SELECT, UPDATE or
DELETE binds, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import col, select

from provenance.domain.documents import (
    ParsedCitation,
    ParsedClaim,
    ParsedDocument,
    ParsedReference,
    ReferenceFields,
)
from provenance.services.documents import edit_reference
from provenance.services.report import build_report
from provenance.store.database import Database
from provenance.store.documents import save_document
from provenance.store.edits import add_citation
from provenance.store.key_batches import PER_STATEMENT, in_batches
from provenance.store.models import Citation, Claim, Document, Link, LinkCheck, Reference

SIZE = PER_STATEMENT + 150  # two batches of each list
START = datetime(2026, 1, 1, tzinfo=UTC)


def _document(version: str) -> ParsedDocument:
    """One footnote carrying SIZE other URLs (the first also cited on its own by [2]) and
    SIZE sentences citing it."""
    urls = " ".join(f"https://mirror{i}.test/p" for i in range(SIZE + 1))
    refs = (ParsedReference("1", "Mirrors", ReferenceFields(
                url="https://mirror0.test/p", extra={"urls": urls})),
            ParsedReference("2", "One mirror", ReferenceFields(url="https://mirror1.test/p")))
    claims = tuple(ParsedClaim(section="S", text=f"Sentence {i} of {version}.",
                               citations=(ParsedCitation("1"),)) for i in range(SIZE))
    return ParsedDocument(format="markdown", title="Many", claims=claims, references=refs)


@contextmanager
def _widest(db: Database) -> Iterator[list[int]]:
    """The number of parameters of every SELECT, UPDATE and DELETE run meanwhile."""
    widths: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "UPDATE", "DELETE"):
            widths.append(len(parameters) if parameters else 0)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield widths
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_batches_cover_every_item_once() -> None:
    assert [list(b) for b in in_batches(range(7), 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(in_batches([], 3)) == []


def test_a_document_past_one_batch_is_stored_and_reported_whole(db: Database) -> None:
    with _widest(db) as widths, db.session() as session:
        saved = save_document(session, _document("v1"), origin="/many.md",
                              content_hash="v1")
    assert max(widths) <= PER_STATEMENT + 10
    with db.session() as session:
        links = session.exec(select(Link).where(col(Link.host).endswith(".test"))).all()
        assert len(links) == SIZE + 1
        session.add_all(LinkCheck(link_id=link.id or 0, checked_at=START + timedelta(days=d),
                                  outcome="ok", state_before="alive", state_after="alive")
                        for link in links for d in range(3))
    edit_reference(db, str(saved.document_id), "2", {"title": "Kept by hand"})
    with db.session() as session:
        first = session.exec(select(Claim).where(Claim.document_id == saved.document_id)
                             .order_by(col(Claim.ordinal))).first()
        document = session.get(Document, saved.document_id)
        assert first is not None and document is not None
        add_citation(session, document, first.id or 0, {"url": "https://hand.test/x"})

    with _widest(db) as widths:
        report = build_report(db, str(saved.document_id))
    assert max(widths) <= PER_STATEMENT + 10
    doc = report["documents"][0]
    assert len(doc["claims"]) == SIZE
    mirrors, one = doc["references"][:2]
    others = mirrors["other_urls"]
    assert len(others) == SIZE
    assert all(o["link"] and len(o["link"]["history"]) == 3 for o in others)
    # mirror1 is [2]'s own link and one of [1]'s other URLs: its checks once, not twice
    assert len(one["link"]["history"]) == 3
    assert one["history"][0]["new"] == "Kept by hand"

    # a new version: every sentence edited, the hand edit and the hand citation kept
    with _widest(db) as widths, db.session() as session:
        again = save_document(session, _document("v2"), origin="/many.md",
                              content_hash="v2")
    assert max(widths) <= PER_STATEMENT + 10
    assert again.status == "updated"
    with db.session() as session:
        texts = session.exec(select(Claim.text).where(col(Claim.current).is_(True))).all()
        assert len(texts) == SIZE and all(t.endswith("of v2.") for t in texts)
        manual = session.exec(select(Citation).where(Citation.origin == "manual")).all()
        assert len(manual) == 1
        two = session.exec(select(Reference).where(Reference.label == "2")).one()
        assert two.title == "Kept by hand"
