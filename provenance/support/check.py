"""Decide what a source says about a claim: supported, partial, not-found, contradicted,
unreadable.

Lexical first: BM25 finds the passages that share the claim's words and facts; each
candidate (with its neighbours) is read for the claim's checkable facts and content words;
a fact missing from the whole page but standing differently in a matching passage (another
day of the same month, another count of the same thing, another age) is a contradiction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from provenance.support import names
from provenance.support.facts import CONNECTORS, claim_facts
from provenance.support.index import SourceIndex, date_atoms, joined_tokens, number_atom
from provenance.support.readable import unreadable_reason
from provenance.support.rerank import EmbeddingReranker
from provenance.support.text import cjk_bigrams, content_terms, guess_language, normalize
from provenance.support.types import DateValue, Fact, FactKind, SupportResult, Verdict

SUPPORTED_COVERAGE = 0.5
PARTIAL_SCORE = 0.45
PARTIAL_COVERAGE = 0.3
HARD = (FactKind.DATE, FactKind.NUMBER, FactKind.AGE)
WEIGHT = {FactKind.NAME: 0.5}
RERANK_WEIGHT = 0.3
QUOTE_GAP_RE = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…")


@dataclass
class _Window:
    """What a run of passages around one BM25 hit holds."""

    first: int
    last: int
    dates: list[DateValue]
    numbers: list[tuple[float, tuple[str, ...]]]
    ages: list[float]
    terms: set[str]
    joined: str
    raw: str
    years: set[int]
    months: set[int]


def _window(index: SourceIndex, center: int, radius: int = 1) -> _Window:
    first, last = max(0, center - radius), min(len(index.passages) - 1, center + radius)
    dates: list[DateValue] = []
    numbers: list[tuple[float, tuple[str, ...]]] = []
    ages: list[float] = []
    terms: set[str] = set()
    for i in range(first, last + 1):
        f = index.facts[i]
        dates += f.dates
        numbers += f.numbers
        ages += f.ages
        terms |= index.terms[i]
    return _Window(
        first, last, dates, numbers, ages, terms,
        "".join(index.joined[first : last + 1]),
        "\n".join(p.text for p in index.passages[first : last + 1]),
        {d.year for d in dates if d.year is not None},
        {d.month for d in dates if d.month is not None},
    )


def _date_found(c: DateValue, dates: list[DateValue], years: set[int], months: set[int]) -> bool:
    if c.month is None:
        return c.year in years
    days: set[int] = set()
    month_seen = False
    for p in dates:
        same_month = p.month == c.month or (p.month is None and c.month in months and p.days)
        if not same_month:
            continue
        if c.year is not None and p.year is not None and p.year != c.year:
            continue
        if c.year is not None and p.year is None and c.year not in years:
            continue
        month_seen = True
        days |= p.days
    return month_seen and c.days <= days


def _name_found(f: Fact, w: _Window, index: SourceIndex) -> bool:
    tokens: tuple[str, ...] = f.value  # type: ignore[assignment]
    if _tokens_found(tokens, w, index):
        return True
    parts: list[list[str]] = [[]]
    for t in tokens:
        if t in CONNECTORS:
            parts.append([])
        else:
            parts[-1].append(t)
    parts = [p for p in parts if p]
    return len(parts) > 1 and all(_tokens_found(tuple(p), w, index) for p in parts)


def _tokens_found(tokens: tuple[str, ...], w: _Window, index: SourceIndex) -> bool:
    key = " ".join(tokens)
    if f" {key} " in w.joined:
        return True
    if len(tokens) >= 2 and f" {tokens[-1]} " in w.joined and f" {key} " in index.doc_joined:
        return True
    alias = names.SAME.get(key)
    if alias and f" {alias} " in w.joined:
        return True
    return any(form in w.raw for form in names.forms(key) + names.forms(alias or ""))


def _found(f: Fact, w: _Window, index: SourceIndex) -> bool:
    if f.kind is FactKind.DATE:
        years = w.years | index.header_years
        return _date_found(f.value, w.dates, years, w.months)  # type: ignore[arg-type]
    if f.kind is FactKind.NUMBER:
        return any(abs(v - f.value) < 1e-9 for v, _u in w.numbers)  # type: ignore[operator]
    if f.kind is FactKind.AGE:
        return f.value in w.ages or any(v == f.value for v, _u in w.numbers)
    if f.kind is FactKind.QUOTE:
        pieces = [joined_tokens(p).strip() for p in QUOTE_GAP_RE.split(f.text)]
        return all(f" {p} " in w.joined for p in pieces if p)
    return _name_found(f, w, index)


def _conflict(f: Fact, w: _Window, used_days: set[tuple[int | None, int]]) -> str | None:
    """How a missing fact stands differently in the window, or None."""
    overlap = len(f.context & w.terms)
    if f.kind is FactKind.DATE:
        c: DateValue = f.value  # type: ignore[assignment]
        if c.month is None or not c.days or overlap < 2:
            return None
        for p in w.dates:
            if p.month != c.month or not p.days or p.days & c.days:
                continue
            if len(c.days) > 1 and len(p.days) < 2:
                continue
            if c.year is not None and p.year is not None and p.year != c.year:
                continue
            if all((p.month, d) in used_days for d in p.days):
                continue
            return f"{f.text} -> {_show_date(p)}"
        return None
    if f.kind is FactKind.NUMBER:
        c_value: float = f.value  # type: ignore[assignment]
        if not f.unit or overlap < 1 or not c_value:
            return None
        for v, unit in w.numbers:
            same_kind = ("§ord" in unit) == ("§ord" in f.unit)
            shared = (set(unit) & set(f.unit)) - {"§ord"}
            if v != c_value and same_kind and shared and 0.1 <= v / c_value <= 10:
                return f"{f.text} -> {v:g}"
        return None
    if f.kind is FactKind.AGE:
        for v in w.ages:
            if v != f.value and abs(v - f.value) <= 5:  # type: ignore[operator]
                return f"{f.text} -> {v:g}"
    return None


def _show_date(d: DateValue) -> str:
    days = "-".join(str(x) for x in sorted(d.days)) if d.days else ""
    parts = [str(d.year) if d.year else "", f"{d.month:02d}" if d.month else "", days]
    return "-".join(p for p in parts if p)


def _query(claim: str, facts: list[Fact]) -> list[str]:
    q = content_terms(claim)
    for f in facts:
        if f.kind is FactKind.DATE:
            q += date_atoms(f.value)  # type: ignore[arg-type]
        elif f.kind in (FactKind.NUMBER, FactKind.AGE):
            q.append(number_atom(f.value))  # type: ignore[arg-type]
        elif f.kind is FactKind.NAME:
            key = " ".join(f.value)  # type: ignore[arg-type]
            for form in names.forms(key) + names.forms(names.SAME.get(key, "")):
                q += cjk_bigrams(form) or content_terms(form)
    return q


def _dedupe(facts: list[Fact]) -> list[Fact]:
    seen: set[tuple[FactKind, object]] = set()
    out = []
    for f in facts:
        key = (f.kind, f.value)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def check_claim(
    claim: str,
    index: SourceIndex | None,
    *,
    kind: str = "html",
    top_k: int = 8,
    reranker: EmbeddingReranker | None = None,
) -> SupportResult:
    """The verdict of one source (already indexed, or None for no text) on one claim.

    With a `reranker`, the candidates' lexical score is blended with their embedding
    similarity to the claim (same-language sources only).
    """
    claim_language = guess_language(claim)
    reason = unreadable_reason(index.text if index else None, kind)
    if index is None or reason:
        return SupportResult(Verdict.UNREADABLE, 0.0, reason=reason or "no text",
                             claim_language=claim_language,
                             language=index.language if index else None)
    norm = normalize(claim)
    facts = _dedupe(claim_facts(norm))
    cross = bool(index.language and claim_language and index.language != claim_language)
    terms = set(content_terms(norm))
    hits = index.search(_query(norm, facts), top_k)
    lang = index.language
    if not hits:
        return SupportResult(Verdict.NOT_FOUND, 0.0, missing=tuple(f.text for f in facts),
                             language=lang, claim_language=claim_language)

    best: tuple[float, int, list[bool], float, _Window] | None = None
    windows = [_window(index, i) for i, _score in hits]
    sims = reranker.similarities(norm, [w.raw for w in windows]) if reranker and not cross else []
    for rank, ((i, _score), w) in enumerate(zip(hits, windows, strict=True)):
        found = [_found(f, w, index) for f in facts]
        coverage = len(terms & w.terms) / len(terms) if terms else 0.0
        weights = [WEIGHT.get(f.kind, 1.0) for f in facts]
        fact_cov = (
            sum(wt for wt, ok in zip(weights, found, strict=True) if ok) / sum(weights)
            if facts else coverage
        )
        if cross:
            metric = fact_cov if facts else 0.0
        elif facts:
            metric = 0.5 * fact_cov + 0.5 * coverage
        else:
            metric = coverage
        metric -= 0.001 * rank
        if sims:
            metric += RERANK_WEIGHT * (sims[rank] - 0.5)
        if best is None or metric > best[0]:
            best = (metric, i, found, coverage, w)
    assert best is not None
    metric, center, found, coverage, w = best

    # contradiction: a hard fact missing from the whole page, standing differently nearby
    doc_window = _window(index, 0, radius=len(index.passages))
    used_days = {
        (f.value.month, d)  # type: ignore[attr-defined]
        for f, ok in zip(facts, found, strict=True)
        if ok and f.kind is FactKind.DATE
        for d in f.value.days  # type: ignore[attr-defined]
    }
    conflicts: list[tuple[str, _Window]] = []
    for f, ok in zip(facts, found, strict=True):
        if ok or f.kind not in HARD or _found(f, doc_window, index):
            continue
        for cand in [w, *windows[:3]]:
            clash = _conflict(f, cand, used_days)
            if clash:
                conflicts.append((clash, cand))
                break
    found_texts = tuple(f.text for f, ok in zip(facts, found, strict=True) if ok)
    missing_texts = tuple(f.text for f, ok in zip(facts, found, strict=True) if not ok)
    score = round(max(0.0, metric), 3)
    if conflicts:
        cw = conflicts[0][1]
        return SupportResult(Verdict.CONTRADICTED, score, _excerpt(cw.raw), found_texts,
                             missing_texts, tuple(c for c, _ in conflicts), passage=cw.first,
                             language=lang, claim_language=claim_language)
    n = len(facts)
    n_found = sum(found)
    hard_found = sum(ok for f, ok in zip(facts, found, strict=True) if f.kind in HARD)
    strict_missing = sum(
        not ok for f, ok in zip(facts, found, strict=True) if f.kind is not FactKind.NAME
    )
    name_total = sum(f.kind is FactKind.NAME for f in facts)
    name_found = sum(ok for f, ok in zip(facts, found, strict=True) if f.kind is FactKind.NAME)
    if cross:
        if n >= 2 and n_found == n and hard_found >= 1:
            verdict = Verdict.SUPPORTED
        elif n_found >= 2 or hard_found >= 1:
            verdict = Verdict.PARTIAL
        else:
            verdict = Verdict.NOT_FOUND
    elif (
        strict_missing == 0
        and name_found >= name_total / 2
        and coverage >= SUPPORTED_COVERAGE
    ):
        verdict = Verdict.SUPPORTED
    elif metric >= PARTIAL_SCORE or (hard_found >= 1 and coverage >= PARTIAL_COVERAGE):
        verdict = Verdict.PARTIAL
    else:
        verdict = Verdict.NOT_FOUND
    return SupportResult(verdict, score, _excerpt(w.raw), found_texts, missing_texts,
                         passage=center, language=lang, claim_language=claim_language)


def _excerpt(text: str, limit: int = 600) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_text(claim: str, text: str | None, *, kind: str = "html") -> SupportResult:
    """Index `text` and check one claim against it (for one-off use; reuse a
    `SourceIndex` when several claims cite the same source)."""
    return check_claim(claim, SourceIndex(text) if text else None, kind=kind)
