"""Finding the document a command line (or the web app) names: id, origin or title."""

from __future__ import annotations

from sqlmodel import Session, select

from provenance.errors import NotFoundError, UsageError
from provenance.store.database import Database
from provenance.store.models import Document


def find_document(session: Session, spec: str) -> Document:
    """The document a command line names: its id, origin (path or URL, or the end of a path)
    or exact title (case-insensitive); a clear error when none or several match."""
    spec = spec.strip()
    if spec.isdigit():
        doc = session.get(Document, int(spec))
        if doc is not None:
            return doc
    found = list(session.exec(select(Document).where(Document.origin == spec)).all())
    if not found:
        found = [d for d in session.exec(select(Document)).all()
                 if d.origin.endswith("/" + spec) or (d.title or "").lower() == spec.lower()]
    if not found:
        raise NotFoundError(f"no document {spec!r}: document {spec!r} not found by id, origin "
                            "or title (`provenance report` lists them)")
    if len(found) > 1:
        ids = ", ".join(str(d.id) for d in found)
        raise UsageError(f"{spec!r} names {len(found)} documents (ids {ids}): give an id")
    return found[0]


def document_id(db: Database, spec: str | None) -> int | None:
    """The id of the document ``spec`` names (None for None: every document)."""
    if spec is None:
        return None
    with db.session() as session:
        return find_document(session, spec).id
