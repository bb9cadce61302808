"""The stored domain model (sqlmodel tables), the same on SQLite and PostgreSQL.

Documents hold Claims and References; Citations join claims to references (a marker may
point at a missing reference: ``reference_id`` is then NULL and ``label`` keeps the marker).
Every reference with a URL points at a Link, the normalised URL shared across documents:
the unit the checker, the archiver and the workers lease and update. History is
append-only: LinkCheck (one row per check), ArchiveLookup (one per lookup), SaveJob (one per
capture request), ReferenceEdit (one per hand edit).

Datetimes are timezone-aware UTC (sqlmodel >= 0.0.45); calendar dates are ``date``.
Long URLs are never indexed directly: ``url_hash`` (sha256 of the normalised URL) is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from datetime import date as Date
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json(default: Any = None) -> Any:
    factory = list if default is None else dict
    return Field(default_factory=factory, sa_column=Column(JSONType, nullable=False))


def _text(nullable: bool = True) -> Any:
    return Field(default=None if nullable else "", sa_column=Column(Text, nullable=nullable))


class Document(SQLModel, table=True):
    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(sa_column=Column(Text, nullable=False))
    origin_hash: str = Field(max_length=64, unique=True, index=True)
    title: str | None = _text()
    authors: list[str] = _json()
    published: Date | None = None
    format: str = Field(max_length=32)
    content_hash: str = Field(max_length=64)
    facts: list[list[str]] = _json()
    warnings: list[str] = _json()
    ingested_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Claim(SQLModel, table=True):
    __tablename__ = "claim"
    __table_args__ = (Index("ix_claim_document_ordinal", "document_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    section: str = Field(default="", sa_column=Column(Text, nullable=False))
    ordinal: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    text_hash: str = Field(max_length=64, index=True)
    span_start: int = 0
    span_end: int = 0
    attributions: list[str] = _json()
    tags: list[str] = _json()
    # False once a re-ingest no longer finds the sentence but a hand citation keeps it.
    current: bool = True


class Link(SQLModel, table=True):
    """A normalised URL cited by one or more references; what the checker works on."""

    __tablename__ = "link"
    __table_args__ = (
        Index("ix_link_due", "next_check_at"),
        Index("ix_link_host", "host"),
        # added in 0002: what the lease queries scan (due links of one host, expired leases)
        Index("ix_link_host_due", "host", "next_check_at"),
        Index("ix_link_lease_until", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    url_hash: str = Field(max_length=64, unique=True, index=True)
    host: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    # current state (derived from the check history, kept here for scheduling and reports)
    state: str = Field(default="unchecked", max_length=16)
    state_since: datetime | None = None
    last_outcome: str | None = Field(default=None, max_length=32)
    last_http_status: int | None = None
    final_url: str | None = _text()
    last_title: str | None = _text()
    title_mismatch: bool = False
    checked_at: datetime | None = None
    last_elapsed_ms: int | None = None  # how long the last check took (slow links go first)
    checks: int = 0
    failures: int = 0
    first_failure_at: datetime | None = None
    etag: str | None = _text()
    last_modified: str | None = _text()
    next_check_at: datetime | None = None
    # work queue lease (see store/leases.py)
    lease_owner: str | None = Field(default=None, max_length=128)
    lease_until: datetime | None = None
    checked_in_run: int | None = None
    # archive state (see archive/)
    archive_state: str = Field(default="unknown", max_length=16)
    archive_url: str | None = _text()
    archive_timestamp: datetime | None = None
    archive_status: int | None = None
    archive_checked_at: datetime | None = None
    archive_next_at: datetime | None = None


class Reference(SQLModel, table=True):
    __tablename__ = "reference"
    __table_args__ = (UniqueConstraint("document_id", "group", "label"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    label: str = Field(max_length=255)
    group: str = Field(default="", max_length=64)
    ordinal: int = 0
    raw: str = Field(default="", sa_column=Column(Text, nullable=False))
    authors: list[str] = _json()
    date: Date | None = None
    title: str | None = _text()
    trans_title: str | None = _text()
    work: str | None = _text()
    publisher: str | None = _text()
    language: str | None = Field(default=None, max_length=64)
    url: str | None = _text()
    access_date: Date | None = None
    archive_url: str | None = _text()
    archive_date: Date | None = None
    # precision of each date as written: None (a day), "month", "season" or "year"
    date_precision: str | None = Field(default=None, max_length=8)
    access_date_precision: str | None = Field(default=None, max_length=8)
    archive_date_precision: str | None = Field(default=None, max_length=8)
    extra: dict[str, str] = _json({})
    tags: list[str] = _json()
    link_id: int | None = Field(default=None, foreign_key="link.id", ondelete="SET NULL",
                                index=True)
    origin: str = Field(default="parsed", max_length=16)  # parsed | manual
    current: bool = True


class Citation(SQLModel, table=True):
    __tablename__ = "citation"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE", index=True)
    reference_id: int | None = Field(default=None, foreign_key="reference.id",
                                     ondelete="SET NULL", index=True)
    label: str = Field(max_length=255)
    group: str = Field(default="", max_length=64)
    position: int = 0
    origin: str = Field(default="parsed", max_length=16)  # parsed | manual


class ReferenceEdit(SQLModel, table=True):
    """One changed field of a reference, by hand or by ``fix``: old and new value."""

    __tablename__ = "reference_edit"

    id: int | None = Field(default=None, primary_key=True)
    reference_id: int = Field(foreign_key="reference.id", ondelete="CASCADE", index=True)
    action: str = Field(max_length=32)  # cite | ref | fix-archive | undo
    field_name: str = Field(max_length=64)
    old_value: str | None = _text()
    new_value: str | None = _text()
    edited_at: datetime = Field(default_factory=utcnow)
    batch: str = Field(default="", max_length=64)
    undone: bool = False
    editor: str | None = Field(default=None, max_length=128)  # who (None: before 0003)


class CheckRun(SQLModel, table=True):
    """One run of ``check``, ``worker`` or ``archive``: when, how it ended, what it counted."""

    __tablename__ = "check_run"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="check", max_length=16)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = Field(default="running", max_length=16)  # running|complete|inconclusive|...
    options: dict[str, Any] = _json({})
    counts: dict[str, Any] = _json({})


class LinkCheck(SQLModel, table=True):
    """One check of one link: the append-only history the state machine is derived from."""

    __tablename__ = "link_check"
    __table_args__ = (Index("ix_link_check_link_time", "link_id", "checked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="link.id", ondelete="CASCADE")
    run_id: int | None = Field(default=None, foreign_key="check_run.id", index=True)
    checked_at: datetime = Field(default_factory=utcnow)
    outcome: str = Field(max_length=32)
    http_status: int | None = None
    final_url: str | None = _text()
    redirects: list[Any] = _json()
    elapsed_ms: int = 0
    title: str | None = _text()
    error: str | None = _text()
    state_before: str = Field(default="unchecked", max_length=16)
    state_after: str = Field(default="unchecked", max_length=16)
    title_mismatch: bool = False
    worker: str | None = Field(default=None, max_length=128)


class ArchiveLookup(SQLModel, table=True):
    """One Wayback lookup for one link: what was asked, what came back."""

    __tablename__ = "archive_lookup"

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="link.id", ondelete="CASCADE", index=True)
    run_id: int | None = Field(default=None, foreign_key="check_run.id")
    looked_up_at: datetime = Field(default_factory=utcnow)
    target: Date | None = None
    result: str = Field(max_length=16)  # found | none | error | rate-limited
    archive_url: str | None = _text()
    timestamp: datetime | None = None
    archived_status: int | None = None
    error: str | None = _text()
    state_before: str = Field(default="unknown", max_length=16)
    state_after: str = Field(default="unknown", max_length=16)


class ArchiveVerification(SQLModel, table=True):
    """A check of an archive URL a reference already carried: exists, same URL, same date."""

    __tablename__ = "archive_verification"

    id: int | None = Field(default=None, primary_key=True)
    reference_id: int = Field(foreign_key="reference.id", ondelete="CASCADE", index=True)
    checked_at: datetime = Field(default_factory=utcnow)
    archive_url: str = Field(sa_column=Column(Text, nullable=False))
    exists: bool | None = None
    same_url: bool | None = None
    same_date: bool | None = None
    snapshot_timestamp: datetime | None = None
    error: str | None = _text()


class SaveJob(SQLModel, table=True):
    """A Save Page Now request for one link: a queue entry that survives being stopped."""

    __tablename__ = "save_job"

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="link.id", ondelete="CASCADE", index=True)
    status: str = Field(default="queued", max_length=16)  # queued|pending|success|error|failed
    job_id: str | None = Field(default=None, max_length=128)
    requested_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    archive_url: str | None = _text()
    timestamp: datetime | None = None
    error: str | None = _text()


class RateBudget(SQLModel, table=True):
    """A token bucket shared by every process on the database (Wayback limits are per IP)."""

    __tablename__ = "rate_budget"

    name: str = Field(primary_key=True, max_length=64)
    tokens: float = 0.0
    updated_at: datetime = Field(default_factory=utcnow)
    blocked_until: datetime | None = None


class Worker(SQLModel, table=True):
    """A checker process: who, where, alive when, how much it has done."""

    __tablename__ = "worker"

    id: str = Field(primary_key=True, max_length=128)
    hostname: str = Field(default="", max_length=255)
    pid: int = 0
    run_id: int | None = Field(default=None, foreign_key="check_run.id")
    started_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    status: str = Field(default="running", max_length=16)  # running | stopped | dead
    links_done: int = 0


class Review(SQLModel, table=True):
    """A reviewer's verdict on one claim-reference pair, with a note; append-only (the
    latest per pair is current)."""

    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE", index=True)
    reference_id: int | None = Field(default=None, foreign_key="reference.id",
                                     ondelete="SET NULL", index=True)
    label: str = Field(max_length=255)
    verdict: str = Field(max_length=32)  # supports | partly | does-not-support | unsure
    note: str | None = _text()
    reviewer: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utcnow)


class FlagAcceptance(SQLModel, table=True):
    """A reviewer accepted a claim's flag (an uncited sentence that needs no source)."""

    __tablename__ = "flag_acceptance"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE", index=True)
    flag: str = Field(max_length=64)
    note: str | None = _text()
    reviewer: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utcnow)


