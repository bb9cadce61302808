"""What the HTML views show of one document: the report model plus anchors, severities and
filter keys. Pure; shared by the static report and the review app.

Keys that other parts add to the report model are shown when present: a claim's ``support``
(machine verdicts per cited reference), ``corroboration``, ``reviews`` (a reviewer's verdicts)
and ``accepted`` (flags a reviewer accepted); a link's ``drift``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from provenance.report import flags as F

# Verdicts: the machine's (support) and a reviewer's, worst first within each.
MACHINE_VERDICTS = ("contradicted", "not-found", "partial", "unreadable", "supported")
REVIEW_VERDICTS = ("does-not-support", "unsure", "partly", "supports")
VERDICT_SEVERITY = {"contradicted": 6, "does-not-support": 6, "not-found": 4, "partial": 2,
                    "partly": 2, "unsure": 1, "unreadable": 1}
BAD_LINK_STATES = frozenset({"dead", "failing", "invalid", "refused"})


def anchor(doc_id: Any, kind: str, key: Any) -> str:
    """A fragment id: ``d1-c23`` for claim 23, ``d1-r4`` for the fourth reference."""
    return f"d{doc_id}-{kind}{key}"


def _reference_view(doc_id: Any, index: int, ref: dict[str, Any]) -> dict[str, Any]:
    link = ref.get("link") or None
    archive = ref.get("archive") or None
    state = link["state"] if link else None
    return {
        **ref,
        "anchor": anchor(doc_id, "r", index),
        "order": index,
        "link_state": state,
        "archive_state": archive["state"] if archive else None,
        "severity": F.severity(ref["flags"]),
        "drift": (link or {}).get("drift"),
        "support": [],  # (claim view, support entry) filled from the claims
    }


def _verdicts(claim: dict[str, Any]) -> list[str]:
    names = [s.get("verdict") for s in claim.get("support") or []]
    names += [r.get("verdict") for r in claim.get("reviews") or []]
    return [n for n in names if n]


def document_view(doc: dict[str, Any]) -> dict[str, Any]:
    """One document of the report, ready for the templates."""
    doc_id = doc["id"]
    refs = [_reference_view(doc_id, i, r) for i, r in enumerate(doc["references"], 1)]
    by_label: dict[str, dict[str, Any]] = {}
    for ref in refs:
        by_label.setdefault(ref["label"], ref)
    claims = []
    for order, claim in enumerate(doc["claims"]):
        markers = []
        inherited: list[str] = []
        states: list[str] = []
        for label in claim["citations"]:
            cited = by_label.get(label)
            markers.append({"label": label, "ref": cited})
            if cited is None:
                continue
            inherited.extend(f for f in cited["flags"] if f != F.UNUSED)
            if cited["link_state"]:
                states.append(cited["link_state"])
        verdicts = _verdicts(claim)
        view = {
            **claim,
            "anchor": anchor(doc_id, "c", claim["id"]),
            "order": order,
            "markers": markers,
            "support": claim.get("support") or [],
            "corroboration": claim.get("corroboration") or [],
            "reviews": claim.get("reviews") or [],
            "accepted": claim.get("accepted") or [],
            "filter_flags": set(claim["flags"]) | set(inherited),
            "filter_links": set(states),
            "filter_verdicts": set(verdicts),
            "severity": max(F.severity([*claim["flags"], *inherited]),
                            max((VERDICT_SEVERITY.get(v, 0) for v in verdicts), default=0)),
        }
        claims.append(view)
        for entry in view["support"]:
            target = by_label.get(entry.get("label"))
            if target is not None:
                target["support"].append((view, entry))
        for entry in view["reviews"]:
            target = by_label.get(entry.get("label"))
            if target is not None:
                target.setdefault("reviews", []).append((view, entry))
    for ref in refs:
        ref["filter_verdicts"] = ({e.get("verdict") for _, e in ref["support"]}
                                  | {e.get("verdict") for _, e in ref.get("reviews", [])}) - {None}
    claim_anchor = {c["id"]: c["anchor"] for c in claims}
    for ref in refs:
        ref["cited_by_anchors"] = [(cid, claim_anchor.get(cid)) for cid in ref.get("cited_by", [])]
    return {
        **doc,
        "anchor": f"d{doc_id}",
        "claims": claims,
        "references": refs,
        "bar": summary_bar(doc, claims, refs),
        "options": _filter_options(claims, refs),
    }


def summary_bar(doc: dict[str, Any], claims: list[dict[str, Any]],
                refs: list[dict[str, Any]]) -> dict[str, Any]:
    """The counts a reviewer glances at: claims, references by link and archive state,
    verdicts."""
    summary = doc.get("summary", {})
    claim_flags = Counter(f for c in claims for f in c["flags"])
    verdicts = Counter(v for c in claims for v in _verdicts(c))
    return {
        "claims": len(claims),
        "cited": sum(1 for c in claims if c["citations"]),
        "uncited": claim_flags.get(F.UNCITED, 0),
        "claim_flags": sorted(((f, n) for f, n in claim_flags.items() if f != F.UNCITED),
                              key=lambda item: (-F.SEVERITY.get(item[0], 0), item[0])),
        "references": len(refs),
        "reference_flags": sorted(Counter(f for r in refs for f in r["flags"]).items(),
                                  key=lambda item: (-F.SEVERITY.get(item[0], 0), item[0])),
        "links": sorted(Counter(r["link_state"] for r in refs if r["link_state"]).items()),
        "no_link": sum(1 for r in refs if not r["link_state"]),
        "archives": sorted(Counter(r["archive_state"] for r in refs
                                   if r["archive_state"]).items()),
        "verdicts": sorted(verdicts.items(), key=lambda item: -VERDICT_SEVERITY.get(item[0], 0)),
        "accepted": sum(len(c["accepted"]) for c in claims),
        "summary": summary,
    }


def _filter_options(claims: list[dict[str, Any]], refs: list[dict[str, Any]]) -> dict[str, Any]:
    flags = {f for c in claims for f in c["filter_flags"]} | {f for r in refs for f in r["flags"]}
    links = {s for c in claims for s in c["filter_links"]}
    verdicts = {v for c in claims for v in c["filter_verdicts"]}
    return {
        "flags": sorted(flags, key=lambda f: (-F.SEVERITY.get(f, 0), f)),
        "links": sorted(links),
        "verdicts": sorted(verdicts, key=lambda v: -VERDICT_SEVERITY.get(v, 0)),
    }


def merged_options(documents: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The filter choices over several documents."""
    out: dict[str, list[str]] = {"flags": [], "links": [], "verdicts": []}
    for doc in documents:
        for key, values in doc["options"].items():
            out[key].extend(v for v in values if v not in out[key])
    return out
