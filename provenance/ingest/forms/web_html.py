"""Parse a web article saved as HTML (news sites, think-tank pages, blogs).

The article body is told apart from menus, sidebars and footers by trafilatura; title,
authors and publication date come from the page's metadata (JSON-LD, OpenGraph, ``meta``
tags, with htmldate for the date) through trafilatura's metadata extractor. Every inline
link in the body is a citation of the sentence it sits in: each distinct URL is one
reference, labelled by a stable id derived from the URL (``L`` + 8 hex digits), titled with
its anchor text. Footnotes (``<a href="#fn1">1</a>`` pointing at a note in a list or a
footnotes block) are references labelled with their marker text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any
from urllib.parse import urldefrag

import trafilatura
from lxml import etree, html
from trafilatura.metadata import extract_metadata

from provenance.domain.documents import (
    ParsedClaim,
    ParsedDocument,
    ParsedReference,
    ReferenceFields,
)
from provenance.ingest.claims.sentences import guess_language
from provenance.ingest.claims.split import Marker, build_claims, language_of
from provenance.ingest.references.dates import parse_date
from provenance.ingest.references.parse import parse_reference

__all__ = ["FORMAT", "LEAD", "link_label", "parse"]

FORMAT = "web-html"
LEAD = "Lead"

_TOKEN = "\u27e6fn{}\u27e7"  # stands in for a footnote marker through extraction
_TOKEN_RE = re.compile(r"\s*\u27e6fn(\d+)\u27e7")
_NOTE_CONTAINER = re.compile(r"foot|endnote|\bnotes?\b|references|fn", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\band\b|&|,(?=\s*[A-Z][a-z]+\s+[A-Z]))\s*")


def link_label(url: str) -> str:
    """The stable label of an inline link's reference: ``L`` + 8 hex digits of its URL."""
    return "L" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]


@dataclass
class _Footnotes:
    """Footnote markers replaced by tokens, and the notes they point at."""

    labels: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # label -> note text


def _note_target(tree: etree._Element, anchor: etree._Element) -> etree._Element | None:
    href = anchor.get("href", "")
    if not href.startswith("#") or len(href) < 2:
        return None
    found = tree.xpath("//*[@id=$i or @name=$i]", i=href[1:])
    if not found:
        return None
    target = found[0]
    if target.tag == "a" and target.getparent() is not None:
        target = target.getparent()
    chain = [target, *target.iterancestors()]
    for node in chain[:4]:
        marks = " ".join(str(node.get(attr, "")) for attr in ("id", "class", "role"))
        if node.tag == "li" or _NOTE_CONTAINER.search(marks):
            return target
    return None


def _take_footnotes(tree: etree._Element) -> _Footnotes:
    notes = _Footnotes()
    targets: list[etree._Element] = []
    for anchor in list(tree.iter("a")):
        target = _note_target(tree, anchor)
        text = " ".join((anchor.text_content() or "").split()).strip("[]() ")
        if target is None or not text or len(text) > 6 or anchor in target.iter():
            continue
        label = text
        if label not in notes.notes:
            for back in target.xpath(".//a[starts-with(@href, '#')]"):
                back.drop_tree()
            notes.notes[label] = " ".join(target.text_content().split()).strip(" ↩^")
            targets.append(target)
        holder = anchor.getparent() if anchor.getparent() is not None and \
            anchor.getparent().tag == "sup" else anchor
        token = _TOKEN.format(len(notes.labels))
        notes.labels.append(label)
        tail = holder.tail or ""
        parent = holder.getparent()
        if parent is None:
            continue
        previous = holder.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + token + tail
        else:
            parent.text = (parent.text or "") + token + tail
        parent.remove(holder)
    for target in targets:
        if target.getparent() is not None:
            target.getparent().remove(target)
    return notes


@dataclass
class _Block:
    chars: list[str] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    def add(self, text: str | None) -> None:
        if text:
            self.chars.append(text)

    def size(self) -> int:
        return sum(len(c) for c in self.chars)


