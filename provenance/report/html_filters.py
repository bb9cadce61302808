"""Jinja2 filters of the HTML report: which URLs may be links, how times and counts read."""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: Any) -> str | None:
    """``url`` when it may become a live link (absolute http or https), else None.

    Browsers drop tabs, newlines and leading spaces before reading a scheme, so the check
    runs on the URL with those removed: ``java\\tscript:`` and `` javascript:`` are refused
    like ``javascript:`` and ``data:``.
    """
    if not isinstance(url, str):
        return None
    probe = _CONTROL.sub("", url).lower()
    if not probe.startswith(("http://", "https://")):
        return None
    return url.strip()


def when(value: Any) -> str:
    """An ISO timestamp as ``2026-05-01 14:03`` (UTC), a date as it is, None as ``—``."""
    if not value:
        return "—"
    text = str(value).replace("T", " ").removesuffix("Z")
    if len(text) > 16 and text[10] == " ":
        text = text[:16]
    return text.removesuffix("+00:00")


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def words(values: Any) -> str:
    """Space-separated tokens for a data-* attribute (filter keys)."""
    return " ".join(sorted({str(v) for v in values if v}))


def install(env: Any) -> None:
    env.filters.update(safe_url=safe_url, when=when, plural=plural, words=words)
