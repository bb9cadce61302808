"""Wikitext cut into pieces at top-level headings, so that each piece is parsed on its own.

mwparserfromhell builds one tree for the text it is given, and on a whole long page that
costs more per megabyte the longer the page is (measured in ``bench/ingest_pages_bench.py``).
A heading line can only start a new piece where nothing that could span it is open: a
template ``{{…}}``, a link ``[[…]]``, a table ``{|…|}``, a tag with a body (``<ref>…</ref>``,
``<div>…</div>``, ``<references>…</references>``), a comment, or a tag whose body is not
parsed (``<nowiki>``, ``<math>``, ``<pre>``…). Openers are paired with their closers as a
parser pairs them (innermost first, per kind); an opener never closed is text and holds
nothing open. Where something stays open the text is not cut: the pieces are the same
parse, only larger. Nothing is dropped: the pieces put together are the text.

One difference from parsing the page in one go, on purpose: ``''`` and ``'''`` are paired
by mwparserfromhell across lines, so an odd apostrophe pair before a heading could make the
heading part of an italic run; MediaWiki ends italics at the end of a line, and so do the
pieces (the heading starts its section, as on the rendered page).
"""

from __future__ import annotations

import itertools
import re

from mwparserfromhell.definitions import PARSER_BLACKLIST, SINGLE

__all__ = ["split_pieces"]

_OPAQUE = "|".join(sorted(PARSER_BLACKLIST, key=len, reverse=True))
_TOKEN = re.compile(
    r"(?P<comment><!--)"
    rf"|<(?P<opaque>(?i:{_OPAQUE}))(?=[\s>/])[^>]*?(?P<opaque_single>/?)>"
    r"|<(?P<slash>/?)(?P<tag>[a-zA-Z][\w-]*)(?=[\s>/])[^<>]*?(?P<single>/?)>"
    r"|(?P<table_open>^[ \t]*\{\|)"
    r"|(?P<table_close>^[ \t]*\|\}(?!\}))"
    r"|(?P<open>\{\{|\[\[)"
    r"|(?P<close>\}\}|\]\])",
    re.MULTILINE)
_HEADING = re.compile(r"^=[^\n]*=[ \t]*$", re.MULTILINE)
_SINGLE = frozenset(SINGLE)
_CLOSER = {"}}": "{{", "]]": "[["}
_OPENERS = frozenset(_CLOSER.values())


def _closing(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)


def _spans(text: str) -> list[tuple[int, int]]:
    """Every [start, end) that one construct covers, in no particular order."""
    spans: list[tuple[int, int]] = []
    stacks: dict[str, list[int]] = {}
    never_closed: set[str] = set()  # an opaque tag with no closer after some point has none later
    skip = 0  # the end of the last comment or unparsed body: nothing before it counts
    tokens = _TOKEN.finditer(text)
    while (found := next(tokens, None)) is not None:
        start, end = found.span()
        if start < skip:
            if end > skip:  # a token cut by the end of a skipped body: look again from there
                tokens = _TOKEN.finditer(text, skip)
            continue
        token = found.group()
        if token == "<!--":
            close = text.find("-->", end)
            skip = len(text) if close < 0 else close + 3
            spans.append((start, skip))
        elif token[0] == "<":
            if (name := found.group("opaque")) is not None:
                name = name.lower()
                if found.group("opaque_single") or name in never_closed:
                    continue
                closer = _closing(name).search(text, end)
                if closer is None:
                    never_closed.add(name)
                    continue
                skip = closer.end()
                spans.append((start, skip))
                continue
            name = found.group("tag").lower()
            if found.group("single") or name in _SINGLE:
                continue
            stack = stacks.setdefault("<" + name, [])
            if not found.group("slash"):
                stack.append(start)
            elif stack:
                spans.append((stack.pop(), end))
        elif token in _OPENERS:
            stacks.setdefault(token, []).append(start)
        elif token in _CLOSER:
            stack = stacks.setdefault(_CLOSER[token], [])
            if stack:
                spans.append((stack.pop(), end))
        elif token.endswith("{|"):
            stacks.setdefault("{|", []).append(start)
        elif stack := stacks.get("{|", []):  # a table's closing "|}"
            spans.append((stack.pop(), end))
    return spans


def split_pieces(text: str) -> list[str]:
    """``text`` cut before each top-level heading nothing open spans; joined, the pieces are
    ``text``."""
    headings = [found.start() for found in _HEADING.finditer(text)]
    if not headings:
        return [text]
    covered = sorted(_spans(text))
    cuts: list[int] = []
    index, reach = 0, -1  # reach: the furthest end of the spans that start before a heading
    for heading in headings:
        while index < len(covered) and covered[index][0] < heading:
            reach = max(reach, covered[index][1])
            index += 1
        if heading > 0 and reach <= heading:
            cuts.append(heading)
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]
