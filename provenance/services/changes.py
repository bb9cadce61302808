"""The changes use case: what moved since a check run (links and archive states)."""

from __future__ import annotations

from provenance.runs.changes import Changes, changes_since
from provenance.store.database import Database


def changes(db: Database, since: int | None = None) -> Changes:
    """Newly dead, newly failing, recovered, newly redirected links, new title mismatches and
    archive moves made by the runs after ``since`` (default: by the latest run)."""
    return changes_since(db, since)
