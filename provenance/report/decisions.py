"""Reviewers' decisions laid over the report model (pure): each claim gets ``reviews`` and
``accepted``; an accepted flag leaves the claim's ``flags`` and the summary counts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from provenance.report.build import summarize
from provenance.report.model import AcceptedView, Report, ReviewView


def apply_decisions(report: Report, reviews: dict[int, list[Any]],
                    accepted: dict[int, list[Any]]) -> Report:
    """The report with the decisions in (the report is changed in place and returned)."""
    total: Counter[str] = Counter()
    for doc in report["documents"]:
        for claim in doc["claims"]:
            mine: list[ReviewView] = reviews.get(claim["id"] or 0, [])
            taken: list[AcceptedView] = accepted.get(claim["id"] or 0, [])
            claim["reviews"], claim["accepted"] = mine, taken
            gone = {a["flag"] for a in taken}
            claim["flags"] = [f for f in claim["flags"] if f not in gone]
        doc["summary"] = summarize(doc["claims"], doc["references"])
        total.update({k: v for k, v in doc["summary"].items() if isinstance(v, int)})
    report["summary"] = dict(total)
    return report
