"""Parse a Markdown document: footnotes and links as the citations of their sentences.

markdown-it-py (CommonMark) with the footnote plugin reads the text; front matter (YAML
``---`` or TOML ``+++``) is read safely by :mod:`.front_matter` and never becomes claims.
A footnote reference ``[^n]`` cites the reference labelled ``n`` (its definition's text is
the reference); an inline link ``[text](url)``, a reference-style link ``[text][id]`` and an
autolink ``<url>`` each cite a reference for their URL, labelled by the reference-style id
when the document gives one, else ``link-`` and a short hash of the URL (stable when links
move). A link cites the sentence its text ends in. Headings are sections; the title is the
front matter's ``title``, else the heading the page's own "Title: …" line names, else the first
level-1 heading that reads as a headline (:mod:`.headline`: not "Blabbermouth.net -"), else
that "Title: …" line; ``author``/``authors`` and ``date`` (or ``publishDate``, ``pubDate``,
``published``) come from front matter. A ``[^n]``
with no definition is kept as a dangling citation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from provenance.domain.documents import (
    ParsedClaim,
    ParsedDocument,
    ParsedReference,
    ReferenceFields,
)
from provenance.ingest.claims.sentences import guess_language
from provenance.ingest.claims.split import Marker, build_claims
from provenance.ingest.forms.front_matter import read_front_matter, read_metadata_lines
from provenance.ingest.forms.headline import named_line, named_title, pick_headline
from provenance.ingest.references.dates import parse_date
from provenance.ingest.references.links import with_links
from provenance.ingest.references.parse import parse_reference

__all__ = ["FORMAT", "LEAD", "parse"]

FORMAT = "markdown"
LEAD = "Lead"

_DEFINITION = re.compile(
    r"^ {0,3}\[(?P<label>[^\]^][^\]]*)\]:\s*<?(?P<url>[^\s>]+)>?", re.MULTILINE
)
_LOOSE_FOOTNOTE = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")


@dataclass
class _State:
    source: str
    line_starts: list[int]
    link_labels: dict[str, str]
    section: str = LEAD
    title: str | None = None
    headings: list[tuple[str, str]] = field(default_factory=list)  # tag ("h1"), text
    claims: list[ParsedClaim] = field(default_factory=list)
    links: dict[str, ParsedReference] = field(default_factory=dict)  # url -> reference
    footnotes: dict[str, ParsedReference] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    language: str = "en"


@dataclass
class _Inline:
    text: str = ""
    markers: list[Marker] = field(default_factory=list)
    urls: list[tuple[str, str, str | None]] = field(default_factory=list)  # url, text, title


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").use(footnote_plugin)


def _link_label(url: str, labels: dict[str, str]) -> str:
    return labels.get(url) or "link-" + hashlib.sha1(url.encode()).hexdigest()[:8]


def _footnote_label(meta: dict[str, Any]) -> str:
    """A footnote's label; an inline footnote ``^[text]`` has none, so it gets one by number."""
    label = meta.get("label")
    return str(label) if label else f"inline-{int(meta.get('id', 0)) + 1}"


def _render_inline(token: Token, state: _State) -> _Inline:
    """Plain text of an inline token, with a marker for each footnote reference and link."""
    out = _Inline()
    link: tuple[str, str | None, int] | None = None  # href, title, where its text starts
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            cursor = 0
            for found in _LOOSE_FOOTNOTE.finditer(child.content):  # a [^n] with no definition
                out.text += child.content[cursor : found.start()].rstrip(" ")
                out.markers.append(Marker(len(out.text), found["label"]))
                cursor = found.end()
            out.text += child.content[cursor:]
        elif kind in ("softbreak", "hardbreak"):
            out.text += " "
        elif kind == "footnote_ref":
            out.markers.append(Marker(len(out.text), _footnote_label(child.meta)))
        elif kind == "link_open":
            title = child.attrs.get("title")
            link = (str(child.attrs.get("href", "")), str(title) if title else None, len(out.text))
        elif kind == "link_close" and link is not None:
            href, title, start = link
            if href.startswith("//"):  # protocol-relative: the page's link over https
                href = "https:" + href
            if href.startswith(("http://", "https://", "ftp://", "www.")):
                out.markers.append(Marker(len(out.text), _link_label(href, state.link_labels)))
                out.urls.append((href, out.text[start:].strip(), title))
            link = None
        elif kind == "image":
            continue
    return out


def _lines_span(state: _State, token: Token) -> tuple[int, int]:
    """Source offsets of the lines a block token covers."""
    if token.map is None:
        return 0, len(state.source)
    last = len(state.line_starts) - 1
    return state.line_starts[min(token.map[0], last)], state.line_starts[min(token.map[1], last)]


_TRAILING = re.compile(r"^(?P<core>.*?)(?P<trail>[.!?,;:\"”’')\]]*)$")


def _words_pattern(words: list[str], *, loose_end: bool = False) -> re.Pattern[str]:
    """The words separated by whitespace; with ``loose_end``, markup may sit before the
    last word's closing punctuation ("reported][cnn].", "mfa_eng/>.")."""
    escaped = [re.escape(word) for word in words]
    if loose_end and words:
        found = _TRAILING.match(words[-1])
        assert found is not None
        escaped[-1] = re.escape(found["core"]) + r"\S*?" + re.escape(found["trail"])
    return re.compile(r"\s+".join(escaped))


