"""Is there text to check a claim against? Videos, images, unextracted PDFs, bot walls,
captcha and paywall pages and scrambled captures are `unreadable`, not `not-found`."""

from __future__ import annotations

import re

NON_TEXT_KINDS = frozenset({"video", "audio", "image", "pdf", "binary"})
_WALL_RE = re.compile(
    r"captcha|enable javascript|javascript is (?:disabled|required)|are you a (?:robot|human)|"
    r"verify (?:that )?you are (?:a )?human|checking your browser|access denied|"
    r"subscribe (?:now )?to (?:continue|read)|sign in to (?:continue|read)|"
    r"unusual traffic|request unsuccessful|insert the code you see",
    re.IGNORECASE,
)


def unreadable_reason(text: str | None, kind: str = "html") -> str | None:
    """Why a source cannot be read (a short phrase), or None when it has text to check."""
    if kind in NON_TEXT_KINDS and not (text and text.strip()):
        return f"{kind}: no text"
    if not text or not text.strip():
        return "empty page"
    words = text.split()
    if len(words) < 200 and _WALL_RE.search(text):
        return "bot wall, captcha or paywall page"
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) >= 40 and sum(len(ln.strip()) <= 1 for ln in lines) > 0.5 * len(lines):
        return "scrambled text (one character per line)"
    if len(words) < 5 and len(text.strip()) < 30:
        return "almost no text"
    return None
