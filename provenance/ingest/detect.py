"""Tell which form a document comes in, and which parser reads it.

``detect_format(text, name)`` looks at the file name's extension first, then at cues in the
text, and always answers with one of :data:`FORMATS`; plain prose with no cue at all is read
as a web-article text scrape, the most forgiving parser.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

__all__ = ["FORMATS", "PARSERS", "detect_format"]

PARSERS: dict[str, str] = {
    "wikipedia-text": "provenance.ingest.forms.wiki_text:parse",
    "web-text": "provenance.ingest.forms.web_text:parse",
    "markdown": "provenance.ingest.forms.markdown:parse",
    "wikipedia-html": "provenance.ingest.forms.wiki_html:parse",
    "web-html": "provenance.ingest.forms.web_html:parse",
    "wikitext": "provenance.ingest.forms.wikitext:parse",
}
FORMATS: tuple[str, ...] = tuple(PARSERS)

_EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".wiki": "wikitext",
    ".wikitext": "wikitext",
    ".mediawiki": "wikitext",
    ".mw": "wikitext",
}
_HTML_EXTENSIONS = {".html", ".htm", ".xhtml", ".shtml"}

_HTML = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]", re.IGNORECASE)
_TAGS = re.compile(
    r"</?(?:div|p|span|a|sup|ol|ul|li|section|article|h[1-6]|table)\b[^>]*>", re.IGNORECASE
)
_WIKIPEDIA_HTML = re.compile(
    r"mw-parser-output|mw-content-text|class=\"[^\"]*\breference\b|typeof=\"mw:|"
    r"content=\"MediaWiki|wgPageName|class=\"[^\"]*\bmw-references\b|id=\"firstHeading\"",
    re.IGNORECASE,
)
_WIKITEXT_CUES = (
    re.compile(
        r"\{\{\s*(?:cite|citation|sfn|harvnb|infobox|reflist|cn|citation needed)\b", re.IGNORECASE
    ),
    re.compile(r"<ref(?:\s+name\s*=|\s*>|\s*/>)", re.IGNORECASE),
    re.compile(r"\[\[(?:[^\]|]+)(?:\|[^\]]*)?\]\]"),
    re.compile(r"^={2,6}[^=\n]+={2,6}\s*$", re.MULTILINE),
    re.compile(r"'''[^'\n]+'''"),
)
_MARKDOWN_CUES = (
    re.compile(r"^#{1,6}\s+\S", re.MULTILINE),
    re.compile(r"\[\^[^\]\s]+\]"),
    re.compile(r"\[[^\]\n]+\]\((?:https?://|/|#|mailto:)[^)\s]*(?:\s+\"[^\"]*\")?\)"),
    re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s+\S+", re.MULTILINE),
    re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL),
    re.compile(r"^```", re.MULTILINE),
    re.compile(r"(?<![*\w])\*\*[^*\n]+\*\*(?![*\w])"),
)
_EDIT_HEADING = re.compile(r"^\S[^\n]{0,150}[a-z)]Edit\s*$", re.MULTILINE)
_CARET_LIST = re.compile(r"^\s*\d{1,4}\.\s*\^", re.MULTILINE)
_BRACKET_MARKER = re.compile(r"\w[.,;:\"”’)]?\s?\[\d{1,4}\]")
_NUMBERED_LIST = re.compile(r"^\s*(?:\[\d{1,4}\]|\d{1,4}[.)])\s+\S", re.MULTILINE)
_LIST_HEADING = re.compile(
    r"^\s*(?:references?|sources?|notes?|citations?|footnotes?|bibliography|works cited)\s*:?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def _count(patterns: tuple[re.Pattern[str], ...], text: str) -> int:
    return sum(1 for pattern in patterns if pattern.search(text))


def _html_kind(text: str) -> str:
    return "wikipedia-html" if _WIKIPEDIA_HTML.search(text) else "web-html"


def detect_format(text: str, name: str | None = None) -> str:
    """Return the format name of ``text`` (one of :data:`FORMATS`); never raises."""
    suffix = PurePosixPath(name or "").suffix.lower() if name else ""
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    head = text[:200_000]
    if suffix in _HTML_EXTENSIONS or _HTML.search(head[:5000]) or len(_TAGS.findall(head)) >= 20:
        return _html_kind(head)
    if _EDIT_HEADING.search(head) or len(_CARET_LIST.findall(head)) >= 2:
        return "wikipedia-text"
    wikitext = _count(_WIKITEXT_CUES, head)
    markdown = _count(_MARKDOWN_CUES, head)
    if wikitext >= 2 and wikitext > markdown:
        return "wikitext"
    if markdown >= 2 or (markdown == 1 and wikitext == 0 and _MARKDOWN_CUES[0].search(head)):
        return "markdown"
    if (wikitext >= 1 and _WIKITEXT_CUES[0].search(head)) or _WIKITEXT_CUES[1].search(head):
        return "wikitext"
    if _BRACKET_MARKER.search(head) and (
        _LIST_HEADING.search(head) or len(_NUMBERED_LIST.findall(head)) >= 1
    ):
        return "wikipedia-text"
    return "web-text"
