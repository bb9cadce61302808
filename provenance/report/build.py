"""Build the claim-to-source report (:mod:`provenance.report.model`) from a document's stored
rows: pure, ready for any renderer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from provenance.domain.archive_state import archive_view
from provenance.domain.partial_dates import partial_iso
from provenance.domain.support import CONTENT_DRIFT
from provenance.report import flags as F
from provenance.report.model import (
    ArchiveView,
    CheckView,
    ClaimRow,
    DocumentReport,
    EditView,
    LinkView,
    OtherUrlView,
    ReferenceRow,
    Report,
    check_view,
    edit_view,
    iso,
    link_view,
)
from provenance.store.models import Citation, Link, Reference
from provenance.store.report import DocumentRows


def build_report(documents: Iterable[DocumentRows]) -> Report:
    """The report of ``documents`` (rows read by :func:`provenance.store.report.read_report`)."""
    docs = [build_document(rows) for rows in documents]
    total: Counter[str] = Counter()
    for doc in docs:
        total.update({k: v for k, v in doc["summary"].items() if isinstance(v, int)})
    return {"documents": docs, "summary": dict(total)}


def build_document(rows: DocumentRows) -> DocumentReport:
    """One document's report: flags, citations and link states over its stored rows."""
    doc = rows.document
    by_claim: dict[int, list[Citation]] = {}
    cited_refs: dict[int, list[int]] = {}
    for cite in rows.citations:
        by_claim.setdefault(cite.claim_id, []).append(cite)
        if cite.reference_id is not None:
            cited_refs.setdefault(cite.reference_id, []).append(cite.claim_id)

    seen_keys: set[str] = set()
    histories: dict[int, list[CheckView]] = {
        link_id: [check_view(c) for c in checks] for link_id, checks in rows.checks.items()}
    ref_rows: list[ReferenceRow] = []
    empty_by_id: dict[int, bool] = {}
    for ref in rows.references:
        link = rows.links.get(ref.link_id) if ref.link_id else None
        facts = F.ReferenceFacts(raw=ref.raw, url=ref.url, title=ref.title, tags=ref.tags,
                                 cited=bool(cited_refs.get(ref.id or 0)),
                                 link_state=link.state if link else None,
                                 title_mismatch=bool(link and link.title_mismatch))
        keys = F.duplicate_keys(ref.raw, ref.url)
        duplicate = any(k in seen_keys for k in keys)
        seen_keys.update(keys)
        flags = F.reference_flags(facts, duplicate)
        empty_by_id[ref.id or 0] = F.EMPTY in flags
        row = _reference_row(ref, flags, _link_views(link, histories),
                             cited_refs.get(ref.id or 0, []),
                             [edit_view(e) for e in rows.edits.get(ref.id or 0, [])])
        drift = rows.extras["drift"].get(ref.link_id) if ref.link_id else None
        if row["link"] is not None:
            row["link"]["drift"] = drift
        if drift:
            row["flags"].append(CONTENT_DRIFT)
        row["other_urls"] = [_other_url(url, other, histories)
                             for url, other in rows.other_links.get(ref.id or 0, [])]
        ref_rows.append(row)

    claim_rows: list[ClaimRow] = []
    for claim in rows.claims:
        cites = by_claim.get(claim.id or 0, [])
        facts_c = F.ClaimFacts(
            attributions=claim.attributions, tags=claim.tags,
            cited_reference_empty=[None if c.reference_id is None
                                   else empty_by_id.get(c.reference_id, False) for c in cites])
        claim_rows.append({
            "id": claim.id, "section": claim.section, "ordinal": claim.ordinal,
            "text": claim.text, "citations": [c.label for c in cites],
            "flags": F.claim_flags(facts_c) if claim.current else [STALE],
            "span": [claim.span_start, claim.span_end],
            "attributions": list(claim.attributions), "current": claim.current,
            "support": rows.extras["support"].get(claim.id or 0, []),
            "corroboration": rows.extras["corroboration"].get(claim.id or 0, []),
        })
    return {
        "id": doc.id, "title": doc.title, "authors": list(doc.authors),
        "published": iso(doc.published), "format": doc.format, "origin": doc.origin,
        "ingested_at": iso(doc.ingested_at), "updated_at": iso(doc.updated_at),
        "facts": [list(f) for f in doc.facts], "warnings": list(doc.warnings),
        "claims": claim_rows, "references": ref_rows,
        "summary": summarize(claim_rows, ref_rows),
    }


