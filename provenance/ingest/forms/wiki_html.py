"""Parse a saved Wikipedia article page (desktop, mobile or Parsoid HTML) with lxml, whole.

The page's own markup decides the citation graph. Every reference list item
(``ol.references > li#cite_note-…``) is one reference, stored under the label its markers
show ("5", "n 3", "a", "iv"); an item no marker cites gets the label its list position would
show. Every ``sup.reference`` marker is a citation of the claim it stands in:

- a sentence of a paragraph, a list item, a block quote;
- a table row (the row's cells, one claim), an info-box row ("Born: 17 July 1954"), a caption;
- a note of a notes group that cites references (``[n 3]`` saying "… [12]") is a claim of the
  section its list stands in, citing those references.

Sentences are split in the page's language (``<html lang>``), a marker being a possible
sentence end. ``{{citation needed}}``-style templates become claim tags; a ``{{dead link}}``
inside a reference becomes its ``dead-link`` tag, a cite error or an empty citation its
``empty`` tag. A reference's fields come from the citation template Parsoid recorded
(``data-mw``), else from its rendered text, its COinS span and its links: the first link is
``url``, an archive link ``archive_url``, and every link it carries is kept in
``extra["urls"]``. Nothing is cut: the whole page is read.
"""

from __future__ import annotations

import json
import re
from copy import deepcopy as copy_tree
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

import lxml.html
import mwparserfromhell
from lxml.etree import ParserError

from provenance.domain.documents import (
    ParsedCitation,
    ParsedClaim,
    ParsedDocument,
    ParsedReference,
    ReferenceFields,
)
from provenance.ingest.claims.split import Marker, build_claims, language_of
from provenance.ingest.references.coins import coins_fields
from provenance.ingest.references.links import with_links
from provenance.ingest.references.parse import parse_reference
from provenance.ingest.wikitext.cite import CITE_NAMES, fields_from_params, normalize_params

__all__ = ["FORMAT", "LEAD", "NON_PROSE_SECTIONS", "parse", "tag_slug"]

FORMAT = "wikipedia-html"
LEAD = "Lead"

NON_PROSE_SECTIONS = {
    "see also", "references", "notes", "external links", "further reading", "bibliography",
    "sources", "citations", "footnotes", "works cited", "notes and references",
    "references and notes", "gallery", "explanatory notes", "general references",
    "cited sources", "literature", "links", "related articles", "general and cited references",
    "general and cited sources", "notes and citations",
    # French, German, Spanish, Portuguese Wikipedia
    "liens externes", "notes et références", "références", "voir aussi", "articles connexes",
    "annexes", "lien externe", "bibliographie", "weblinks", "literatur", "einzelnachweise",
    "anmerkungen", "siehe auch", "referencias", "enlaces externos", "véase también",
    "referências", "ligações externas", "ver também", "notas", "bibliografia",
}
# Elements whose text is never part of a claim (and which hold no citation of the article).
_SKIP_CLASSES = frozenset({
    "navbox", "navbox-styles", "vertical-navbox", "hatnote", "mw-editsection", "toc",
    "metadata", "ambox", "mbox-small", "sistersitebox", "noprint-portal", "portal",
    "printfooter", "catlinks", "mw-empty-elt", "mw-cite-backlink", "shortdescription",
    "navigation-not-searchable", "mw-kartographer-container", "dmbox", "side-box",
    "authority-control", "succession-box", "mw-ext-score", "mwe-math-mathml-inline",
    "mwe-math-mathml-display", "mw-jump-link", "mw-indicators", "noexcerpt", "sidebar",
    "navigation-box", "reflist", "references", "mw-references-wrap", "mw-references",
    "refbegin",
})
_SKIP_TAGS = frozenset({"style", "script", "math", "noscript", "link", "meta", "img", "audio",
                        "video", "template", "head", "title", "annotation", "svg"})
