"""A source text made searchable once: passages, their facts, a BM25 index.

Building is linear in the text (one regex pass per fact kind, facts assigned to passages
by offset); scoring a claim touches only the top passages BM25 returns.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import bm25s
import numpy as np

from provenance.support.dates import find_dates
from provenance.support.facts import find_ages, find_numbers
from provenance.support.passages import split_passages
from provenance.support.text import content_terms, guess_language, normalize
from provenance.support.types import DateValue, Passage

_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
_POSSESSIVE_RE = re.compile(r"['’]s\b")


@dataclass
class PassageFacts:
    """The facts written in one passage."""

    dates: list[DateValue] = field(default_factory=list)
    numbers: list[tuple[float, tuple[str, ...]]] = field(default_factory=list)
    ages: list[float] = field(default_factory=list)


def joined_tokens(text: str) -> str:
    """Lower-cased word tokens joined by single spaces, padded ("'s" dropped), for phrase search."""
    return " " + " ".join(t.lower() for t in _TOKEN_RE.findall(_POSSESSIVE_RE.sub("", text))) + " "


def date_atoms(d: DateValue) -> list[str]:
    """Search tokens for a date, shared by claims and pages ("§m5d7", "§y2018")."""
    out = [f"§y{d.year}"] if d.year else []
    if d.month:
        out.extend(f"§m{d.month}d{day}" for day in d.days) if d.days else out.append(f"§m{d.month}")
    return out


def number_atom(value: float) -> str:
    """Search token for a number ("§n673")."""
    return f"§n{value:g}"


class SourceIndex:
    """One source text, split and indexed for support checks."""

    def __init__(self, text: str, *, passage_words: int = 60,
                 passages: list[Passage] | None = None) -> None:
        self.text = text if passages is not None else normalize(text)
        self.language = guess_language(self.text)
        self.passages: list[Passage] = (
            passages if passages is not None else split_passages(self.text, passage_words))
        starts = [p.start for p in self.passages]
        self.facts = [PassageFacts() for _ in self.passages]

        def owner(offset: int) -> int:
            return max(0, bisect_right(starts, offset) - 1)

        taken: list[tuple[int, int]] = []
        for a, b, d in find_dates(self.text):
            if self.passages:
                self.facts[owner(a)].dates.append(d)
            taken.append((a, b))
        for a, _b, v in find_ages(self.text):
            if self.passages:
                self.facts[owner(a)].ages.append(v)
        for a, _b, v, unit in find_numbers(self.text, taken):
            if self.passages:
                self.facts[owner(a)].numbers.append((v, unit))
        self.header_years = {
            d.year for a, _b, d in find_dates(self.text[:600]) if d.year is not None
        }
        self.doc_years = {d.year for f in self.facts for d in f.dates if d.year is not None}
        self.terms: list[set[str]] = []
        self.joined: list[str] = []
        corpus: list[list[str]] = []
        for p, f in zip(self.passages, self.facts, strict=True):
            terms = content_terms(p.text)
            self.terms.append(set(terms))
            self.joined.append(joined_tokens(p.text))
            atoms = [a for d in f.dates for a in date_atoms(d)]
            atoms += [number_atom(v) for v, _u in f.numbers]
            corpus.append(terms + atoms or ["§empty"])
        self.doc_joined = "".join(self.joined)
        self._bm25: bm25s.BM25 | None = None
        if corpus:
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus, show_progress=False)

    @classmethod
    def from_passages(cls, texts: list[str]) -> SourceIndex:
        """An index whose passages are exactly `texts` (e.g. the claims of a document)."""
        parts: list[Passage] = []
        pos = 0
        chunks = []
        for i, t in enumerate(texts):
            t = normalize(t).replace("\n", " ")
            parts.append(Passage(i, pos, pos + len(t), t))
            chunks.append(t)
            pos += len(t) + 2
        return cls("\n\n".join(chunks), passages=parts)

    def search(self, query: list[str], k: int = 8) -> list[tuple[int, float]]:
        """The best `k` passages for the query tokens, as (passage index, BM25 score)."""
        if self._bm25 is None or not query:
            return []
        scores = np.asarray(self._bm25.get_scores(query), dtype=float)
        top = np.argpartition(-scores, k)[:k] if len(scores) > k else np.arange(len(scores))
        ranked = sorted(((int(i), float(scores[i])) for i in top), key=lambda t: -t[1])
        return [(i, s) for i, s in ranked if s > 0]

