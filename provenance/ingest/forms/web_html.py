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
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any
from urllib.parse import urldefrag

import trafilatura
from lxml import etree, html

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
_SPACE_RUN = re.compile(r"\s+")
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


def _index_ids(tree: etree._Element) -> dict[str, list[etree._Element]]:
    """Elements by ``id`` and ``name``, in document order (one pass, not one search per link)."""
    index: dict[str, list[etree._Element]] = {}
    for element in tree.iter():
        for attr in ("id", "name"):
            value = element.get(attr)
            if value and (not index.get(value) or index[value][-1] is not element):
                index.setdefault(value, []).append(element)
    return index


def _note_target(tree: etree._Element, anchor: etree._Element,
                 ids: dict[str, list[etree._Element]]) -> etree._Element | None:
    href = anchor.get("href", "")
    if not href.startswith("#") or len(href) < 2:
        return None
    root = tree.getroottree().getroot()
    # the first element still in the page (a marker already taken out is not)
    target = next((e for e in ids.get(href[1:], ()) if e.getroottree().getroot() is root), None)
    if target is None:
        return None
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
    ids = _index_ids(tree)
    for anchor in list(tree.iter("a")):
        target = _note_target(tree, anchor, ids)
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
    length: int = 0

    def add(self, text: str | None) -> None:
        if text:
            self.chars.append(text)
            self.length += len(text)

    def size(self) -> int:
        return self.length


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
    """The block's text with footnote tokens taken out and whitespace collapsed; markers
    moved with the text they follow."""
    text = "".join(block.chars)
    tokens = list(_TOKEN_RE.finditer(text))
    pieces: list[str] = []
    cursor = removed = 0
    cut_ends: list[int] = []  # where each token ended in ``text``
    cut_totals: list[int] = []  # characters taken out up to and including that token
    footnotes: list[Marker] = []
    for found in tokens:
        pieces.append(text[cursor:found.start()])
        footnotes.append(Marker(found.start() - removed, notes.labels[int(found.group(1))]))
        removed += found.end() - found.start()
        cut_ends.append(found.end())
        cut_totals.append(removed)
        cursor = found.end()
    pieces.append(text[cursor:])
    plain = "".join(pieces)
    moved = []
    for m in block.markers:  # a link marker after a token moves back by what was taken out
        before = bisect_right(cut_ends, m.offset)
        moved.append(Marker(m.offset - (cut_totals[before - 1] if before else 0), m.label,
                            m.group))
    markers = moved + footnotes
    result = " ".join(plain.split())
    # a marker's place in the collapsed text: leading white space goes, every later run of
    # white space becomes one space
    runs = [(run.start(), run.end()) for run in _SPACE_RUN.finditer(plain)]
    starts = [start for start, _end in runs]
    dropped: list[int] = []  # characters dropped up to the end of each run
    total = 0
    for start, end in runs:
        total += end - start - (0 if start == 0 else 1)
        dropped.append(total)
    size = len(result)

    def collapsed(offset: int) -> int:
        offset = min(offset, len(plain))
        index = bisect_right(starts, offset) - 1
        if index < 0:
            return offset
        start, end = runs[index]
        keep = 0 if start == 0 else 1
        gone = (dropped[index - 1] if index else 0) + max(0, min(offset, end) - start - keep)
        return offset - gone

    return result, sorted((Marker(min(collapsed(m.offset), size), m.label, m.group)
                           for m in markers), key=lambda m: m.offset)


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


def parse(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse web-article HTML into claims (with link and footnote citations) and references."""
    warnings: list[str] = []
    try:
        tree = html.fromstring(text)
    except (etree.ParserError, ValueError):
        tree = None
    notes = _take_footnotes(tree) if tree is not None else _Footnotes()
    source = html.tostring(tree, encoding="unicode") if tree is not None else text
    # one reading at every size (no switch to another reader past some size)
    extracted: Any = trafilatura.bare_extraction(
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
