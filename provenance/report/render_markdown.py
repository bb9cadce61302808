"""The claim-to-source report as Markdown (for a wiki page, an issue or a pull request).

Document text never acts: every value goes through ``safe_text`` (control bytes stripped,
Markdown escaped, links only to http(s) URLs with their destination percent-encoded).
"""

from __future__ import annotations

from provenance.report.build import gaps_first, summary_line
from provenance.report.model import Report
from provenance.report.reviews_text import accepted_rows, review_rows
from provenance.report.safe_text import md_link, md_text, md_url, one_line
from provenance.report.support_notes import corroboration_note, other_url_note, support_note

_md = md_text


def _flags(flags: list[str]) -> str:
    """Flag names as code spans (a backtick cannot end one early: none is kept)."""
    return " ".join(f"`{one_line(f).replace('`', '')}`" for f in flags) if flags else "—"


def render_markdown(report: Report) -> str:
    out: list[str] = []
    for doc in report["documents"]:
        out.append(f"# {_md(doc['title'] or doc['origin'])}")
        meta = [f"document {doc['id']}", doc["format"]]
        if doc["authors"]:
            meta.append("by " + ", ".join(doc["authors"]))
        if doc["published"]:
            meta.append(doc["published"])
        out.append(_md(" · ".join(meta)))
        out.append("")
        out.append(f"**Summary:** {_md(summary_line(doc['summary']))}")
        out.append("")
        refs = {r["label"]: r for r in doc["references"]}
        out.append("## Claims (gaps first)")
        out.append("")
        out.append("| claim | section | text | sources | flags |")
        out.append("|---|---|---|---|---|")
        for claim in gaps_first(doc):
            sources = []
            for label in claim["citations"]:
                ref = refs.get(label)
                note = _flags(ref["flags"]) if ref else "`missing`"
                for entry in claim.get("support") or []:
                    if entry["label"] == label:
                        note += " " + _md(support_note(entry))
                sources.append(f"\\[{_md(label)}\\] {note}")
            for other in (claim.get("corroboration") or [])[:1]:
                sources.append("elsewhere: " + _md(corroboration_note(other)))
            out.append(f"| {claim['id']} | {_md(claim['section'])} | {_md(claim['text'])} | "
                       f"{'<br>'.join(sources) or '—'} | {_flags(claim['flags'])} |")
        out.append("")
        drifted = [r for r in doc["references"] if r["link"] and r["link"].get("drift")]
        if drifted:
            out.append("## Content drift")
            out.append("")
            for ref in drifted:
                d = ref["link"]["drift"] if ref["link"] else None
                if d:
                    out.append(f"- \\[{_md(ref['label'])}\\] since {_md(d['since'])}: "
                               f"before “{_md(d['before'])}” → now "
                               f"“{_md(d['after'] or '(gone)')}”")
            out.append("")
        out.append("## References")
        out.append("")
        out.append("| ref | source | url | link | archive | flags |")
        out.append("|---|---|---|---|---|---|")
        for ref in doc["references"]:
            source = ", ".join(x for x in (
                "; ".join(ref["authors"]), ref["title"] and f"“{ref['title']}”", ref["work"],
                ref["date"]) if x) or ref["raw"]
            link = _md(ref["link"]["state"]) if ref["link"] else "—"
            archive = ref["archive"]
            arch = _md(archive["state"]) if archive else "—"
            if archive and archive["url"]:
                arch = f"{arch} {md_link('snapshot', archive['url'])}"
            url = md_url(ref["url"]) if ref["url"] else "—"
            for also in ref.get("other_urls") or []:
                url += f"<br>+ {md_url(also['url'])} ({_md(other_url_note(also))})"
            out.append(f"| {_md(ref['label'])} | {_md(source)} | {url} | {link} | {arch} | "
                       f"{_flags(ref['flags'])} |")
        out.append("")
        decided = review_rows(doc) + accepted_rows(doc)
        if decided:
            out += ["## Reviews", "", "| claim | source | verdict | note | by | when |",
                    "|---|---|---|---|---|---|"]
            out += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in decided]
            out.append("")
    if not report["documents"]:
        out.append("No documents yet: `provenance ingest PATH...` adds some.")
    return "\n".join(out).rstrip() + "\n"
