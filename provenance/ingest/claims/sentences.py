"""A linear-time sentence splitter for English, German and French prose, and for Chinese,
Japanese and Korean.

One pass over the text: every run of terminal punctuation (``.``, ``!``, ``?``, ``…``, with
closing quotes and brackets) is a candidate end, decided from a few characters around it, so
the time is linear in the text's length whatever the length of one sentence (a 20 MB text with
no full stop is one pass of a regular expression).

A candidate ends a sentence when whitespace follows and the next word starts a sentence (a
capital, a digit, an opening quote or bracket, a letter of a script without case), unless the
word before it is an abbreviation of the language ("Mr.", "Dr.", "c.", "z. B.", "M."), an
initial ("J."), an initialism ("U.S."), or in German a day or ordinal number ("am 5. Mai").
Where a citation marker stood right after the punctuation (``invitation.[6]During``) the
marker's offset is given in ``breaks``, and a capital directly after it starts a new sentence.
A closing quote standing alone after the punctuation (``talk. " President``, French ``vite. »
Les``) closes it, and so does German's ``“`` directly after it (``„Wir handeln.“ Die``).

A full-width end (``。``, ``！``, ``？``, with its closing quotes and brackets) needs no space
after it and ends a sentence unless it stands inside a quotation opened by ``「``, ``『`` or
``“`` and not yet closed (``他说:“我们要合作。我们要和平。”``; the quotation depth is carried
along the same pass), or when hiragana follows its closing quote (``「行くよ。」と言った``).
"""

from __future__ import annotations

import re
from collections.abc import Collection

__all__ = ["ABBREVIATIONS", "guess_language", "split_sentences", "word_count"]

_FULL_WIDTH_ENDS = "。！？"
_FULL_WIDTH_CLOSERS = "」』”’\uff09》\u3015】"
_CANDIDATE = re.compile(
    rf"""[.!?…]+(?:['"”“’»)\]]+)?|[{_FULL_WIDTH_ENDS}]+[{_FULL_WIDTH_CLOSERS}]*"""
)
_QUOTE_OPENERS = "「『“"
_QUOTE_CLOSERS = "」』”"
_QUOTES = re.compile(f"[{_QUOTE_OPENERS}{_QUOTE_CLOSERS}]")
_KANA_PARTICLE = re.compile(r"[\u3041-\u3096]")  # hiragana after a quotation: と, って
# Han and kana: Chinese and Japanese are written without spaces between words
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CLOSERS = "'\"”“’»)]"  # “ closes a German „quotation“
_OPENERS = "\"“‘«(¿¡'"
# A closing quote standing alone after the stop: 'talk. " President', French 'vite. » Les'
_SPACED_CLOSERS = "\"»”“"

_COMMON = {
    "mr", "mrs", "ms", "messrs", "dr", "prof", "rev", "revd", "hon", "capt", "col", "lt", "sgt",
    "gen", "adm", "cmdr", "gov", "sen", "rep", "st", "sr", "jr", "no", "nos", "vol", "vols",
    "p", "pp", "c", "ca", "cf", "fig", "figs", "approx", "vs", "v", "viz", "al", "ed", "eds",
    "op", "cit", "ibid", "ch", "chap", "sec", "art", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "inc", "ltd", "co", "corp", "bros",
}
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(_COMMON),
    "de": frozenset(_COMMON | {
        "z", "b", "bzw", "ca", "usw", "vgl", "s", "u", "a", "d", "h", "hl", "nr", "bd", "jh",
        "jhd", "geb", "gest", "verh", "evtl", "ggf", "inkl", "sog", "hrsg", "abs", "abb", "anm",
        "str", "dt", "engl", "frz", "lat", "röm", "kath", "ev", "chr", "v", "n", "o", "ä",
        "bspw", "insb", "zzt", "etc", "aufl", "sp", "ff", "f", "mio", "mrd", "tsd", "ehem",
    }),
    "fr": frozenset(_COMMON | {
        "m", "mm", "mme", "mmes", "mlle", "mlles", "me", "mgr", "av", "apr", "j", "c", "env",
        "cf", "éd", "ss", "s", "t", "vol", "coll", "dir", "trad", "boul", "bd", "chap", "ill",
    }),
}
# Post-nominal letters' parts are abbreviations only after an initial ("M. Inst. C.E.").
_AFTER_INITIAL = frozenset({"inst", "assoc", "soc", "mech", "civ", "mem", "fell", "amer", "brit",
                            "roy"})
_GLUED_WORD = re.compile(r"(?<=[:;^])[^\W\d_]+$")
_INITIALISM = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")
_LOOKBACK = 40


def _word_before(text: str, end: int) -> tuple[str, int]:
    """The word ending at ``end`` (exclusive) and where it starts (looks back a bounded way)."""
    start = end
    limit = max(0, end - _LOOKBACK)
    while start > limit and not text[start - 1].isspace() and text[start - 1] not in "([{\"“‘«":
        start -= 1
    return text[start:end], start


