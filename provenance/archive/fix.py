"""``fix --use-archives``: write the archive URL and date into references of dead links.

Every changed field is a :class:`ReferenceEdit` row (action ``fix-archive``, one batch id per
run) holding the old and the new value, so a batch can be undone: ``undo_batch`` restores the
old values (unless the field was changed again since: that edit is left alone and reported)
and marks the edits undone, recording each restore as an ``undo`` edit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from provenance.archive.verify import NOT_WAYBACK
from provenance.errors import NotFoundError
from provenance.store import batches
from provenance.store.archives import RescuedReference, rescued_references
from provenance.store.batches import FieldEdit
from provenance.store.database import Database
from provenance.store.lookup import document_id

FIX_ACTION = "fix-archive"
UNDO_ACTION = "undo"
URL_STATUS = "url-status"  # the cite-template parameter that makes the archive link primary

__all__ = ["FIX_ACTION", "UNDO_ACTION", "FieldEdit", "FixReport", "fix_with_archives",
           "last_batch", "undo_batch"]


@dataclass
class FixReport:
    batch: str
    edits: list[FieldEdit] = field(default_factory=list)
    conflicts: list[FieldEdit] = field(default_factory=list)  # undo: changed since, left alone

    @property
    def references(self) -> int:
        return len({e.reference_id for e in self.edits})


def wanted_fields(ref: RescuedReference) -> list[tuple[int, str, str]]:
    """What citing the capture means for one reference: its archive URL and date, and
    ``url-status=dead`` (the archive link becomes the primary one); nothing when it already
    cites an archive that exists (or was never shown bad)."""
    if ref.archive_url and not ref.carried_is_bad:
        return []
    wanted = {
        "archive_url": ref.capture_url,
        "archive_date": ref.capture_timestamp.date().isoformat()
        if ref.capture_timestamp else None,
        f"extra.{URL_STATUS}": "dead",
    }
    return [(ref.reference_id, name, value) for name, value in wanted.items()
            if value is not None]


def fix_with_archives(db: Database, *, document: str | None = None,
                      now: datetime | None = None) -> FixReport:
    """Cite the held capture in every current reference whose link is dead and rescued."""
    now = now or datetime.now(UTC)
    report = FixReport(batch=f"fix-{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}")
    refs = rescued_references(db, document_id(db, document or None), not_wayback=NOT_WAYBACK)
    wanted = [change for ref in refs for change in wanted_fields(ref)]
    report.edits = batches.apply_batch(db, wanted, action=FIX_ACTION, batch=report.batch,
                                       now=now)
    return report


def last_batch(db: Database) -> str:
    """The newest ``fix-archive`` batch that is not undone."""
    batch = batches.newest_batch(db, FIX_ACTION)
    if batch is None:
        raise NotFoundError("no fix --use-archives batch left to undo")
    return batch


def undo_batch(db: Database, batch: str, *, now: datetime | None = None) -> FixReport:
    """Restore the old values of every edit of ``batch``, newest first."""
    restored, conflicts = batches.undo_batch(db, batch, action=FIX_ACTION,
                                             undo_action=UNDO_ACTION,
                                             now=now or datetime.now(UTC))
    return FixReport(batch=batch, edits=restored, conflicts=conflicts)
