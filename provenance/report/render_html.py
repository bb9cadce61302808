"""The claim-to-source report as one self-contained HTML page (everything escaped)."""

from __future__ import annotations

from html import escape
from typing import Any

from provenance.report.build import gaps_first, summary_line

_STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:2em;max-width:80em}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .5em;
vertical-align:top;text-align:left}.flag{display:inline-block;background:#fde2e1;color:#8a1c17;
border-radius:3px;padding:0 .35em;margin:.1em;font-size:.85em}.ok{color:#555}"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _flags(flags: list[str]) -> str:
    return "".join(f'<span class="flag">{_e(f)}</span>' for f in flags) or '<span class="ok">—</span>'


def _href(url: str | None) -> str:
    if not url or not url.lower().startswith(("http://", "https://")):
        return _e(url or "—")
    return f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{_e(url)}</a>'


def render_html(report: dict[str, Any]) -> str:
    parts = ["<!doctype html><html><head><meta charset=\"utf-8\">",
             "<title>provenance report</title>", f"<style>{_STYLE}</style></head><body>"]
    for doc in report["documents"]:
        parts.append(f"<h1>{_e(doc['title'] or doc['origin'])}</h1>")
        meta = " · ".join(x for x in (f"document {doc['id']}", doc["format"],
                                       ", ".join(doc["authors"]), doc["published"] or "") if x)
        parts.append(f"<p>{_e(meta)}</p><p><strong>Summary:</strong> "
                     f"{_e(summary_line(doc['summary']))}</p>")
        refs = {r["label"]: r for r in doc["references"]}
        parts.append("<h2>Claims (gaps first)</h2><table><tr><th>claim</th><th>section</th>"
                     "<th>text</th><th>sources</th><th>flags</th></tr>")
        for claim in gaps_first(doc):
            sources = []
            for label in claim["citations"]:
                ref = refs.get(label)
                sources.append(f"[{_e(label)}] " + (_flags(ref["flags"]) if ref
                                                    else _flags(["missing"])))
            parts.append(f"<tr><td>{claim['id']}</td><td>{_e(claim['section'])}</td>"
                         f"<td>{_e(claim['text'])}</td><td>{'<br>'.join(sources) or '—'}</td>"
                         f"<td>{_flags(claim['flags'])}</td></tr>")
        parts.append("</table><h2>References</h2><table><tr><th>ref</th><th>source</th>"
                     "<th>url</th><th>link</th><th>archive</th><th>flags</th></tr>")
        for ref in doc["references"]:
            archive = ref["archive"] or {}
            arch = _e(archive.get("state", "—"))
            if archive.get("url"):
                arch += "<br>" + _href(archive["url"])
            link = _e(ref["link"]["state"]) if ref["link"] else "—"
            parts.append(f"<tr><td>{_e(ref['label'])}</td><td>{_e(ref['raw'] or ref['title'])}"
                         f"</td><td>{_href(ref['url'])}</td><td>{link}</td><td>{arch}</td>"
                         f"<td>{_flags(ref['flags'])}</td></tr>")
        parts.append("</table>")
    if not report["documents"]:
        parts.append("<p>No documents yet.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
