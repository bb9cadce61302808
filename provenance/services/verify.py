"""The verify use case: read what ``check`` and ``archive`` kept, and say whether the sources
still support the claims that cite them.

1. Extract the text of every kept body not yet read (trafilatura, pypdf; videos and images
   are recorded as non-text).
2. For every (claim, cited reference) whose link has a text, score the claim against the
   latest live text and the latest archived text (skipped when that text version and that
   claim text were already scored with the same model).
3. Drift: a claim's supporting passage in the first live text, or in the archived text,
   that is no longer in the current text flags the reference ``content-drift``.
4. Corroboration: claims that are uncited or rest only on empty, dead, lost, not-found or
   unreadable sources get the other documents' claims and stored texts that support them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from provenance.domain.archives import LOST
from provenance.domain.links import DEAD
from provenance.domain.support import RANK, SourceOrigin, Verdict
from provenance.store.database import Database
from provenance.store.sources import StoredText, SupportStore
from provenance.support.check import check_claim
from provenance.support.extract import extract
from provenance.support.index import SourceIndex
from provenance.support.rerank import EmbeddingReranker
from provenance.support.types import SupportResult

LEXICAL = "lexical"
CORROBORATE_TOP = 5
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class VerifySummary:
    """What one verify run did."""

    extracted: int = 0
    scored: int = 0
    skipped: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    drift: int = 0
    corroborated: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"extracted": self.extracted, "scored": self.scored, "skipped": self.skipped,
                "verdicts": dict(self.verdicts), "drift": self.drift,
                "corroborated": self.corroborated}


def claim_hash(text: str) -> str:
    """The fingerprint of a claim's text (a new text makes its verdicts due again)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Indexes:
    """Source texts indexed once per run, by text id."""

    def __init__(self) -> None:
        self._by_id: dict[int, SourceIndex] = {}

    def get(self, text: StoredText) -> SourceIndex | None:
        if not text.text:
            return None
        if text.id not in self._by_id:
            self._by_id[text.id] = SourceIndex(text.text)
        return self._by_id[text.id]


def verify(db: Database, *, document: str | None = None, model: str | None = None,
           progress: Progress | None = None, now: datetime | None = None) -> VerifySummary:
    """Run the four steps over one document (id, title or origin) or all."""
    store = SupportStore(db)
    reranker = EmbeddingReranker(model) if model and model != LEXICAL else None
    model_name = model or LEXICAL
    at = now or datetime.now(UTC)
    summary = VerifySummary()
    doc_ids = store.document_ids(document)
    link_ids = store.links_of(doc_ids)

    pending = store.pending(link_ids)
    for n, body in enumerate(pending, 1):
        got = extract(body.body, body.content_type, body.url, truncated=body.truncated)
        store.save_extraction(body.id, kind=got.kind.value, text=got.text,
                              language=got.language, note=got.note, now=at)
        summary.extracted += 1
        if progress:
            progress("extracting", n, len(pending))

    pairs = store.cited_pairs(doc_ids)
    texts = store.texts(link_ids)
    done = store.done(sorted({p.claim_id for p in pairs}), model_name)
    indexes = _Indexes()
    rows: list[dict[str, Any]] = []
    for n, pair in enumerate(pairs, 1):
        if progress:
            progress("scoring", n, len(pairs))
        versions = texts.get(pair.link_id or 0, []) if pair.link_id else []
        chash = claim_hash(pair.claim_text)
        for origin in (SourceOrigin.LIVE, SourceOrigin.ARCHIVE):
            text = _latest(versions, origin)
            if text is None:
                continue
            if (pair.claim_id, pair.reference_id, text.id, chash) in done:
                summary.skipped += 1
                continue
            result = _score(pair.claim_text, text, indexes, reranker)
            summary.scored += 1
            summary.verdicts[result.verdict.value] += 1
            row = _support_row(pair.claim_id, pair.reference_id, text, chash, origin.value,
                               result, model_name, at)
            rows.append(row)
            summary.results.append({"claim": pair.claim_id, "label": pair.label,
                                    "verdict": result.verdict.value, "score": result.score,
                                    "source": origin.value, "language": result.language})
    store.add_support(rows)

    summary.drift = _drift(store, pairs, texts, indexes, at)
    summary.corroborated = _corroborate(store, doc_ids, indexes, at)
    return summary


def _latest(versions: list[StoredText], origin: SourceOrigin) -> StoredText | None:
    mine = [v for v in versions if v.origin == origin.value]
    return mine[-1] if mine else None


def _score(claim: str, text: StoredText, indexes: _Indexes,
           reranker: EmbeddingReranker | None) -> SupportResult:
    kind = text.kind or "html"
    return check_claim(claim, indexes.get(text), kind=kind, reranker=reranker)


def _support_row(claim_id: int, reference_id: int, text: StoredText, chash: str, origin: str,
                 r: SupportResult, model: str, at: datetime) -> dict[str, Any]:
    return {"claim_id": claim_id, "reference_id": reference_id, "source_text_id": text.id,
            "claim_hash": chash, "origin": origin, "verdict": r.verdict.value,
            "score": r.score, "evidence": r.evidence or text.note or r.reason,
            "found": list(r.found), "missing": list(r.missing), "conflicts": list(r.conflicts),
            "language": r.language, "claim_language": r.claim_language, "model": model,
            "checked_at": at}


