"""Find sources a sentence names in words: "Xinhua reported", "according to Reuters".

An attribution is a sentence resting on a named source without (necessarily) citing it, so
it can be a provenance gap. Five patterns, each needing both a reporting cue and a source
that looks like one (a proper-noun phrase, or a noun that denotes a source such as
"officials" or "state media"), which keeps ordinary narration ("Kim stressed to Xi that...",
"the announcement from the South Koreans") out:

1. ``according to X`` / ``citing X`` / ``quoting X``, and "according to" in German ("laut
   dpa"), French ("selon l'AFP"), Spanish, Italian, Portuguese, Chinese ("据新华社报道"),
   Japanese ("日本経済新聞によると") and Korean ("연합뉴스에 따르면")
2. ``X [, ...,] said|told|reported|announced|quoted|...`` (X a named source, not a pronoun)
3. ``", said|reported X"`` (the inverted form after a quotation or a comma)

A person quoted in reporting ("Trump told reporters", ``"…," said Moon Jae-in``) is not a
source named in words: after a verb of speech (said, told, wrote, announced...) the subject
must look like an organisation or a publication (an acronym such as "BBC", or a name with a
word such as Agency, News, Ministry, Institute, Bank). Verbs of publication (reported,
published, found, showed...) take any named subject.
4. ``reported|published|quoted|released by X``
5. evidence nouns from a source: ``data|figures|a report|a study ... from|by X``

Each hit is returned as the words of the sentence that make it, e.g. ``"Xinhua reported"``.
"""

from __future__ import annotations

import re

__all__ = ["find_attributions"]

# A capitalised word: "Xinhua", "CSIS", "U.S.", "Jong-un", "O'Brien"; not a possessive.
_CAP = r"(?:[A-Z][\w&.\-]*(?:['’][A-Z][\w\-]*)?)"
# A proper-noun phrase: capitalised words, joined by a few lowercase connectors.
_PROPER = rf"(?:{_CAP}(?:\s+(?:(?:of|the|for|and|on|de|&)\s+)*{_CAP})*)"
# Lowercase nouns that denote a source by themselves ("officials said", "state media reported").
_SOURCE_NOUN = (
    r"(?:officials|official|spokes(?:man|woman|person)|media|agency|ministry|newspaper|"
    r"sources|diplomats|analysts|researchers|police|government|report|study|survey|poll|"
    r"statement|broadcaster|outlet|office|department|council|committee|institute|bureau|"
    r"commission|authorities|regulator|data|figures)"
)
_SAY = (
    r"(?:said|says|told|tells|reported|reports|announced|announces|stated|wrote|writes|"
    r"claimed|quoted|quotes|confirmed|confirms|revealed|reveals|published|publishes|"
    r"estimated|estimates|found|finds|showed|shows)"
)
# Verbs that say a source published something (any named subject is a source with them).
# Finding and showing are not among them: "Gaetz shows no sign of...", "Smith found that..."
# tell of people; "the survey found", "CSIS data shows" are caught by the evidence pattern or
# by an organisation subject.
_PUBLISH = frozenset({"reported", "reports", "published", "publishes", "released", "compiled"})
# Words that make a proper-noun phrase an organisation or a publication, not a person.
_ORGANISATION = re.compile(
    r"\b(?:Agency|News|Times|Post|Press|Journal|Herald|Tribune|Gazette|Daily|Weekly|Magazine|"
    r"Review|Institute|University|College|Ministry|Department|Bureau|Office|Council|Committee|"
    r"Commission|Corporation|Company|Inc|Ltd|Group|Center|Centre|Foundation|Organi[sz]ation|"
    r"Association|Society|Bank|Fund|Service|Services|Network|Television|TV|Radio|"
    r"Broadcasting|Channel|Media|Government|Administration|Authority|Board|Court|Police|Army|"
    r"Navy|Party|Union|Federation|Survey|Census|Statistics|Parliament|Congress|Senate|"
    r"Assembly|Embassy|Program|Programme|Project|Laboratory|Observatory|Museum|Library|"
    r"Archive|Reuters|Xinhua|Yonhap|Bloomberg|Kyodo|Interfax|Tass|TASS)\b"
    # an acronym ("BBC", "NYPD"), but not a run of capitals ("GUNS N ROSES shows", "IRON MAIDEN")
    r"|(?<![A-Z]\s)\b[A-Z]{2,}\b(?<!\bI)(?!\s+[A-Z]+\b)")


