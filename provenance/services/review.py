"""Reviewing use cases, shared by the CLI and the review app: the report, the list of
documents, a verdict on a claim-reference pair, an accepted flag, a fixed reference, a new
citation. Every change is kept with who made it and when (the store's history tables).

Functions take the Database and plain values and return plain values (dicts), so a caller
never holds a row after its session closed.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from typing import Any

from provenance.domain.review import ReviewVerdict, review_verdict
from provenance.errors import NotFoundError, UsageError
from provenance.report.model import DocumentReport, Report
from provenance.services.documents import add_citation, edit_reference
from provenance.services.report import build_report
from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.edits import Cited, Corrected
from provenance.store.reviews import record_acceptance, record_review

VERDICTS = tuple(ReviewVerdict)
NOTE_LIMIT = 4000
NAME_LIMIT = 128


def reviewer_name(explicit: str | None = None) -> str:
    """Who is making a change: the name given, else the system user."""
    name = (explicit or "").strip()
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):
            name = "unknown"
    return name[:NAME_LIMIT]


def verdict_name(value: str) -> ReviewVerdict:
    """``supports``, ``partly``, ``does-not-support`` or ``unsure`` (spaces allowed)."""
    verdict = review_verdict(value)
    if verdict is None:
        raise UsageError(f"unknown verdict {value!r} (known: {', '.join(VERDICTS)})")
    return verdict


def _note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise UsageError(f"the note is {len(text)} characters, over the limit of {NOTE_LIMIT}")
    return text or None


def report(db: Database, document: str | None = None, *,
           history: bool = True) -> Report:
    """The report model (the JSON report) of one document (id, title or origin) or all,
    with the reviewers' decisions."""
    return build_report(db, document, history=history)


def document_report(db: Database, document: str) -> DocumentReport:
    """One document's part of the report model."""
    return report(db, document)["documents"][0]


def list_documents(db: Database) -> list[dict[str, Any]]:
    """Each stored document: id, title, format, claims, references, gaps (claims and
    references with at least one flag)."""
    rows = []
    for doc in report(db, history=False)["documents"]:
        gaps = (sum(1 for c in doc["claims"] if c["flags"])
                + sum(1 for r in doc["references"] if r["flags"]))
        rows.append({"id": doc["id"], "title": doc["title"], "format": doc["format"],
                     "origin": doc["origin"], "claims": len(doc["claims"]),
                     "references": len(doc["references"]), "gaps": gaps})
    return rows


def record_verdict(db: Database, document: str, claim_id: int, label: str, verdict: str,
                   *, note: str | None = None, reviewer: str | None = None) -> dict[str, Any]:
    """A reviewer's verdict on claim ``claim_id`` resting on reference ``[label]``."""
    return record_review(db, document, claim_id, label, verdict=verdict_name(verdict),
                         note=_note(note), reviewer=reviewer_name(reviewer))


def accept_flag(db: Database, document: str, claim_id: int, flag: str, *,
                note: str | None = None, reviewer: str | None = None) -> dict[str, Any]:
    """Accept a flag the claim carries now (an uncited sentence that needs no source): it
    leaves the claim's flags and the counts, and is listed as accepted with who and why."""
    text = _note(note)
    doc = report(db, document, history=False)["documents"][0]
    claim = next((c for c in doc["claims"] if c["id"] == claim_id), None)
    if claim is None:
        raise NotFoundError(f"document {doc['id']} has no claim {claim_id}")
    if flag not in claim["flags"]:
        raise UsageError(f"claim {claim_id} is not flagged {flag!r} "
                         f"(its flags: {', '.join(claim['flags']) or 'none'})")
    return record_acceptance(db, str(doc["id"]), claim_id, flag=flag, note=text,
                             reviewer=reviewer_name(reviewer))


def fix_reference(db: Database, document: str, label: str,
                  fields: Mapping[str, str | None], *,
                  reviewer: str | None = None) -> Corrected:
    """Fill or correct fields of reference ``[label]`` (as typed: dates and languages are
    parsed); each changed field is kept in its history (old and new value, who, when)."""
    return edit_reference(db, document, label, fields, editor=reviewer_name(reviewer))


def attach_citation(db: Database, document: str, claim_id: int,
                    fields: Mapping[str, str | None], *,
                    reviewer: str | None = None) -> Cited:
    """A new reference (at least a URL, fields as typed) cited by claim ``claim_id``."""
    return add_citation(db, document, claim_id, fields, editor=reviewer_name(reviewer))


async def check_link_now(db: Database, settings: Settings, document: str, label: str, *,
                         reviewer: str | None = None,
                         checker: Any = None) -> dict[str, Any]:
    """Check the link of reference ``[label]`` now, under the checker's usual rules (SSRF
    safety, size caps, timeouts), and record it in the link's history. ``checker``: an open
    checker to use instead of a new one (tests)."""
    from provenance.check.engine import Checker
    from provenance.store.manual_checks import open_manual_check, record_manual_check

    who = reviewer_name(reviewer)
    job = open_manual_check(db, document, label, who)
    if checker is None:
        async with Checker(settings) as own:
            result = await own.check(job.task)
    else:
        result = await checker.check(job.task)
    state = record_manual_check(db, job, result, settings, who)
    return {"document": job.document_id, "label": label, "url": job.task.url,
            "outcome": result.outcome, "http_status": result.http_status, "state": state}
