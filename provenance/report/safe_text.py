"""Document text made inert for every output: no control bytes, no markup, no unsafe links.

Documents are untrusted: a title may hold terminal escape sequences, Markdown or rich
markup, and a reference URL may be ``javascript:`` or ``data:``. Every renderer passes
document text through these functions (pure, no I/O):

- ``strip_controls``: C0 controls but tab and newline, DEL, C1 controls (``\\x9b`` is a
  CSI on some terminals) and the bidirectional overrides that reorder what is shown
  (Trojan Source); used for every format, JSON included.
- ``one_line``: the same, with every run of whitespace made one space (table cells).
- ``link_url``: the URL if it may be shown as a link (http or https), else None.
- ``md_text``, ``md_url``, ``md_link``: Markdown text escaped so that it shows as written
  (no emphasis, no links, no raw HTML, no autolinks), and links only to http(s) URLs, with
  the destination percent-encoded so it cannot end early.
- ``rich_text``: a ``rich.text.Text`` (never parsed as markup).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from rich.text import Text

__all__ = ["LINK_SCHEMES", "clean_tree", "link_url", "md_link", "md_text", "md_url",
           "one_line", "rich_text", "strip_controls"]

LINK_SCHEMES = frozenset({"http", "https"})
# C0 but \t and \n, DEL, C1; bidi embeddings, overrides and isolates; \r becomes \n below.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")
# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can
# start markup inline (emphasis, code, links, images, HTML, autolinks, tables, headings,
# strike-through, entities).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~&$])")
# Kept as they are in a link destination; everything else is percent-encoded.
_URL_SAFE = ":/?#[]@!$&'*+,;=%~-._"


def strip_controls(value: Any) -> str:
    """``value`` as text without control or escape bytes (None is "")."""
    text = "" if value is None else str(value)
    if text.isprintable():  # the common case: nothing to do
        return text
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(value: Any) -> str:
    """Text without control bytes, all whitespace runs one space, trimmed."""
    return _SPACE.sub(" ", strip_controls(value)).strip()


def link_url(url: Any) -> str | None:
    """The URL, cleaned, if it may be rendered as a link (http/https with a host), else None."""
    if url is None:
        return None
    text = one_line(url)
    if not text or " " in text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    return text


def md_text(value: Any) -> str:
    """One line of Markdown that shows ``value`` literally (safe in a table cell)."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(value))


def _destination(url: str) -> str:
    return quote(url, safe=_URL_SAFE)


def md_url(url: Any) -> str:
    """A URL as a Markdown autolink if it is http(s), else as escaped text."""
    safe = link_url(url)
    if safe is None:
        return md_text(url) or "—"
    return f"<{_destination(safe)}>"


def md_link(label: Any, url: Any) -> str:
    """``[label](url)`` for an http(s) URL; the escaped label alone otherwise."""
    safe = link_url(url)
    if safe is None:
        return md_text(label)
    return f"[{md_text(label)}]({_destination(safe)})"


def rich_text(value: Any, style: str = "") -> Text:
    """A ``rich`` Text of ``value`` with control bytes stripped (never read as markup)."""
    return Text(strip_controls(value), style=style)


def clean_tree(value: Any) -> Any:
    """A JSON-like tree with ``strip_controls`` applied to every string (keys too)."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {clean_tree(k): clean_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_tree(v) for v in value]
    return value
