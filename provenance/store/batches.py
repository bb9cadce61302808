"""Batches of reference field edits made by a tool (``fix --use-archives``): applied with
their history (one ReferenceEdit row per field, old and new value, a batch id), found again,
and undone.

A field is a Reference column (``archive_url``, ``archive_date``...) or ``extra.<key>`` (a
cite-template parameter with no column of its own); values are stored as strings (dates in
ISO form), as the history table holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select

from provenance.errors import NotFoundError
from provenance.store.database import Database
from provenance.store.models import Reference, ReferenceEdit


@dataclass(frozen=True)
class FieldEdit:
    """One field of one reference changed (or to be changed back)."""

    reference_id: int
    field_name: str
    old: str | None
    new: str | None


def get_field(ref: Reference, name: str) -> str | None:
    if name.startswith("extra."):
        return (ref.extra or {}).get(name.removeprefix("extra."))
    value = getattr(ref, name)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return None if value is None else str(value)


def set_field(ref: Reference, name: str, value: str | None) -> None:
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
        ref.archive_date_precision = None  # a snapshot's own date: a full date
    else:
        setattr(ref, name, value)


def apply_batch(db: Database, wanted: list[tuple[int, str, str]], *, action: str,
                batch: str, now: datetime) -> list[FieldEdit]:
    """Set each ``(reference id, field, value)`` that differs, recording every change under
    ``batch``; the changes made, in order."""
    done: list[FieldEdit] = []
    with db.session() as session:
        for reference_id, name, new in wanted:
            ref = session.get(Reference, reference_id)
            if ref is None:
                continue
            old = get_field(ref, name)
            if old == new:
                continue
            set_field(ref, name, new)
            session.add_all([ref, ReferenceEdit(
                reference_id=reference_id, action=action, field_name=name, old_value=old,
                new_value=new, edited_at=now, batch=batch)])
            done.append(FieldEdit(reference_id, name, old, new))
    return done


def newest_batch(db: Database, action: str) -> str | None:
    """The newest batch of ``action`` edits that is not undone."""
    with db.session() as session:
        edit = session.exec(
            select(ReferenceEdit)
            .where(ReferenceEdit.action == action, col(ReferenceEdit.undone).is_(False))
            .order_by(col(ReferenceEdit.edited_at).desc(), col(ReferenceEdit.id).desc())
        ).first()
    return None if edit is None else edit.batch


def undo_batch(db: Database, batch: str, *, action: str, undo_action: str,
               now: datetime) -> tuple[list[FieldEdit], list[FieldEdit]]:
    """Restore the old value of every ``action`` edit of ``batch``, newest first, recording
    each restore as an ``undo_action`` edit; a field changed since is left alone. Returns
    (restored, conflicts), each as the change back (old = the batch's value)."""
    restored: list[FieldEdit] = []
    conflicts: list[FieldEdit] = []
    with db.session() as session:
        edits = list(session.exec(
            select(ReferenceEdit)
            .where(ReferenceEdit.batch == batch, ReferenceEdit.action == action)
            .order_by(col(ReferenceEdit.id).desc())))
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
            if ref is None or get_field(ref, edit.field_name) != edit.new_value:
                conflicts.append(change)
                continue
            set_field(ref, edit.field_name, edit.old_value)
            edit.undone = True
            session.add_all([ref, edit, ReferenceEdit(
                reference_id=edit.reference_id, action=undo_action, field_name=edit.field_name,
                old_value=edit.new_value, new_value=edit.old_value, edited_at=now,
                batch=batch)])
            restored.append(change)
    return restored, conflicts