TABLES = (Document, Claim, Link, Reference, Citation, ReferenceEdit, CheckRun, LinkCheck,
          ArchiveLookup, ArchiveVerification, SaveJob, RateBudget, Worker, Review,
          FlagAcceptance)


class SourceText(SQLModel, table=True):
    """One version of what a link's page (or its chosen archive snapshot) holds.

    ``check`` keeps the capped body, compressed, with its fingerprint; a new row only when the
    body changed since the link's latest live version (else ``last_seen_at`` moves on).
    ``verify`` extracts the text off the fetch path (``text`` compressed, ``text_hash``) and
    drops the body. Added in 0005.
    """

    __tablename__ = "source_text"
    __table_args__ = (Index("ix_source_text_link", "link_id", "origin", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="link.id", ondelete="CASCADE")
    origin: str = Field(default="live", max_length=16)  # live | archive
    url: str | None = _text()  # the page fetched (final URL, or the snapshot URL)
    content_type: str | None = Field(default=None, max_length=255)
    body: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    body_hash: str = Field(max_length=64)
    body_truncated: bool = False
    kind: str | None = Field(default=None, max_length=16)  # html, pdf, video... once extracted
    text: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    text_hash: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    note: str | None = _text()
    first_seen_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    extracted_at: datetime | None = None
    snapshot_at: datetime | None = None  # archive: the snapshot's time


class SupportCheck(SQLModel, table=True):
    """A verdict of one source text version on one claim (append-only; due again when the
    source has a new version or the claim a new text). Added in 0005."""

    __tablename__ = "support_check"
    __table_args__ = (
        Index("ix_support_check_claim", "claim_id", "reference_id"),
        Index("ix_support_check_text", "source_text_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    reference_id: int = Field(foreign_key="reference.id", ondelete="CASCADE")
    source_text_id: int = Field(foreign_key="source_text.id", ondelete="CASCADE")
    claim_hash: str = Field(max_length=64)
    origin: str = Field(default="live", max_length=16)
    verdict: str = Field(max_length=16)
    score: float = 0.0
    evidence: str | None = _text()
    found: list[str] = _json()
    missing: list[str] = _json()
    conflicts: list[str] = _json()
    language: str | None = Field(default=None, max_length=16)
    claim_language: str | None = Field(default=None, max_length=16)
    model: str = Field(default="lexical", max_length=64)
    checked_at: datetime = Field(default_factory=utcnow)


class ContentDrift(SQLModel, table=True):
    """The passage that supported a claim is gone or changed in a later text. Added in 0005."""

    __tablename__ = "content_drift"
    __table_args__ = (Index("ix_content_drift_link", "link_id"),)

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="link.id", ondelete="CASCADE")
    claim_id: int | None = Field(default=None, foreign_key="claim.id", ondelete="CASCADE")
    before_text_id: int = Field(foreign_key="source_text.id", ondelete="CASCADE")
    after_text_id: int = Field(foreign_key="source_text.id", ondelete="CASCADE")
    since: datetime
    before: str | None = _text()
    after: str | None = _text()
    compared_with: str = Field(default="first", max_length=16)  # first | archive
    detected_at: datetime = Field(default_factory=utcnow)


class Corroboration(SQLModel, table=True):
    """Where else a weakly sourced claim is supported: another document's claim or a stored
    source text. Replaced for a claim each time ``verify`` looks again. Added in 0005."""

    __tablename__ = "corroboration"
    __table_args__ = (Index("ix_corroboration_claim", "claim_id"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    other_claim_id: int | None = Field(default=None, foreign_key="claim.id", ondelete="CASCADE")
    source_text_id: int | None = Field(default=None, foreign_key="source_text.id",
                                       ondelete="CASCADE")
    url: str | None = _text()
    evidence: str | None = _text()
    verdict: str = Field(max_length=16)
    score: float = 0.0
    checked_at: datetime = Field(default_factory=utcnow)
SUPPORT_TABLES = (SourceText, SupportCheck, ContentDrift, Corroboration)
ALL_TABLES = (*TABLES, *SUPPORT_TABLES)
