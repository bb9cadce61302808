"""Language names and tags to ISO 639 codes ("Chinese" -> "zh", "zh-hans" -> "zh")."""

from __future__ import annotations

from functools import lru_cache

import langcodes

__all__ = ["language_code"]


@lru_cache(maxsize=512)
def language_code(name_or_code: str) -> str:
    """The ISO 639-1 code of a language name or tag, else its ISO 639-3 code.

    Macrolanguage members fold into their macrolanguage ("Mandarin" -> "zh"); text that
    names no known language, or several ("English and Chinese"), comes back as written
    (whitespace collapsed).
    """
    text = " ".join(name_or_code.split())
    if not text or "," in text or " and " in text or "/" in text:
        return text
    try:
        if langcodes.tag_is_valid(text) and len(text.split("-")[0]) <= 3:
            found = langcodes.Language.get(text)
        else:
            found = langcodes.find(text)
    except (LookupError, ValueError):
        return text
    if not found.language or found.language == "und":
        return text
    return langcodes.standardize_tag(found.language, macro=True).split("-")[0]
