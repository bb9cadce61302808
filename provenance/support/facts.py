"""Checkable facts: numbers (with the words that follow them), dates, ages, names, quotes.

`claim_facts` reads a claim; `find_numbers` and `find_ages` read a page the same way so the
two sides compare. Input must be `text.normalize`d.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from provenance.support import names
from provenance.support.dates import _MONTHS, find_dates
from provenance.support.text import STOPWORDS, stem
from provenance.support.types import Fact, FactKind

_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_WORD_NUMBERS = {
    w: i + 1
    for i, w in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen", "twenty"]
    )
}
_WORD_NUMBERS |= {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_WORD_NUMBERS |= {"eighty": 80, "ninety": 90}
_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
         "tenth", "eleventh", "twelfth"]
    )
}
_CJK_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CJK_DIGITS |= {"八": 8, "九": 9, "十": 10}

NUMBER_RE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(st|nd|rd|th)?(?![\w])"
    r"(?:\s*(%|percent\b|per cent\b))?(?:\s+(hundred|thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)
WORD_NUMBER_RE = re.compile(
    r"\b(" + "|".join(list(_WORD_NUMBERS) + list(_ORDINALS))
    + r")\b(?:[\s-]+(hundred|thousand|million|billion)\b)?",
    re.IGNORECASE,
)
CJK_NUMBER_RE = re.compile(
    r"(第)?([一二两兩三四五六七八九十])(次|天|日|名|个|個|位|度|年|人|届|屆)")
AGE_RES = (
    re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\s+birthday", re.IGNORECASE),
    re.compile(r"\bturning\s+(\d{1,3})\b", re.IGNORECASE),
    re.compile(r"\bat\s+(?:the\s+)?age\s+(?:of\s+)?(\d{1,3})\b", re.IGNORECASE),
    re.compile(r"\baged\s+(\d{1,3})\b", re.IGNORECASE),
    re.compile(r"\b(\d{1,3})-year-old\b", re.IGNORECASE),
    re.compile(r"\bdie[sd]?\s+at\s+(\d{1,3})\b", re.IGNORECASE),
    re.compile(r"\bwas\s+(\d{1,3})(?:\s+years\s+old)?\s*[.;]", re.IGNORECASE),
    re.compile(r"(\d{1,3})\s*(?:岁|歲|세)"),
)
_UNIT_RE = re.compile(r"[\s-]*(?:[A-Za-z][\w']*)")
QUOTE_RE = re.compile(r"[\"“”«»]([^\"“”«»]{3,200})[\"“”«»]")
NAME_TOKEN_RE = re.compile(r"[^\W\d_][\w'’]*(?:-[\w'’]+)*|\d+[A-Za-z]+\w*", re.UNICODE)
CONNECTORS = frozenset(["of", "de", "da", "del", "della", "di", "van", "von", "der", "den", "la",
                        "le", "al", "bin", "bint", "y"])
_NOT_NAMES = frozenset(
    w.capitalize()
    for w in STOPWORDS
    | frozenset(
        ["during", "after", "before", "however", "also", "but", "and", "while", "since", "as",
         "at", "by", "for", "from", "with", "when", "where", "which", "who", "its", "their",
         "there", "these", "those", "that", "then", "although", "though", "some", "many", "most",
         "each", "every", "according", "former", "later", "earlier", "currently", "meanwhile",
         "today", "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
         "sunday", "additional", "several", "following", "both", "despite", "unlike", "like",
         "its", "him", "season", "episode"]
    )
) | frozenset(m.capitalize() for m in _MONTHS)


def _unit(text: str, end: int) -> tuple[str, ...]:
    """Up to two content words right after a number ("93 different shapes" -> different, shape)."""
    out: list[str] = []
    pos = end
    for _ in range(3):
        m = _UNIT_RE.match(text, pos)
        if not m:
            break
        pos = m.end()
        word = m.group(0).strip(" -").lower()
        if word in _SCALES or word in STOPWORDS:
            continue
        out.append(stem(word))
        if len(out) == 2:
            break
    if not out and end < len(text) and "\u4e00" <= text[end] <= "\u9fff":
        out.append(text[end])
    return tuple(out)


def find_numbers(
    text: str, skip: list[tuple[int, int]] | None = None
) -> Iterator[tuple[int, int, float, tuple[str, ...]]]:
    """Numbers written in digits, in words (one..ninety, first..twelfth) or in Chinese."""
    spans: list[tuple[int, int]] = []
    for a0, b0 in sorted(skip or []):
        if spans and a0 <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b0))
        else:
            spans.append((a0, b0))
    ends = [e for _s, e in spans]

    def skipped(a: int, b: int) -> bool:
        i = bisect_right(ends, a)  # the first span ending after a
        return i < len(spans) and spans[i][0] < b

    for m in NUMBER_RE.finditer(text):
        if skipped(m.start(), m.end()):
            continue
        value = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
        if m.group(5):
            value *= _SCALES[m.group(5).lower()]
        unit = _unit(text, m.end())
        yield m.start(), m.end(), value, (("§ord", *unit) if m.group(3) else unit)
    for m in WORD_NUMBER_RE.finditer(text):
        if skipped(m.start(), m.end()):
            continue
        w = m.group(1).lower()
        value = float(_WORD_NUMBERS.get(w) or _ORDINALS[w])
        if m.group(2):
            value *= _SCALES[m.group(2).lower()]
        unit = _unit(text, m.end())
        yield m.start(), m.end(), value, (("§ord", *unit) if w in _ORDINALS else unit)
    for m in CJK_NUMBER_RE.finditer(text):
        unit = (m.group(3),)
        kind = ("§ord", *unit) if m.group(1) else unit
        yield m.start(), m.end(), float(_CJK_DIGITS[m.group(2)]), kind


def find_ages(text: str) -> Iterator[tuple[int, int, float]]:
    """Ages: "35th birthday", "turning 36", "at the age of 75", "75-year-old", "75岁"."""
    for pattern in AGE_RES:
        for m in pattern.finditer(text):
            yield m.start(1), m.end(1), float(m.group(1))


def _context(text: str, start: int, end: int, width: int = 60) -> frozenset[str]:
    window = text[max(0, start - width) : start] + " " + text[end : end + width]
    return frozenset(
        stem(w) for w in re.findall(r"[A-Za-z]{3,}", window) if w.lower() not in STOPWORDS
    )


def name_key(tokens: list[str]) -> str:
    """A name as its lower-cased Latin tokens, hyphenated parts split ("kim jong un")."""
    parts: list[str] = []
    for t in tokens:
        t = re.sub(r"['’]s$", "", t)
        parts.extend(p for p in re.split(r"[-'’.]", t.lower()) if p)
    return " ".join(parts)


def _names(text: str, taken: list[tuple[int, int]]) -> Iterator[Fact]:
    toks = [m for m in NAME_TOKEN_RE.finditer(text)]
    group: list[re.Match[str]] = []

    def flush() -> Iterator[Fact]:
        while group and group[-1].group(0).lower() in CONNECTORS:
            group.pop()
        if not group:
            return
        start, end = group[0].start(), group[-1].end()
        key = name_key([g.group(0) for g in group])
        sentence_start = start == 0 or re.search(r"[.!?]\s*$", text[:start]) is not None
        if len(group) == 1 and sentence_start and key not in names.TABLE:
            again = re.search(r"(?<!^)\b" + re.escape(group[0].group(0)) + r"\b", text[end:])
            if not again:
                return
        if key and not any(not (end <= s or start >= e) for s, e in taken):
            yield Fact(FactKind.NAME, text[start:end], tuple(key.split()), start)

    for i, m in enumerate(toks):
        word = m.group(0)
        is_cap = (word[0].isupper() and word not in _NOT_NAMES
                  and re.sub(r"['’]s$", "", word) not in _NOT_NAMES)
        is_conn = (word.lower() in CONNECTORS and group and i + 1 < len(toks)
                   and toks[i + 1].group(0)[0].isupper())
        adjacent = not group or re.fullmatch(r"[ \t]+", text[group[-1].end() : m.start()] or "x")
        if (is_cap or is_conn) and adjacent:
            group.append(m)
        else:
            yield from flush()
            group = [m] if is_cap else []
    yield from flush()


def claim_facts(text: str) -> list[Fact]:
    """The checkable facts of a claim, in order of appearance."""
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for m in QUOTE_RE.finditer(text):
        inner = m.group(1).strip()
        toks = re.findall(r"\w+", inner.lower())
        if len(toks) >= 2:
            facts.append(Fact(FactKind.QUOTE, inner, tuple(toks), m.start()))
            taken.append((m.start(), m.end()))
    for a, b, v in find_ages(text):
        facts.append(Fact(FactKind.AGE, text[a:b], v, a, (), _context(text, a, b)))
        taken.append((a, b))
    for a, b, d in find_dates(text):
        if any(not (b <= s or a >= e) for s, e in taken):
            continue
        facts.append(Fact(FactKind.DATE, text[a:b], d, a, (), _context(text, a, b)))
        taken.append((a, b))
    for a, b, v, unit in find_numbers(text, taken):
        facts.append(Fact(FactKind.NUMBER, text[a:b], v, a, unit, _context(text, a, b)))
        taken.append((a, b))
    facts.extend(_names(text, taken))
    facts.sort(key=lambda f: f.start)
    return facts