def _organisation(subject: str) -> bool:
    return bool(_ORGANISATION.search(subject))


_EVIDENCE = (
    r"(?:data|figures|statistics|numbers|estimates|records|footage|imagery|images|"
    r"(?:a|an|the)\s+(?:\w+\s+)?(?:report|study|survey|poll|analysis|statement|assessment|"
    r"investigation|review|census|audit))"
)
# Words that start sentences or stand for someone already named: never a source on their own.
_NOT_SOURCES = frozenset(
    [
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "You",
        "This",
        "That",
        "These",
        "Those",
        "Who",
        "Which",
        "What",
        "There",
        "Here",
        "Its",
        "Their",
        "His",
        "Her",
        "Our",
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "As",
        "For",
        "But",
        "And",
        "Or",
        "If",
        "When",
        "While",
        "After",
        "Before",
        "During",
        "Since",
    ]
)

# "According to" in other languages: German, French, Spanish, Italian, Portuguese. The source
# is the run of names after it ("selon l'AFP", "laut dpa", "según El País"): capitalised words,
# acronyms and news agencies written in lower case, joined by articles.
_FOREIGN_ACCORDING = (r"[Ll]aut|[Ss]elon|[Dd](?:'|’)apr(?:è|e)s|[Ss]eg(?:ú|u)n|"
                      r"[Dd]e acuerdo con|[Ss]econdo|[Ss]egundo|[Dd]e acordo com")
_AGENCIES = r"(?:dpa|afp|ap|kna|epd|apa|sda|ansa|efe|lusa|kyodo)"
_ARTICLE = r"(?:der|die|des|dem|den|la|le|les|el|los|las|il|lo|gli|o|a|os|as|del|do|da|dos|das)"
_ELISION = r"[lLdD]['’]"  # l'AFP, d'Reuters
_NAME = rf"(?:{_ELISION})?(?:[A-ZÀ-Ý][\w&.\-’']*|{_AGENCIES}\b)"
_FOREIGN = re.compile(
    rf"\b(?:{_FOREIGN_ACCORDING})\s+(?P<phrase>(?:{_ARTICLE}\s+)?{_NAME}"
    rf"(?:\s+(?:{_ARTICLE}\s+)?{_NAME})*)")
# In German every noun has a capital: "laut Plan" is no source; a source is an agency, an
# acronym, an organisation, a noun that denotes one, or a name of two words.
_GERMAN_SOURCE = re.compile(
    rf"\b(?:{_AGENCIES}|[A-Z]{{2,}}|Angaben|Bericht(?:en)?|Polizei|Ministeriums?|Regierung|"
    r"Studie|Umfrage|Medien|Agentur|Zeitung|Statistik|Behörden?|Sprecher(?:in)?|Experten)\b")
# ... and in Chinese (据新华社报道), Japanese (日本経済新聞によると) and Korean (연합뉴스에 따르면).
_CJK_ACCORDING = re.compile(
    r"(?:据|據|根据|根據)(?P<zh>[^，,。\uff1b;\uff1a:\s]{1,24}?)(?:报道|報導|報道|消息|称|稱)"
    r"|(?P<ja>[^、。，,\s「」]{1,24}?)(?:によると|によれば)"
    r"|(?P<ko>[^\s,.]{1,24}?)(?:에|의)\s*(?:따르면|의하면)")
_CJK_PRONOUNS = frozenset({"他", "她", "他们", "她們", "他們", "她们", "我", "我们", "我們", "彼",
                           "彼女", "彼ら", "私", "그", "그녀", "그들", "이", "이들"})

