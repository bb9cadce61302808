"""The report model: typed dicts with exactly the keys the JSON report emits (a stable
interface for scripts), and the views of stored links and checks they hold.

``{"documents": [DocumentReport...], "summary": {...}}``; a summary maps ``claims``,
``references``, ``cited``, ``claim:<flag>``, ``reference:<flag>``, ``link:<state>`` and
``archive:<state>`` to counts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NotRequired, TypedDict

from provenance.store.models import Link, LinkCheck, ReferenceEdit


class CheckView(TypedDict):
    """One recorded check of a link."""

    checked_at: str
    outcome: str
    http_status: int | None
    final_url: str | None
    state_before: str
    state_after: str
    elapsed_ms: int
    title: str | None
    title_mismatch: bool
    error: str | None
    run: int | None


class SupportView(TypedDict):
    """What one cited source (live or archived text) says about a claim (issue 12)."""

    label: str
    verdict: str
    score: float
    evidence: str | None
    found: list[str]
    missing: list[str]
    conflicts: list[str]
    language: str | None
    claim_language: str | None
    other_language: bool
    source: str  # live | archive
    model: str
    checked_at: str | None


class CorroborationView(TypedDict):
    """Another document's claim or a stored source text that supports a weak claim."""

    document: int | None
    document_title: str | None
    claim: int | None
    claim_text: str | None
    url: str | None
    evidence: str | None
    verdict: str
    score: float


class DriftView(TypedDict):
    """The passage that supported a claim is gone from the current text of the link."""

    since: str | None
    before: str | None
    after: str | None
    compared_with: str  # first | archive
    claim: int | None


class LinkView(TypedDict):
    """A link's state; ``checks``: checks recorded, ``failures``: the current failure streak;
    ``history``: its latest checks, newest first (when the report asks for history)."""

    url: str
    state: str
    outcome: str | None
    http_status: int | None
    final_url: str | None
    checked_at: str | None
    checks: int
    failures: int
    history: NotRequired[list[CheckView]]
    drift: NotRequired[DriftView | None]


class ArchiveView(TypedDict):
    """The held capture of a link (url and timestamp of the capture, ISO 8601 UTC)."""

    state: str
    url: str | None
    timestamp: str | None


class OtherUrlView(TypedDict):
    """Another URL a reference carries beside its primary ``url`` (``extra["urls"]``): the
    URL as written, its link's state and its archive state (None: not stored as a link)."""

    url: str
    link: LinkView | None
    archive: ArchiveView | None


class EditView(TypedDict):
    """One change of a reference field (by hand, by a fix, or an undo)."""

    field: str
    old: str | None
    new: str | None
    action: str
    at: str | None
    undone: bool
    by: str | None


class ReferenceRow(TypedDict):
    id: int | None
    label: str
    group: str
    raw: str
    authors: list[str]
    date: str | None
    title: str | None
    trans_title: str | None
    work: str | None
    publisher: str | None
    language: str | None
    url: str | None
    access_date: str | None
    archive_url: str | None
    archive_date: str | None
    extra: dict[str, str]
    flags: list[str]
    origin: str
    cited_by: list[int]
    link: LinkView | None
    archive: ArchiveView | None
    history: list[EditView]
    other_urls: list[OtherUrlView]


class ReviewView(TypedDict):
    """A reviewer's verdict on the claim resting on reference ``label``."""

    label: str
    verdict: str  # supports | partly | does-not-support | unsure
    note: str | None
    by: str
    at: str


class AcceptedView(TypedDict):
    """A flag a reviewer accepted (it no longer shows in the claim's flags)."""

    flag: str
    note: str | None
    by: str
    at: str


class ClaimRow(TypedDict):
    id: int | None
    section: str
    ordinal: int
    text: str
    citations: list[str]
    flags: list[str]
    span: list[int]
    attributions: list[str]
    current: bool
    reviews: NotRequired[list[ReviewView]]
    accepted: NotRequired[list[AcceptedView]]
    support: NotRequired[list[SupportView]]
    corroboration: NotRequired[list[CorroborationView]]


class DocumentReport(TypedDict):
    id: int | None
    title: str | None
    authors: list[str]
    published: str | None
    format: str
    origin: str
    ingested_at: str | None
    updated_at: str | None
    facts: list[list[str]]
    warnings: list[str]
    claims: list[ClaimRow]
    references: list[ReferenceRow]
    summary: dict[str, int]


class Report(TypedDict):
    documents: list[DocumentReport]
    summary: dict[str, int]


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601; datetimes in UTC end in ``Z``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value.isoformat()


def link_view(link: Link) -> LinkView:
    return {
        "url": link.url,
        "state": link.state,
        "outcome": link.last_outcome,
        "http_status": link.last_http_status,
        "final_url": link.final_url,
        "checked_at": link.checked_at.isoformat() if link.checked_at else None,
        "checks": link.checks,
        "failures": link.failures,
    }


def check_view(check: LinkCheck) -> CheckView:
    return {
        "checked_at": check.checked_at.isoformat(),
        "outcome": check.outcome,
        "http_status": check.http_status,
        "final_url": check.final_url,
        "state_before": check.state_before,
        "state_after": check.state_after,
        "elapsed_ms": check.elapsed_ms,
        "title": check.title,
        "title_mismatch": check.title_mismatch,
        "error": check.error,
        "run": check.run_id,
    }


def edit_view(edit: ReferenceEdit) -> EditView:
    return {"field": edit.field_name, "old": edit.old_value, "new": edit.new_value,
            "action": edit.action, "at": iso(edit.edited_at), "undone": edit.undone,
            "by": edit.editor}
