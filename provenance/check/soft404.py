"""Soft-404 detection: a 200 page that is really "not found". Pure functions.

Two kinds of evidence: what the page says (its title, or the body of a short page), and
what the same host answers for a random path that cannot exist (the probe, fetched once
per host per run by the engine, and beside the page when its words say "not found"). A
page that looks like the probe's answer, or that was redirected to where the probe was
redirected, is a soft-404; a page whose words say "not found" is one only if the probe
agrees (the site answers 200 for made-up paths there too): words alone never are.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from provenance.check.classify import SHORT_PAGE_CHARS
from provenance.check.page import Page

_NOT_FOUND_TITLE = re.compile(
    r"\bnot\s+found\b|\b404\b|\bpage\s+(does\s+not|doesn.?t|cannot|can.?t|could\s+not)\s+"
    r"(be\s+found|exist)|\bno\s+longer\s+(available|exists)\b|\bpage\s+(is\s+)?missing\b|"
    r"nicht\s+gefunden|introuvable|no\s+encontrad[ao]|non\s+trovat[ao]|niet\s+gevonden|"
    r"n[aã]o\s+encontrad[ao]",
    re.IGNORECASE,
)
_NOT_FOUND_TEXT = re.compile(
    r"\bpage\s+not\s+found\b|\berror\s*404\b|\b404\s*(error|-|:)?\s*(page\s+)?not\s+found|"
    r"\b(could|can)\s*not\s+be\s+found\b|"
    r"\b(page|article|content|file)\s+(you\s+(were\s+)?(are\s+)?looking\s+for\s+)?"
    r"(does\s+not|doesn.?t)\s+exist\b|\bno\s+longer\s+(available|exists)\b|"
    r"\bwe\s+(can.?t|could\s*n.?t|cannot)\s+find\b",
    re.IGNORECASE,
)
_PATH_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Word-set similarity above which a page is "the same page" as the probe's answer.
SAME_PAGE = 0.9
SAME_PAGE_SAME_TITLE = 0.75


@dataclass(frozen=True)
class Probe:
    """What a host answered for a path that cannot exist."""

    status: int | None
    final_url: str | None
    redirected: bool
    page: Page


def probe_path() -> str:
    """A random path no site has: the probe's target."""
    return f"/provenance-probe-{secrets.token_hex(12)}"


def sibling_probe_path(path: str) -> str:
    """A random path that cannot exist in the same directory as ``path``."""
    directory = path.rsplit("/", 1)[0] if "/" in path else ""
    return f"{directory}{probe_path()}"


def probe_agrees(url: str, final_url: str, page: Page, probe: Probe | None) -> bool:
    """Whether the answer to a made-up path says this page is a not-found page too: the
    site answered it 200 and with a page like this one, or one that says "not found"."""
    if probe is None or probe.status is None or not 200 <= probe.status < 300:
        return False
    return matches_probe(url, final_url, page, probe) or says_not_found(probe.page)


# Every match of _NOT_FOUND_TEXT contains one of these (casefolded): a cheap test first.
_NOT_FOUND_KEYS = ("found", "404", "exist", "longer", "find")


def says_not_found(page: Page) -> bool:
    """The page's own words say "not found": its title, or the body of a short page."""
    if page.title and _NOT_FOUND_TITLE.search(page.title):
        return True
    text = page.text
    if not 0 < len(text) <= SHORT_PAGE_CHARS:
        return False
    if text.isascii() and not any(key in text.lower() for key in _NOT_FOUND_KEYS):
        return False
    return bool(_NOT_FOUND_TEXT.search(text))


def path_words(url: str) -> frozenset[str]:
    """The words of a URL's path and query (casefolded)."""
    _, _, rest = url.partition("://")
    _, _, path = rest.partition("/")
    return frozenset(_PATH_WORD.findall(path.casefold()))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two word sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def is_soft_404(url: str, final_url: str, page: Page, probe: Probe | None) -> bool:
    """Whether a 200 page at ``final_url`` (asked for as ``url``) is really a not-found page:
    the probe must agree; the page's own words alone are not enough."""
    if not page.is_text:
        return False
    if matches_probe(url, final_url, page, probe):
        return True
    return says_not_found(page) and probe_agrees(url, final_url, page, probe)


def matches_probe(url: str, final_url: str, page: Page, probe: Probe | None) -> bool:
    """Whether a 200 page looks like (or ended where) the host's answer to nonsense did."""
    if not page.is_text:
        return False
    if probe is None or probe.status is None or not 200 <= probe.status < 300:
        return False  # the host answers unknown paths honestly (or we could not tell)
    if probe.redirected and probe.final_url == final_url:
        # Sent where nonsense is sent (usually the home page), unless that page was cited.
        return final_url != url
    if not probe.page.is_text:
        return False
    # Not-found pages often echo the path asked for: leave each path's words out.
    score = similarity(page.words - path_words(final_url),
                       probe.page.words - path_words(probe.final_url or ""))
    same_title = (page.title or "") == (probe.page.title or "")
    return score >= SAME_PAGE or (same_title and score >= SAME_PAGE_SAME_TITLE)
