"""A large report model (the JSON report's shape) for the HTML report's tests and benchmark.

``big_report(400)`` is one article with 400 references, 1.5 claims per reference, every
reference with a URL, a link with five checks of history, an archive snapshot, and a support
verdict with an evidence passage; ``hostile=True`` puts markup and script URLs in every text.
"""

from __future__ import annotations

from typing import Any

STATES = ("alive", "alive", "alive", "redirected", "failing", "dead", "blocked")
ARCHIVES = ("preserved", "rescued", "lost", "at-risk", "unknown")
VERDICTS = ("supported", "supported", "partial", "not-found", "contradicted", "unreadable")
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def _history(i: int) -> list[dict[str, Any]]:
    return [{"checked_at": f"2026-0{1 + k}-0{1 + i % 9}T02:15:0{k}Z", "outcome": "ok",
             "http_status": 200, "final_url": None, "state_before": "alive",
             "state_after": "alive", "elapsed_ms": 120, "title": f"Page {i}", "error": None,
             "run": k + 1, "title_mismatch": False} for k in range(5)]


def _reference(i: int, hostile: bool) -> dict[str, Any]:
    state = STATES[i % len(STATES)]
    title = f"{PAYLOAD} Title {i}" if hostile else f"Report number {i} on the summit"
    url = ("javascript:window.__pwned=3" if hostile and i % 2 else
           "data:text/html,<script>alert(1)</script>" if hostile else
           f"https://news{i % 50}.example/2018/03/{i}.html")
    flags = ["dead-link"] if state == "dead" else []
    return {
        "id": i, "label": str(i), "group": None,
        "raw": f"Author {i}, {title}. The Daily {i % 20}. 28 March 2018.",
        "authors": [f"Author {i}"], "date": "2018-03-28", "title": title,
        "trans_title": None, "work": f"The Daily {i % 20}", "publisher": None,
        "language": "en", "url": url, "access_date": "2018-04-01",
        "archive_url": None, "archive_date": None, "extra": {}, "flags": flags,
        "origin": "parsed", "cited_by": [], "history": [],
        "link": {"url": url, "state": state, "outcome": "ok", "http_status": 200,
                 "final_url": None, "checked_at": "2026-05-01T02:15:00Z", "checks": 5,
                 "failures": 0, "history": _history(i),
                 "drift": ({"since": "2026-04-01T02:15:00Z", "before": f"Old text {i}",
                            "after": f"New text {i}"} if i % 25 == 0 else None)},
        "archive": {"state": ARCHIVES[i % len(ARCHIVES)],
                    "url": f"https://web.archive.org/web/20180401000000/{url}",
                    "timestamp": "2018-04-01T00:00:00Z"},
        "other_urls": [{  # another URL the reference carries (hostile: markup in it)
            "url": f"https://other{i}.example/?q={PAYLOAD}",
            "link": {"url": f"https://other{i}.example/", "state": "dead", "outcome":
                     "not-found", "http_status": 404, "final_url": None,
                     "checked_at": "2026-05-01T02:15:00Z", "checks": 3, "failures": 3},
            "archive": {"state": "rescued", "url": "javascript:window.__pwned=4",
                        "timestamp": "2018-04-01T00:00:00Z"}}] if hostile else [],
    }


def big_report(refs: int = 400, *, hostile: bool = False) -> dict[str, Any]:
    """One document with ``refs`` references and ``refs * 3 // 2`` claims."""
    references = [_reference(i, hostile) for i in range(1, refs + 1)]
    claims = []
    for n in range(refs * 3 // 2):
        label = str(n % refs + 1) if n % 3 else None
        citations = [label] if label else []
        text = f"Claim {n}: the leaders met on March 25–28, 2018 in Beijing."
        if hostile:
            text += " " + PAYLOAD
        support = ([{"label": label, "verdict": VERDICTS[n % len(VERDICTS)], "score": 0.71,
                     "evidence": f"The leaders met in Beijing in March 2018 ({n}).",
                     "found": ["2018", "Beijing"], "missing": [], "language": "en",
                     "source": "live", "checked_at": "2026-05-01T03:00:00Z"}]
                   if label else [])
        claims.append({"id": n + 1, "section": f"Section {n // 40}", "ordinal": n,
                       "text": text, "citations": citations,
                       "flags": [] if citations else ["uncited"], "span": [0, 0],
                       "attributions": [], "current": True, "support": support,
                       "corroboration": []})
        if label:
            references[int(label) - 1]["cited_by"].append(n + 1)
    summary = {"claims": len(claims), "references": len(references),
               "cited": sum(1 for c in claims if c["citations"])}
    doc = {"id": 1, "title": "A long article" + (f" {PAYLOAD}" if hostile else ""),
           "authors": [], "published": None, "format": "wikitext", "origin": "big.wiki",
           "ingested_at": None, "updated_at": None, "facts": [], "warnings": [],
           "claims": claims, "references": references, "summary": summary}
    return {"documents": [doc], "summary": summary}
