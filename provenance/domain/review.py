"""A reviewer's verdict on a claim resting on a reference (beside the machine's support
verdicts in domain/support.py)."""

from __future__ import annotations

from enum import StrEnum


class ReviewVerdict(StrEnum):
    """What a reviewer found the source to say about the claim."""

    SUPPORTS = "supports"
    PARTLY = "partly"
    DOES_NOT_SUPPORT = "does-not-support"
    UNSURE = "unsure"


def review_verdict(text: str) -> ReviewVerdict | None:
    """The verdict a reviewer typed (``does not support``, ``Supports``...), or None."""
    try:
        return ReviewVerdict("-".join(text.strip().lower().split()))
    except ValueError:
        return None