_PATTERNS = (
    re.compile(
        r"\b(?:[Aa]ccording to|[Cc]iting|[Qq]uoting)\s+"
        r"(?P<phrase>[^,;:()\n]{1,80}?)(?=\s*(?:[,;:()\n]|\.(?:\s|$)|$))"
    ),
    re.compile(rf"(?P<subject>{_PROPER})\s*,?\s+(?:also\s+)?(?P<verb>{_SAY})\b"),
    re.compile(
        rf"(?:\b[\w'’]+\s+)?\b{_SOURCE_NOUN}(?:\s*,\s*[^,]{{1,60}}?,)?\s+(?:also\s+)?{_SAY}\b"
    ),
    re.compile(
        rf"[,\"”]\s*(?P<verb>said|says|told|reported|announced|wrote|added)\s+"
        rf"(?:the\s+)?(?P<subject>{_PROPER})"
    ),
    re.compile(
        rf"\b(?:reported|published|quoted|released|announced|compiled)\s+by\s+"
        rf"(?:the\s+)?(?P<subject>{_PROPER})"
    ),
    re.compile(
        rf"\b(?i:(?:the\s+)?{_EVIDENCE})\s+(?:\w+\s+)?(?:from|by)\s+"
        rf"(?:the\s+)?(?P<subject>{_PROPER})"
    ),
)


def _elided(word: str) -> str:
    """``word`` without an elided French or Italian article ("l'AFP" -> "AFP")."""
    return re.sub(f"^{_ELISION}", "", word)


def _names_a_source(phrase: str) -> bool:
    """What follows "according to": a name, a source noun or an owner ("the council's ...")."""
    words = [_elided(word) for word in phrase.split()]
    return (
        any(word[:1].isupper() and word not in _NOT_SOURCES for word in words)
        or any(re.fullmatch(_SOURCE_NOUN, word.lower()) for word in words)
        or any(word.endswith(("'s", "’s")) for word in words)
    )


def _is_source(subject: str) -> bool:
    words = subject.split()
    if not words:
        return False
    if len(words) == 1 and words[0].strip(",") in _NOT_SOURCES:
        return False
    return not all(word in _NOT_SOURCES for word in words)


def _trim(phrase: str) -> str:
    phrase = phrase.strip(" ,\"“”'")
    last = phrase.rsplit(" ", 1)[-1]
    if phrase.endswith(".") and "." not in last[:-1]:  # "Agency." loses its period, "U.S." keeps it
        phrase = phrase[:-1]
    return phrase


# Every pattern needs one of these words: a sentence without any is skipped in one scan.
_CUE = re.compile(
    rf"\b(?:according|citing|quoting|{_SAY[3:-1]}|released|compiled|{_EVIDENCE[3:-1]}|"
    rf"{_FOREIGN_ACCORDING})\b|据|據|根据|根據|によると|によれば|따르면|의하면",
    re.IGNORECASE)


def find_attributions(sentence: str) -> tuple[str, ...]:
    """Return the phrases of ``sentence`` that name a source in words, in order of appearance."""
    if not _CUE.search(sentence):
        return ()
    spans: list[tuple[int, int]] = []
    for match in _CJK_ACCORDING.finditer(sentence):
        source = match.group("zh") or match.group("ja") or match.group("ko") or ""
        if source.strip() and source.strip() not in _CJK_PRONOUNS:
            spans.append(match.span())
    for match in _FOREIGN.finditer(sentence):
        phrase = match.group("phrase")
        lead = match.group(0).lower()
        german = lead.startswith("laut")
        names = [w for w in phrase.split() if not re.fullmatch(_ARTICLE, w)]
        if lead.startswith(("secondo", "segundo")) and names == phrase.split() and not re.match(
                _ELISION, phrase):
            continue  # "il secondo Governo Prodi": the ordinal, not "according to"
        if german and not (_GERMAN_SOURCE.search(phrase) or _organisation(phrase)
                           or len(names) >= 2):
            continue  # "laut Plan", "laut Gesetz"
        if all(_elided(w) in _NOT_SOURCES for w in names):
            continue
        spans.append(match.span())
    for pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            subject = match.groupdict().get("subject")
            phrase = match.groupdict().get("phrase")
            start, end = match.span()
            if phrase is not None and not _names_a_source(phrase):
                continue
            if subject is not None:
                if not _is_source(subject):
                    continue
                verb = match.groupdict().get("verb")
                if verb is not None and verb not in _PUBLISH and not _organisation(subject):
                    continue  # a person quoted in reporting, not a source named in words
                lead = subject.split()[0]
                if lead in _NOT_SOURCES and lead != "The":  # "In Beijing": drop the "In"
                    start = max(start, match.start("subject") + len(lead) + 1)
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(_trim(sentence[s:e]) for s, e in merged)
