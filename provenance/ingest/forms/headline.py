"""Which line of a text page is its headline: one rule for every text form.

A headline names the article in several words and is not a sentence. A candidate line is
refused when it is

* wholly in brackets: a stage direction or a placeholder ("[Anchor Lead]", "(Oct. 4)",
  "[unable to retrieve full-text content]");
* a sentence: it ends with a full stop (not an abbreviation's: "… in the U.S."), perhaps
  followed by a credit in brackets — an image caption ("... on May 7-8, 2018.
  [Photo/Xinhua]", "...舉行會談。(路透)") or a body line;
* a caption by its cue ("(left)", "(pictured)"), a credit, contact or metadata row
  ("Photo: Jane Doe/Agency", "Tel: …", "Author: …"), or a byline;
* one word (or less): "This", "Blabbermouth.net -".

Of the lines left, the first of three words or more (Chinese and Japanese: two characters a
word) is the headline, else the page's own title (below) when it has two words or more, else
the first line of two ("PDF version" loses to the real headline).
When the page names its own title (a "Title: …" metadata line, the HTML ``<title>`` kept as
text), a candidate made of that title's words (at least half of them) wins; with no
candidate, that title is used, without a short trailing site name ("… – Cavalry FC").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from provenance.ingest.claims.sentences import ABBREVIATIONS, word_count
from provenance.ingest.forms.front_matter import opening_lines, read_metadata_lines

__all__ = ["is_headline", "named_line", "named_title", "pick_headline", "without_site_name"]

# "Title: …" opening a page: MultiMarkdown metadata, or "(meta data) TITLE: …" as Common
# Crawl text extractions write the HTML <title>
METADATA_TITLE = re.compile(
    r"^[ \t]*(?:\(meta ?data\)[ \t]*)?title[ \t]*:[ \t]*(?P<title>\S[^\n]*?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_OPEN = "[(\uff08【\u3014<《"
_CLOSE = "])\uff09】\u3015>》"
_BRACKETED = re.compile(rf"^[{re.escape(_OPEN)}][^\n]*[{re.escape(_CLOSE)}]$")
_CREDIT_TAIL = re.compile(
    rf"\s*[{re.escape(_OPEN)}][^{re.escape(_OPEN + _CLOSE)}]{{1,60}}[{re.escape(_CLOSE)}]$"
)
_SENTENCE_END = re.compile(r"""[.。][\s'"”’」』)\uff09]*$""")
_CAPTION_CUE = re.compile(
    r"\((?:left|right|center|centre|top|bottom|pictured|above|below|file photo)\b"
    r"|[\uff08(][左右中上下]",
    re.IGNORECASE,
)
# the labels of a caption credit, a contact row or a metadata row ("Photo: Jane Doe/Agency")
_LABEL = re.compile(
    r"^(?:\(meta ?data\)|(?:photo|image|picture|credit|caption|video|source|tel|phone|fax|"
    r"e-?mail|title|author|publisher|published|updated|date)s?(?:\s+\w+)?\s*:)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:written\s+by|posted\s+by|by|authors?|contributors?)\b\s*:?\s",
                     re.IGNORECASE)
_SITE_SEPARATOR = re.compile(r"\s+[|\-–—·:]\s+")
_LETTER = re.compile(r"[^\W\d_]")
_INITIALISM = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")
_MAX_CHARS = 300
_SITE_NAME_WORDS = 3
_METADATA_LINES = 12


def _words(text: str) -> int:
    return word_count(" ".join(w for w in text.split() if _LETTER.search(w)))


def _ends_abbreviated(text: str) -> bool:
    """True when the final stop belongs to an initialism or abbreviation ("in the U.S.")."""
    last = text.split()[-1].rstrip(".")
    return bool(_INITIALISM.match(last)) or last.lower() in ABBREVIATIONS["en"]


def is_headline(text: str) -> bool:
    """True when ``text`` (one line) may be a page's headline (see module doc)."""
    text = text.strip()
    if not text or len(text) > _MAX_CHARS or _BRACKETED.match(text):
        return False
    if _SENTENCE_END.search(_CREDIT_TAIL.sub("", text)) and not _ends_abbreviated(text):
        return False
    if _CAPTION_CUE.search(text) or _LABEL.match(text) or _BYLINE.match(text):
        return False
    return _words(text) >= 2


def _folded_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _named_by(text: str, named: str) -> bool:
    """True when ``text`` is made of the page's own title's words, at least half of them
    (the site name alone is not enough)."""
    words = _folded_words(text)
    wanted = _folded_words(without_site_name(named))
    return (len(words) >= 2 and set(words) <= set(_folded_words(named))
            and 2 * len(set(words)) >= len(set(wanted)))


def without_site_name(title: str) -> str:
    """``title`` without a short last part after a separator ("Story – Site" -> "Story")."""
    title = title.strip()
    parts = _SITE_SEPARATOR.split(title)
    if len(parts) >= 2 and _words(parts[-1]) <= _SITE_NAME_WORDS:
        return title[: title.rfind(parts[-1])].rstrip(" |-–—·:")
    return title


def named_title(text: str) -> str | None:
    """The page's own "Title: …" line among its first lines (its HTML <title> kept as text)."""
    opening = read_metadata_lines(text).text("title")
    if opening:
        return opening
    head = "\n".join(opening_lines(text, _METADATA_LINES))
    found = METADATA_TITLE.search(head)
    return found["title"] if found else None


def named_line(candidates: Iterable[str], named: str | None) -> str | None:
    """The first headline-shaped candidate made of the words of the page's ``named`` title."""
    if not named or not named.strip():
        return None
    return next((line.strip() for line in candidates
                 if is_headline(line) and _named_by(line, named)), None)


def pick_headline(candidates: Iterable[str], named: str | None = None) -> str | None:
    """The headline among ``candidates`` (in page order), or the page's own ``named`` title."""
    lines = [line.strip() for line in candidates if is_headline(line)]
    found = named_line(lines, named)
    if found:
        return found
    for line in lines:
        if _words(line) >= 3:
            return line
    own = without_site_name(named) if named and named.strip() else None
    if own and (_words(own) >= 2 or not lines):
        return own  # the page's own title beats a two-word line ("Team GB")
    return lines[0] if lines else own
