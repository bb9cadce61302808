"""Turn one paragraph of plain text into claims: sentences with their citation markers.

Every parser removes its citation markers from a paragraph, notes where each one sat
(:class:`Marker`), and hands the plain text here. Sentences come from the linear splitter
of :mod:`provenance.ingest.claims.sentences` in the document's language, each marker's
offset being a possible sentence end (``invitation.[6]During``).

A marker belongs to the sentence it sits in or closes: one right after a sentence's final
period, or after the space that follows it (``States. [12]``), belongs to that sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from provenance.domain.documents import ParsedCitation, ParsedClaim
from provenance.ingest.claims.attribution import find_attributions
from provenance.ingest.claims.sentences import ABBREVIATIONS, split_sentences

__all__ = ["Marker", "OffsetMap", "PlainParagraph", "build_claims", "language_of",
           "split_sentences", "strip_markers"]


@dataclass(frozen=True)
class Marker:
    """A citation marker removed from a paragraph: where it sat in the plain text, what it names."""

    offset: int
    label: str
    group: str = ""


class OffsetMap(Sequence[int]):
    """The source offset of each character of a text made of runs cut out of a source.

    ``offsets[i]`` is where ``text[i]`` stood in the source, ``offsets[len(text)]`` where the
    source ended. Stored as one entry per run (not per character), so a 20 MB paragraph costs
    a few numbers, not 20 million.
    """

    def __init__(self, starts: list[int], sources: list[int], size: int, end: int) -> None:
        self._starts, self._sources, self._size, self._end = starts, sources, size, end

    def __len__(self) -> int:
        return self._size + 1

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index == self._size:
            return self._end
        run = bisect_right(self._starts, index) - 1
        return self._sources[run] + index - self._starts[run]


@dataclass(frozen=True)
class PlainParagraph:
    """A paragraph with its bracketed markers taken out.

    ``positions[i]`` is the source offset of ``text[i]`` (one extra entry for the end).
    """

    text: str
    markers: tuple[Marker, ...]
    tags_at: tuple[tuple[int, str], ...]
    positions: OffsetMap


# Rendered markers: "[12]", "[a]", "[note 1]", "[nb 2]"; and inline cleanup tags.
_MARKER = re.compile(
    r"\[(?:(?P<num>\d+)|(?P<alpha>[a-z]{1,2})|(?P<note>(?:note|nb|n|lower-alpha)\s*\d+))\]"
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
    pieces: list[str] = []
    starts: list[int] = []
    sources: list[int] = []
    markers: list[Marker] = []
    tags: list[tuple[int, str]] = []
    size = cursor = 0

    def keep(upto: int) -> None:
        nonlocal size
        if upto > cursor:
            starts.append(size)
            sources.append(start + cursor)
            pieces.append(source[cursor:upto])
            size += upto - cursor

    for found in _MARKER.finditer(source):
        keep(found.start())
        after = source[found.end() : found.end() + 1]
        if pieces and pieces[-1][-1] == " " and (after in ("", " ", "[") or not after.isalnum()):
            pieces[-1] = pieces[-1][:-1]
            size -= 1
            if not pieces[-1]:
                pieces.pop()
                starts.pop()
                sources.pop()
        if found["tag"]:
            tags.append((size, _slug(found["tag"])))
        elif found["num"]:
            markers.append(Marker(size, found["num"]))
        elif found["alpha"]:
            markers.append(Marker(size, found["alpha"], "lower-alpha"))
        else:
            note = re.sub(r"\s+", " ", found["note"].lower())
            markers.append(Marker(size, note, "note"))
        cursor = found.end()
    keep(len(source))
    offsets = OffsetMap(starts, sources, size, start + len(source))
    return PlainParagraph("".join(pieces), tuple(markers), tuple(tags), offsets)


def language_of(code: str | None) -> str:
    """The splitter language of a language code or tag ("de-CH" -> "de"); English otherwise."""
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in ABBREVIATIONS else "en"


def _owner(starts: Sequence[int], offset: int) -> int:
    """Index of the sentence a marker at ``offset`` belongs to: the last one starting before it."""
    return max(bisect_left(starts, offset) - 1, 0)


def build_claims(
    section: str,
    paragraph: str,
    markers: Sequence[Marker],
    base: int = 0,
    tags_at: Sequence[tuple[int, str]] = (),
    positions: Sequence[int] | None = None,
    language: str = "en",
) -> list[ParsedClaim]:
    """Split ``paragraph`` into claims and give each the markers and tags that belong to it.

    ``markers`` and ``tags_at`` offsets index ``paragraph`` (markers already removed from it).
    A claim's span is ``base`` + its offsets, or, when ``positions`` maps every character of
    ``paragraph`` (plus its end) to a source offset, the source span it came from.
    """
    spans = split_sentences(paragraph, language, {m.offset for m in markers})
    if not spans:
        return []
    starts = [start for start, _end in spans]
    cites: list[list[ParsedCitation]] = [[] for _ in spans]
    for marker in sorted(markers, key=lambda m: m.offset):
        index = _owner(starts, marker.offset)
        start, end = spans[index]
        inside = min(max(marker.offset - start, 0), end - start)
        cites[index].append(ParsedCitation(label=marker.label, offset=inside, group=marker.group))
    tags: list[list[str]] = [[] for _ in spans]
    for offset, tag in tags_at:
        index = _owner(starts, offset)
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
