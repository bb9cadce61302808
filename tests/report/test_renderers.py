"""Renderers are pure: report data in, text out; untrusted text is escaped."""

from __future__ import annotations

import json
from typing import Any

from provenance.report.build import gaps_first, summarize, summary_line
from provenance.report.render_html import render_html
from provenance.report.render_json import render_json
from provenance.report.render_markdown import render_markdown
from provenance.report.render_table import render_table

EVIL = '<script>alert("x")</script> | **bold** [link](javascript:alert(1))'


def _report() -> dict[str, Any]:
    claims = [
        {"id": 1, "section": "Lead", "ordinal": 0, "text": "Fine claim.", "citations": ["1"],
         "flags": [], "span": [0, 11], "attributions": [], "current": True},
        {"id": 2, "section": "Lead", "ordinal": 1, "text": EVIL, "citations": ["9"],
         "flags": ["dangling-citation"], "span": [12, 40], "attributions": [], "current": True},
        {"id": 3, "section": "Lead", "ordinal": 2, "text": "Uncited.", "citations": [],
         "flags": ["uncited"], "span": [41, 49], "attributions": [], "current": True},
    ]
    refs = [{"id": 1, "label": "1", "group": "", "raw": EVIL, "authors": [], "date": None,
             "title": EVIL, "trans_title": None, "work": None, "publisher": None,
             "language": None, "url": "javascript:alert(1)", "access_date": None,
             "archive_url": None, "archive_date": None, "extra": {}, "flags": ["no-url"],
             "origin": "parsed", "cited_by": [1], "link": None, "archive": None,
             "history": []}]
    doc = {"id": 1, "title": EVIL, "authors": ["A. Author"], "published": "2018-03-28",
           "format": "markdown", "origin": "/x.md", "ingested_at": None, "updated_at": None,
           "facts": [], "warnings": [], "claims": claims, "references": refs,
           "summary": summarize(claims, refs)}
    return {"documents": [doc], "summary": doc["summary"]}


def test_gaps_come_first() -> None:
    doc = _report()["documents"][0]
    assert [c["id"] for c in gaps_first(doc)] == [2, 3, 1]


def test_summary_line_counts() -> None:
    line = summary_line(_report()["documents"][0]["summary"])
    assert line.startswith("3 claims; 2 cited; 1 dangling-citation; 1 uncited; 1 references")


def test_html_escapes_everything() -> None:
    html = render_html(_report())
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_markdown_escapes_table_syntax() -> None:
    md = render_markdown(_report())
    row = next(line for line in md.splitlines() if "alert" in line and line.startswith("| 2"))
    assert row.count(" | ") == 4  # the claim's own "|" is escaped, not a column
    assert "\\[link\\]" in row


def test_json_round_trips_and_table_renders() -> None:
    assert json.loads(render_json(_report())) == _report()
    table = render_table(_report(), width=120)
    assert "dangling-citation" in table and "Summary: 3 claims" in table
