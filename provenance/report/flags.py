"""Provenance gaps as flags with stable names: pure functions of the stored facts.

Reference flags: ``empty`` (no text, no URL, no title), ``no-url``, ``unused`` (never cited),
``duplicate`` (same URL or same text as an earlier reference), plus what the source itself
states (``dead-link``) and what the checker found (``dead-link``, ``title-mismatch``).
Claim flags: ``uncited``, ``dangling-citation`` (a marker with no such reference),
``unlinked-attribution`` (names a source in words and cites nothing), ``cites-empty`` (rests
only on empty references), and the cleanup tags the document itself carries
(``citation-needed``, ``better-source-needed``, ``failed-verification``, ``dead-link``...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from provenance.store.urls import normalize_url

EMPTY = "empty"
NO_URL = "no-url"
UNUSED = "unused"
DUPLICATE = "duplicate"
DEAD_LINK = "dead-link"
TITLE_MISMATCH = "title-mismatch"
UNCITED = "uncited"
DANGLING = "dangling-citation"
UNLINKED_ATTRIBUTION = "unlinked-attribution"
CITATION_NEEDED = "citation-needed"
CITES_EMPTY = "cites-empty"

REFERENCE_FLAGS = (EMPTY, NO_URL, UNUSED, DUPLICATE, DEAD_LINK, TITLE_MISMATCH)
CLAIM_FLAGS = (DANGLING, UNLINKED_ATTRIBUTION, CITES_EMPTY, CITATION_NEEDED, UNCITED)

# Higher is worse: the report lists the worst gaps first.
SEVERITY = {DANGLING: 6, EMPTY: 6, CITES_EMPTY: 6, DEAD_LINK: 5, UNLINKED_ATTRIBUTION: 4,
            CITATION_NEEDED: 4, TITLE_MISMATCH: 4, "failed-verification": 4,
            "better-source-needed": 3, "verification-needed": 3, UNCITED: 3, NO_URL: 2,
            DUPLICATE: 1, UNUSED: 1}


@dataclass(frozen=True)
class ReferenceFacts:
    """What flagging a reference looks at."""

    raw: str
    url: str | None
    title: str | None
    tags: Sequence[str]
    cited: bool
    link_state: str | None = None
    title_mismatch: bool = False


@dataclass(frozen=True)
class ClaimFacts:
    """What flagging a claim looks at: its citations' targets (None = dangling)."""

    attributions: Sequence[str]
    tags: Sequence[str]
    cited_reference_empty: Sequence[bool | None]  # per citation: None when dangling


def is_empty(facts: ReferenceFacts) -> bool:
    has_content = bool(facts.url or facts.title or facts.raw.strip())
    return not has_content or (EMPTY in facts.tags and not (facts.url or facts.title))


def reference_flags(facts: ReferenceFacts, duplicate: bool) -> list[str]:
    flags: list[str] = []
    if is_empty(facts):
        flags.append(EMPTY)
    elif not facts.url:
        flags.append(NO_URL)
    if not facts.cited:
        flags.append(UNUSED)
    if duplicate:
        flags.append(DUPLICATE)
    if DEAD_LINK in facts.tags or facts.link_state == "dead":
        flags.append(DEAD_LINK)
    if facts.title_mismatch:
        flags.append(TITLE_MISMATCH)
    return flags


def claim_flags(facts: ClaimFacts) -> list[str]:
    flags: list[str] = []
    targets = facts.cited_reference_empty
    if any(t is None for t in targets):
        flags.append(DANGLING)
    if facts.attributions and not targets:
        flags.append(UNLINKED_ATTRIBUTION)
    resolved = [t for t in targets if t is not None]
    if resolved and all(resolved):
        flags.append(CITES_EMPTY)
    # what the document itself says about the claim ({{citation needed}}, {{better source
    # needed}}, {{failed verification}}, {{dead link}}...), under the template's name
    flags.extend(tag for tag in facts.tags if tag not in flags)
    if not targets:
        flags.append(UNCITED)
    return flags


def duplicate_keys(raw: str, url: str | None) -> list[str]:
    """Keys under which two references of one document count as the same source."""
    keys = []
    if url:
        normalized = normalize_url(url)
        if normalized:
            keys.append("url:" + normalized)
    text = re.sub(r"\W+", " ", raw).strip().lower()
    if len(text) > 20:
        keys.append("raw:" + text)
    return keys


def severity(flags: Sequence[str]) -> int:
    return max((SEVERITY.get(f, 0) for f in flags), default=0)
