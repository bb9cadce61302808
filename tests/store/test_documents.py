"""Storing parsed documents: create, no-op re-ingest, revision in place, hand edits kept."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from provenance.domain.documents import (
    ParsedCitation,
    ParsedClaim,
    ParsedDocument,
    ParsedReference,
    ReferenceFields,
)
from provenance.store.documents import save_document
from provenance.store.edits import add_citation, edit_reference
from provenance.store.lookup import find_document
from provenance.store.models import Citation, Claim, Link, Reference, ReferenceEdit


def _doc(*claims: ParsedClaim, refs: tuple[ParsedReference, ...] = ()) -> ParsedDocument:
    return ParsedDocument(format="markdown", title="T", claims=claims, references=refs)


def _claim(text: str, *labels: str) -> ParsedClaim:
    return ParsedClaim(section="S", text=text,
                       citations=tuple(ParsedCitation(label) for label in labels))


REFS = (
    ParsedReference("1", "A ref", ReferenceFields(title="A", url="https://A.example/x#frag")),
    ParsedReference("2", "B ref", ReferenceFields(title="B", url="https://a.example/x")),
    ParsedReference("3", ""),
)


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_same_content_twice_changes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    parsed = _doc(_claim("One.", "1"), _claim("Two.", "2", "9"), refs=REFS)
    with db.session() as s:
        first = save_document(s, parsed, origin="/x.md", content_hash="h1")
    with db.session() as s:
        again = save_document(s, parsed, origin="/x.md", content_hash="h1")
        assert (first.status, again.status) == ("created", "unchanged")
        assert _count(s, Claim) == 2 and _count(s, Reference) == 3 and _count(s, Citation) == 3
        # two references cite the same normalised URL: one Link
        assert _count(s, Link) == 1
        dangling = s.execute(select(Citation).where(Citation.label == "9")).scalar_one()
        assert dangling.reference_id is None


def test_revision_keeps_ids_and_hand_edits(db) -> None:  # type: ignore[no-untyped-def]
    v1 = _doc(_claim("One.", "1"), _claim("Two.", "2"), _claim("Three."), refs=REFS)
    with db.session() as s:
        save_document(s, v1, origin="/x.md", content_hash="h1")
        ids = {c.text: c.id for c in s.execute(select(Claim)).scalars()}
        doc = find_document(s, "/x.md")
        add_citation(s, doc, ids["Three."], {"url": "https://c.example/"})
        add_citation(s, doc, ids["Two."], {"url": "https://d.example/"})
        edit_reference(s, doc, "3", {"url": "https://e.example/", "title": "Fixed"})
    v2 = _doc(_claim("Zero.", "3"), _claim("One.", "1"), _claim("Three."),
              refs=(REFS[0], replace(REFS[2], raw="")))
    with db.session() as s:
        result = save_document(s, v2, origin="/x.md", content_hash="h2")
        assert result.status == "updated"
        claims = {c.text: c for c in s.execute(select(Claim)).scalars()}
        assert claims["One."].id == ids["One."] and claims["Three."].id == ids["Three."]
        assert claims["Zero."].id not in ids.values()
        # "Two." vanished but carries a hand citation: kept, marked not current
        assert claims["Two."].id == ids["Two."] and claims["Two."].current is False
        manual = s.execute(select(Citation).where(Citation.origin == "manual")).scalars().all()
        assert {c.claim_id for c in manual} == {ids["Three."], ids["Two."]}
        ref3 = s.execute(select(Reference).where(Reference.label == "3")).scalar_one()
        assert (ref3.url, ref3.title) == ("https://e.example/", "Fixed")
        assert _count(s, ReferenceEdit) == 4
        # reference 2 is gone from v2 and nothing uses it any more
        assert s.execute(select(Reference).where(Reference.label == "2")).first() is None
