"""Parse a saved Wikipedia article page (desktop, mobile or Parsoid HTML).

Claims are the sentences of the article body's paragraphs (and of cited list items); each
``sup.reference`` marker in a sentence is a citation pointing at an ``ol.references`` entry
(``li#cite_note-…``). Labels are what the markers show: "12", "a" (group ``lower-alpha``),
"note 1" (group ``note``), so a reference reused with ``^ a b c`` back-links is one
reference cited from several claims. A reference's fields come from its COinS span and
the ``cite`` element's classes first, then from its links (URL, archive URL), then from
parsing the rendered text. ``{{citation needed}}``-style templates become claim tags; a
``{{dead link}}`` inside a reference becomes its ``dead-link`` tag, and a cite error or an
empty citation its ``empty`` tag. Info-box rows are kept as facts; navboxes, hatnotes,
captions, tables and the "See also"/"References"/"External links" sections are not claims.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

import mwparserfromhell
from bs4 import BeautifulSoup, Comment, Tag
from bs4.element import NavigableString

from provenance.domain.documents import (
    ParsedClaim,
    ParsedDocument,
    ParsedReference,
    ReferenceFields,
)
from provenance.ingest.claims.split import Marker, build_claims
from provenance.ingest.references.coins import coins_fields
from provenance.ingest.references.parse import parse_reference
from provenance.ingest.wikitext.cite import cite_fields, is_cite

__all__ = ["CLAIM_TEXT_BUDGET", "FORMAT", "LEAD", "MARKUP_BUDGET", "budget_warning", "cut_markup",
           "is_archive_url", "parse", "tag_slug"]

FORMAT = "wikipedia-html"
LEAD = "Lead"
# Claims are read from at most this much body text (a long featured article has ~250,000
# characters of prose); past it a document is parsed best-effort, with a warning, in a few seconds.
CLAIM_TEXT_BUDGET = 200_000


# Markup past this size is cut (reference lists kept) so a parse stays within seconds.
MARKUP_BUDGET = 800_000
_REFERENCE_LISTS = re.compile(r"<ol\b[^>]*\breferences\b[^>]*>.*?</ol>", re.DOTALL | re.IGNORECASE)


def cut_markup(text: str, keep: re.Pattern[str] | None = None) -> tuple[str, str | None]:
    """``text`` cut to :data:`MARKUP_BUDGET` at a paragraph end, with a warning if it was cut.

    Matches of ``keep`` in the part cut off (reference lists) are appended to what is kept.
    """
    if len(text) <= MARKUP_BUDGET:
        return text, None
    end = text.rfind("</p>", 0, MARKUP_BUDGET)
    end = end + 4 if end > 0 else MARKUP_BUDGET
    kept = [m.group(0) for m in keep.finditer(text, end)] if keep is not None else []
    tail = "".join(kept)[:MARKUP_BUDGET]
    warning = (f"document is very long ({len(text):,} characters): only its first {end:,} "
               "characters were read" + (" (and its reference lists)" if kept else ""))
    return text[:end] + tail, warning


def budget_warning(skipped: int) -> str:
    """The warning of a document whose text ran past :data:`CLAIM_TEXT_BUDGET`."""
    return (f"document is very long: claims were read from its first {CLAIM_TEXT_BUDGET:,} "
            f"characters of text; {skipped:,} later paragraphs were not split into claims")

NON_PROSE_SECTIONS = {
    "see also", "references", "notes", "external links", "further reading", "bibliography",
    "sources", "citations", "footnotes", "works cited", "notes and references",
    "references and notes", "gallery", "explanatory notes", "general references",
    "cited sources", "literature", "links", "related articles",
    # French Wikipedia
    "liens externes", "notes et références", "références", "voir aussi", "articles connexes",
    "annexes", "lien externe",
}
# Elements whose text is never part of a claim.
_SKIP_CLASSES = {
    "navbox", "navbox-styles", "vertical-navbox", "hatnote", "thumb", "thumbcaption", "gallery",
    "mw-editsection", "toc", "reflist", "references", "mw-references-wrap", "metadata",
    "ambox", "mbox-small", "sistersitebox", "noprint-portal", "portal", "printfooter",
    "catlinks", "mw-empty-elt", "mw-cite-backlink", "shortdescription", "infobox", "sidebar",
    "navigation-not-searchable", "mw-kartographer-container", "dmbox", "side-box",
    "authority-control", "succession-box", "mw-ext-score", "mwe-math-mathml-inline",
    "mw-jump-link", "mw-indicators", "reference-text", "mw-reference-text",
    "noexcerpt",  # marked by the wiki as not article prose (French {{Sous-titre}})
}
_SKIP_TAGS = {"style", "script", "table", "figure", "figcaption", "caption", "math", "noscript",
              "link", "meta", "img", "audio", "video", "sup-dummy", "ol-dummy", "template"}
_BLOCKS = {"p", "li", "dd", "dt", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "div",
           "section", "ul", "ol", "dl", "table"}
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
_MARKER_TEXT = re.compile(r"^\[?\s*(?:(?P<group>[^\]\d]*?)\s+)?(?P<label>[^\s\]]+)\s*\]?$")
_ARCHIVE = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:web\.archive\.org|wayback\.archive-it\.org|archive\.(?:today|ph|is|"
    r"li|fo|md|vn)|webcitation\.org|ghostarchive\.org|perma\.cc|webarchive\.nla\.gov\.au|"
    r"webarchive\.org\.uk|archive\.org/web)/", re.IGNORECASE)
_DEAD_LINK = re.compile(r"\b(?:permanent )?dead link\b", re.IGNORECASE)


def tag_slug(text: str) -> str:
    """The tag name of an inline cleanup template: "[citation needed]" -> "citation-needed"."""
    return re.sub(r"[^a-z]+", "-", text.lower()).strip("-")


def is_archive_url(url: str) -> bool:
    """True for a web-archive snapshot URL (Wayback, archive.today, WebCite, ...)."""
    return bool(_ARCHIVE.match(url))


def _classes(node: Tag) -> set[str]:
    value: str | list[str] = node.get("class") or []
    return set(value if isinstance(value, list) else str(value).split())


def _text(node: Tag) -> str:
    return " ".join(node.get_text("").replace("\u00a0", " ").split())


@dataclass
class _Paragraph:
    """Plain text of one block with the markers and tags taken out of it."""

    chars: list[str] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)

    def add(self, text: str) -> None:
        for char in text.replace("\u00a0", " "):
            if char.isspace():
                if self.chars and self.chars[-1] != " ":
                    self.chars.append(" ")
            else:
                self.chars.append(char)

    def at(self) -> int:
        return len(self.chars) - 1 if self.chars and self.chars[-1] == " " else len(self.chars)

    def finish(self) -> tuple[str, list[Marker], list[tuple[int, str]]]:
        text = "".join(self.chars)
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        size = len(text)

        def move(offset: int) -> int:
            return min(max(offset - lead, 0), size)

        markers = [replace(m, offset=move(m.offset)) for m in self.markers]
        return text, markers, [(move(o), t) for o, t in self.tags]


def _marker(node: Tag) -> tuple[str, str, str] | None:
    """(note id, label, group) of a ``sup.reference`` marker."""
    link = node.find("a", href=True)
    if link is None:
        return None
    href = str(link["href"])
    note = unquote(href.rpartition("#")[2]) if "#" in href else ""
    shown = _text(link)
    found = _MARKER_TEXT.match(shown)
    if not note or not found:
        return None
    label, group = found["label"], (found["group"] or "").strip()
    if not group and label.isalpha():
        group = "lower-alpha" if label.islower() else "upper-alpha"
    if group:
        label = f"{group} {label}" if group not in ("lower-alpha", "upper-alpha") else label
    return note, label, group


def _is_inline_tag(node: Tag) -> bool:
    classes = _classes(node)
    return node.name == "sup" and bool(classes & {"Inline-Template", "Template-Fact", "noprint"})


def _walk(node: Tag, para: _Paragraph, notes: dict[str, tuple[str, str]]) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            para.add(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        classes = _classes(child)
        if child.name == "sup" and "reference" in classes:
            found = _marker(child)
            if found:
                note, label, group = found
                notes.setdefault(note, (label, group))
                para.markers.append(Marker(para.at(), label, group))
            continue
        if _is_inline_tag(child):
            shown = _text(child).strip("[] ")
            if shown:
                para.tags.append((para.at(), tag_slug(shown)))
            continue
        if child.name in _SKIP_TAGS or classes & _SKIP_CLASSES:
            continue
        if child.name == "br":
            para.add(" ")
            continue
        if child.name in ("ul", "ol", "dl") and node.name in ("li", "dd", "dt"):
            continue  # nested list items are blocks of their own
        _walk(child, para, notes)


def _heading_text(node: Tag) -> str:
    headline = node.find(class_="mw-headline")
    return _text(headline if isinstance(headline, Tag) else node)


def _skipped(node: Tag) -> bool:
    return node.name in _SKIP_TAGS or bool(_classes(node) & _SKIP_CLASSES)


def _blocks(root: Tag) -> Iterator[tuple[str, Tag]]:
    """("heading", h) and ("para", block) in document order, skipping non-prose containers."""
    for child in root.children:
        if not isinstance(child, Tag) or _skipped(child):
            continue
        if child.name in _HEADINGS:
            yield "heading", child
        elif "mw-heading" in _classes(child):
            inner = child.find(list(_HEADINGS))
            if isinstance(inner, Tag):
                yield "heading", inner
        elif child.name in ("p", "dd", "dt"):
            yield "para", child
        elif child.name == "li":
            nested = [c for c in child.children if isinstance(c, Tag) and c.name in ("ul", "ol")]
            yield "item", child
            for sub in nested:
                yield from _blocks(sub)
        elif child.name in ("div", "section", "ul", "ol", "dl", "blockquote", "center", "span"):
            yield from _blocks(child)


def _content_root(soup: BeautifulSoup) -> Tag:
    for selector in ("#mw-content-text .mw-parser-output", ".mw-parser-output", "#mw-content-text",
                     "#bodyContent", "main", "body"):
        found = soup.select_one(selector)
        if isinstance(found, Tag):
            return found
    return soup


def _title(soup: BeautifulSoup) -> str | None:
    heading = soup.select_one("#firstHeading, h1.firstHeading, #section_0")
    if heading is not None and _text(heading):
        return _text(heading)
    version = soup.find("link", rel="dc:isVersionOf")
    if isinstance(version, Tag) and version.get("href"):
        return unquote(str(version["href"]).rpartition("/")[2]).replace("_", " ")
    if soup.title and soup.title.string:
        return re.sub(r"\s+[-–—]\s+Wikipedia.*$", "", " ".join(soup.title.string.split())) or None
    return None


def _facts(root: Tag) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    for box in root.select("table.infobox"):
        for row in box.find_all("tr"):
            label, value = row.find("th"), row.find("td")
            if isinstance(label, Tag) and isinstance(value, Tag):
                para = _Paragraph()
                _walk(value, para, {})
                text, _m, _t = para.finish()
                if _text(label) and text:
                    facts.append((_text(label), text))
    return facts


def _note_body(item: Tag) -> Tag:
    body = item.find(class_=["reference-text", "mw-reference-text"])
    return body if isinstance(body, Tag) else item


def _links(body: Tag) -> tuple[str | None, str | None]:
    url = archive = None
    for link in body.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith("//"):
            href = "https:" + href
        if not href.startswith(("http://", "https://")) or "wikipedia.org/" in href:
            continue
        if "Special:BookSources" in href or "wikidata.org" in href:
            continue
        if is_archive_url(href):
            archive = archive or href
        elif url is None:
            url = href
    return url, archive


def _reference_tags(item: Tag, body: Tag, raw: str) -> tuple[str, ...]:
    tags: list[str] = []
    errors = item.select(".mw-ext-cite-error, .cite-error, .error")
    empty_citation = any("empty citation" in _text(e).lower() for e in item.select(
        ".cs1-visible-error, .citation-comment, .error"))
    if not raw or empty_citation or any("cite error" in _text(e).lower() for e in errors):
        tags.append("empty")
    for sup in body.find_all("sup"):
        if isinstance(sup, Tag) and _is_inline_tag(sup) and _DEAD_LINK.search(_text(sup)):
            tags.append("dead-link")
            break
    return tuple(tags)


def _template_fields(body: Tag) -> ReferenceFields | None:
    """Fields of the citation template Parsoid recorded in a reference's ``data-mw``.

    Parsoid HTML keeps each transcluded template's name and wikitext parameters, so a cite
    template's fields are read exactly as from the page's wikitext.
    """
    for node in body.select("[data-mw]"):
        try:
            data = json.loads(str(node["data-mw"]))
        except ValueError:
            continue
        for part in data.get("parts", []) if isinstance(data, dict) else []:
            call = part.get("template") if isinstance(part, dict) else None
            if not isinstance(call, dict):
                continue
            target = str(call.get("target", {}).get("wt", ""))
            template = mwparserfromhell.nodes.Template(mwparserfromhell.parse(target.strip()))
            if not is_cite(template):
                continue
            for name, value in (call.get("params") or {}).items():
                template.add(name, str(value.get("wt", "")) if isinstance(value, dict) else "")
            return cite_fields(template, lambda code: code.strip_code())
    return None


def _reference_fields(body: Tag, raw: str) -> ReferenceFields:
    from_template = _template_fields(body)
    if from_template is not None:
        return from_template
    text_fields = parse_reference(raw) if raw else ReferenceFields()
    coins = body.find("span", class_="Z3988")
    cite = body.find(["cite", "span"], class_="citation")
    url, archive = _links(body)
    fields = text_fields
    if isinstance(coins, Tag) and coins.get("title"):
        structured = coins_fields(str(coins["title"]))
        extra = {**text_fields.extra, **structured.extra}
        fields = replace(
            text_fields,
            authors=structured.authors or text_fields.authors,
            date=structured.date or text_fields.date,
            title=structured.title or text_fields.title,
            work=structured.work or text_fields.work,
            publisher=structured.publisher or text_fields.publisher,
            url=structured.url or text_fields.url,
            extra=extra,
        )
    if isinstance(cite, Tag):
        kinds = sorted(_classes(cite) - {"citation", "cs1", "cs2", "Citation"})
        if kinds:
            fields = replace(fields, extra={**fields.extra, "type": " ".join(kinds)})
    hrefs = {str(a["href"]) for a in body.find_all("a", href=True)}
    if url and (fields.url is None or is_archive_url(fields.url) or fields.url not in hrefs):
        fields = replace(fields, url=url)  # the link, not a domain named in the text
    if archive and not fields.archive_url:
        fields = replace(fields, archive_url=archive)
    if fields.url and fields.archive_url == fields.url:
        fields = replace(fields, url=url)
    return fields


def _group_of(item: Tag) -> str:
    wrap = item.find_parent("ol")
    if isinstance(wrap, Tag):
        group = wrap.get("data-mw-group")
        if group:
            return str(group)
    return ""


def _references(root: Tag | BeautifulSoup,
                notes: dict[str, tuple[str, str]]) -> list[ParsedReference]:
    out: list[ParsedReference] = []
    position: dict[str, int] = {}
    for item in root.select("ol.references > li, ol.mw-references > li"):
        note = str(item.get("id") or "")
        if not note.startswith("cite_note"):
            continue
        body = _note_body(item)
        raw = _text(body)
        if note in notes:
            label, group = notes[note]
        else:
            group = _group_of(item)
            position[group] = position.get(group, 0) + 1
            number = position[group]
            label = str(number) if not group else f"{group} {number}"
        out.append(ParsedReference(
            label=label,
            raw=raw,
            fields=_reference_fields(body, raw),
            group=group,
            tags=_reference_tags(item, body, raw),
        ))
    return out


def parse(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse Wikipedia article HTML into claims, references, facts and tags."""
    text, cut = cut_markup(text, _REFERENCE_LISTS)
    soup = BeautifulSoup(text, "lxml")
    root = _content_root(soup)
    notes: dict[str, tuple[str, str]] = {}
    claims: list[ParsedClaim] = []
    section = LEAD
    skipping = False
    offset = skipped = 0
    for kind, block in _blocks(root):
        if kind == "heading":
            section = _heading_text(block) or section
            skipping = section.strip().lower() in NON_PROSE_SECTIONS
            continue
        if skipping:
            continue
        if offset > CLAIM_TEXT_BUDGET:
            skipped += 1
            _walk(block, _Paragraph(), notes)  # still learn the labels its markers use
            continue
        para = _Paragraph()
        _walk(block, para, notes)
        plain, markers, tags = para.finish()
        if not plain:
            continue
        if kind == "item" and not markers and not re.search(r"[.!?][\"”’)]*$", plain):
            continue
        claims.extend(build_claims(section, plain, markers, base=offset, tags_at=tags))
        offset += len(plain) + 1
    references = _references(soup, notes)
    return ParsedDocument(
        format=FORMAT,
        title=title or _title(soup),
        claims=tuple(claims),
        references=tuple(references),
        facts=tuple(_facts(root)),
        warnings=tuple(w for w in (cut, budget_warning(skipped) if skipped else None) if w),
    )
