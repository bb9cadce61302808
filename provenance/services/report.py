"""The report use case: the claim-to-source report of one document or of all of them."""

from __future__ import annotations

from provenance.report.build import build_report as build
from provenance.report.model import Report
from provenance.store.database import Database
from provenance.store.report import read_report


def build_report(db: Database, document: str | None = None, *,
                 history: bool = True) -> Report:
    """The report of the document ``document`` names (id, origin or title), or of every
    document; ``history``: with reference edits and each link's latest checks."""
    return build(read_report(db, document, history=history))