def _render(element: etree._Element, block: _Block, links: dict[str, str]) -> None:
    block.add(element.text)
    for child in element:
        if child.tag == "ref" and child.get("target"):
            url, _fragment = urldefrag(child.get("target", "").strip())
            anchor = " ".join("".join(child.itertext()).split())
            block.add(child.text if len(child) == 0 else "".join(child.itertext()))
            if url.startswith(("http://", "https://")):
                links.setdefault(url, anchor)
                block.markers.append(Marker(block.size(), link_label(url)))
        elif child.tag in ("lb",):
            block.add(" ")
        else:
            _render(child, block, links)
        block.add(child.tail)


def _plain(block: _Block, notes: _Footnotes) -> tuple[str, list[Marker]]:
    text = "".join(block.chars)
    markers = list(block.markers)
    out: list[str] = []
    cursor = removed = 0
    for found in _TOKEN_RE.finditer(text):
        out.append(text[cursor:found.start()])
        index = int(found.group(1))
        shift = found.end() - found.start()
        position = found.start() - removed
        markers = [Marker(m.offset - shift if m.offset >= found.end() else m.offset, m.label,
                          m.group) for m in markers]
        markers.append(Marker(position, notes.labels[index]))
        removed += shift
        cursor = found.end()
    out.append(text[cursor:])
    plain = "".join(out)
    collapsed: list[str] = []
    mapping: list[int] = []
    position = 0
    for char in plain:
        mapping.append(position)
        if char.isspace() and (not collapsed or collapsed[-1] == " "):
            continue
        collapsed.append(" " if char.isspace() else char)
        position += 1
    mapping.append(position)
    result = "".join(collapsed)
    lead = 0
    size = len(result.rstrip())
    markers = [Marker(min(mapping[min(m.offset, len(plain))] - lead, size), m.label, m.group)
               for m in markers]
    return result.rstrip(), sorted(markers, key=lambda m: m.offset)


# What themes print around an author's name: "View all posts by Daniel Lemire", "By X".
_AUTHOR_NOISE = re.compile(r"^(?:view\s+all\s+(?:posts|articles|stories)\s+by|(?:more\s+)?"
                           r"(?:posts|articles|stories)\s+by|written\s+by|posted\s+by|by)\s+",
                           re.IGNORECASE)


def _authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    names = [_AUTHOR_NOISE.sub("", n.strip(" ,")).strip()
             for n in _AUTHOR_SPLIT.split(value) if n.strip(" ,")]
    names = [n for n in names if n]
    return tuple(dict.fromkeys(n for n in names if not n.lower().startswith(("http", "www."))))


def _published(value: str | None) -> Date | None:
    return parse_date(value)[0] if value else None


# Past this size the page's text is read by :func:`_large_page` (trafilatura's extraction grows
# faster than the page: 4 MB took 33 s): every paragraph is still read.
_FAST_EXTRACTION = 1_000_000
_BLOCK_TAGS = {"h1": "head", "h2": "head", "h3": "head", "h4": "head", "h5": "head",
               "h6": "head", "p": "p", "li": "item", "blockquote": "quote", "td": "cell",
               "th": "cell", "dd": "p"}
_NOT_BODY = {"nav", "header", "footer", "aside", "script", "style", "form", "noscript",
             "template", "svg", "button", "select"}


@dataclass
class _LargePage:
    """What the rest of :func:`parse` reads of an extraction (trafilatura's Document shape)."""

    body: etree._Element
    title: str | None
    author: str | None
    date: str | None


