"""The hand-edit use cases: cite a new source for a claim, fill or correct a reference.

Field values come in as the strings a user typed (command line or web form); dates and
languages are parsed here, URLs checked by the store. Every change is recorded (old and new
value) so the report shows where a value came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provenance.domain.partial_dates import PartialDate
from provenance.errors import UsageError
from provenance.ingest.references.dates import parse_date
from provenance.ingest.references.languages import language_code
from provenance.store.database import Database
from provenance.store.edits import Cited, Corrected, cite, correct_reference

DATE_FIELDS = ("date", "access_date", "archive_date")


def parse_date_field(value: str | None, name: str) -> PartialDate | None:
    """A typed date (2018-04-06, '6 April 2018', 'May 2018', '2018'...) with the precision it
    was typed with, or a UsageError naming the field."""
    if value is None:
        return None
    parsed, precision = parse_date(value)
    if parsed is None:
        flag = "--" + name.replace("_", "-")
        raise UsageError(f"{flag} {value!r} is not a date (try 2018-04-06 or '6 April 2018')")
    return PartialDate(parsed, precision or "day")


def parse_changes(raw: Mapping[str, str | None]) -> dict[str, Any]:
    """Reference fields as typed (``authors`` separated by ';') -> stored values; a field
    not given is None (left as it is)."""
    authors = raw.get("authors")
    language = raw.get("language")
    changes: dict[str, Any] = {name: raw.get(name) for name in (
        "url", "title", "trans_title", "work", "publisher", "archive_url")}
    changes["authors"] = ([a.strip() for a in authors.split(";") if a.strip()]
                          if authors else None)
    changes["language"] = language_code(language) if language else None
    for name in DATE_FIELDS:
        changes[name] = parse_date_field(raw.get(name), name)
    return changes


def add_citation(db: Database, document: str, claim_id: int,
                 raw: Mapping[str, str | None], *, editor: str | None = None) -> Cited:
    """Attach a new reference (at least a URL) to claim ``claim_id`` of ``document``;
    ``editor``: who (kept in the reference's history)."""
    return cite(db, document, claim_id, parse_changes(raw), editor=editor)


def edit_reference(db: Database, document: str, label: str,
                   raw: Mapping[str, str | None], *, editor: str | None = None) -> Corrected:
    """Fill or correct fields of reference ``label`` of ``document``; ``editor``: who."""
    return correct_reference(db, document, label, parse_changes(raw), editor=editor)
