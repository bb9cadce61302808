"""Parse a text scrape of a web article: find the body among menus, sidebars and footer.

The body is found the way body-text extraction (Finn et al., "BTE") finds it in HTML, with
lines for tokens: every line scores its word count when it reads as prose (eight words or
more, ending a sentence) and a fixed cost otherwise (menu items, labels, dates, lines the page
repeats, which are template); the body is the run of lines with the greatest total. Inside it,
a short line that does not end a sentence is a heading ("What this visit means:").

Lines are joined only where the text was hard-wrapped: when most lines stop near one width
(a text browser's 80 columns), a line that reaches near that width runs on to the next; in
any text, a line that does not end a sentence runs on to a line starting in lower case, and
a line ending in a comma or semicolon runs on to the next. In the body, a line of four words
or more that ends a sentence is a claim however short; a short line that does not is a heading.
Prose is counted in words, Chinese and Japanese characters two to a word; a line ends a
sentence with ``.!?`` or ``。！？``.

The header is the run of short, non-bullet lines just above the body: its headline is chosen
by :mod:`.headline` (not a bracketed stage direction, a caption, a one-word link or a label;
the page's own "Title: …" line decides between candidates), a line that is only a date is
the publication date. Authors are the
person-shaped lines under a "By"/"Written By"/"Authors" label (or the names on a "By ..." line),
up to the first blank line, bullet-free label or line the page repeats; without them, the
page's own "(meta data) AUTHOR:" line, and its "PUBLISHED DATETIME:" for a missing date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date as Date

from provenance.domain.documents import ParsedClaim, ParsedDocument
from provenance.ingest.claims.sentences import guess_language, word_count
from provenance.ingest.claims.split import build_claims, strip_markers
from provenance.ingest.forms.front_matter import read_metadata_lines
from provenance.ingest.forms.headline import named_title, pick_headline
from provenance.ingest.references.dates import parse_date

__all__ = ["FORMAT", "LEAD", "parse"]

FORMAT = "web-text"
LEAD = "Lead"

_BULLET = re.compile(r"^[\s\u00a0]*[•\u2022\u25aa\u25e6\u2023\u2043·*\-–]\s+")
_TERMINAL = re.compile(r"""(?:[.!?]['"”’)\]]*|[。！？][」』”’\uff09]*)$""")
_INNER_END = re.compile(r"""[.!?]['"”’)\]]*\s+["“‘(]?[A-Z0-9]|[。！？][」』”’\uff09]*\S""")
_NON_PROSE_COST = 4
_MENU_ITEM_COST = 8  # a bullet that is not a sentence: a menu or link-list entry
_PROSE_MIN_WORDS = 8
_SHORT_SENTENCE_WORDS = 4
# hard wrapping: the width is the 90th percentile of the lengths of lines of several words,
# and at least this share of those lines stop within _WRAP_SLACK columns of it
_WRAP_SAMPLE_WORDS = 5
_WRAP_SHARE = 0.3
_WRAP_SLACK = 12
_WRAP_MAX_WIDTH = 200
_HEADER_MAX_LINES = 8
_DATE_LABEL = re.compile(r"^(?:published|posted|updated|date|on)\s*:?\s+", re.IGNORECASE)
_BYLINE = re.compile(
    r"^(?:written\s+by|posted\s+by|by|authors?|contributors?)\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_PARTICLES = r"(?:de|da|del|der|den|van|von|bin|bint|al|el|la|le|du|dos|di|ibn|y)"
_NAME_WORD = r"(?:[A-Z][\w'’.\-]*)"
_PERSON = re.compile(rf"^{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|{_PARTICLES})){{1,4}}$")


@dataclass(frozen=True)
class _Line:
    text: str  # stripped, bullet removed
    start: int  # source offset of text[0]
    bullet: bool
    repeated: bool
    width: int = 0  # columns the source line takes (indentation included)


def _lines(source: str) -> list[_Line | None]:
    """Every line of ``source``; blank lines (whitespace, no-break spaces) are None."""
    raw_lines = source.splitlines(keepends=True)
    counts = Counter(line.strip() for line in raw_lines if line.strip())
    out: list[_Line | None] = []
    offset = 0
    for raw in raw_lines:
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped:
            out.append(None)
        else:
            bullet = _BULLET.match(line)
            body = line[bullet.end() :] if bullet else line
            text = body.strip()
            start = offset + line.find(text)
            out.append(_Line(text, start, bool(bullet), counts[stripped] > 1,
                             len(line.rstrip())))
        offset += len(raw)
    return _unwrap(source, out)


def _wrap_width(lines: list[_Line | None]) -> int | None:
    """The column a hard-wrapped text was wrapped at, or None when it was not wrapped."""
    widths = sorted(line.width for line in lines
                    if line is not None and word_count(line.text) >= _WRAP_SAMPLE_WORDS)
    if len(widths) < 4:
        return None
    width = widths[(len(widths) * 9) // 10]
    near = sum(1 for value in widths if width - _WRAP_SLACK <= value <= width)
    if width > _WRAP_MAX_WIDTH or near < _WRAP_SHARE * len(widths):
        return None
    return width


def _runs_on(last: _Line, line: _Line, width: int | None) -> bool:
    """True when ``line`` continues ``last``: a wrapped line, or a lower-case continuation."""
    if line.bullet:
        return False
    if width is not None and last.width >= width - _WRAP_SLACK:
        return True
    if last.text.endswith((",", ";")):
        return True  # "Jo Hartley," / "National Festival director at …, said: …"
    return line.text[:1].islower() and not _TERMINAL.search(last.text)


def _unwrap(source: str, lines: list[_Line | None]) -> list[_Line | None]:
    """Join the lines of one paragraph that wrapping cut apart (see module doc)."""
    width = _wrap_width(lines)
    out: list[_Line | None] = []
    previous: _Line | None = None  # the last source line, before joining
    for line in lines:
        last = out[-1] if out else None
        if line is not None and last is not None and previous is not None and _runs_on(
            previous, line, width
        ):
            joined = source[last.start : line.start + len(line.text)]
            text = "".join(" " if char in "\r\n\t" else char for char in joined)
            out[-1] = _Line(text, last.start, last.bullet, last.repeated and line.repeated,
                            line.width)
        else:
            out.append(line)
        previous = line
    return out


def _is_prose(line: _Line) -> bool:
    plain = strip_markers(line.text).text
    if line.repeated:
        return False
    words = word_count(plain)
    if words >= _PROSE_MIN_WORDS and _TERMINAL.search(plain):
        return True
    # a long line cut short (an excerpt) still reads as prose when a sentence ends inside it
    return words >= 2 * _PROSE_MIN_WORDS and bool(_INNER_END.search(plain))


def _body_span(lines: list[_Line | None]) -> tuple[int, int] | None:
    """The run of lines (inclusive indexes) with the greatest prose score."""
    best: tuple[int, int, int] | None = None  # score, start, end
    running, start = 0, 0
    for index, line in enumerate(lines):
        if line is None:
            continue
        if _is_prose(line):
            score = word_count(line.text)
        else:
            score = -(_MENU_ITEM_COST if line.bullet else _NON_PROSE_COST)
        if running <= 0:
            running, start = 0, index
        running += score
        if running > 0 and (best is None or running > best[0]):
            best = (running, start, index)
    if best is None:
        return None
    _score, first, last = best
    while lines[first] is None or not _is_prose(lines[first]):  # type: ignore[arg-type]
        first += 1
    return first, last


def _line_date(text: str) -> Date | None:
    if len(text) > 40 or not any(char.isdigit() for char in text):
        return None
    found, _precision = parse_date(_DATE_LABEL.sub("", text).strip())
    return found


def _header(lines: list[_Line | None], body_start: int) -> list[_Line]:
    header: list[_Line] = []
    for line in reversed(lines[:body_start]):
        if line is None:
            continue
        if line.bullet or _is_prose(line) or len(header) >= _HEADER_MAX_LINES:
            break
        header.append(line)
    return header[::-1]


def _is_label_value(text: str) -> bool:
    """ "Photo: Jane Doe/Agency", "Tel: 202...": a one-word label and a value."""
    return bool(re.match(r"^[A-Z][\w\-]*:\s", text))


def _title_and_date(header: list[_Line], named: str | None) -> tuple[str | None, Date | None]:
    published: Date | None = None
    candidates: list[str] = []
    for line in header:
        found = _line_date(line.text)
        if found is not None:
            published = published or found
        else:
            candidates.append(line.text)
    return pick_headline(candidates, named), published


def _names(text: str) -> list[str]:
    parts = [part.strip() for part in re.split(r",|\band\b|&|;", text) if part.strip()]
    if parts and all(_PERSON.match(part) for part in parts):
        return parts
    return []


def _authors(lines: list[_Line | None], body: tuple[int, int]) -> tuple[str, ...]:
    """Names under the byline label nearest the body."""
    labels = [
        index
        for index, line in enumerate(lines)
        if line is not None and not line.bullet and _BYLINE.match(line.text)
    ]
    labels.sort(key=lambda index: min(abs(index - body[0]), abs(index - body[1])))
    for index in labels:
        line = lines[index]
        assert line is not None
        rest = _BYLINE.match(line.text)["rest"]  # type: ignore[index]
        if rest:
            names = _names(rest)
            if names:
                return tuple(names)
            continue
        names = []
        for following in lines[index + 1 : index + 12]:
            if following is not None and following.bullet:
                continue  # "• Twitter" share links inside the byline box
            if following is None or following.repeated or _is_label_value(following.text):
                break
            if _PERSON.match(following.text):
                names.append(following.text)
        if names:
            return tuple(names)
    return ()


def _is_short_sentence(line: _Line, plain: str) -> bool:
    """A body line too short to score as prose that still ends a sentence ("Northover also
    played for the SAIT Trojans."): a claim, never a heading."""
    return (not line.bullet and not line.repeated and word_count(plain) >= _SHORT_SENTENCE_WORDS
            and bool(_TERMINAL.search(plain)))


def _claims(lines: list[_Line | None], body: tuple[int, int],
            language: str = "en") -> list[ParsedClaim]:
    claims: list[ParsedClaim] = []
    section = LEAD
    for line in lines[body[0] : body[1] + 1]:
        if line is None:
            continue
        plain = strip_markers(line.text, line.start)
        if _is_prose(line) or _is_short_sentence(line, plain.text):
            claims.extend(
                build_claims(
                    section,
                    plain.text,
                    plain.markers,
                    tags_at=plain.tags_at,
                    positions=plain.positions,
                    language=language,
                )
            )
        elif not line.bullet and not line.repeated and len(line.text.split()) <= 12:
            section = line.text.rstrip(":").strip() or section
    return claims


def parse(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse a web-article text scrape: body claims, title, publication date and authors."""
    lines = _lines(text)
    body = _body_span(lines)
    if body is None:
        return ParsedDocument(
            format=FORMAT,
            title=title,
            claims=(),
            references=(),
            warnings=("no article body found: no line reads as prose",),
        )
    found_title, published = _title_and_date(_header(lines, body[0]), named_title(text))
    metadata = read_metadata_lines(text)
    if published is None:
        stated = metadata.text("published datetime") or metadata.text("date")
        published = parse_date(stated)[0] if stated else None
    return ParsedDocument(
        format=FORMAT,
        title=title or found_title,
        claims=tuple(_claims(lines, body, guess_language(text))),
        references=(),
        authors=_authors(lines, body) or metadata.names("author", "authors"),
        published=published,
    )
