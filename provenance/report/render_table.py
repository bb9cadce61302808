"""The claim-to-source report as rich tables for a terminal.

Document text never acts: every cell is a ``rich.text.Text`` (never parsed as markup, so
"[citation needed]" shows and "[link=...]" makes no hyperlink) with control and escape
bytes stripped (``safe_text``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from provenance.report.build import gaps_first, summary_line
from provenance.report.model import LinkView, ReferenceRow, Report
from provenance.report.reviews_text import accepted_rows, review_rows
from provenance.report.safe_text import rich_text, strip_controls
from provenance.report.support_notes import corroboration_note, other_url_note, support_note

_RED = {"dangling-citation", "empty", "cites-empty", "dead-link", "lost", "dead"}


def _flags(flags: list[str]) -> Text:
    text = Text()
    for i, flag in enumerate(flags):
        if i:
            text.append(" ")
        text.append(strip_controls(flag), style="bold red" if flag in _RED else "yellow")
    return text


def _link_cell(link: LinkView | None) -> Text:
    if not link:
        return Text("—")
    text = rich_text(link["state"], style="bold red" if link["state"] == "dead" else "")
    if link["http_status"]:
        text.append(f" {link['http_status']}")
    if link["failures"]:
        text.append(f"\n{link['failures']} failures", style="dim")
    if link["checked_at"]:
        text.append(f"\n{link['checked_at'][:10]}", style="dim")
    return text


def _url_cell(ref: ReferenceRow) -> Text:
    """The primary URL, then each other URL the reference carries with its own state."""
    text = rich_text(ref["url"] or "—")
    for other in ref.get("other_urls") or []:
        text.append("\n+ ")
        text.append_text(rich_text(other["url"]))
        state = other["link"]["state"] if other["link"] else None
        text.append(" (" + strip_controls(other_url_note(other)) + ")",
                    style="bold red" if state == "dead" else "dim")
    return text


def renderables(report: Report) -> Iterator[RenderableType]:
    for doc in report["documents"]:
        meta = " · ".join(x for x in (f"document {doc['id']}", doc["format"],
                                       ", ".join(doc["authors"]), doc["published"] or "") if x)
        yield Text.assemble((strip_controls(doc["title"] or doc["origin"]), "bold"), "  ",
                            (strip_controls(meta), "dim"))
        refs = {r["label"]: r for r in doc["references"]}
        claims = Table(title="Claims, gaps first", show_lines=False, expand=True)
        claims.add_column("id", justify="right", no_wrap=True)
        claims.add_column("section", max_width=16)
        claims.add_column("claim", ratio=3)
        claims.add_column("sources", ratio=1, min_width=12, overflow="fold")
        claims.add_column("flags", ratio=1, min_width=20, overflow="fold")
        for claim in gaps_first(doc):
            sources = Text()
            for label in claim["citations"]:
                ref = refs.get(label)
                sources.append(f"[{strip_controls(label)}] ")
                sources.append_text(_flags(ref["flags"]) if ref else _flags(["missing"]))
                for entry in claim.get("support") or []:
                    if entry["label"] == label:
                        sources.append(" " + strip_controls(support_note(entry)))
                sources.append("\n")
            for other in (claim.get("corroboration") or [])[:1]:
                sources.append("elsewhere: " + strip_controls(corroboration_note(other))
                               + "\n")
            claims.add_row(Text(str(claim["id"])), rich_text(claim["section"]),
                           rich_text(claim["text"]), sources, _flags(claim["flags"]))
        yield claims
        references = Table(title="References", expand=True)
        references.add_column("ref", no_wrap=True)
        references.add_column("source", ratio=3)
        references.add_column("url", ratio=2, overflow="fold")
        references.add_column("link", no_wrap=True)
        references.add_column("archive", ratio=1, overflow="fold")
        references.add_column("flags", ratio=1, min_width=12, overflow="fold")
        for ref in doc["references"]:
            source = ", ".join(x for x in ("; ".join(ref["authors"]), ref["title"],
                                           ref["work"], ref["date"]) if x) or ref["raw"]
            link = ref["link"]
            archive = ref["archive"]
            arch = (archive["state"] + (f"\n{archive['url']}" if archive["url"] else "")
                    if archive else "")
            references.add_row(rich_text(ref["label"]), rich_text(source),
                               _url_cell(ref), _link_cell(link),
                               rich_text(arch or "—"), _flags(ref["flags"]))
        yield references
        decided = review_rows(doc) + accepted_rows(doc)
        if decided:
            reviews = Table("claim", "source", "verdict", "note", "by", "when",
                            title="Reviews", expand=True)
            for row in decided:
                reviews.add_row(*(rich_text(cell) for cell in row))
            yield reviews
        yield rich_text("Summary: " + summary_line(doc["summary"]), style="bold")
        yield Text("")
    if not report["documents"]:
        yield Text("No documents yet: `provenance ingest PATH...` adds some.")


def render_table(report: Report, width: int = 140) -> str:
    """The tables as plain text (for files, tests and pipes)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, force_terminal=False)
    for item in renderables(report):
        console.print(item)
    return buffer.getvalue()
