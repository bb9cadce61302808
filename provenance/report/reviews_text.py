"""What reviewers decided, as rows for the text renderers (Markdown and terminal tables):
verdicts on claim-reference pairs and accepted flags, with who and when."""

from __future__ import annotations

from provenance.report.model import DocumentReport


def review_rows(doc: DocumentReport) -> list[tuple[str, str, str, str, str, str]]:
    """``(claim, source, verdict, note, by, when)`` for every reviewer's verdict."""
    return [(str(c["id"]), f"[{r['label']}]", r["verdict"], r["note"] or "", r["by"],
             r["at"][:16].replace("T", " "))
            for c in doc["claims"] for r in c.get("reviews") or []]


def accepted_rows(doc: DocumentReport) -> list[tuple[str, str, str, str, str, str]]:
    """``(claim, "accepted", flag, note, by, when)`` for every accepted flag."""
    return [(str(c["id"]), "accepted", a["flag"], a["note"] or "", a["by"],
             a["at"][:16].replace("T", " "))
            for c in doc["claims"] for a in c.get("accepted") or []]