def _copy_inline(source: etree._Element, into: etree._Element) -> None:
    """Copy ``source``'s text into ``into``: links as ``ref`` elements, other tags flattened."""
    last: etree._Element | None = None

    def add(text: str | None) -> None:
        if not text:
            return
        if last is None:
            into.text = (into.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    add(source.text)
    for child in source:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _NOT_BODY:
            pass
        elif tag == "a" and child.get("href"):
            last = etree.SubElement(into, "ref", target=child.get("href", ""))
            last.text = "".join(child.itertext())
        elif tag == "br":
            add(" ")
        elif tag not in _BLOCK_TAGS:
            holder = etree.Element("span")
            _copy_inline(child, holder)
            add(holder.text)
            for part in list(holder):
                into.append(part)
                last = part
        add(child.tail)


def _large_page(tree: etree._Element) -> _LargePage:
    """A linear reading of a very large page: every heading, paragraph, list item, quotation
    and table cell of its article (or main, or body), outside navigation, header and footer."""
    root = tree
    for tag in ("body", "main", "article"):  # the innermost of these the page has
        found = next(iter(tree.iter(tag)), None)
        if found is not None:
            root = found
    body = etree.Element("body")
    skipped: set[etree._Element] = set()
    for node in root.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _NOT_BODY:
            skipped.update(node.iter())
        if node in skipped or tag not in _BLOCK_TAGS:
            continue
        if any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in node.iterdescendants()):
            continue  # its inner blocks are read on their own
        block = etree.SubElement(body, _BLOCK_TAGS[tag])
        _copy_inline(node, block)
    meta = extract_metadata(tree)
    return _LargePage(body, meta.title, meta.author, meta.date)


def parse(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse web-article HTML into claims (with link and footnote citations) and references."""
    warnings: list[str] = []
    try:
        tree = html.fromstring(text)
    except (etree.ParserError, ValueError):
        tree = None
    notes = _take_footnotes(tree) if tree is not None else _Footnotes()
    source = html.tostring(tree, encoding="unicode") if tree is not None else text
    extracted: Any
    if tree is not None and len(text) > _FAST_EXTRACTION:
        extracted = _large_page(tree)
    else:
        extracted = trafilatura.bare_extraction(
            source, include_links=True, include_comments=False, include_tables=False,
            include_images=False, with_metadata=True, favor_precision=True, deduplicate=False,
            as_dict=False)
    if isinstance(extracted, dict):  # older trafilatura answers with a dict
        extracted = None
    claims: list[ParsedClaim] = []
    links: dict[str, str] = {}
    language = language_of(tree.get("lang")) if tree is not None and tree.get("lang") \
        else guess_language(text)
    section = LEAD
    offset = 0
    if extracted is None or extracted.body is None:
        warnings.append("no article body found in the page")
        body_nodes: list[etree._Element] = []
    else:
        body_nodes = list(extracted.body.iter("head", "p", "item", "quote", "cell"))
    for node in body_nodes:
        if node.tag == "head":
            section = " ".join("".join(node.itertext()).split()) or section
            continue
        if node.tag != "p" and any(d.tag in ("p", "item", "quote") for d in node.iterdescendants()):
            continue  # its paragraphs are blocks of their own
        if node.tag == "p" and any(a.tag in ("p", "item") for a in node.iterancestors()):
            continue
        block = _Block()
        _render(node, block, links)
        plain, markers = _plain(block, notes)
        if not plain.strip():
            continue
        if node.tag == "item" and not markers and not re.search(r"[.!?][\"”’)]*$", plain):
            continue
        claims.extend(build_claims(section, plain, markers, base=offset, language=language))
        offset += len(plain) + 1
    references = [
        ParsedReference(label=link_label(url), raw=url,
                        fields=ReferenceFields(title=anchor or None, url=url))
        for url, anchor in links.items()
    ]
    for label, note in notes.notes.items():
        fields = parse_reference(note) if note else ReferenceFields()
        references.append(ParsedReference(label=label, raw=note, fields=fields,
                                          tags=() if note else ("empty",)))
    meta_title = extracted.title if extracted is not None else None
    return ParsedDocument(
        format=FORMAT,
        title=title or meta_title,
        claims=tuple(claims),
        references=tuple(references),
        authors=_authors(extracted.author if extracted is not None else None),
        published=_published(extracted.date if extracted is not None else None),
        warnings=tuple(warnings),
    )
