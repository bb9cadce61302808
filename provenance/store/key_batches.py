"""Long lists of keys cut into batches that one statement can bind.

A statement binds at most 32,766 parameters on SQLite (999 before 3.32; builds may set it
lower) and 65,535 on PostgreSQL; one document can carry more claims or URLs than that, so a
lookup by a list of ids or hashes is made one batch at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

__all__ = ["PER_STATEMENT", "in_batches"]

PER_STATEMENT = 500  # keys bound in one IN (...): well under SQLite's oldest limit of 999

T = TypeVar("T")


def in_batches(items: Sequence[T], size: int = PER_STATEMENT) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size`` (none for an empty sequence)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
