"""Turn one paragraph of plain text into claims: sentences with their citation markers.

Every parser removes its citation markers from a paragraph, notes where each one sat
(:class:`Marker`), and hands the plain text here. Sentences come from pysbd, with two
repairs for what it gets wrong on real scrapes: a closing quote written after a space
(``peace. " President``) ends a sentence, a cut after an abbreviation that never ends a
sentence (``M. Inst. C.E.``, ``Prof. Smith``) is undone, and a fragment with no
sentence-final punctuation (``motivated by`` before ``(a) ...``) is joined to the
sentence it starts.

A marker belongs to the sentence it sits in or closes: one right after a sentence's final
period, or after the space that follows it (``States. [12]``), belongs to that sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pysbd

from provenance.domain.documents import ParsedCitation, ParsedClaim
from provenance.ingest.claims.attribution import find_attributions

__all__ = ["Marker", "PlainParagraph", "build_claims", "split_sentences", "strip_markers"]


@dataclass(frozen=True)
class Marker:
    """A citation marker removed from a paragraph: where it sat in the plain text, what it names."""

    offset: int
    label: str
    group: str = ""


@dataclass(frozen=True)
class PlainParagraph:
    """A paragraph with its bracketed markers taken out.

    ``positions[i]`` is the source offset of ``text[i]`` (one extra entry for the end).
    """

    text: str
    markers: tuple[Marker, ...]
    tags_at: tuple[tuple[int, str], ...]
    positions: tuple[int, ...]


# Rendered markers: "[12]", "[a]", "[note 1]", "[nb 2]"; and inline cleanup tags.
_MARKER = re.compile(
    r"\[(?:(?P<num>\d{1,4})|(?P<alpha>[a-z]{1,2})|(?P<note>(?:note|nb|n|lower-alpha)\s*\d{1,3}))\]"
    r"|\[(?P<tag>citation needed|better source needed|failed verification|verification needed|"
    r"clarification needed|dead link|page needed|full citation needed|unreliable source\??|"
    r"original research\??|according to whom\??|by whom\??|who\?|when\?|which\?|where\?|"
    r"additional citations? needed|not in citation given|permanent dead link|dubious|"
    r"self-published source\??|third-party source needed)\]",
    re.IGNORECASE,
)


def _slug(tag: str) -> str:
    return re.sub(r"[^a-z]+", "-", tag.lower()).strip("-")


def strip_markers(source: str, start: int = 0) -> PlainParagraph:
    """Take bracketed markers ("[12]", "[a]", "[note 1]", "[citation needed]") out of ``source``.

    A marker standing between two spaces takes one of them with it, so "States. [12] Next"
    reads "States. Next" with the marker right after the period. ``start`` is the source
    offset of ``source``'s first character.
    """
    chars: list[str] = []
    positions: list[int] = []
    markers: list[Marker] = []
    tags: list[tuple[int, str]] = []
    cursor = 0
    for found in _MARKER.finditer(source):
        for index in range(cursor, found.start()):
            chars.append(source[index])
            positions.append(start + index)
        after = source[found.end() : found.end() + 1]
        if chars and chars[-1] == " " and (after in ("", " ", "[") or not after.isalnum()):
            chars.pop()
            positions.pop()
        offset = len(chars)
        if found["tag"]:
            tags.append((offset, _slug(found["tag"])))
        elif found["num"]:
            markers.append(Marker(offset, found["num"]))
        elif found["alpha"]:
            markers.append(Marker(offset, found["alpha"], "lower-alpha"))
        else:
            note = re.sub(r"\s+", " ", found["note"].lower())
            markers.append(Marker(offset, note, "note"))
        cursor = found.end()
    for index in range(cursor, len(source)):
        chars.append(source[index])
        positions.append(start + index)
    positions.append(start + len(source))
    return PlainParagraph("".join(chars), tuple(markers), tuple(tags), tuple(positions))


# A sentence is complete when it ends with terminal punctuation, possibly followed by closing
# quotes or brackets.
_COMPLETE = re.compile(r"""[.!?…:;](?: ?['"”’)\]])*$""")
# A straight quote standing alone between terminal punctuation and a capitalised word closes the
# quotation and the sentence: an opening quote would touch the word it opens.
_SPACED_CLOSING_QUOTE = re.compile(r"""(?<=[.!?]) ["”](?= +["“‘(]?[A-Z0-9])""")


# Abbreviations that stand before a name or another abbreviation, never at a sentence's end:
# titles, and the parts of post-nominal letters ("M. Inst. C.E.", "Assoc. M. Inst. E.E.").
_NEVER_FINAL = re.compile(
    r"(?:^|[\s(])(?:Mr|Mrs|Ms|Messrs|Dr|Prof|Rev|Revd|Hon|Capt|Col|Lt|Sgt|Gen|Adm|Cmdr|Gov|Sen|"
    r"Rep|(?<=[A-Z]\.\s)(?:Inst|Assoc|Soc|Mech|Civ|Mem|Fell|Amer|Brit|Roy))\.$")
# A sentence does not start with initials followed by a comma ("C.E., under whom ...").
_CONTINUING_INITIALS = re.compile(r"(?:[A-Z]\.){1,4}[,;]\s")


# pysbd's time grows faster than the text: paragraphs longer than this are cut first at "sure"
# sentence ends (a word of three lowercase letters or digits, a full stop, a capital).
_CHUNK_CHARS = 2000
_SURE_END = re.compile(r"(?<=[a-z0-9]{3}[.!?])\s+(?=[A-Z])")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _chunks(text: str) -> list[tuple[int, int]]:
    """Cut a long text at sure sentence ends, so pysbd (slow on long input) sees short pieces."""
    if len(text) <= _CHUNK_CHARS:
        return [(0, len(text))]
    chunks: list[tuple[int, int]] = []
    start = 0
    for found in _SURE_END.finditer(text):
        if found.start() - start >= _CHUNK_CHARS:
            chunks.append((start, found.start()))
            start = found.end()
    chunks.append((start, len(text)))
    return chunks


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) span of each sentence of ``text``, stripped of outer whitespace."""
    if not text.strip():
        return []
    spans: list[tuple[int, int]] = []
    for chunk_start, chunk_end in _chunks(text):
        chunk = text[chunk_start:chunk_end]
        cursor = 0
        for segment in _segmenter().segment(chunk):
            piece = segment.strip()
            if not piece:
                continue
            start = chunk.find(piece, cursor)
            if start < 0:  # pysbd altered the text; keep going from where we are
                start = cursor
            end = min(len(chunk), start + len(piece))
            spans.append((chunk_start + start, chunk_start + end))
            cursor = end
    spans = _split_spaced_quotes(text, spans)
    return _join_fragments(text, _join_abbreviations(text, spans))


def _split_spaced_quotes(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        cut_from = start
        for match in _SPACED_CLOSING_QUOTE.finditer(text, start, end):
            out.append((cut_from, match.end()))
            cut_from = match.end()
            while cut_from < end and text[cut_from].isspace():
                cut_from += 1
        if cut_from < end:
            out.append((cut_from, end))
    return out


def _join_abbreviations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Undo cuts after an abbreviation that never ends a sentence ("M. Inst. C.E., under")."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and (_NEVER_FINAL.search(text[out[-1][0] : out[-1][1]])
                    or _CONTINUING_INITIALS.match(text, start)):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _join_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and not _COMPLETE.search(text[out[-1][0] : out[-1][1]]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _owner(spans: Sequence[tuple[int, int]], offset: int) -> int:
    """Index of the sentence a marker at ``offset`` belongs to: the last one starting before it."""
    owner = 0
    for index, (start, _end) in enumerate(spans):
        if start < offset:
            owner = index
        else:
            break
    return owner


def build_claims(
    section: str,
    paragraph: str,
    markers: Sequence[Marker],
    base: int = 0,
    tags_at: Sequence[tuple[int, str]] = (),
    positions: Sequence[int] | None = None,
) -> list[ParsedClaim]:
    """Split ``paragraph`` into claims and give each the markers and tags that belong to it.

    ``markers`` and ``tags_at`` offsets index ``paragraph`` (markers already removed from it).
    A claim's span is ``base`` + its offsets, or, when ``positions`` maps every character of
    ``paragraph`` (plus its end) to a source offset, the source span it came from.
    """
    spans = split_sentences(paragraph)
    if not spans:
        return []
    cites: list[list[ParsedCitation]] = [[] for _ in spans]
    for marker in sorted(markers, key=lambda m: m.offset):
        index = _owner(spans, marker.offset)
        start, end = spans[index]
        inside = min(max(marker.offset - start, 0), end - start)
        cites[index].append(ParsedCitation(label=marker.label, offset=inside, group=marker.group))
    tags: list[list[str]] = [[] for _ in spans]
    for offset, tag in tags_at:
        index = _owner(spans, offset)
        if tag not in tags[index]:
            tags[index].append(tag)
    claims = []
    for index, (start, end) in enumerate(spans):
        sentence = paragraph[start:end]
        if positions is not None and len(positions) > end:
            span_start, span_end = positions[start], positions[end - 1] + 1
        else:
            span_start, span_end = base + start, base + end
        claims.append(
            ParsedClaim(
                section=section,
                text=sentence,
                citations=tuple(cites[index]),
                start=span_start,
                end=span_end,
                attributions=find_attributions(sentence),
                tags=tuple(tags[index]),
            )
        )
    return claims
