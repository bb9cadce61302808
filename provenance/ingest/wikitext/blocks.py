"""Rendered wikitext to blocks: paragraphs and list items, the page title, and plain
text with the sentinels of citation markers and inline tags turned into offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from itertools import accumulate

from mwparserfromhell.wikicode import Wikicode

from provenance.ingest.claims.split import Marker
from provenance.ingest.wikitext.nodes import State

__all__ = [
    "END", "ITEM", "LEAD", "MARK", "bold_title", "extract_markers", "sort_key",
    "split_paragraphs",
]

MARK = "\ue000"  # a marker or tag sentinel: \ue000<kind><index>\ue001

END = "\ue001"

ITEM = "\ue002"  # a list item starts

_SENTINEL = re.compile(r"\ue000([mt])(\d+)\ue001")
_RUNS = re.compile(r"\s{2,}")
_SPACES = re.compile(r"\s+")
LEAD = "Lead"  # the section of text before the first heading


def split_paragraphs(rendered: str) -> Iterator[tuple[str, bool]]:
    """(text, is_list_item) blocks of a rendered section."""
    for chunk in re.split(r"\n\s*\n", rendered):
        lines: list[str] = []
        for line in chunk.split("\n"):
            if line.startswith(ITEM):
                if lines:
                    yield " ".join(lines), False
                    lines = []
                yield line[len(ITEM):].lstrip("*#:; "), True
            elif line.strip():
                lines.append(line.strip())
        if lines:
            yield " ".join(lines), False

def extract_markers(text: str, state: State) -> tuple[str, list[Marker], list[tuple[int, str]]]:
    out: list[str] = []
    markers: list[Marker] = []
    tags: list[tuple[int, str]] = []
    size = 0
    cursor = 0
    for found in _SENTINEL.finditer(text):
        piece = text[cursor:found.start()]
        out.append(piece)
        size += len(piece)
        index = int(found.group(2))
        if found.group(1) == "m":
            occurrence = state.markers[index]  # labelled once the whole page is numbered
            markers.append(Marker(size, occurrence.label, occurrence.group))
        else:
            tags.append((size, state.tags[index]))
        cursor = found.end()
    out.append(text[cursor:])
    plain = "".join(out)
    runs = [(run.start(), run.end()) for run in _RUNS.finditer(plain)]
    if runs:  # re-map offsets through the whitespace collapse (a run keeps its last character)
        starts = [start for start, _end in runs]
        dropped = list(accumulate(end - start - 1 for start, end in runs))

        def collapsed(offset: int) -> int:
            index = bisect_right(starts, offset) - 1
            if index < 0:
                return offset
            start, end = runs[index]
            return offset - (dropped[index - 1] if index else 0) - max(
                0, min(offset, end - 1) - start)

        markers = [replace(m, offset=collapsed(m.offset)) for m in markers]
        tags = [(collapsed(o), t) for o, t in tags]
    plain = _SPACES.sub(" ", plain)
    lead = len(plain) - len(plain.lstrip())
    plain = plain.strip()
    markers = [replace(m, offset=min(max(m.offset - lead, 0), len(plain))) for m in markers]
    tags = [(min(max(o - lead, 0), len(plain)), t) for o, t in tags]
    return plain, markers, tags

def bold_title(code: Wikicode) -> str | None:
    for tag in code.filter_tags(recursive=False):
        if str(tag.wiki_markup or "") == "'''" and tag.contents is not None:
            text = " ".join(tag.contents.strip_code().split())
            if text:
                return text
    return None

def sort_key(label: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", label)
    return (int(digits) if digits else 0, label)
