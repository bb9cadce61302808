"""Writing parsed documents: insert, re-ingest in place with stable claim ids, keep hand edits.

Identity of a document is its origin (absolute path or URL). Re-ingesting the same content
is a no-op; a revised version updates the document in place: a claim whose text is unchanged
keeps its id, citations and references added by hand survive, and hand edits of reference
fields are re-applied over the freshly parsed values. Rows are written in bulk (one INSERT per
table per document), inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from provenance.domain.documents import ParsedClaim, ParsedDocument, ParsedReference
from provenance.store.database import Database
from provenance.store.edits import decode_field, set_field
from provenance.store.key_batches import in_batches
from provenance.store.links import ensure_links
from provenance.store.models import (
    Citation,
    Claim,
    Document,
    Reference,
    ReferenceEdit,
    utcnow,
)
from provenance.store.urls import normalize_url, other_urls

REFERENCE_FIELDS = ("authors", "date", "title", "trans_title", "work", "publisher", "language",
                    "url", "access_date", "archive_url", "archive_date")


@dataclass(frozen=True)
class SaveResult:
    """What storing one document did."""

    document_id: int
    status: str  # created | updated | unchanged
    claims: int
    references: int


def origin_hash(origin: str) -> str:
    return hashlib.sha256(origin.encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    """Hash of a claim's text with whitespace folded: what keeps a claim id stable."""
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().encode("utf-8")).hexdigest()


def save_document(session: Session, parsed: ParsedDocument, *, origin: str,
                  content_hash: str) -> SaveResult:
    """Insert or update the document at ``origin`` from ``parsed`` (caller commits)."""
    doc = session.exec(select(Document).where(Document.origin_hash == origin_hash(origin))
                       ).one_or_none()
    if doc is not None and doc.content_hash == content_hash and doc.format == parsed.format:
        return SaveResult(doc.id or 0, "unchanged", *_stored_counts(session, doc.id or 0))
    status = "updated" if doc is not None else "created"
    if doc is None:
        doc = Document(origin=origin, origin_hash=origin_hash(origin), format=parsed.format,
                       content_hash=content_hash)
    doc.title = parsed.title
    doc.authors = list(parsed.authors)
    doc.published = parsed.published
    doc.format = parsed.format
    doc.content_hash = content_hash
    doc.facts = [list(fact) for fact in parsed.facts]
    doc.warnings = list(parsed.warnings)
    doc.updated_at = utcnow()
    session.add(doc)
    session.flush()
    assert doc.id is not None
    if status == "created":
        _insert_new(session, doc.id, parsed)
    else:
        references = _save_references(session, doc.id, parsed.references)
        _save_claims(session, doc.id, parsed.claims, references)
    session.flush()
    return SaveResult(doc.id, status, *_stored_counts(session, doc.id))


def _stored_counts(session: Session, document_id: int) -> tuple[int, int]:
    """(current claims, current references) as stored: what ingest prints is what is kept."""
    claims = session.exec(select(func.count()).select_from(Claim).where(
        Claim.document_id == document_id, col(Claim.current).is_(True))).one()
    references = session.exec(select(func.count()).select_from(Reference).where(
        Reference.document_id == document_id, col(Reference.current).is_(True))).one()
    return int(claims), int(references)


# --- a new document: plain bulk INSERTs, no ORM objects --------------------------------------

def _carried_urls(references: Sequence[ParsedReference]) -> list[str]:
    """Every URL the references carry: each primary ``url`` and the others a reference holds
    beside it (``extra["urls"]``, archive snapshots excepted), so all of them are checked."""
    urls: list[str] = []
    for ref in references:
        if ref.fields.url:
            urls.append(ref.fields.url)
        urls.extend(other_urls(ref.fields.url, ref.fields.archive_url,
                               ref.fields.extra.get("urls", "")))
    return urls


def _insert_new(session: Session, document_id: int, parsed: ParsedDocument) -> None:
    """Insert a new document's references, claims and citations: one INSERT per table."""
    link_ids = ensure_links(session, _carried_urls(parsed.references))
    ref_rows, seen = [], set()
    for ordinal, ref in enumerate(parsed.references):
        if (ref.group, ref.label) in seen:
            continue
        seen.add((ref.group, ref.label))
        values = _reference_values(ref)
        normalized = normalize_url(ref.fields.url) if ref.fields.url else None
        ref_rows.append({"document_id": document_id, "label": ref.label, "group": ref.group,
                         "ordinal": ordinal, "origin": "parsed", "current": True,
                         "link_id": link_ids.get(normalized) if normalized else None,
                         **values})
    ref_table = Reference.__table__  # type: ignore[attr-defined]
    references: dict[tuple[str, str], int] = {}
    if ref_rows:
        ids = session.execute(ref_table.insert().returning(
            ref_table.c.id, sort_by_parameter_order=True), ref_rows).scalars().all()
        references = {(r["group"], r["label"]): i for r, i in zip(ref_rows, ids, strict=True)}
    claim_rows = [{"document_id": document_id, "section": pc.section, "ordinal": ordinal,
                   "text": pc.text, "text_hash": text_hash(pc.text), "span_start": pc.start,
                   "span_end": pc.end, "attributions": list(pc.attributions),
                   "tags": list(pc.tags), "current": True}
                  for ordinal, pc in enumerate(parsed.claims)]
    if not claim_rows:
        return
    claim_table = Claim.__table__  # type: ignore[attr-defined]
    claim_ids = session.execute(claim_table.insert().returning(
        claim_table.c.id, sort_by_parameter_order=True), claim_rows).scalars().all()
    citation_rows = [
        {"claim_id": claim_id, "reference_id": references.get((c.group, c.label)),
         "label": c.label, "group": c.group, "position": position, "origin": "parsed"}
        for claim_id, pc in zip(claim_ids, parsed.claims, strict=True)
        for position, c in enumerate(pc.citations)]
    if citation_rows:
        session.execute(Citation.__table__.insert(), citation_rows)  # type: ignore[attr-defined]


