"""Split a source text into passages: runs of whole sentences of about `size` words.

Blocks (separated by blank lines) are split into sentences; short lines such as menu
entries or datelines are packed with their neighbours, so a dateline sits in the same
passage as the paragraph under it. One pass over the text.
"""

from __future__ import annotations

import re

from provenance.support.types import Passage

_BLOCK_RE = re.compile(r"\n\s*\n")
_SENT_RE = re.compile(r"[^.!?。！？\n]*(?:[.!?。！？]+[\"'”’)\]]*|\n|$)")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uac00-\ud7af]")


def _weight(s: str) -> int:
    """Words in a sentence; Chinese/Korean characters count as half a word each."""
    return len(s.split()) + len(_CJK_RE.findall(s)) // 2


def split_passages(text: str, size: int = 60) -> list[Passage]:
    """Passages of `text` with their character offsets; never cuts inside a sentence
    unless a single sentence is itself longer than four passages' worth."""
    out: list[Passage] = []
    start: int | None = None
    end = 0
    weight = 0

    def close() -> None:
        nonlocal start, weight
        if start is not None and text[start:end].strip():
            out.append(Passage(len(out), start, end, text[start:end].strip()))
        start, weight = None, 0

    pos = 0
    for block in _BLOCK_RE.split(text):
        block_start = text.find(block, pos) if block else pos
        pos = block_start + len(block)
        for m in _SENT_RE.finditer(block):
            s = m.group(0)
            if not s.strip():
                continue
            a, b = block_start + m.start(), block_start + m.end()
            w = _weight(s)
            if w > 4 * size:  # a run-on "sentence" (a table, a scrape without stops): cut by words
                close()
                for piece in re.finditer(rf"(?:\S+\s+){{1,{size}}}|\S+$", s):
                    out.append(Passage(len(out), a + piece.start(), a + piece.end(),
                                       piece.group(0).strip()))
                continue
            if start is not None and weight + w > size:
                close()
            if start is None:
                start = a
            end, weight = b, weight + w
        if weight >= size // 3:
            close()
    close()
    return out
