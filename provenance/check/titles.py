"""Does the page a URL shows still look like the work the reference cites?

Tolerant on purpose: a false mismatch costs a reviewer's time. Titles are compared as sets
of significant words; site names after a separator ("Title | Site", "Site - Title") are
tried both stripped and kept, and only a clear disagreement counts as a mismatch.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SEPARATORS = re.compile(r"\s+[|\-–—·•:»«/]+\s+|\s*[|·•»«]\s*")
_STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
     "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
     "le", "la", "les", "de", "des", "du", "et", "un", "une", "der", "die", "das", "und", "den",
     "el", "los", "las", "y", "en", "del", "home", "page", "untitled", "document"]
)
# Below this share of shared words (of the shorter title) two titles clearly differ.
MISMATCH_BELOW = 0.34


def significant_words(title: str) -> frozenset[str]:
    """Case-, accent- and punctuation-insensitive words of a title, stop-words removed."""
    folded = title.casefold()
    if not folded.isascii():  # strip accents (ASCII titles, the common case, have none)
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return frozenset(w for w in _WORD.findall(folded) if w not in _STOPWORDS)


def title_variants(title: str) -> list[frozenset[str]]:
    """The whole title and each separator-delimited part of it (site names stripped)."""
    variants = [significant_words(title)]
    parts = [p for p in _SEPARATORS.split(title) if p.strip()]
    if len(parts) > 1:
        variants.extend(significant_words(p) for p in parts)
        # Everything but the last / first part: "Title: Subtitle - Site".
        variants.append(significant_words(" ".join(parts[:-1])))
        variants.append(significant_words(" ".join(parts[1:])))
    return [v for v in variants if v]


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words as a share of the shorter set."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def titles_match(reference_title: str | None, page_title: str | None) -> bool | None:
    """True if the titles plausibly name the same work, False if clearly not, None if unsure."""
    if not reference_title or not page_title:
        return None
    if reference_title.casefold() == page_title.casefold():
        return True if significant_words(reference_title) else None
    ref_variants = title_variants(reference_title)
    page_variants = title_variants(page_title)
    if not ref_variants or not page_variants:
        return None
    best = max(overlap(r, p) for r in ref_variants for p in page_variants)
    if best >= MISMATCH_BELOW:
        return True
    # Too little to go on (one or two words each): do not accuse.
    if max(len(v) for v in ref_variants) < 2 or max(len(v) for v in page_variants) < 2:
        return None
    return False