def _is_abbreviation(text: str, dot: int, language: str) -> bool:
    """True when the "." at ``dot`` closes an abbreviation, an initial or (de) an ordinal."""
    word, start = _word_before(text, dot)
    glued = _GLUED_WORD.search(word)
    if glued:  # "as:^:p." (a superscript page number glued on): the word is "p"
        word, start = glued.group(), start + glued.start()
    if not word:
        return False
    lowered = word.lower()
    if lowered in ABBREVIATIONS.get(language, ABBREVIATIONS["en"]):
        return True
    if len(word) == 1 and word.isalpha():
        return True  # an initial ("J. Birkinshaw") or a list letter
    if _INITIALISM.match(word):
        return True  # "U.S", "e.g", "z.B", "C.E"
    if lowered in _AFTER_INITIAL:
        before, _ = _word_before(text, max(start - 1, 0))
        return len(before) == 2 and before[0].isalpha() and before[1] == "."
    return language == "de" and word.isdigit() and len(word) <= 2


def _starts_sentence(text: str, at: int) -> bool:
    if at >= len(text):
        return False
    char = text[at]
    if char.isupper() or char.isdigit():
        return True
    if char in _OPENERS:
        following = text[at + 1 : at + 3].lstrip()[:1]  # French "« Mention": a space inside
        return bool(following) and (following.isupper() or following.isdigit())
    return char.isalpha() and not char.islower() and not char.isupper()  # no case: CJK, Arabic


def word_count(text: str) -> int:
    """Words of ``text``; in Chinese and Japanese, written without spaces, two characters
    count as one word (Korean separates its words with spaces)."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    return len(_UNSPACED.sub(" ", text).split()) + (unspaced + 1) // 2


class _QuoteDepth:
    """How many full-width quotations are open at a point, read forward in one pass."""

    def __init__(self, text: str) -> None:
        self._text, self._at, self.depth = text, 0, 0

    def advance(self, to: int) -> int:
        for found in _QUOTES.finditer(self._text, self._at, max(to, self._at)):
            if found.group() in _QUOTE_OPENERS:
                self.depth += 1
            else:
                self.depth = max(self.depth - 1, 0)
        self._at = max(to, self._at)
        return self.depth


def split_sentences(text: str, language: str = "en",
                    breaks: Collection[int] = ()) -> list[tuple[int, int]]:
    """The (start, end) span of each sentence of ``text``, stripped of outer whitespace."""
    spans: list[tuple[int, int]] = []
    size = len(text)
    start = 0
    quotes = _QuoteDepth(text)
    for found in _CANDIDATE.finditer(text):
        end = found.end()
        punct = found.group()
        cut = None
        if punct[0] in _FULL_WIDTH_ENDS:
            if quotes.advance(end) or end >= size:
                continue  # inside a quotation, or the text's own end
            if punct[-1] in _FULL_WIDTH_CLOSERS and _KANA_PARTICLE.match(text, end):
                continue  # 「行くよ。」と言った: the quotation is part of the sentence
            after = end
            while after < size and text[after].isspace():
                after += 1
            cut = (end, after)
        elif end < size and text[end].isspace():
            after = end
            while after < size and text[after].isspace():
                after += 1
            if after < size and text[after] in _SPACED_CLOSERS and (
                    after + 1 == size or text[after + 1].isspace()):
                following = after + 1
                while following < size and text[following].isspace():
                    following += 1
                if following < size and _starts_sentence(text, following):
                    cut = (after + 1, following)  # 'talk. " President'
            if cut is None and _starts_sentence(text, after):
                cut = (end, after)
        elif end in breaks and end < size and _starts_sentence(text, end):
            cut = (end, end)  # a marker stood here: "invitation.[6]During"
        elif end >= size:
            continue
        if cut is None:
            continue
        if punct.rstrip(_CLOSERS) == "." and _is_abbreviation(text, found.start(), language):
            continue
        piece_start = start
        while piece_start < cut[0] and text[piece_start].isspace():
            piece_start += 1
        if piece_start < cut[0]:
            spans.append((piece_start, cut[0]))
        start = cut[1]
    while start < size and text[start].isspace():
        start += 1
    stop = size
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    if start < stop:
        spans.append((start, stop))
    return spans


_STOPWORDS = {
    "en": frozenset({"the", "and", "of", "to", "in", "is", "was", "that", "with", "for", "as",
                     "on", "by", "his", "he", "it", "from", "which", "an", "are", "were"}),
    "de": frozenset({"der", "die", "das", "und", "ist", "den", "des", "dem", "nicht", "von",
                     "mit", "sich", "auf", "für", "eine", "ein", "wurde", "auch", "als", "im"}),
    "fr": frozenset({"le", "la", "les", "et", "des", "est", "une", "du", "dans", "que", "qui",
                     "pour", "par", "sur", "au", "aux", "il", "elle", "ne", "pas", "sont"}),
}
_WORDS = re.compile(r"[^\W\d_]+")
_SAMPLE = 20_000


def guess_language(text: str) -> str:
    """The splitter language of ``text`` ("en", "de" or "fr") from its commonest short words.

    Looks at three samples (start, middle, end) of at most 20,000 characters each, so the cost
    does not grow with the document."""
    if len(text) > 3 * _SAMPLE:
        middle = len(text) // 2
        text = " ".join((text[:_SAMPLE], text[middle : middle + _SAMPLE], text[-_SAMPLE:]))
    counts = dict.fromkeys(_STOPWORDS, 0)
    for word in _WORDS.findall(text.lower()):
        for language, words in _STOPWORDS.items():
            if word in words:
                counts[language] += 1
    best = max(counts, key=lambda language: counts[language])
    return best if counts[best] > 0 else "en"
