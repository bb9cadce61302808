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
from typing import Any

from sqlmodel import col, or_, select

from provenance.archive.verify import NOT_WAYBACK
from provenance.domain.archives import RESCUED
from provenance.domain.links import DEAD
from provenance.errors import NotFoundError
from provenance.store.lookup import find_document
from provenance.store.models import ArchiveVerification, Link, Reference, ReferenceEdit

FIX_ACTION = "fix-archive"
UNDO_ACTION = "undo"
URL_STATUS = "url-status"  # the cite-template parameter that makes the archive link primary


@dataclass(frozen=True)
class FieldEdit:
    reference_id: int
    field_name: str
    old: str | None
    new: str | None


@dataclass
class FixReport:
    batch: str
    edits: list[FieldEdit] = field(default_factory=list)
    conflicts: list[FieldEdit] = field(default_factory=list)  # undo: changed since, left alone

    @property
    def references(self) -> int:
        return len({e.reference_id for e in self.edits})


def _get(ref: Reference, name: str) -> str | None:
    if name.startswith("extra."):
        extra: dict[str, str] = ref.extra or {}
        return extra.get(name.removeprefix("extra."))
    value = getattr(ref, name)
    return str(value.isoformat()) if hasattr(value, "isoformat") else value


def _set(ref: Reference, name: str, value: str | None) -> None:
    if name.startswith("extra."):
        extra = dict(ref.extra or {})  # reassign: in-place JSON mutation is not saved
        key = name.removeprefix("extra.")
        if value is None:
            extra.pop(key, None)
        else:
            extra[key] = value
        ref.extra = extra
    elif name == "archive_date":
        ref.archive_date = datetime.fromisoformat(value).date() if value else None
    else:
        setattr(ref, name, value)


def _carried_archive_is_bad(session: Any, ref: Reference) -> bool:
    """True when the reference's own archive URL was verified and found missing."""
    stmt = (select(ArchiveVerification)
            .where(ArchiveVerification.reference_id == ref.id,
                   ArchiveVerification.archive_url == ref.archive_url,
                   or_(col(ArchiveVerification.error).is_(None),
                       ArchiveVerification.error != NOT_WAYBACK))
            .order_by(col(ArchiveVerification.checked_at).desc()))
    last = session.exec(stmt).first()
    return last is not None and last.exists is False


def fix_with_archives(db: Any, *, document: str | None = None,
                      now: datetime | None = None) -> FixReport:
    """Cite the held capture in every current reference whose link is dead and rescued."""
    now = now or datetime.now(UTC)
    report = FixReport(batch=f"fix-{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}")
    with db.session() as session:
        stmt = (select(Reference, Link).join(Link, col(Reference.link_id) == Link.id)
                .where(col(Reference.current).is_(True), Link.state == DEAD,
                       Link.archive_state == RESCUED, col(Link.archive_url).is_not(None))
                .order_by(col(Reference.id)))
        if document:
            stmt = stmt.where(Reference.document_id == find_document(session, document).id)
        for ref, link in session.exec(stmt):
            if ref.archive_url and not _carried_archive_is_bad(session, ref):
                continue  # it already cites an archive that exists (or was never shown bad)
            wanted = {
                "archive_url": link.archive_url,
                "archive_date": link.archive_timestamp.date().isoformat()
                if link.archive_timestamp else None,
                f"extra.{URL_STATUS}": "dead",
            }
            for name, new in wanted.items():
                old = _get(ref, name)
                if new is None or old == new:
                    continue
                _set(ref, name, new)
                session.add(ReferenceEdit(reference_id=ref.id, action=FIX_ACTION,
                                          field_name=name, old_value=old, new_value=new,
                                          edited_at=now, batch=report.batch))
                report.edits.append(FieldEdit(ref.id or 0, name, old, new))
            session.add(ref)
    return report


def last_batch(db: Any) -> str:
    """The newest ``fix-archive`` batch that is not undone."""
    with db.session() as session:
        stmt = (select(ReferenceEdit)
                .where(ReferenceEdit.action == FIX_ACTION, col(ReferenceEdit.undone).is_(False))
                .order_by(col(ReferenceEdit.edited_at).desc(), col(ReferenceEdit.id).desc()))
        edit = session.exec(stmt).first()
    if edit is None:
        raise NotFoundError("no fix --use-archives batch left to undo")
    batch: str = edit.batch
    return batch


def undo_batch(db: Any, batch: str, *, now: datetime | None = None) -> FixReport:
    """Restore the old values of every edit of ``batch``, newest first."""
    now = now or datetime.now(UTC)
    report = FixReport(batch=batch)
    with db.session() as session:
        stmt = (select(ReferenceEdit)
                .where(ReferenceEdit.batch == batch, ReferenceEdit.action == FIX_ACTION)
                .order_by(col(ReferenceEdit.id).desc()))
        edits = list(session.exec(stmt))
        if not edits:
            raise NotFoundError(f"no fix batch {batch!r}")
        if all(e.undone for e in edits):
            raise NotFoundError(f"fix batch {batch!r} is already undone")
        for edit in edits:
            if edit.undone:
                continue
            ref = session.get(Reference, edit.reference_id)
            change = FieldEdit(edit.reference_id, edit.field_name, edit.new_value,
                               edit.old_value)
            if ref is None or _get(ref, edit.field_name) != edit.new_value:
                report.conflicts.append(change)
                continue
            _set(ref, edit.field_name, edit.old_value)
            edit.undone = True
            session.add_all([ref, edit, ReferenceEdit(
                reference_id=ref.id, action=UNDO_ACTION, field_name=edit.field_name,
                old_value=edit.new_value, new_value=edit.old_value, edited_at=now,
                batch=batch)])
            report.edits.append(change)
    return report
