"""Hand edits: attach a new reference to a claim, fill or correct a reference's fields.

Every changed field leaves a ReferenceEdit row (old and new value), so the report can show
where a value came from and an edit can be undone; re-ingesting a document re-applies them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from provenance.domain.partial_dates import PartialDate
from provenance.errors import NotFoundError, UsageError
from provenance.store.database import Database
from provenance.store.links import ensure_links
from provenance.store.lookup import find_document
from provenance.store.models import Citation, Claim, Document, Reference, ReferenceEdit
from provenance.store.urls import normalize_url

DATE_FIELDS = frozenset({"date", "access_date", "archive_date"})
LIST_FIELDS = frozenset({"authors"})
EDITABLE_FIELDS = ("url", "title", "trans_title", "work", "publisher", "authors", "date",
                   "language", "access_date", "archive_url", "archive_date")


def encode_field(name: str, value: Any) -> str | None:
    """A field value as stored in the history table (dates as ISO of their precision)."""
    if value is None:
        return None
    if name in DATE_FIELDS:
        if isinstance(value, PartialDate):
            return value.iso()
        return value.isoformat() if isinstance(value, date) else str(value)
    if name in LIST_FIELDS:
        return json.dumps(list(value), ensure_ascii=False)
    return str(value)


def decode_field(name: str, raw: str | None) -> Any:
    """The inverse of :func:`encode_field`."""
    if raw is None:
        return [] if name in LIST_FIELDS else None
    if name in DATE_FIELDS:
        return PartialDate.parse_iso(raw)
    if name in LIST_FIELDS:
        return list(json.loads(raw))
    return raw


def field_value(ref: Reference, name: str) -> Any:
    """A reference's field; a date with its precision (a :class:`PartialDate`)."""
    value = getattr(ref, name)
    if name in DATE_FIELDS and isinstance(value, date):
        return PartialDate(value, getattr(ref, f"{name}_precision") or "day")
    return value


def set_field(ref: Reference, name: str, value: Any) -> None:
    """Set a reference's field; a date sets its precision column too."""
    if name in DATE_FIELDS:
        partial = value if isinstance(value, PartialDate) or value is None else PartialDate(value)
        setattr(ref, name, partial.value if partial else None)
        setattr(ref, f"{name}_precision", partial.stored_precision if partial else None)
        return
    setattr(ref, name, value)


def validate_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Drop unset values; refuse unknown fields and URLs that are not absolute http(s)."""
    clean = {k: v for k, v in changes.items() if v is not None}
    unknown = set(clean) - set(EDITABLE_FIELDS)
    if unknown:
        raise UsageError(f"unknown reference field(s): {', '.join(sorted(unknown))}")
    for name in ("url", "archive_url"):
        if name in clean and normalize_url(clean[name]) is None:
            raise UsageError(f"--{name.replace('_', '-')} {clean[name]!r} is not an absolute "
                             "http(s) URL")
    return clean


def _apply(session: Session, ref: Reference, changes: dict[str, Any], action: str,
           batch: str, editor: str | None = None) -> list[ReferenceEdit]:
    edits = []
    for name, value in changes.items():
        old = field_value(ref, name)
        if name in DATE_FIELDS and isinstance(value, date):
            value = PartialDate(value)
        if old == value:
            continue
        edits.append(ReferenceEdit(reference_id=ref.id or 0, action=action, field_name=name,
                                   old_value=encode_field(name, old),
                                   new_value=encode_field(name, value), batch=batch,
                                   editor=editor))
        set_field(ref, name, value)
    if "url" in changes:
        links = ensure_links(session, [ref.url] if ref.url else [])
        ref.link_id = links.get(normalize_url(ref.url) or "") if ref.url else None
    session.add(ref)
    session.add_all(edits)
    return edits


def add_citation(session: Session, document: Document, claim_id: int,
                 changes: dict[str, Any], *, editor: str | None = None) -> Reference:
    """Attach a new hand-made reference (label ``added-N``) to a claim of ``document``."""
    changes = validate_changes(changes)
    if "url" not in changes:
        raise UsageError("cite needs --url")
    claim = session.get(Claim, claim_id)
    if claim is None or claim.document_id != document.id:
        raise NotFoundError(f"document {document.id} has no claim {claim_id}")
    count = session.exec(select(func.count()).select_from(Reference).where(
        Reference.document_id == document.id, Reference.origin == "manual")).one()
    label = f"added-{count + 1}"
    ref = Reference(document_id=document.id or 0, label=label, origin="manual",
                    ordinal=10_000 + count, raw="")
    session.add(ref)
    session.flush()
    _apply(session, ref, changes, "cite", uuid.uuid4().hex[:12], editor)
    position = session.exec(select(func.count()).select_from(Citation).where(
        Citation.claim_id == claim_id)).one()
    session.add(Citation(claim_id=claim_id, reference_id=ref.id, label=label,
                         position=position, origin="manual"))
    session.flush()
    return ref


def edit_reference(session: Session, document: Document, label: str,
                   changes: dict[str, Any], *, editor: str | None = None) -> list[ReferenceEdit]:
    """Fill or correct fields of the reference ``label`` of ``document``."""
    changes = validate_changes(changes)
    if not changes:
        raise UsageError("nothing to change: give at least one field (--url, --title, ...)")
    ref = session.exec(select(Reference).where(
        Reference.document_id == document.id, Reference.label == label)
        .order_by(col(Reference.group))).first()
    if ref is None:
        raise NotFoundError(f"document {document.id} has no reference {label!r}")
    edits = _apply(session, ref, changes, "ref", uuid.uuid4().hex[:12], editor)
    session.flush()
    return edits


def reference_history(session: Session, reference_id: int) -> list[ReferenceEdit]:
    return list(session.exec(select(ReferenceEdit).where(
        ReferenceEdit.reference_id == reference_id).order_by(col(ReferenceEdit.id))))


# ---- per use: one transaction each ------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    """One field of a reference changed by hand."""

    field_name: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class Cited:
    """A claim that now cites a new hand-made reference."""

    document_id: int
    claim_id: int
    label: str
    url: str | None


@dataclass(frozen=True)
class Corrected:
    """The fields of reference ``label`` a correction changed (none: it already said that)."""

    document_id: int
    label: str
    changes: list[FieldChange]


def cite(db: Database, document: str, claim_id: int, changes: dict[str, Any], *,
         editor: str | None = None) -> Cited:
    """Attach a new reference to claim ``claim_id`` of the document a command line names."""
    with db.session() as session:
        doc = find_document(session, document)
        ref = add_citation(session, doc, claim_id, changes, editor=editor)
        return Cited(doc.id or 0, claim_id, ref.label, ref.url)


def correct_reference(db: Database, document: str, label: str, changes: dict[str, Any], *,
                      editor: str | None = None) -> Corrected:
    """Fill or correct fields of reference ``label`` of the document a command line names."""
    with db.session() as session:
        doc = find_document(session, document)
        edits = edit_reference(session, doc, label, changes, editor=editor)
        return Corrected(doc.id or 0, label, [
            FieldChange(e.field_name, e.old_value, e.new_value) for e in edits])
