"""Tell which form a document comes in, and which parser reads it.

``detect_format(text, name)`` looks at the file name's extension first, then at cues in the
whole text (its end included: a long scrape's reference list stands there), and always answers
with one of :data:`FORMATS`; plain prose with no cue at all is read as a web-article text
scrape, the most forgiving parser. Every cue is a single regular-expression scan that stops
as soon as it has counted enough, so detection stays linear in the text's length.
"""

from __future__ import annotations

import re
from itertools import islice
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
        r"\{\{\s*(?:cite|citation|sfn|harvnb|infobox|reflist|cn|citation needed|internetquelle|"
        r"literatur|cita|citar|lien web|ouvrage|références|referencias|listaref|"
        r"einzelnachweise)\b",
        re.IGNORECASE,
    ),
    re.compile(r"<ref(?:\s+name\s*=|\s*>|\s*/>)|&lt;ref(?:\s+name\s*=|\s*&gt;)", re.IGNORECASE),
    re.compile(r"\[\[(?:[^\]|]+)(?:\|[^\]]*)?\]\]"),
    re.compile(r"^={2,6}[^=\n]+={2,6}\s*$", re.MULTILINE),
    re.compile(r"'''[^'\n]+'''"),
)
_MARKDOWN_CUES = (
    re.compile(r"^#{1,6}\s+\S", re.MULTILINE),
    re.compile(r"\[\^[^\]\s]+\]"),
    re.compile(r"\[[^\]\n]+\]\((?:https?://|/|#|mailto:)[^)\s]*(?:\s+\"[^\"]*\")?\)"),
    re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s+\S+", re.MULTILINE),
    re.compile(r"\A(?:---\s*\n.*?\n---|\+\+\+\s*\n.*?\n\+\+\+)\s*\n", re.DOTALL),
    re.compile(r"^```", re.MULTILINE),
    re.compile(r"(?<![*\w])\*\*[^*\n]+\*\*(?![*\w])"),
)
_EDIT_HEADING = re.compile(r"^\S[^\n]{0,150}[a-z)]Edit\s*$", re.MULTILINE)
_CARET_LIST = re.compile(r"^[ \t]*\d+\.[ \t]*\^", re.MULTILINE)
# a browser copy of a Wikipedia page: "History[edit]" headings, "Jump up ^" back-links
_BRACKET_EDIT = re.compile(r"^\S[^\n]{0,150}\[edit\][ \t]*$", re.MULTILINE | re.IGNORECASE)
_JUMP_UP = re.compile(r"^[ \t]*(?:\^[ \t]*Jump up to:|Jump up[ \t]*\^)", re.MULTILINE)
_BRACKET_MARKER = re.compile(r"\w[.,;:\"”’)]?\s?\[\d+\]")
_NUMBERED_LIST = re.compile(r"^[ \t]*(?:\[\d+\]|\d+[.)])[ \t]+\S", re.MULTILINE)
_LIST_HEADING = re.compile(
    r"^\s*(?:references?|sources?|notes?|citations?|footnotes?|bibliography|works cited)\s*:?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def _at_least(pattern: re.Pattern[str], text: str, count: int) -> bool:
    """True when ``pattern`` occurs ``count`` times in ``text`` (stops scanning there)."""
    return sum(1 for _ in islice(pattern.finditer(text), count)) >= count


def _count(patterns: tuple[re.Pattern[str], ...], text: str) -> int:
    return sum(1 for pattern in patterns if pattern.search(text))


def _html_kind(text: str) -> str:
    return "wikipedia-html" if _WIKIPEDIA_HTML.search(text) else "web-html"


def detect_format(text: str, name: str | None = None) -> str:
    """Return the format name of ``text`` (one of :data:`FORMATS`); never raises."""
    suffix = PurePosixPath(name or "").suffix.lower() if name else ""
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    head = text  # the whole document: cues at its end count as much as at its start
    if suffix in _HTML_EXTENSIONS or _HTML.search(head[:5000]) or _at_least(_TAGS, head, 20):
        return _html_kind(head)
    if (_EDIT_HEADING.search(head) or _at_least(_CARET_LIST, head, 2)
            or _at_least(_BRACKET_EDIT, head, 2) or _at_least(_JUMP_UP, head, 2)):
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
        _LIST_HEADING.search(head) or _NUMBERED_LIST.search(head)
    ):
        return "wikipedia-text"
    return "web-text"
