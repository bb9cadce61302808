"""Parse a text scrape of a Wikipedia article, or plain text with ``[n]`` markers and a list.

The text is read as blocks of lines separated by blank lines. What each line is comes from its
shape, not from known strings:

* a heading is a line with "Edit" glued to it ("First meetingEdit"); in a document with no
  such line, a short unpunctuated line standing alone before a blank line;
* the first block after a heading made only of short, unpunctuated lines is an info-box: its
  first line is the box caption, its rows ("DateMarch 25–28, 2018") are kept as facts;
* before the lead (the first block that reads as prose: several sentences, a marker, or
  "X is a ..."), every line is navigation or an image caption;
* a one-line block that names an image position ("(left)", "(pictured)") is a caption;
* the reference list is the run of "n. ^ ..." lines, or "[n] ..."/"n. ..." lines under a
  References/Sources/Notes heading; an entry's text continues on the following lines. In
  that list a "^ ..." item with no number (a text browser lost it) is the next item: it takes
  the number after the last one, as the list counts its items.

The title is the one above "From Wikipedia, the free encyclopedia", else the article's name in a
Wikipedia address among the first lines (a copy that starts with its URL), else the lead's
subject (the words before " is a"/" are"/" was" in its first sentence).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from provenance.domain.documents import (
    ParsedClaim,
    ParsedDocument,
    ParsedReference,
)
from provenance.ingest.claims.sentences import guess_language
from provenance.ingest.claims.split import Marker, build_claims, split_sentences, strip_markers
from provenance.ingest.forms.dumps import normalize_dump, title_before_tagline, title_from_address
from provenance.ingest.references.parse import parse_reference

__all__ = ["FORMAT", "LEAD", "parse"]

FORMAT = "wikipedia-text"
LEAD = "Lead"

_EDIT_HEADING = re.compile(r"^(?P<title>\S.{0,150}?[^\s])Edit\s*$")
_CARET_ENTRY = re.compile(r"^\s*(?P<label>\d+)\.\s*\^(?P<rest>.*)$")
_LIST_ENTRY = re.compile(
    r"^\s*(?:\[(?P<b>\d+)\]|(?P<n>\d+)[.)])\s*(?:\^\s*)?(?P<rest>\S.*)?$"
)
# "^ a b c Smith, J." reuse links; a text browser writes them as superscripts: "^a ^b"
_BACKLINKS = re.compile(r"^(?:\^?[a-z]{1,2}\s+){2,}(?=\S)")
_CATEGORY_BAR = re.compile(r"^\s*(?:Hidden )?Categories\s*:", re.IGNORECASE)
# the hidden words of the back-links a browser copy keeps: "^ Jump up to: a b", "Jump up ^"
_JUMP_UP = re.compile(r"^(?:\^\s*)?Jump up(?:\s+to)?:?\s*(?:\^\s*)?")
# an item of the list with no number of its own (a copy or a text browser lost it): its
# back-link only ("^ Smith 2001", "Jump up ^ Smith 2001", "^ Jump up to: a b Smith 2001")
_UNNUMBERED_ENTRY = re.compile(r"^\s*(?:Jump up\s*)?[\^↑]\s*(?P<rest>\S.*)$")
_REFERENCE_HEADINGS = re.compile(
    r"^(?:references?|sources?|notes?|citations?|footnotes?|bibliography|works cited|"
    r"notes and references|references and notes)$",
    re.IGNORECASE,
)
_CAPTION_CUE = re.compile(r"\((?:left|right|center|centre|top|bottom|pictured|above|below)\b")
_SUBJECT = re.compile(r"^(?P<subject>.{1,120}?)(?:\s+\([^)]*\))?\s+(?:is|are|was|were)\b")
_INFOBOX_LABEL = re.compile(r"^(?P<label>[A-Z][a-z]+(?:[ -][a-z]+)*)(?=[A-Z0-9\u00a0(])")
_TERMINAL = re.compile(r"""[.!?]['"”’)\]]*$""")
_INTRO_MIN_WORDS = 8
# A maintenance box ({{tone}}, {{more citations needed}}, {{expand section}}): "This
# article/section …", dated "(July 2013)", perhaps "Learn how and when to remove this
# template message" after it; a template's message, not a claim of the article.
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December")
_MAINTENANCE_BOX = re.compile(
    r"^[ \t]*(?:\[icon\]\s*)?This (?:article|section|list|biography|page|paragraph|"
    r"sub-?section|table|template)(?:'s)?\b[^\n]*(?:\n[^\n]+){0,5}?"
    rf"\((?:{_MONTHS}) \d{{4}}\)(?:\s*\(Learn how and when to remove this"
    r"(?: template)? message\))?",
    re.MULTILINE)
# In a copy of a Wikipedia page, "on January 31, 1978 [1];": a bracketed number after a
# word and a space, not after the end of a sentence or another marker, is an external link
# MediaWiki numbered, not a citation (on the saved pages in fixtures/wikipedia, 0 of 2,325
# reference markers stand so; the 5 after a space follow a stop, a quote or another
# marker). Written "(1)", as text. Other plain text may cite "over the year [2]".
# The site's own footer after the article: "Retrieved from "https://…"", "This page was last
# edited on …" and what follows (categories, licence, privacy links) are no claims.
_SITE_FOOTER = re.compile(
    r"^[ \t*•]*(?:Retrieved from\s+\"?https?://[^\s\"]*wiki|"
    r"This page was last (?:edited|modified) on \d|Diese Seite wurde zuletzt am \d|"
    r"La dernière modification de cette page a été faite le \d)[\s\S]*\Z",
    re.MULTILINE)
_LINK_NUMBER = re.compile(r"(?<=[^\W_]) \[(\d+)\](?![\[\w])")
_NOT_LINE_BREAK = re.compile(r"[^\n]")
_WIKIPEDIA_COPY = re.compile(r"From Wikipedia, the free encyclopedia|Jump up\b|\[edit\]\s*$",
                             re.MULTILINE)


@dataclass(frozen=True)
class _Line:
    text: str
    start: int  # source offset of text[0]


@dataclass
class _Parts:
    claims: list[ParsedClaim] = field(default_factory=list)
    references: list[tuple[str, list[str]]] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    title: str | None = None


def _blocks(text: str) -> Iterator[list[_Line]]:
    block: list[_Line] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        if line.strip():
            block.append(_Line(line, offset))
        elif block:
            yield block
            block = []
        offset += len(raw)
    if block:
        yield block


def _is_prose_line(line: str) -> bool:
    plain = strip_markers(line.strip()).text
    return bool(_TERMINAL.search(plain)) or plain != line.strip()


def _introduces(paragraph: list[_Line]) -> bool:
    """A sentence of several words ending in a colon: it introduces a formula or a list
    ("… for all indices i and j:")."""
    joined = " ".join(line.text.strip() for line in paragraph)
    return joined.endswith(":") and len(joined.split()) >= _INTRO_MIN_WORDS


def _is_short_label(line: str) -> bool:
    """A heading/navigation/info-box shaped line: short and not ending a sentence."""
    stripped = line.strip()
    return len(stripped) <= 120 and not _TERMINAL.search(stripped) and "[" not in stripped


def _reads_as_lead(block: list[_Line]) -> bool:
    joined = " ".join(line.text.strip() for line in block)
    if _CAPTION_CUE.search(joined) and len(block) == 1 and len(split_sentences(joined)) == 1:
        return False
    plain = strip_markers(joined)
    if plain.markers:
        return True
    if len(split_sentences(plain.text)) >= 2:
        return True
    first = split_sentences(plain.text)[:1]
    return bool(first and _SUBJECT.match(plain.text[first[0][0] : first[0][1]]))


def _infobox_rows(block: list[_Line], caption_of: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    caption = ""
    label = ""
    for index, line in enumerate(block):
        text = line.text
        found = _INFOBOX_LABEL.match(text.strip())
        if index == 0 and not found:
            caption = text.strip()
            continue
        if text[:1].isspace() and label:
            value = text.strip()
        else:
            if not found:
                continue
            label = found["label"]
            value = text.strip()[found.end() :].strip()
        value = " ".join(value.replace("\u00a0", " ").split())
        if value:
            prefix = caption or caption_of
            rows.append((f"{prefix}: {label}" if prefix else label, value))
    return rows


def _paragraphs(block: list[_Line]) -> Iterator[list[_Line]]:
    """Lines of a block joined into paragraphs: a line not ending a sentence runs on."""
    current: list[_Line] = []
    for line in block:
        current.append(line)
        if _TERMINAL.search(strip_markers(line.text.rstrip()).text) or line.text.rstrip().endswith(
            "]"
        ):
            yield current
            current = []
    if current:
        yield current


def _claims_of(section: str, lines: list[_Line], language: str) -> list[ParsedClaim]:
    text_parts: list[str] = []
    positions: list[int] = []
    markers: list[Marker] = []
    tags: list[tuple[int, str]] = []
    end = lines[0].start if lines else 0
    for line in lines:
        body = line.text.strip().lstrip("•*·-–").strip()
        lead = line.text.find(body) if body else 0
        plain = strip_markers(body, line.start + lead)
        if text_parts:
            text_parts.append(" ")  # the line break between two lines of one paragraph
            positions.append(end)
        base = sum(len(part) for part in text_parts)
        markers.extend(Marker(m.offset + base, m.label, m.group) for m in plain.markers)
        tags.extend((offset + base, tag) for offset, tag in plain.tags_at)
        text_parts.append(plain.text)
        positions.extend(plain.positions[:-1])
        end = plain.positions[-1]
    paragraph = "".join(text_parts)
    positions.append(end)
    return build_claims(section, paragraph, markers, tags_at=tags, positions=positions,
                        language=language)


def _reference_entry(line: str, under_heading: bool) -> tuple[str, str] | None:
    found = _CARET_ENTRY.match(line)
    if found:
        return found["label"], _entry_text(found["rest"])
    if under_heading:
        found = _LIST_ENTRY.match(line)
        if found:
            return found["b"] or found["n"], _entry_text(found["rest"] or "")
    return None


def _entry_text(rest: str) -> str:
    """An entry's text without its back-links ("Jump up to: a b", "^a ^b")."""
    return _BACKLINKS.sub("", _JUMP_UP.sub("", rest.strip()))


def _unnumbered_entry(line: str, references: list[tuple[str, list[str]]]) -> tuple[str, str] | None:
    """A "^ ..." item of the list: labelled with the number after the list's last (or 1)."""
    found = _UNNUMBERED_ENTRY.match(line)
    if not found or (references and not references[-1][0].isdigit()):
        return None
    label = str(int(references[-1][0]) + 1) if references else "1"
    return label, _entry_text(found["rest"])


def _next_in_list(references: list[tuple[str, list[str]]], label: str) -> bool:
    """True when ``label`` may follow the list's last entry (its successor, or a new list)."""
    if not references or not label.isdigit() or not references[-1][0].isdigit():
        return True
    return int(label) == int(references[-1][0]) + 1 or label == "1"


def _walk(text: str, language: str) -> _Parts:
    parts = _Parts()
    blocks = list(_blocks(text))
    wiki_headings = any(_EDIT_HEADING.match(line.text) for block in blocks for line in block)
    section = LEAD
    in_lead_preamble = True
    after_heading = False
    in_references = False
    for block in blocks:
        if (
            in_lead_preamble
            and section == LEAD
            and not any(
                _EDIT_HEADING.match(line.text) or _CARET_ENTRY.match(line.text) for line in block
            )
        ):
            if not _reads_as_lead(block):
                first_line_alone = block is blocks[0] and len(block) == 1
                if not wiki_headings and first_line_alone and _is_short_label(block[0].text):
                    parts.title = block[0].text.strip()  # plain text: a title line on top
                continue
            in_lead_preamble = False
        pending: list[_Line] = []
        in_entry = False
        for line in block:
            heading = _EDIT_HEADING.match(line.text)
            plain_heading = (
                not wiki_headings
                and len(block) == 1
                and _is_short_label(line.text)
                and len(line.text.split()) <= 10
            )
            if heading or plain_heading or _REFERENCE_HEADINGS.match(line.text.strip()):
                if pending:
                    parts.claims.extend(_flush(section, pending, language))
                    pending = []
                section = (heading["title"] if heading else line.text).strip()
                in_references = bool(_REFERENCE_HEADINGS.match(section))
                in_entry = False
                in_lead_preamble = False
                after_heading = True
                continue
            if _CATEGORY_BAR.match(line.text):
                in_references = in_entry = False  # the page's category bar: the article ended
                continue
            entry = _reference_entry(line.text, in_references)
            if entry is None and in_references:
                entry = _unnumbered_entry(line.text, parts.references)
            if entry is not None and in_entry and not _next_in_list(parts.references, entry[0]):
                entry = None  # a wrapped line that starts with a number ("2016. Retrieved")
            if entry is not None:
                parts.references.append((entry[0], [entry[1]] if entry[1] else []))
                in_references = in_references or bool(_CARET_ENTRY.match(line.text))
                in_entry = True
                continue
            if in_entry:  # an entry's text running on to the next line
                parts.references[-1][1].append(line.text.strip())
                continue
            if not in_references:
                pending.append(line)
        if not pending:
            continue
        if after_heading and all(_is_short_label(line.text) for line in pending):
            if len(pending) >= 2 and section != LEAD:
                parts.facts.extend(_infobox_rows(pending, section))
            after_heading = False
            continue
        after_heading = False
        parts.claims.extend(_flush(section, pending, language))
    return parts


def _flush(section: str, lines: list[_Line], language: str) -> list[ParsedClaim]:
    claims: list[ParsedClaim] = []
    if len(lines) == 1 and _CAPTION_CUE.search(lines[0].text):
        return claims  # an image caption
    for paragraph in _paragraphs(lines):
        if not any(_is_prose_line(line.text) for line in paragraph) and not _introduces(paragraph):
            continue  # navigation, a list of links, a stray label
        claims.extend(_claims_of(section, paragraph, language))
    return claims


def _title_from_lead(claims: list[ParsedClaim]) -> str | None:
    for claim in claims:
        if claim.section != LEAD:
            return None
        found = _SUBJECT.match(claim.text)
        if found and len(found["subject"].split()) <= 12:
            return found["subject"].strip()
        return None
    return None


def _reference(label: str, lines: list[str]) -> ParsedReference:
    raw = " ".join(line for line in lines if line).strip()
    if not raw:
        return ParsedReference(label=label, raw="", tags=("empty",))
    return ParsedReference(label=label, raw=raw, fields=parse_reference(raw))


def _blanked(found: re.Match[str]) -> str:
    """The matched text as spaces, its line breaks kept (offsets stay those of the text)."""
    return _NOT_LINE_BREAK.sub(" ", found.group())


def parse(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse a Wikipedia text scrape (or plain text with ``[n]`` markers) into a document.

    A w3m or lynx dump is first brought to scrape text (:mod:`.dumps`): its claims' spans
    are offsets in that text. Maintenance boxes and the site's footer are blanked (offsets
    kept); an external
    link's number in a Wikipedia copy ("1978 [1];") is written "(1)"."""
    text = normalize_dump(text)
    text = _MAINTENANCE_BOX.sub(_blanked, text)
    text = _SITE_FOOTER.sub(_blanked, text, count=1)
    if _WIKIPEDIA_COPY.search(text):
        text = _LINK_NUMBER.sub(r" (\1)", text)
    parts = _walk(text, guess_language(text))  # sentences split in the text's language
    references = tuple(_reference(label, lines) for label, lines in parts.references)
    return ParsedDocument(
        format=FORMAT,
        title=title or title_before_tagline(text) or title_from_address(text) or parts.title
        or _title_from_lead(parts.claims),
        claims=tuple(parts.claims),
        references=references,
        facts=tuple(parts.facts),
    )
