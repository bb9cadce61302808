"""Terminal-browser dumps of a page (w3m, lynx, copy-paste) brought to plain scrape text.

A text browser adds marks of its own: w3m writes a superscript marker as ``^[12]`` and an
edit link as ``History[edit]``; lynx numbers every link (``[35]self-adjoint``, a marker as
``^[51][1]``), writes MathML as ``[MATH: … :MATH]`` followed by the formula image's alt text
(TeX, ``{\\displaystyle …}``, or the plain symbol), and ends with its list of "Visible links".
A formula reads as the page shows it: the MathML as text (:mod:`provenance.ingest.mathml`)
in place of the alt text (its TeX, with or without the ``{\\displaystyle …}`` wrapper). A
superscript after a marker (a page number, ``[3]^:p. 234``) loses its caret.
:func:`normalize_dump` takes those marks out so the scrape reads like the page: markers as
``[12]``, headings with "Edit" glued on as a browser copy shows them, no link numbers, no
link list. Text without such marks is returned unchanged. One pass of a few regular
expressions: linear in the text's length.

A text is such a dump when it ends with lynx's link list, or when at least three of its
markers, and half of its bracketed numbers, carry carets. There a citation marker is a
superscript link, so it always comes with its caret
(w3m ``^[12]``, perhaps wrapped as ``^`` and ``[12]``) or its lynx link number
(``[51][1]``). A bracketed number or letter pair without either is not a marker but a
subscript (lynx and w3m write ``<sub>`` in brackets: ``H[ij]``, ``I[n]``) or bracketed text
(``(2001) [1994]``): it is written ``H_ij`` when it sticks to the word before it, ``(1994)``
when it stands alone, so that it is never read as a citation. A line that is a search form
(w3m ``[          ][Search][Go]``, lynx ``____________ Search Go``) is dropped.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from provenance.ingest.forms.front_matter import opening_lines
from provenance.ingest.mathml import mathml_text

__all__ = ["is_lynx_dump", "normalize_dump", "title_before_tagline", "title_from_address"]

_LYNX_LINKS = re.compile(r"\n(?:References\n\n)?[ \t]*(?:Visible|Hidden) links:\n", re.IGNORECASE)
# one pass: a marker ^[51][1] -> [1] (its "[1]" never read again as a link number, even
# when a superscript follows: "[3]^:p. 234"); a link number [35]self-adjoint -> self-adjoint
_LYNX_NUMBERS = re.compile(
    r"\^?\[\d+\](?P<marker>\[[^\]\n]{1,40}\])|\[\d+\](?=[^\s\[\].,;:!?)])"
)
_MATH = re.compile(r"\[MATH:(?P<mathml>.*?):MATH\]", re.DOTALL)
_ANNOTATION = re.compile(r"<annotation[^>]*x-tex[^>]*>(?P<tex>.*?)</annotation>", re.DOTALL)
_DISPLAYSTYLE = re.compile(r"\{\\displaystyle(?P<inner>.*)\}", re.DOTALL)
_LOOSE_SIGNS = frozenset(" \t\r\n{}")  # what TeX's alt text may add or leave out
_MARKER_SUPERSCRIPT = re.compile(r"(?<=\])\^(?=:)")  # "[3]^:p. 234": {{rp}}'s page
_CARET_MARKER = re.compile(r"\^\s*(?=\[[^\]]{1,40}\])")  # w3m: ^[12] -> [12] (even wrapped)
_LOOSE_CARET = re.compile(r"(?<=[.!?,;:\"”’)\]])\^(?=\s|$)", re.MULTILINE)  # a lone back-link
_OPEN_BRACKET = re.compile(r"\[\s+(?=[^\]\n]{1,40}\])")  # "[ citation needed]"
# what a marker's brackets hold: "12", "a", "n 3" (a named one, "citation needed", only
# where a marker line is looked for)
_MARKER_BODY = r"\d+|[a-z]{1,2}|(?:note|nb|n) ?\d+"
# markers wrapped onto a line of their own: "[12]", "[a]", "[n 3]", "[citation needed]"
_MARKER_LINE = re.compile(
    rf"\n[ \t]*((?:\[(?:{_MARKER_BODY}|[a-z][a-z ]{{2,38}}[a-z?])\])+)[ \t]*(?=\n|\Z)",
    re.IGNORECASE,
)
_EDIT_LINK = re.compile(r"^(?P<title>[^\n]*?\S)\s*\[\s*edit\s*\]\s*$", re.MULTILINE | re.IGNORECASE)
_MARKER_SHAPED = re.compile(rf"\[(?:{_MARKER_BODY})\]", re.IGNORECASE)
_CARET_DUMP = re.compile(r"\^\s*\[\d+\]")
_BRACKET_NUMBER = re.compile(r"\[\d+\]")
_MIN_CARET_MARKERS = 3
_LINK_TEXT_FOLLOWS = re.compile(r"[^\s.,;:!?)\]'\"”’]")
_FORM_LINE = re.compile(
    r"^[ \t]*(?:\[[ _]{4,}\](?:\[[^\]\n]{1,20}\])*|_{8,}(?:[ \t]+\w+){0,3})[ \t]*\n",
    re.MULTILINE,
)
_ARTICLE_ADDRESS = re.compile(
    r"https?://[a-z\-]{2,12}\.(?:m\.)?wikipedia\.org/wiki/(?P<name>[^\s#?]+)", re.IGNORECASE
)
_OPENING_LINES = 5
_TAGLINE = re.compile(r"^\s*From Wikipedia, the free encyclopedia\s*$", re.MULTILINE)


def is_lynx_dump(text: str) -> bool:
    """True for ``lynx -dump`` output (it ends with its list of the page's links)."""
    return bool(_LYNX_LINKS.search(text))


def _is_caret_dump(text: str) -> bool:
    """True when the text's markers carry carets (a w3m dump): at least three do, and at
    least half of all bracketed numbers do (a pasted "^[1]" among plain "[2]" is no dump)."""
    carets = sum(1 for _ in _CARET_DUMP.finditer(text))
    return carets >= _MIN_CARET_MARKERS and 2 * carets >= len(_BRACKET_NUMBER.findall(text))


def _unlinked_brackets(text: str) -> str:
    """Marker-shaped brackets with neither caret nor link number, as subscripts or text."""

    def rewrite(found: re.Match[str]) -> str:
        start, end = found.span()
        if _LINK_TEXT_FOLLOWS.match(text, end) or text.startswith("[", end):
            return found.group()  # a lynx link number before its link's text
        back = start - 1
        while back >= 0 and text[back] in " \t\r\n":
            back -= 1
        if back >= 0 and text[back] in "^]":
            return found.group()  # a superscript marker: "^[12]", "^[51][1]"
        inner = found.group()[1:-1]
        return f"_{inner}" if start and not text[start - 1].isspace() else f"({inner})"

    return _MARKER_SHAPED.sub(rewrite, text)


def _alt_text(mathml: str) -> re.Pattern[str] | None:
    """The formula image's alt text that follows its MathML: the TeX annotation, with or
    without its ``{\\displaystyle …}`` wrapper, as written or as the editor wrote it
    (``\\lambda_\\max`` for ``\\lambda _{\\max }``: braces and spaces aside, the same
    signs), whatever lynx's wrapping did to its spaces."""
    found = _ANNOTATION.search(mathml)
    if not found:
        return None
    tex = found["tex"].strip()
    inner = _DISPLAYSTYLE.fullmatch(tex)
    signs = [ch for ch in (inner["inner"] if inner else tex) if ch not in _LOOSE_SIGNS]
    if not signs:
        return None
    end = "(?!\\w)" if signs[-1].isalnum() else ""
    return re.compile(r"\s*(?:\{\\displaystyle)?[\s{}]*" + "[\\s{}]*".join(
        map(re.escape, signs)) + r"(?:\s*\})*" + end)


def _formulas(text: str) -> str:
    """Each ``[MATH: … :MATH]`` as the formula it shows: its MathML read as text in place of
    the alt text (TeX) after it; an alt text that is no TeX stays and the MathML goes."""
    out: list[str] = []
    cursor = 0
    for found in _MATH.finditer(text):
        out.append(text[cursor:found.start()])
        cursor = found.end()
        alt = _alt_text(found["mathml"])
        shown = alt.match(text, cursor) if alt else None
        if shown:
            cursor = shown.end()
            gap = " " if cursor < len(text) and text[cursor].isalnum() else ""
            out.append(" " + mathml_text(found["mathml"]) + gap)
        else:
            out.append(" ")
    out.append(text[cursor:])
    return "".join(out)


def normalize_dump(text: str) -> str:
    """``text`` without the marks a text browser adds (see module doc)."""
    links = _LYNX_LINKS.search(text)
    if links:
        text = _formulas(text[: links.start()])
    text = _FORM_LINE.sub("", text)
    if links or _is_caret_dump(text):
        text = _unlinked_brackets(text)
    if links:
        text = _LYNX_NUMBERS.sub(lambda found: found["marker"] or "", text)
    text = _CARET_MARKER.sub("", text)
    text = _MARKER_SUPERSCRIPT.sub("", text)
    text = _LOOSE_CARET.sub("", text)
    text = _OPEN_BRACKET.sub("[", text)
    text = _MARKER_LINE.sub(r"\1", text)  # markers wrapped onto a line of their own
    return _EDIT_LINK.sub(r"\g<title>Edit", text)


def title_before_tagline(text: str) -> str | None:
    """The page title a Wikipedia dump shows above "From Wikipedia, the free encyclopedia"."""
    found = _TAGLINE.search(text)
    if not found:
        return None
    before = [line.strip() for line in text[: found.start()].splitlines() if line.strip()]
    if before and len(before[-1]) <= 200 and not before[-1].startswith(("#", "*", "[")):
        return before[-1]
    return None


def title_from_address(text: str) -> str | None:
    """The article's name from a Wikipedia address among the copy's first lines
    ("https://en.wikipedia.org/wiki/MX_record" -> "MX record")."""
    opening = [line for line in opening_lines(text, 2 * _OPENING_LINES) if line.strip()]
    found = _ARTICLE_ADDRESS.search("\n".join(opening[:_OPENING_LINES]))
    if not found:
        return None
    name = unquote(found["name"]).replace("_", " ").strip()
    return name if name and ":" not in name else None
