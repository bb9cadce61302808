"""Terminal-browser dumps of a page (w3m, lynx, copy-paste) brought to plain scrape text.

A text browser adds marks of its own: w3m writes a superscript marker as ``^[12]`` and an
edit link as ``History[edit]``; lynx numbers every link (``[35]self-adjoint``, a marker as
``^[51][1]``), writes MathML as ``[MATH: … :MATH]`` and ends with its list of "Visible links".
:func:`normalize_dump` takes those marks out so the scrape reads like the page: markers as
``[12]``, headings with "Edit" glued on as a browser copy shows them, no link numbers, no
link list. Text without such marks is returned unchanged. One pass of a few regular
expressions: linear in the text's length.
"""

from __future__ import annotations

import re

__all__ = ["is_lynx_dump", "normalize_dump", "title_before_tagline"]

_LYNX_LINKS = re.compile(r"\n(?:References\n\n)?[ \t]*(?:Visible|Hidden) links:\n", re.IGNORECASE)
_LYNX_MARKER = re.compile(r"\^?\[\d+\](?=\[[^\]\n]{1,40}\])")  # ^[51][1] -> [1]
_LYNX_LINK_NUMBER = re.compile(r"\[\d+\](?=[^\s\[\].,;:!?)])")  # [35]self-adjoint
_MATH = re.compile(r"\[MATH:.*?:MATH\]", re.DOTALL)
_CARET_MARKER = re.compile(r"\^\s*(?=\[[^\]]{1,40}\])")  # w3m: ^[12] -> [12] (even wrapped)
_LOOSE_CARET = re.compile(r"(?<=[.!?,;:\"”’)\]])\^(?=\s|$)", re.MULTILINE)  # a lone back-link
_OPEN_BRACKET = re.compile(r"\[\s+(?=[^\]\n]{1,40}\])")  # "[ citation needed]"
_MARKER_LINE = re.compile(r"\n[ \t]*((?:\[[^\]\n]{1,40}\])+)[ \t]*(?=\n|\Z)")
_EDIT_LINK = re.compile(r"^(?P<title>[^\n]*?\S)\s*\[\s*edit\s*\]\s*$", re.MULTILINE | re.IGNORECASE)
_TAGLINE = re.compile(r"^\s*From Wikipedia, the free encyclopedia\s*$", re.MULTILINE)


def is_lynx_dump(text: str) -> bool:
    """True for ``lynx -dump`` output (it ends with its list of the page's links)."""
    return bool(_LYNX_LINKS.search(text))


def normalize_dump(text: str) -> str:
    """``text`` without the marks a text browser adds (see module doc)."""
    links = _LYNX_LINKS.search(text)
    if links:
        text = text[: links.start()]
        text = _MATH.sub(" ", text)
        text = _LYNX_MARKER.sub("", text)
        text = _LYNX_LINK_NUMBER.sub("", text)
    text = _CARET_MARKER.sub("", text)
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
