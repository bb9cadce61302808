"""The status use case: the current (or last) check run, its workers, due and dead links."""

from __future__ import annotations

from datetime import timedelta

from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.runs import RunOverview, check_status


def status(db: Database, settings: Settings) -> RunOverview:
    """A worker counts as alive while it beat within a lease (at least 30 s)."""
    return check_status(db, alive_within=timedelta(seconds=max(settings.lease_seconds, 30.0)))
