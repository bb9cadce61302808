"""The report reads a bounded number of SQL statements per document, however many links it
has (counted with an SQLAlchemy event listener on the real engine)."""

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
from provenance.store.database import Database
from provenance.store.documents import save_document
from provenance.store.models import Link, LinkCheck

# documents list, then per document: claims, references, citations, links, edits, history
BOUND_PER_DOCUMENT = 9  # 6 + support, corroboration and drift (issue 12)
# then, for the whole report: reviewers' verdicts and accepted flags (claims 500 at a time)
DECISIONS = 2


def _document(links: int, tag: str) -> ParsedDocument:
    refs = tuple(ParsedReference(label=str(i), raw=f"Source {i}",
                                 fields=ReferenceFields(
                                     url=f"http://{tag}{i}.test/p", title=f"Page {i}",
                                     # another URL carried beside it: its link is read too
                                     extra={"urls": f"http://{tag}{i}.test/p "
                                                    f"http://{tag}{i}.test/also"}))
                 for i in range(links))
    claims = tuple(ParsedClaim(section="Lead", text=f"Claim {i} of {tag}.",
                               citations=(ParsedCitation(label=str(i)),))
                   for i in range(links))
    return ParsedDocument(format="markdown", title=f"Doc {tag}", claims=claims,
                          references=refs)


def _store(db: Database, links: int, tag: str) -> int:
    """A document citing ``links`` links, each with another URL beside it, every link with
    three checks, and one hand edit."""
    with db.session() as session:
        saved = save_document(session, _document(links, tag), origin=f"/{tag}.md",
                              content_hash=tag)
        stored = session.exec(select(Link).where(col(Link.url).startswith(f"http://{tag}"))
                              ).all()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        session.add_all(LinkCheck(link_id=link.id, checked_at=start + timedelta(days=d),
                                  outcome="ok", state_before="alive", state_after="alive")
                        for link in stored for d in range(3))
    from provenance.services.documents import edit_reference

    edit_reference(db, str(saved.document_id), "0", {"title": "Fixed"})
    return saved.document_id


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_report_queries_do_not_grow_with_links(db: Database) -> None:
    from provenance.services.report import build_report

    small = _store(db, 3, "small")
    large = _store(db, 150, "large")
    with counting(db) as few:
        small_report = build_report(db, str(small))
    with counting(db) as many:
        large_report = build_report(db, str(large))
    with counting(db) as every:
        whole = build_report(db)
    doc = large_report["documents"][0]
    assert len(doc["references"]) == 150 and len(doc["claims"]) == 150
    assert all(len(r["link"]["history"]) == 3 for r in doc["references"] if r["link"])
    others = [o for r in doc["references"] for o in r["other_urls"]]
    assert len(others) == 150 and all(o["link"] and len(o["link"]["history"]) == 3
                                      for o in others)
    assert doc["references"][0]["history"][0]["new"] == "Fixed"
    assert small_report["documents"][0]["summary"]["references"] == 3
    assert len(whole["documents"]) == 2
    # finding the document by its id: one more statement
    assert len(many) == len(few) <= 1 + BOUND_PER_DOCUMENT + DECISIONS, many
    assert len(every) <= 1 + 2 * BOUND_PER_DOCUMENT + DECISIONS, every
