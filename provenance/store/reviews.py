"""Reviewers' decisions: verdicts on claim-reference pairs and accepted flags.

Append-only, like every history here: a new verdict on a pair is a new row (the latest is
current); an accepted flag is a row with who, when and why. Each function opens its own
transaction on the Database and returns plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from provenance.errors import NotFoundError
from provenance.store.database import Database
from provenance.store.lookup import find_document
from provenance.store.models import Citation, Claim, Document, FlagAcceptance, Review


def _claim(session: Session, document: Document, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None or claim.document_id != document.id:
        raise NotFoundError(f"document {document.id} has no claim {claim_id}")
    return claim


def record_review(db: Database, document: str, claim_id: int, label: str, *, verdict: str,
                  note: str | None, reviewer: str) -> dict[str, Any]:
    """A verdict on claim ``claim_id`` resting on its citation ``[label]``."""
    with db.session() as session:
        doc = find_document(session, document)
        claim = _claim(session, doc, claim_id)
        cite = session.exec(select(Citation).where(Citation.claim_id == claim.id,
                                                   Citation.label == label)).first()
        if cite is None:
            raise NotFoundError(f"claim {claim_id} does not cite [{label}]")
        row = Review(claim_id=claim_id, reference_id=cite.reference_id, label=cite.label,
                     verdict=verdict, note=note, reviewer=reviewer)
        session.add(row)
        return {"document": doc.id, "claim": claim_id, "label": row.label,
                "verdict": row.verdict, "note": row.note, "by": row.reviewer}


def record_acceptance(db: Database, document: str, claim_id: int, *, flag: str,
                      note: str | None, reviewer: str) -> dict[str, Any]:
    """An accepted flag of claim ``claim_id`` (the caller checked that it carries it)."""
    with db.session() as session:
        doc = find_document(session, document)
        _claim(session, doc, claim_id)
        row = FlagAcceptance(claim_id=claim_id, flag=flag, note=note, reviewer=reviewer)
        session.add(row)
        return {"document": doc.id, "claim": claim_id, "flag": row.flag, "note": row.note,
                "by": row.reviewer}


Decision = dict[str, Any]


def decisions(db: Database, claim_ids: Iterable[int]) -> tuple[dict[int, list[Decision]],
                                                                 dict[int, list[Decision]]]:
    """Per claim, oldest first: the verdicts (``label, verdict, note, by, at``) and the
    accepted flags (``flag, note, by, at``)."""
    ids = sorted(set(claim_ids))
    reviews: dict[int, list[Decision]] = {}
    accepted: dict[int, list[Decision]] = {}
    with db.session() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for r in session.exec(select(Review).where(col(Review.claim_id).in_(chunk))
                                  .order_by(col(Review.id))):
                reviews.setdefault(r.claim_id, []).append(
                    {"label": r.label, "verdict": r.verdict, "note": r.note,
                     "by": r.reviewer, "at": _iso(r.created_at)})
            for a in session.exec(select(FlagAcceptance).where(
                    col(FlagAcceptance.claim_id).in_(chunk)).order_by(col(FlagAcceptance.id))):
                accepted.setdefault(a.claim_id, []).append(
                    {"flag": a.flag, "note": a.note, "by": a.reviewer,
                     "at": _iso(a.created_at)})
    return reviews, accepted


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
