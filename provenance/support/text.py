"""Text plumbing for support checks: normalising, tokens, scripts, a language guess.

Tokens are lower-cased words with a light suffix strip (plural -s, possessive), and
character bigrams for Chinese/Japanese runs (so a Chinese page can be searched without a
word segmenter). Every function is linear in the length of its input.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]")
HANGUL_RE = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]+")

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
     "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
     "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
     "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
     "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
     "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of",
     "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same",
     "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
     "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
     "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
     "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "s", "t",
     "was", "were", "been", "being", "one", "many", "much", "may", "might", "must", "shall",
     "upon", "via", "per", "whose", "within", "without", "among", "along", "across", "since",
     "ago", "yet", "still", "even", "ever", "every", "however", "although", "though", "thus",
     "whether", "either", "neither"]
)

_LATIN_HINTS: dict[str, frozenset[str]] = {
    "en": frozenset(["the", "and", "of", "to", "in", "is", "was", "that", "for", "with", "on",
                     "as", "by", "his", "her", "at", "from", "which"]),
    "fr": frozenset(["le", "la", "les", "des", "et", "du", "un", "une", "est", "dans", "pour",
                     "que", "qui", "sur", "par", "avec", "au"]),
    "de": frozenset(["der", "die", "das", "und", "den", "ist", "nicht", "mit", "von", "zu",
                     "dem", "ein", "eine", "auf", "für", "im"]),
    "es": frozenset(["el", "la", "los", "las", "y", "de", "del", "en", "que", "por", "con",
                     "una", "es", "para", "se", "al"]),
    "it": frozenset(["il", "la", "di", "che", "e", "per", "un", "una", "del", "della", "con",
                     "è", "nel", "dei", "le", "gli"]),
    "pt": frozenset(["o", "a", "os", "as", "de", "do", "da", "em", "que", "para", "com", "uma",
                     "por", "não", "dos", "das"]),
    "nl": frozenset(["de", "het", "een", "en", "van", "in", "is", "op", "dat", "met", "voor",
                     "niet", "zijn", "ook"]),
}


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters become ASCII), unified dashes and quotes."""
    text = unicodedata.normalize("NFKC", text)
    return (
        text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
        .replace("\u2019", "'").replace("\u2018", "'")
    )


def stem(word: str) -> str:
    """A light, language-neutral suffix strip: possessives and a plural -s/-es."""
    w = word.lower()
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and not w.endswith("us"):
        return w[:-1]
    return w


def words(text: str) -> list[str]:
    """Word tokens (letters and digits), lower-cased, not stemmed; CJK runs excluded."""
    return [m.group(0).lower() for m in WORD_RE.finditer(text) if not CJK_RE.match(m.group(0))]


def content_terms(text: str) -> list[str]:
    """Stemmed content words (no stopwords, no one-letter words) plus CJK bigrams."""
    out = [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]
    out.extend(cjk_bigrams(text))
    return out


def cjk_bigrams(text: str) -> list[str]:
    """Character bigrams of every Chinese/Japanese run (a single character stays alone)."""
    out: list[str] = []
    for m in CJK_RUN_RE.finditer(text):
        run = m.group(0)
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def guess_language(text: str, sample: int = 20000) -> str | None:
    """A script-and-stopword guess: 'zh', 'ja', 'ko', 'ru', 'ar', a Latin language, or None."""
    s = text[:sample]
    han = len(CJK_RE.findall(s))
    hangul = len(HANGUL_RE.findall(s))
    kana = len(re.findall(r"[\u3040-\u30ff]", s))
    cyr = len(re.findall(r"[\u0400-\u04ff]", s))
    arab = len(re.findall(r"[\u0600-\u06ff]", s))
    latin = len(re.findall(r"[A-Za-z\u00c0-\u024f]", s))
    total = han + hangul + cyr + arab + latin
    if total == 0:
        return None
    if hangul >= 0.3 * total:
        return "ko"
    if kana >= 0.1 * max(han + kana, 1) and han + kana >= 0.3 * total:
        return "ja"
    if han >= 0.3 * total:
        return "zh"
    if cyr >= 0.3 * total:
        return "ru"
    if arab >= 0.3 * total:
        return "ar"
    counts = Counter(w for w in words(s) if len(w) <= 5)
    best, best_score = None, 0
    for lang, hints in _LATIN_HINTS.items():
        score = sum(counts[w] for w in hints)
        if score > best_score:
            best, best_score = lang, score
    return best if best_score >= 2 else None
