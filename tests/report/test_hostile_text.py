"""Document text never acts in the Markdown, table and JSON reports (issue 11, item 5)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from markdown_it import MarkdownIt

from provenance.report.build import summarize
from provenance.report.render_json import render_json
from provenance.report.render_markdown import render_markdown
from provenance.report.render_table import render_table

ESC = "\x1b]8;;http://evil.example\x1b\\x\x1b]8;;\x1b\\\x1b[2J\x9b31m"


def _report(url: str, text: str = "Files under [/etc] [citation needed]",
            archive: str | None = None) -> dict[str, Any]:
    claims = [{"id": 1, "section": "Files under [/etc]" + ESC, "ordinal": 0, "text": text + ESC,
               "citations": ["1"], "flags": [], "span": [0, 1], "attributions": [],
               "current": True}]
    refs = [{"id": 1, "label": "1", "group": "", "raw": "r", "authors": [], "date": None,
             "title": "[link=http://evil.example]click[/link] [bold]b[/bold]" + ESC,
             "trans_title": None, "work": None, "publisher": None, "language": None,
             "url": url, "access_date": None, "archive_url": None, "archive_date": None,
             "extra": {}, "flags": [], "origin": "parsed", "cited_by": [1],
             "link": {"state": "alive", "url": url, "http_status": 200, "failures": 0,
                      "checked_at": None, "history": []},
             "archive": {"state": "preserved", "url": archive, "timestamp": None}}]
    doc = {"id": 1, "title": "Title" + ESC, "authors": [], "published": None,
           "format": "markdown", "origin": "/x.md", "ingested_at": None, "updated_at": None,
           "facts": [], "warnings": [], "claims": claims, "references": refs,
           "summary": summarize(claims, refs)}
    return {"documents": [doc], "summary": doc["summary"]}


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def _no_escape_bytes(text: str) -> None:
    assert "\x1b" not in text and "\x9b" not in text


@pytest.mark.parametrize("url", ['https://a.example/"><script>alert(1)</script>',
                                 "https://a.example/x>y<z", "https://a.example/(x)"])
def test_markdown_url_cannot_break_out(url: str) -> None:
    md = render_markdown(_report(url, archive=url))
    _no_escape_bytes(md)
    html = _html(md)
    assert "<script" not in html
    assert html.count('<a href="https://a.example/') == 2  # the URL and the snapshot


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>",
                                 "JaVaScRiPt:alert(1)"])
def test_markdown_never_links_javascript_or_data(url: str) -> None:
    html = _html(render_markdown(_report(url, archive=url)))
    assert "<a " not in html and "<script" not in html


def test_markdown_text_is_literal() -> None:
    html = _html(render_markdown(_report("https://a.example/",
                                         text="<img src=x onerror=alert(1)> *em*")))
    assert "<img" not in html and "<em>" not in html


def test_table_shows_markup_as_text_and_strips_escapes() -> None:
    out = render_table(_report("https://a.example/"), width=200)
    _no_escape_bytes(out)
    assert "Files under [/etc]" in out and "[citation needed]" in out
    assert "[link=http://evil.example]click[/link]" in out and "[bold]b[/bold]" in out


def test_json_strips_control_bytes_but_keeps_text() -> None:
    out = render_json(_report("https://a.example/"))
    _no_escape_bytes(out)
    assert "\\u001b" not in out
    data = json.loads(out)
    claim = data["documents"][0]["claims"][0]
    assert claim["text"].startswith("Files under [/etc] [citation needed]")
