"""Claim-to-source support: verdict names, source kinds, the drift flag (pure values)."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """What a source says about a claim."""

    SUPPORTED = "supported"
    PARTIAL = "partial"
    NOT_FOUND = "not-found"
    CONTRADICTED = "contradicted"
    UNREADABLE = "unreadable"


class SourceKind(StrEnum):
    """What a fetched body is, as far as text extraction goes."""

    HTML = "html"
    TEXT = "text"
    PDF = "pdf"
    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"
    BINARY = "binary"


class SourceOrigin(StrEnum):
    """Where a kept source text came from."""

    LIVE = "live"
    ARCHIVE = "archive"


CONTENT_DRIFT = "content-drift"

# Verdicts that leave a claim without support (for corroboration), best-supported first.
UNSUPPORTED = frozenset({Verdict.NOT_FOUND, Verdict.CONTRADICTED, Verdict.UNREADABLE})
RANK = {Verdict.SUPPORTED: 0, Verdict.PARTIAL: 1, Verdict.CONTRADICTED: 2,
        Verdict.NOT_FOUND: 3, Verdict.UNREADABLE: 4}