# -- drift ----------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()


def _drift(store: SupportStore, pairs: list[Any], texts: dict[int, list[StoredText]],
           indexes: _Indexes, at: datetime) -> int:
    """Flag links whose supporting passage for a claim is gone from the current text."""
    claims_by_link: dict[int, list[Any]] = {}
    for pair in pairs:
        if pair.link_id:
            claims_by_link.setdefault(pair.link_id, []).append(pair)
    flagged = 0
    for link_id, link_pairs in claims_by_link.items():
        versions = [v for v in texts.get(link_id, []) if v.text]
        live = [v for v in versions if v.origin == SourceOrigin.LIVE.value]
        if not live:
            continue
        current = live[-1]
        baselines = [(live[0], "first")] if live[0].id != current.id else []
        archived = [v for v in versions if v.origin == SourceOrigin.ARCHIVE.value]
        if archived:
            baselines.append((archived[-1], "archive"))
        found: list[dict[str, Any]] = []
        for base, compared_with in baselines:
            if base.text_hash == current.text_hash:
                continue
            for pair in link_pairs:
                row = _passage_gone(pair, base, current, indexes, compared_with, at)
                if row:
                    found.append(row)
                    break
        store.replace_drift(link_id, found)
        flagged += bool(found)
    return flagged


def _passage_gone(pair: Any, base: StoredText, current: StoredText, indexes: _Indexes,
                  compared_with: str, at: datetime) -> dict[str, Any] | None:
    before = check_claim(pair.claim_text, indexes.get(base), kind=base.kind or "html")
    if before.verdict not in (Verdict.SUPPORTED, Verdict.PARTIAL) or not before.evidence:
        return None
    current_index = indexes.get(current)
    now_text = _squash(current_index.text) if current_index else ""
    if _squash(before.evidence).rstrip("…") in now_text:
        return None
    after = check_claim(pair.claim_text, indexes.get(current), kind=current.kind or "html")
    if after.verdict is Verdict.SUPPORTED and RANK[before.verdict] >= RANK[after.verdict] \
            and _overlap(before.evidence, after.evidence) > 0.8:
        return None
    return {"link_id": pair.link_id, "claim_id": pair.claim_id, "before_text_id": base.id,
            "after_text_id": current.id, "since": current.first_seen_at,
            "before": before.evidence,
            "after": after.evidence if after.verdict is not Verdict.NOT_FOUND else None,
            "compared_with": compared_with, "detected_at": at}


def _overlap(a: str, b: str) -> float:
    wa, wb = set(_squash(a).split()), set(_squash(b).split())
    return len(wa & wb) / max(1, len(wa | wb))


# -- corroboration --------------------------------------------------------------------------

WEAK_VERDICTS = {Verdict.NOT_FOUND.value, Verdict.UNREADABLE.value, Verdict.CONTRADICTED.value}


def _corroborate(store: SupportStore, doc_ids: list[int] | None, indexes: _Indexes,
                 at: datetime) -> int:
    """Fill the corroboration list of every weakly sourced claim of these documents."""
    claims = store.claims()
    mine = [c for c in claims if doc_ids is None or c.document_id in doc_ids]
    verdicts = store.verdicts([c.id for c in mine])
    weak = [c for c in mine if _is_weak(c, verdicts.get(c.id, []))]
    if not weak:
        return 0
    by_doc: dict[int, list[Any]] = {}
    for c in claims:
        by_doc.setdefault(c.document_id, []).append(c)
    doc_indexes = {d: SourceIndex.from_passages([c.text for c in cs]) for d, cs in by_doc.items()}
    texts = store.all_texts()
    count = 0
    for claim in weak:
        rows: list[dict[str, Any]] = []
        for doc_id, index in doc_indexes.items():
            if doc_id == claim.document_id:
                continue
            r = check_claim(claim.text, index)
            if r.verdict in (Verdict.SUPPORTED, Verdict.PARTIAL) and r.passage is not None:
                other = by_doc[doc_id][r.passage]
                rows.append({"claim_id": claim.id, "other_claim_id": other.id, "url": None,
                             "evidence": other.text, "verdict": r.verdict.value,
                             "score": r.score, "checked_at": at})
        for text in texts:
            r = check_claim(claim.text, indexes.get(text), kind=text.kind or "html")
            if r.verdict in (Verdict.SUPPORTED, Verdict.PARTIAL):
                rows.append({"claim_id": claim.id, "source_text_id": text.id, "url": text.url,
                             "evidence": r.evidence, "verdict": r.verdict.value,
                             "score": r.score, "checked_at": at})
        rows.sort(key=lambda row: (RANK[Verdict(row["verdict"])], -row["score"]))
        store.replace_corroboration(claim.id, rows[:CORROBORATE_TOP])
        count += bool(rows)
    return count


def _is_weak(claim: Any, verdicts: list[str]) -> bool:
    """Uncited, or resting only on empty, dead, lost, not-found or unreadable sources."""
    if not claim.cited:
        return True
    if claim.empty_refs and not claim.link_states:
        return True
    if claim.link_states and all(s == DEAD for s in claim.link_states):
        return True
    if claim.archive_states and all(s == LOST for s in claim.archive_states):
        return True
    return bool(verdicts) and all(v in WEAK_VERDICTS for v in verdicts)
