"""What the checker reads from the start of a page: its title and its visible words.

Kept to a few regular expressions: this runs once per checked URL on the event loop, and
the checker's CPU per request must stay small (a full HTML parser would dominate it).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cached_property

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_DROP = re.compile(rb"<(script|style|noscript|template|svg)\b.*?</\1\s*>|<!--.*?-->",
                   re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rb"<[^>]*>")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPACE = re.compile(r"\s+")
TEXT_TYPES = ("text/html", "application/xhtml", "text/plain")
MAX_WORDS = 2000
# The title and the words that tell a page apart are at its start; parsing more costs CPU.
PARSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Page:
    """The readable start of a response body."""

    is_text: bool
    title: str | None = None
    text: str = ""
    full_text: str = field(default="", repr=False, compare=False)  # text before the cut

    @cached_property
    def words(self) -> frozenset[str]:
        """Its distinct words (casefolded), made when first asked for: only a host that
        answers 200 for nonsense has its pages compared word by word."""
        return frozenset(_WORD.findall((self.full_text or self.text).casefold())[:MAX_WORDS])


def charset_of(content_type: str | None, body: bytes) -> str:
    """The body's encoding: the header's charset, else a meta tag's, else UTF-8."""
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            return match.group(1)
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        return meta.group(1).decode("ascii", "replace")
    return "utf-8"


def _decode(raw: bytes, charset: str) -> str:
    try:
        return raw.decode(charset, "replace")
    except LookupError:
        return raw.decode("utf-8", "replace")


def is_text_type(content_type: str | None, body: bytes) -> bool:
    """Whether the body is a page we can read (HTML or plain text)."""
    if content_type:
        return content_type.split(";", 1)[0].strip().lower().startswith(TEXT_TYPES)
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<title"))


def parse_page(body: bytes, content_type: str | None) -> Page:
    """Title and visible words of a body; an empty Page for non-text content."""
    if not is_text_type(content_type, body):
        return Page(is_text=False)
    body = body[:PARSE_BYTES]
    charset = charset_of(content_type, body)
    title = None
    match = _TITLE.search(body)
    if match:
        title = _SPACE.sub(" ", html.unescape(_decode(match.group(1), charset))).strip() or None
    stripped = _TAG.sub(b" ", _DROP.sub(b" ", body))
    text = _SPACE.sub(" ", html.unescape(_decode(stripped, charset))).strip()
    return Page(is_text=True, title=title, text=text[:20000], full_text=text)
