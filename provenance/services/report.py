"""The report use case: the claim-to-source report of one document or of all of them."""

from __future__ import annotations

from provenance.report.build import build_report as build
from provenance.report.decisions import apply_decisions
from provenance.report.model import Report
from provenance.store.database import Database
from provenance.store.report import read_report
from provenance.store.reviews import decisions


def build_report(db: Database, document: str | None = None, *,
                 history: bool = True) -> Report:
    """The report of the document ``document`` names (id, origin or title), or of every
    document, with the reviewers' decisions (verdicts, accepted flags); ``history``: with
    reference edits and each link's latest checks."""
    report = build(read_report(db, document, history=history))
    claim_ids = [c["id"] or 0 for d in report["documents"] for c in d["claims"]]
    return apply_decisions(report, *decisions(db, claim_ids))