def _reference_row(ref: Reference, flags: list[str],
                   views: tuple[LinkView | None, ArchiveView | None], cited_by: list[int],
                   edits: list[EditView]) -> ReferenceRow:
    return {
        "id": ref.id, "label": ref.label, "group": ref.group, "raw": ref.raw,
        "authors": list(ref.authors), "date": partial_iso(ref.date, ref.date_precision),
        "title": ref.title,
        "trans_title": ref.trans_title, "work": ref.work, "publisher": ref.publisher,
        "language": ref.language, "url": ref.url,
        "access_date": partial_iso(ref.access_date, ref.access_date_precision),
        "archive_url": ref.archive_url,
        "archive_date": partial_iso(ref.archive_date, ref.archive_date_precision),
        "extra": dict(ref.extra), "flags": flags, "origin": ref.origin,
        "cited_by": sorted(set(cited_by)),
        "link": views[0], "archive": views[1],
        "history": edits, "other_urls": [],
    }


def _other_url(url: str, link: Link | None,
               histories: dict[int, list[CheckView]]) -> OtherUrlView:
    view, archive = _link_views(link, histories)
    return {"url": url, "link": view, "archive": archive}


def _link_views(link: Link | None, histories: dict[int, list[CheckView]]
                ) -> tuple[LinkView | None, ArchiveView | None]:
    """A link's view with its recent checks, and its archive view (both None: no link)."""
    if link is None:
        return None, None
    view = link_view(link)
    if link.id in histories:
        view["history"] = histories[link.id]
    return view, archive_view(link)  # type: ignore[return-value]


# A claim that carried a hand citation and is no longer in the document's text, not even
# edited (then the citation would have followed it): shown apart, never counted as a claim.
STALE = "stale"


def summarize(claims: list[ClaimRow], refs: list[ReferenceRow]) -> dict[str, int]:
    """Counts for the summary line: claims, references, and each flag and state."""
    current = [c for c in claims if c["current"]]
    counts: Counter[str] = Counter(claims=len(current), references=len(refs))
    counts["cited"] = sum(1 for c in current if c["citations"])
    for claim in claims:  # a stale claim counts apart, as "claim:stale" only
        counts.update(f"claim:{f}" for f in claim["flags"])
    for ref in refs:
        counts.update(f"reference:{f}" for f in ref["flags"])
        if ref["link"]:
            counts[f"link:{ref['link']['state']}"] += 1
        if ref["archive"]:
            counts[f"archive:{ref['archive']['state']}"] += 1
    return dict(counts)


def gaps_first(doc: DocumentReport) -> list[ClaimRow]:
    """The document's claims, worst gaps first (own flags and those of the references they
    rest on), then in document order."""
    ref_flags = {r["label"]: r["flags"] for r in doc["references"]}

    def key(claim: ClaimRow) -> tuple[int, int]:
        flags = list(claim["flags"])
        for label in claim["citations"]:
            flags.extend(f for f in ref_flags.get(label, []) if f != F.UNUSED)
        return (-F.severity(flags), claim["ordinal"])

    return sorted(doc["claims"], key=key)


def summary_line(summary: dict[str, int]) -> str:
    """One line of counts a reviewer reads first."""
    parts = [f"{summary.get('claims', 0)} claims", f"{summary.get('cited', 0)} cited"]
    for flag in F.CLAIM_FLAGS:
        if summary.get(f"claim:{flag}"):
            parts.append(f"{summary[f'claim:{flag}']} {flag}")
    if summary.get(f"claim:{STALE}"):  # hand citations whose sentence left the text
        parts.append(f"{summary[f'claim:{STALE}']} {STALE}")
    parts.append(f"{summary.get('references', 0)} references")
    for flag in F.REFERENCE_FLAGS:
        if summary.get(f"reference:{flag}"):
            parts.append(f"{summary[f'reference:{flag}']} {flag}")
    for prefix in ("link:", "archive:"):
        states = sorted((k[len(prefix):], v) for k, v in summary.items() if k.startswith(prefix))
        if states:
            parts.append(prefix[:-1] + "s " + ", ".join(f"{v} {k}" for k, v in states))
    return "; ".join(parts)