_REFERENCE_CONTAINERS = frozenset({"reflist", "references", "mw-references-wrap",
                                   "mw-references", "refbegin"})
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_LIST_TAGS = frozenset({"ul", "ol", "dl"})
_CAPTION_CLASSES = frozenset({"thumbcaption", "gallerytext"})
_INLINE_TAG_CLASSES = frozenset({"Inline-Template", "Template-Fact", "noprint"})
_DEAD_LINK = re.compile(r"\b(?:permanent )?dead link\b|\blien mort\b|\btoter link\b",
                        re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*$")
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
_LIST_STYLE = re.compile(r"list-style-type\s*:\s*([a-z-]+)")
_GREEK = "αβγδεζηθικλμνξοπρστυφχψω"  # CSS lower-greek
_MARKER_CLASSES = frozenset({"reference", "mw-ref"})  # mw-ref alone: Parsoid HTML before 2019
_CSS_GROUPS = frozenset({"lower-alpha", "upper-alpha", "lower-latin", "upper-latin", "lower-greek",
                         "lower-roman", "upper-roman"})


def tag_slug(text: str) -> str:
    """The tag name of an inline cleanup template: "[citation needed]" -> "citation-needed"."""
    return re.sub(r"[^a-z]+", "-", text.lower()).strip("-")


def _classes(node: lxml.html.HtmlElement) -> set[str]:
    value = node.get("class")
    return set(value.split()) if value else set()


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _text(node: lxml.html.HtmlElement) -> str:
    return _norm(node.text_content())


def _roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _alpha(number: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> str:
    """CSS's alphabetic numbering: a … z, aa, ab …"""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, len(alphabet))
        letters = alphabet[rest] + letters
    return letters


def _position_label(group: str, number: int) -> str:
    """What a list of ``group`` shows for its ``number``-th item."""
    if group in ("lower-alpha", "lower-latin"):
        return _alpha(number)
    if group in ("upper-alpha", "upper-latin"):
        return _alpha(number).upper()
    if group == "lower-greek":
        return _alpha(number, _GREEK)
    if group == "lower-roman":
        return _roman(number)
    if group == "upper-roman":
        return _roman(number).upper()
    return f"{group} {number}" if group else str(number)


@dataclass
class _Paragraph:
    """Plain text of one block, with its markers and inline tags taken out."""

    pieces: list[str] = field(default_factory=list)
    size: int = 0
    trailing_space: bool = True  # nothing yet: a leading space is dropped
    markers: list[Marker] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    nested: list[lxml.html.HtmlElement] = field(default_factory=list)  # lists left for later

    def add(self, text: str) -> None:
        if not text:
            return
        text = _SPACE.sub(" ", text.replace("\u00a0", " "))
        if self.trailing_space and text.startswith(" "):
            text = text[1:]
        if text:
            self.pieces.append(text)
            self.size += len(text)
            self.trailing_space = text.endswith(" ")

    def space(self) -> None:
        self.add(" ")

    def at(self) -> int:
        return self.size - 1 if self.trailing_space and self.size else self.size

    def finish(self) -> tuple[str, list[Marker], list[tuple[int, str]]]:
        text = "".join(self.pieces).rstrip()
        size = len(text)
        markers = [replace(m, offset=min(m.offset, size)) for m in self.markers]
        return text, markers, [(min(o, size), t) for o, t in self.tags]


@dataclass
class _Note:
    """One reference list item."""

    note: str
    item: lxml.html.HtmlElement
    group: str
    position: int
    list_index: int = 0
    parent: str = ""  # a sub-reference ("1.2"): the note id of its main reference


@dataclass
class _State:
    """What the walk gathers: the notes' labels as markers show them, claims, facts."""

    notes: dict[str, _Note]
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # note -> (label, group)
    owners: dict[str, str] = field(default_factory=dict)  # label -> note
    claims: list[ParsedClaim] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    language: str = "en"
    offset: int = 0
    note_sections: dict[str, str] = field(default_factory=dict)  # note -> section of its list


def _list_group(ol: lxml.html.HtmlElement) -> str:
    """The group of a reference list: Parsoid's ``data-mw-group``, else its numbering style."""
    group = ol.get("data-mw-group")
    if group:
        return str(group)
    node: lxml.html.HtmlElement | None = ol
    for _ in range(3):
        if node is None:
            break
        style = _LIST_STYLE.search(node.get("style") or "")
        if style and style.group(1) != "decimal":
            return style.group(1)
        for name in _classes(node):
            if name.startswith("reflist-") and name[8:] in ("lower-alpha", "upper-alpha",
                                                            "lower-roman", "upper-roman",
                                                            "lower-greek"):
                return name[8:]
        node = node.getparent()
    return ""


def _reference_lists(root: lxml.html.HtmlElement) -> dict[str, _Note]:
    """Every reference list item (``ol > li#cite_note-…``) in document order, and the
    sub-references listed inside an item (``li#cite_note-… > ol > li#cite_note-…``)."""
    notes: dict[str, _Note] = {}
    # keyed by the element itself: holding it keeps lxml's proxy, so the key stays the same
    lists: dict[lxml.html.HtmlElement, tuple[int, str]] = {}  # ol -> (list number, group)
    counts: dict[lxml.html.HtmlElement, int] = {}
    for item in root.iter("li"):
        note = item.get("id") or ""
        ol = item.getparent()
        if not note.startswith("cite_note") or ol is None or ol.tag != "ol" or note in notes:
            continue
        counts[ol] = position = counts.get(ol, 0) + 1
        owner = ol.getparent()
        parent = owner.get("id") or "" if owner is not None and owner.tag == "li" else ""
        if parent in notes:  # a sub-reference: its main reference's list and group
            main = notes[parent]
            notes[note] = _Note(note, item, main.group, position, main.list_index, parent=parent)
            continue
        if ol not in lists:
            lists[ol] = (len(lists) + 1, _list_group(ol))
        number, group = lists[ol]
        notes[note] = _Note(note, item, group, position, number)
    return notes


def _marker(sup: lxml.html.HtmlElement, state: _State) -> tuple[str, str, str] | None:
    """(note id, label, group) of a ``sup.reference`` marker."""
    link = next((a for a in sup.iter("a") if a.get("href")), None)
    if link is None:
        return None
    href = link.get("href") or ""
    if "#" not in href:
        return None
    note = unquote(href.partition("#")[2])
    shown = _norm(link.text_content()).strip("[] ")
    if not note or not shown:
        return None
    listed = state.notes.get(note)
    prefix, _sep, number = shown.rpartition(" ")
    if prefix in _CSS_GROUPS and number.isdigit() and "counter-reset" in (link.get("style") or ""):
        # Parsoid before 2019 wrote "[lower-alpha 1]" and let CSS show "[a]"
        return note, _position_label(prefix, int(number)), prefix
    if prefix:
        group = prefix
    elif listed is not None and listed.group:
        group = listed.group
    elif shown.isalpha():
        group = "lower-alpha" if shown.islower() else "upper-alpha"
    else:
        group = ""
    return note, shown, group


def _is_marker(node: lxml.html.HtmlElement, classes: set[str]) -> bool:
    return node.tag == "sup" and bool(classes & _MARKER_CLASSES)


def _is_inline_tag(node: lxml.html.HtmlElement, classes: set[str]) -> bool:
    return (node.tag == "sup" and bool(classes & _INLINE_TAG_CLASSES)
            and not classes & _MARKER_CLASSES)


def _collect(node: lxml.html.HtmlElement, para: _Paragraph, state: _State,
             nested_lists: bool = False) -> None:
    """Add the text under ``node`` to ``para``, taking markers and inline tags out."""
    para.add(node.text or "")
    for child in node:
        tag = child.tag
        if isinstance(tag, str):
            classes = _classes(child)
            if tag == "sup" and classes & _MARKER_CLASSES:
                _cite(child, para, state)
            elif _is_inline_tag(child, classes):
                shown = _text(child).strip("[] ")
                if shown:
                    para.tags.append((para.at(), tag_slug(shown)))
            elif tag == "br":
                para.space()
            elif tag in _SKIP_TAGS or classes & _SKIP_CLASSES:
                _inner_markers(child, classes, para, state)
            elif tag in _LIST_TAGS and not nested_lists:
                para.nested.append(child)  # nested list items are blocks of their own
            else:
                if tag in ("td", "th", "li", "div", "p", "dd", "dt"):
                    para.space()
                _collect(child, para, state, nested_lists)
                if tag in ("td", "th", "li", "div", "p", "dd", "dt"):
                    para.space()
        para.add(child.tail or "")


def _markers_within(node: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The markers under ``node``, but not those of a reference list's notes."""
    return [sup for sup in node.iter("sup") if _is_marker(sup, _classes(sup))
            and not any((a.get("id") or "").startswith("cite_note")
                        for a in sup.iterancestors("li"))]


def _inner_markers(node: lxml.html.HtmlElement, classes: set[str], para: _Paragraph,
                   state: _State) -> None:
    """A marker inside left-out text of a block (a note list, a box) cites the block's claim."""
    if node.tag in _SKIP_TAGS or classes & _REFERENCE_CONTAINERS:
        return
    for sup in _markers_within(node):
        _cite(sup, para, state)


def _cite(sup: lxml.html.HtmlElement, para: _Paragraph, state: _State) -> None:
    """A marker: a citation at this point of ``para``, under its note's one label.

    A page with several lists of one group numbers each from 1, so two notes can show "1":
    the first one the walk meets keeps it, the next is "1′" (never two references under one
    label)."""
    found = _marker(sup, state)
    if not found:
        return
    note, label, group = found
    if note in state.labels:
        label, group = state.labels[note]
    else:
        while state.owners.setdefault(label, note) != note:
            label += "′"
        state.labels[note] = (label, group)
    para.markers.append(Marker(para.at(), label, group))


def _heading_text(node: lxml.html.HtmlElement) -> str:
    for child in node.iter():
        if "mw-headline" in _classes(child):
            return _text(child)
    para = _Paragraph()
    _collect(node, para, _State({}))
    return para.finish()[0]


def _emit(state: _State, section: str, para: _Paragraph, *, whole: bool = False,
          keep_uncited: bool = True) -> None:
    plain, markers, tags = para.finish()
    if not plain or (not keep_uncited and not markers and not tags):
        return
    if whole:
        claims = [ParsedClaim(
            section=section, text=plain,
            citations=tuple(_citations(markers)), start=state.offset,
            end=state.offset + len(plain), tags=tuple(dict.fromkeys(t for _o, t in tags)))]
    else:
        claims = build_claims(section, plain, markers, base=state.offset, tags_at=tags,
                              language=state.language)
    state.claims.extend(claims)
    state.offset += len(plain) + 1


def _citations(markers: list[Marker]) -> list[ParsedCitation]:
    return [ParsedCitation(label=m.label, offset=m.offset, group=m.group) for m in markers]


def _rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("tbody", "thead", "tfoot"):
            rows.extend(row for row in child if row.tag == "tr")
    return rows


def _table(table: lxml.html.HtmlElement, state: _State, section: str) -> None:
    """Each row of a table is one claim (its cells); an info-box row is also a fact."""
    infobox = bool(_classes(table) & {"infobox", "infobox_v2", "infobox_v3"})
    for caption in (c for c in table if c.tag == "caption"):  # a table may have two
        para = _Paragraph()
        _collect(caption, para, state)
        _emit(state, section, para, whole=True, keep_uncited=False)
    for row in _rows(table):
        cells = [c for c in row if c.tag in ("td", "th")]
        if not cells:
            continue
        para = _Paragraph()
        for index, cell in enumerate(cells):
            if index:
                para.add(" — " if infobox and index == 1 else " | ")
            _collect(cell, para, state, nested_lists=True)
        if infobox and len(cells) == 2 and cells[0].tag == "th":
            value = _Paragraph()
            _collect(cells[1], value, _State(state.notes, language=state.language),
                     nested_lists=True)
            label, text = _text(cells[0]), value.finish()[0]
            if label and text:
                state.facts.append((label, text))
        _emit(state, section, para, whole=True, keep_uncited=False)


@dataclass
class _Walk:
    state: _State
    section: str = LEAD
    skipping: bool = False


def _walk(node: lxml.html.HtmlElement, walk: _Walk) -> None:
    """Visit the blocks under ``node`` in document order."""
    for child in node:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        classes = _classes(child)
        if tag in _HEADINGS or "mw-heading" in classes:
            heading = child if tag in _HEADINGS else next(
                (h for h in child.iter() if h.tag in _HEADINGS), child)
            walk.section = _heading_text(heading) or walk.section
            walk.skipping = walk.section.strip().lower() in NON_PROSE_SECTIONS
            if _markers_within(heading):  # "History[3]": the heading is a claim citing it
                para = _Paragraph()
                _collect(heading, para, walk.state)
                _emit(walk.state, walk.section, para, whole=True, keep_uncited=False)
            continue
        if classes & _REFERENCE_CONTAINERS:
            for item in child.iter("li"):
                if (item.get("id") or "").startswith("cite_note"):
                    walk.state.note_sections.setdefault(item.get("id") or "", walk.section)
            continue
        if tag in _SKIP_TAGS or classes & _SKIP_CLASSES:
            _stray_markers(child, walk)
            continue
        if tag == "section" or "mw-parser-output" in classes or (
                tag == "div" and not classes & _CAPTION_CLASSES and not _holds_text(child)):
            _walk(child, walk)
            continue
        state = walk.state
        if (tag in ("p", "dd", "dt", "blockquote", "figcaption", "div")
                or classes & _CAPTION_CLASSES):
            if tag == "blockquote" and any(c.tag == "p" for c in child):
                _walk(child, walk)
                continue
            para = _Paragraph()
            _collect(child, para, state)
            _emit(state, walk.section, para, keep_uncited=not (
                walk.skipping or classes & _CAPTION_CLASSES or tag == "figcaption"))
            for sub in para.nested:
                _list(sub, walk)
        elif tag in _LIST_TAGS:
            _list(child, walk)
        elif tag == "table":
            _table(child, state, walk.section)
        elif tag in ("figure", "center", "span", "article", "main", "aside"):
            _walk(child, walk)


_MARKER_BLOCKS = frozenset({"li", "td", "th", "p", "dd", "dt", "caption", "figcaption"})


def _stray_markers(node: lxml.html.HtmlElement, walk: _Walk) -> None:
    """Markers in a block left out of the text (a navbox, a sidebar) still cite: the list item,
    cell or paragraph each stands in becomes a claim citing it."""
    done: set[lxml.html.HtmlElement] = set()
    for sup in _markers_within(node):
        block = next((a for a in sup.iterancestors() if a.tag in _MARKER_BLOCKS), None)
        if block is None or block in done:
            continue
        done.add(block)  # the set holds the element: its proxy, and so its hash, stays
        para = _Paragraph()
        _collect(block, para, walk.state)
        _emit(walk.state, walk.section, para, whole=True, keep_uncited=False)


_BLOCK_TAGS = frozenset({"p", "div", "ul", "ol", "dl", "table", "section", "blockquote",
                         "figure", "h1", "h2", "h3", "h4", "h5", "h6", "center"})


def _holds_text(node: lxml.html.HtmlElement) -> bool:
    """True for a div whose own text (not its blocks') is prose: text or inline elements."""
    if (node.text or "").strip():
        return True
    return any((child.tail or "").strip() for child in node)


def _list(node: lxml.html.HtmlElement, walk: _Walk) -> None:
    """Each item of a list is a block (kept when cited or a full sentence); sub-lists follow."""
    state = walk.state
    for item in node:
        if item.tag not in ("li", "dd", "dt"):
            continue
        para = _Paragraph()
        _collect(item, para, state)
        plain = "".join(para.pieces).strip()
        if para.markers or para.tags or (_SENTENCE_END.search(plain) and not walk.skipping):
            _emit(state, walk.section, para)
        for sub in para.nested:
            _list(sub, walk)


def _note_body(item: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for node in item.iter():
        if _classes(node) & {"reference-text", "mw-reference-text"}:
            return node
    return item


def _note_claims(state: _State, notes: list[_Note]) -> None:
    """A note that cites references is a claim citing them (section: the note's label)."""
    for note in notes:
        body = _note_body(note.item)
        if not any(_is_marker(s, _classes(s)) for s in body.iter("sup")):
            continue
        para = _Paragraph()
        _collect(body, para, state, nested_lists=True)
        _emit(state, state.note_sections.get(note.note, "Notes"), para)


def _href(url: str) -> str | None:
    if url.startswith("//"):
        url = "https:" + url
    if not url.lower().startswith(("http://", "https://")):
        return None
    if "wikipedia.org/" in url or "wikidata.org" in url or "Special:BookSources" in url:
        return None
    if "wikimedia.org/" in url or "mediawiki.org/" in url:
        return None
    return url


def _links(body: lxml.html.HtmlElement) -> list[str]:
    found: list[str] = []
    for link in body.iter("a"):
        url = _href(link.get("href") or "")
        if url and url not in found:
            found.append(url)
    return found


_WIKILINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
_EXTLINK = re.compile(r"\[(?:https?:)?//\S+\s+([^\]]*)\]")
_QUOTES = re.compile(r"'{2,}")


def _render_wikitext(value: str) -> str:
    """The text a template parameter's wikitext shows (links, bold/italic resolved)."""
    if "{{" in value or "<" in value or "&" in value:
        return str(mwparserfromhell.parse(value).strip_code())
    value = _WIKILINK.sub(r"\1", value)
    value = _EXTLINK.sub(r"\1", value)
    return _QUOTES.sub("", value)


def _template_fields(body: lxml.html.HtmlElement) -> ReferenceFields | None:
    """Fields of the citation template Parsoid recorded in a reference's ``data-mw``.

    Parsoid HTML keeps each transcluded template's name and wikitext parameters, so a cite
    template's fields are read exactly as from the page's wikitext.
    """
    for node in body.iter():
        raw = node.get("data-mw") if isinstance(node.tag, str) else None
        if not raw or '"template"' not in raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for part in data.get("parts", []) if isinstance(data, dict) else []:
            call = part.get("template") if isinstance(part, dict) else None
            if not isinstance(call, dict):
                continue
            target = str(call.get("target", {}).get("wt", ""))
            name = " ".join(target.split("<!--")[0].replace("_", " ").split()).lower()
            name = name.removeprefix("template:").removeprefix("modèle:").removeprefix(
                "vorlage:").removeprefix("plantilla:").removeprefix("predefinição:")
            if not CITE_NAMES.match(name):
                continue
            pairs = [(str(key), _render_wikitext(str(value.get("wt", ""))))
                     for key, value in (call.get("params") or {}).items()
                     if isinstance(value, dict)]
            return fields_from_params(name, normalize_params(pairs, name))
    return None


_NOT_CITATION = frozenset({"cs1-visible-error", "cs1-hidden-error", "cs1-maint",
                           "citation-comment"})


def _left_out(node: lxml.html.HtmlElement) -> bool:
    return node.tag in ("style", "script") or bool(_classes(node) & _NOT_CITATION)


def _visible_text(body: lxml.html.HtmlElement, raw: str) -> str:
    """The reference's text without the TemplateStyles CSS the first citation carries and
    without CS1's error and maintenance messages."""
    if not any(_left_out(n) for n in body.iter("style", "script", "span", "code")):
        return raw
    copy = copy_tree(body)
    for node in [n for n in copy.iter("style", "script", "span", "code") if _left_out(n)]:
        if node.getparent() is not None:
            node.drop_tree()  # keeps the tail text
    return _text(copy)


def _reference_fields(body: lxml.html.HtmlElement, raw: str) -> ReferenceFields:
    links = _links(body)
    from_template = _template_fields(body)
    if from_template is not None:
        return with_links(from_template, links)
    raw = _visible_text(body, raw)
    fields = parse_reference(raw) if raw else ReferenceFields()
    coins = next((s for s in body.iter("span") if "Z3988" in _classes(s)), None)
    if coins is not None and coins.get("title"):
        structured = coins_fields(coins.get("title") or "")
        fields = replace(
            fields,
            authors=structured.authors or fields.authors,
            date=structured.date or fields.date,
            title=structured.title or fields.title,
            work=structured.work or fields.work,
            publisher=structured.publisher or fields.publisher,
            url=structured.url or fields.url,
            extra={**fields.extra, **structured.extra},
        )
    cite = next((c for c in body.iter("cite", "span") if "citation" in _classes(c)), None)
    if cite is not None:
        kinds = sorted(_classes(cite) - {"citation", "cs1", "cs2", "Citation"})
        if kinds:
            fields = replace(fields, extra={**fields.extra, "type": " ".join(kinds)})
    return with_links(fields, links)


def _reference_tags(item: lxml.html.HtmlElement, body: lxml.html.HtmlElement,
                    raw: str) -> tuple[str, ...]:
    tags: list[str] = []
    errors = [n for n in item.iter() if isinstance(n.tag, str)
              and _classes(n) & {"mw-ext-cite-error", "cite-error", "error",
                                 "cs1-visible-error", "citation-comment"}]
    if not raw or any("cite error" in _text(e).lower() or "empty citation" in _text(e).lower()
                      for e in errors):
        tags.append("empty")
    for sup in body.iter("sup"):
        if _is_inline_tag(sup, _classes(sup)) and _DEAD_LINK.search(_text(sup)):
            tags.append("dead-link")
            break
    return tuple(tags)


def _references(state: _State) -> list[ParsedReference]:
    out: list[ParsedReference] = []
    taken = {label for label, _group in state.labels.values()}
    shown_groups: dict[int, str] = {}  # a list's group as its cited items' markers show it
    for note in state.notes.values():
        if note.note in state.labels:
            shown_groups.setdefault(note.list_index, state.labels[note.note][1])
    labels: dict[str, str] = {}
    for note in state.notes.values():
        if note.note in state.labels:
            label, group = state.labels[note.note]
        else:
            group = note.group or shown_groups.get(note.list_index, "")
            if note.parent in labels:  # an uncited sub-reference: "3.2" under "3"
                label = f"{labels[note.parent]}.{note.position}"
            else:
                label = _position_label(group, note.position)
            while label in taken:  # never two references under one label
                label += "′"
            taken.add(label)
        labels[note.note] = label
        body = _note_body(note.item)
        raw = _text(body)
        out.append(ParsedReference(
            label=label, raw=raw, fields=_reference_fields(body, raw), group=group,
            tags=_reference_tags(note.item, body, raw)))
    return out


def _content_root(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The article: ``#mw-content-text`` when the page has one (page indicators such as
    coordinates carry ``mw-parser-output`` blocks of their own, outside it), else its
    ``mw-parser-output``."""
    content = next((n for n in root.iter("div", "main")
                    if n.get("id") == "mw-content-text"), None)
    if content is not None:
        return content
    for node in root.iter("body", "div", "main"):
        if "mw-parser-output" in _classes(node):
            return node
    fallback = next((n for n in root.iter("div") if n.get("id") == "bodyContent"), None)
    if fallback is not None:
        return fallback
    for tag in ("main", "body"):
        found = next(root.iter(tag), None)
        if found is not None:
            return found
    return root


def _title(root: lxml.html.HtmlElement) -> str | None:
    for node in root.iter("h1"):
        heading = node.get("id") in ("firstHeading", "section_0") or "firstHeading" in _classes(
            node)
        if heading and _text(node):
            return _text(node)
    for node in root.iter("link"):
        if node.get("rel") == "dc:isVersionOf" and node.get("href"):
            return unquote(str(node.get("href")).rpartition("/")[2]).replace("_", " ")
    title = next(root.iter("title"), None)
    if title is not None and title.text:
        return re.sub(r"\s+[-–—]\s+(?:Wikipedia|Wikipédia|Wikipedia, la enciclopedia libre)"
                      r".*$", "", _norm(title.text)) or None
    return None


def _page_language(root: lxml.html.HtmlElement) -> str:
    for node in (root, root.find("body")):
        if node is not None and node.get("lang"):
            return language_of(node.get("lang") or "")
    return "en"


def parse(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse Wikipedia article HTML into claims, references, facts and tags."""
    parser = lxml.html.HTMLParser(remove_comments=True, huge_tree=True, encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except ParserError:
        root = lxml.html.document_fromstring("<html><body></body></html>")
    state = _State(_reference_lists(root), language=_page_language(root))
    content = _content_root(root)
    _walk(content, _Walk(state))
    _note_claims(state, list(state.notes.values()))
    references = _references(state)
    return ParsedDocument(
        format=FORMAT,
        title=title or _title(root),
        claims=tuple(state.claims),
        references=tuple(references),
        facts=tuple(state.facts),
    )
