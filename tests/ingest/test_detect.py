"""Format detection: every form named, by extension first, then by cues in the text."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from provenance.ingest.detect import FORMATS, PARSERS, detect_format

ROOT = Path(__file__).resolve().parents[2] / "fixtures"

WIKI_HTML = (
    '<!DOCTYPE html><html><head><meta name="generator" content="MediaWiki 1.41"></head><body>'
    '<div class="mw-parser-output"><p>Kim met Xi.<sup class="reference"><a href="#cite_note-1">'
    "[1]</a></sup></p></div></body></html>"
)
WEB_HTML = (
    "<html><head><title>News</title></head><body><article><p>A story.</p></article></body></html>"
)
WIKITEXT = (
    "'''Kim–Xi meetings''' is a series of summits.<ref name=a>{{cite web |url=https://x.org "
    "|title=T}}</ref>\n\n== First meeting ==\nText.<ref name=a />\n\n[[Category:2018]]"
)
MARKDOWN = "# Title\n\nSome text.[^1] And [a link](https://example.org).\n\n[^1]: A note.\n"
PLAIN_WITH_LIST = (
    "Lithium output rose.[1] Prices fell.[2]\n\nReferences\n\n[1] USGS. https://usgs.gov\n"
    "[2] Reuters. https://reuters.com\n"
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("seeds/000_b07d10da4452e945.txt", "wikipedia-text"),
        ("seeds/003_cd3dd4c4be34f6b3.txt", "web-text"),
        ("markdown/kim-xi-draft.md", "markdown"),
    ],
)
def test_fixtures(path: str, expected: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert detect_format(text, path) == expected
    assert detect_format(text, None) == expected  # the content alone tells


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (WIKI_HTML, "page.html", "wikipedia-html"),
        (WIKI_HTML, None, "wikipedia-html"),
        (WEB_HTML, "story.htm", "web-html"),
        (WEB_HTML, None, "web-html"),
        ("plain words only", "page.html", "web-html"),
        (WIKITEXT, None, "wikitext"),
        (WIKITEXT, "article.wiki", "wikitext"),
        (MARKDOWN, None, "markdown"),
        (MARKDOWN, "notes.txt", "markdown"),
        ("Anything at all.", "draft.md", "markdown"),
        (PLAIN_WITH_LIST, "sources.txt", "wikipedia-text"),
        ("Just a paragraph of prose. Nothing else.", None, "web-text"),
        ("", None, "web-text"),
        ("\x00\x01\x02", "weird.bin", "web-text"),
    ],
)
def test_cues(text: str, name: str | None, expected: str) -> None:
    assert detect_format(text, name) == expected


def test_every_format_has_a_parser_entry() -> None:
    assert (
        set(FORMATS)
        == set(PARSERS)
        == {
            "wikipedia-text",
            "web-text",
            "markdown",
            "wikipedia-html",
            "web-html",
            "wikitext",
        }
    )
    for fmt in ("wikipedia-text", "web-text", "markdown"):
        module, _, func = PARSERS[fmt].partition(":")
        assert callable(getattr(importlib.import_module(module), func))