def _locate(state: _State, claims: list[ParsedClaim], start: int, limit: int) -> list[ParsedClaim]:
    """Best-effort source spans: find each sentence's first and last words in the source
    between ``start`` and ``limit``; where markup hides them the span stays as built."""
    located = []
    cursor = start
    for claim in claims:
        words = claim.text.split()
        head = next(
            (
                found
                for size in (3, 2, 1)
                if words
                and (found := _words_pattern(words[:size]).search(state.source, cursor, limit))
            ),
            None,
        )
        if head is not None:
            tail = next(
                (
                    found
                    for size in (2, 1)
                    if (
                        found := _words_pattern(words[-size:], loose_end=True).search(
                            state.source, head.start(), limit
                        )
                    )
                ),
                None,
            )
            end = tail.end() if tail is not None else head.start() + len(claim.text)
            claim = dataclasses.replace(claim, start=head.start(), end=end)
            cursor = end
        located.append(claim)
    return located


def _add_link(state: _State, url: str, text: str, title: str | None) -> None:
    if url in state.links:
        return
    label = _link_label(url, state.link_labels)
    fields = ReferenceFields(url=url, title=(text if text and text != url else title) or None)
    raw = f"[{text}]({url})" if text and text != url else url
    state.links[url] = ParsedReference(label=label, raw=raw, fields=fields, group="")


def _paragraph(state: _State, inline: Token, base_token: Token) -> None:
    rendered = _render_inline(inline, state)
    for url, text, title in rendered.urls:
        _add_link(state, url, text, title)
    start, limit = _lines_span(state, base_token)
    claims = build_claims(state.section, rendered.text, rendered.markers, base=start,
                          language=state.language)
    state.claims.extend(_locate(state, claims, start, limit))


def _footnote(state: _State, tokens: list[Token], label: str) -> None:
    """A footnote definition: raw is its Markdown text, fields come from its rendered text."""
    sources: list[str] = []
    parts: list[str] = []
    urls: list[str] = []
    for token in tokens:
        if token.type == "inline":
            rendered = _render_inline(token, state)
            sources.append(token.content.strip())
            parts.append(rendered.text.strip())
            urls.extend(url for url, _text, _title in rendered.urls)
    raw = " ".join(source for source in sources if source)
    plain = " ".join(part for part in parts if part)
    if not plain:
        state.footnotes[label] = ParsedReference(label=label, raw=raw, tags=("empty",))
        return
    fields = with_links(parse_reference(plain), list(dict.fromkeys(urls)))
    state.footnotes[label] = ParsedReference(label=label, raw=raw, fields=fields)


def _walk(tokens: list[Token], state: _State) -> None:
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            text = _render_inline(tokens[index + 1], state).text.strip()
            state.headings.append((token.tag, text))
            if token.tag == "h1" and state.title in (None, text):
                state.title = text
            elif text:
                state.section = text
            index += 3
            continue
        if token.type == "footnote_open":
            close = index
            while tokens[close].type != "footnote_close":
                close += 1
            _footnote(state, tokens[index + 1 : close], _footnote_label(token.meta))
            index = close + 1
            continue
        if token.type == "inline" and index > 0 and tokens[index - 1].type == "paragraph_open":
            _paragraph(state, token, tokens[index - 1])
        elif token.type == "table_open":
            while tokens[index].type != "table_close":
                index += 1
        index += 1


_BLANK = re.compile(r"[^\n]")
# the publication date under the names static-site generators give it (Jekyll and Hugo
# "date", Hugo "publishDate", Astro "pubDate", others "published"/"publish_date"; metadata
# lines "PUBLISHED DATETIME")
_DATE_KEYS = ("date", "publishDate", "pubDate", "published", "publish_date",
              "published datetime")


def _meta_date(value: object) -> Date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, Date):
        return value
    if isinstance(value, str):
        return parse_date(value.strip())[0]
    return None


def parse(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse Markdown into claims (with footnote and link citations) and references."""
    link_labels: dict[str, str] = {}
    for found in _DEFINITION.finditer(text):
        link_labels.setdefault(found["url"], found["label"].strip())
    line_starts = [0]
    for line in text.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    state = _State(source=text, line_starts=line_starts, link_labels=link_labels,
                   language=guess_language(text))
    matter = read_front_matter(text)
    lines_only = not matter.kind
    if lines_only:
        matter = read_metadata_lines(text)
    # the block is blanked out (offsets kept) so that its lines never become claims
    body = _BLANK.sub(" ", text[: matter.end]) + text[matter.end :] if matter.end else text
    tokens = _markdown().parse(body)
    # a "Title:" line is the page's <title> (site name and all): it names a heading below
    meta_title = None if lines_only else matter.text("title")
    if meta_title:
        state.title = meta_title
    page_title = (matter.text("title") if lines_only else None) or named_title(body)
    authors = matter.names("authors", "author")
    published = next((found for found in (_meta_date(matter.data.get(key)) for key in _DATE_KEYS)
                      if found is not None), None)
    state.warnings.extend(matter.warnings)
    _walk(tokens, state)
    if not meta_title:
        state.title = named_line((text for _tag, text in state.headings), page_title) or (
            pick_headline((text for tag, text in state.headings if tag == "h1"), page_title))
    references = tuple(state.footnotes.values()) + tuple(state.links.values())
    return ParsedDocument(
        format=FORMAT,
        title=title or state.title,
        claims=tuple(state.claims),
        references=references,
        authors=authors,
        published=published,
        warnings=tuple(state.warnings),
    )