# --- references -----------------------------------------------------------------------------

def _precision(value: object, written: str | None) -> str | None:
    """The precision column of a parsed date: None for a full date (or no date)."""
    return written if value is not None and written in ("month", "season", "year") else None


def _reference_values(ref: ParsedReference) -> dict[str, Any]:
    f = ref.fields
    return {
        "raw": ref.raw, "authors": list(f.authors), "date": f.date, "title": f.title,
        "trans_title": f.trans_title, "work": f.work, "publisher": f.publisher,
        "language": f.language, "url": f.url, "access_date": f.access_date,
        "archive_url": f.archive_url, "archive_date": f.archive_date, "extra": dict(f.extra),
        "date_precision": _precision(f.date, f.extra.get("date_precision")),
        "access_date_precision": _precision(f.access_date, f.extra.get("access_date_precision")),
        "archive_date_precision": _precision(f.archive_date,
                                             f.extra.get("archive_date_precision")),
        "tags": list(ref.tags),
    }


def _save_references(session: Session, document_id: int,
                     parsed: Sequence[ParsedReference]) -> dict[tuple[str, str], int]:
    """Upsert the parsed references; returns (group, label) -> reference id for all current ones."""
    existing = {(r.group, r.label): r for r in session.exec(
        select(Reference).where(Reference.document_id == document_id))}
    link_ids = ensure_links(session, _carried_urls(parsed))
    seen: set[tuple[str, str]] = set()
    new_rows: list[Reference] = []
    for ordinal, ref in enumerate(parsed):
        key = (ref.group, ref.label)
        if key in seen:
            continue  # a parser repeating a label: the first definition wins
        seen.add(key)
        values = _reference_values(ref)
        normalized = normalize_url(ref.fields.url) if ref.fields.url else None
        values["link_id"] = link_ids.get(normalized) if normalized else None
        row = existing.get(key)
        if row is None:
            row = Reference(document_id=document_id, label=ref.label, group=ref.group,
                            ordinal=ordinal, **values)
            new_rows.append(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.ordinal = ordinal
            row.current = True
            session.add(row)
    session.add_all(new_rows)
    for key, row in existing.items():
        if key not in seen and row.origin == "parsed":
            row.current = False  # gone from the new version; kept while hand citations use it
            session.add(row)
    session.flush()
    rows = [*existing.values(), *new_rows]
    if existing:
        _reapply_hand_edits(session, rows)
        session.flush()
    return {(r.group, r.label): r.id for r in rows if r.id is not None}


def _reapply_hand_edits(session: Session, rows: Iterable[Reference]) -> None:
    """Fields a user corrected by hand win over what the new version of the document says."""
    by_id = {r.id: r for r in rows if r.id is not None and r.origin == "parsed"}
    if not by_id:
        return
    edits = (edit for batch in in_batches(list(by_id)) for edit in session.exec(
        select(ReferenceEdit).where(col(ReferenceEdit.reference_id).in_(batch),
                                    col(ReferenceEdit.undone).is_(False))
        .order_by(col(ReferenceEdit.id))))  # a reference's edits all in one batch, in order
    for edit in edits:
        if edit.field_name in REFERENCE_FIELDS:
            row = by_id[edit.reference_id]
            set_field(row, edit.field_name, decode_field(edit.field_name, edit.new_value))
            if edit.field_name == "url":
                links = ensure_links(session, [row.url] if row.url else [])
                row.link_id = links.get(normalize_url(row.url) or "") if row.url else None


# --- claims ---------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
# Two sentences are "recognisably the same" when most of their words are shared.
SAME_SENTENCE = 0.6


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _follow_edits(orphans: list[Claim], candidates: list[Claim]) -> dict[int, Claim]:
    """Old hand-cited claim id -> the new claim that is the same sentence edited.

    A new claim is taken by at most one old claim: the one sharing the most words with it
    (Jaccard similarity of their words at least :data:`SAME_SENTENCE`, the same section
    preferred)."""
    moved: dict[int, Claim] = {}
    taken: set[int] = set()
    for old in orphans:
        words = _words(old.text)
        best, best_score = None, SAME_SENTENCE
        for index, new in enumerate(candidates):
            if index in taken:
                continue
            other = _words(new.text)
            union = words | other
            score = len(words & other) / len(union) if union else 0.0
            score += 0.01 if new.section == old.section else 0.0
            if score >= best_score:
                best, best_score = index, score
        if best is not None and old.id is not None:
            taken.add(best)
            moved[old.id] = candidates[best]
    return moved


def _save_claims(session: Session, document_id: int, parsed: Sequence[ParsedClaim],
                 references: dict[tuple[str, str], int]) -> None:
    existing = list(session.exec(select(Claim).where(Claim.document_id == document_id)
                                 .order_by(col(Claim.ordinal))))
    by_hash: dict[str, list[Claim]] = {}
    for claim in existing:
        by_hash.setdefault(claim.text_hash, []).append(claim)
    hand_cited = set(session.exec(
        select(Citation.claim_id).join(Claim, col(Claim.id) == Citation.claim_id)
        .where(Claim.document_id == document_id, Citation.origin == "manual")))
    kept: list[Claim] = []
    new_claims: list[Claim] = []
    for ordinal, pc in enumerate(parsed):
        h = text_hash(pc.text)
        values: dict[str, Any] = {
            "section": pc.section, "ordinal": ordinal, "text": pc.text, "text_hash": h,
            "span_start": pc.start, "span_end": pc.end,
            "attributions": list(pc.attributions), "tags": list(pc.tags), "current": True}
        same = by_hash.get(h)
        if same:
            claim = same.pop(0)
            for name, value in values.items():
                setattr(claim, name, value)
            kept.append(claim)
        else:
            claim = Claim(document_id=document_id, **values)
            new_claims.append(claim)
    kept_ids = {c.id for c in kept}
    gone = [c for c in existing if c.id not in kept_ids]
    moved = _follow_edits([c for c in gone if c.id in hand_cited], new_claims)
    for claim in gone:
        if claim.id in hand_cited and claim.id not in moved:
            # edited past recognition: kept apart, shown as stale with its hand citation
            claim.current = False
            claim.ordinal = len(parsed) + (claim.ordinal or 0)
            kept.append(claim)
    delete_ids = [c.id for c in gone if c.id not in hand_cited]
    for batch in in_batches(delete_ids):
        session.exec(delete(Citation).where(col(Citation.claim_id).in_(batch)))
        session.exec(delete(Claim).where(col(Claim.id).in_(batch)))
    session.add_all(kept)
    session.add_all(new_claims)
    session.flush()
    for old_id, successor in moved.items():  # hand citations follow their edited sentence
        session.exec(update(Citation).where(col(Citation.claim_id) == old_id,
                                            col(Citation.origin) == "manual")
                     .values(claim_id=successor.id))
        session.exec(delete(Citation).where(col(Citation.claim_id) == old_id))
        session.exec(delete(Claim).where(col(Claim.id) == old_id))
    for batch in in_batches([c.id for c in kept]):
        session.exec(delete(Citation).where(col(Citation.claim_id).in_(batch),
                                            col(Citation.origin) == "parsed"))
    by_text: dict[int, ParsedClaim] = {}
    claims_in_order = sorted([*kept, *new_claims], key=lambda c: c.ordinal)
    for claim in claims_in_order:
        if claim.current and claim.ordinal < len(parsed):
            by_text[claim.id or 0] = parsed[claim.ordinal]
    citation_rows = []
    for claim_id, pc in by_text.items():
        for position, cite in enumerate(pc.citations):
            citation_rows.append({
                "claim_id": claim_id, "reference_id": references.get((cite.group, cite.label)),
                "label": cite.label, "group": cite.group, "position": position,
                "origin": "parsed"})
    if citation_rows:
        session.execute(Citation.__table__.insert(), citation_rows)  # type: ignore[attr-defined]
    # references that disappeared and that no hand citation uses any more are deleted
    session.flush()
    _drop_orphaned_references(session, document_id)


def _drop_orphaned_references(session: Session, document_id: int) -> None:
    used = select(Citation.reference_id).where(col(Citation.reference_id).is_not(None))
    session.exec(delete(Reference).where(
        col(Reference.document_id) == document_id, col(Reference.current).is_(False),
        col(Reference.origin) == "parsed", col(Reference.id).not_in(used)))
    session.exec(update(Reference).where(col(Reference.document_id) == document_id,
                                         col(Reference.origin) == "manual").values(current=True))


def store_document(db: Database, parsed: ParsedDocument, *, origin: str,
                   content_hash: str) -> SaveResult:
    """Save one parsed document in its own transaction (nothing stored if it fails)."""
    with db.session() as session:
        return save_document(session, parsed, origin=origin, content_hash=content_hash)
