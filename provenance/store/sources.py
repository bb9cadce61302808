"""Source texts and what was read in them: kept bodies, extracted texts, support verdicts,
content drift and corroboration.

The check's write path calls :func:`keep_bodies` only: a fingerprint compare and, when the
body changed, one compressed INSERT (zlib level 1: about a millisecond for the 512 KiB
cap). Everything slower (text extraction, scoring) runs in ``verify`` from these rows.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, col, select

from provenance.domain import links as t
from provenance.domain.support import SourceOrigin
from provenance.store.database import Database
from provenance.store.key_batches import in_batches
from provenance.store.lookup import find_document
from provenance.store.many_rows import execute_many
from provenance.store.models import (
    Citation,
    Claim,
    ContentDrift,
    Corroboration,
    Document,
    Link,
    Reference,
    SourceText,
    SupportCheck,
)

BODY_LEVEL = 1  # on the check path: fast
TEXT_LEVEL = 6  # in verify: small


def fingerprint(data: bytes) -> str:
    """The sha256 of some bytes, hex."""
    return hashlib.sha256(data).hexdigest()


def unpack(data: bytes | None) -> bytes | None:
    """A stored compressed body or text, decompressed."""
    return zlib.decompress(data) if data is not None else None


# -- check path ---------------------------------------------------------------------------

def keep_bodies(session: Session, results: Iterable[tuple[int, t.CheckResult, datetime]]) -> int:
    """Keep the capped bodies of working pages: a new live version when the body changed,
    else the latest version's ``last_seen_at`` moves on. Returns the versions added."""
    items = [(lid, r, at) for lid, r, at in results if r.body or r.not_modified]
    if not items:
        return 0
    latest = _latest_live(session, {lid for lid, _r, _at in items})
    touched: dict[int, datetime] = {}
    added: list[dict[str, Any]] = []
    for link_id, result, at in items:
        prev = latest.get(link_id)
        if result.body is None:  # 304: the page is as it was
            if prev is not None:
                touched[prev[0]] = at
            continue
        digest = fingerprint(result.body)
        if prev is not None and prev[1] == digest:
            touched[prev[0]] = at
            continue
        added.append({
            "link_id": link_id, "origin": SourceOrigin.LIVE.value, "url": result.final_url,
            "content_type": (result.content_type or "")[:255] or None,
            "body": zlib.compress(result.body, BODY_LEVEL), "body_hash": digest,
            "body_truncated": result.body_truncated, "first_seen_at": at, "last_seen_at": at,
        })
        latest[link_id] = (-1, digest)  # the same body twice in one batch is one version
    connection = session.connection()
    execute_many(connection, _TOUCH_TEXT, [{"text_id": i, "last_seen_at": at}
                                          for i, at in touched.items()])
    execute_many(connection, _INSERT_TEXT, added)
    return len(added)


_TEXT = SourceText.__table__  # type: ignore[attr-defined]
_TOUCH_TEXT = update(_TEXT).where(_TEXT.c.id == sa.bindparam("text_id"))
_INSERT_TEXT = insert(_TEXT)


def _latest_live(session: Session, link_ids: set[int]) -> dict[int, tuple[int, str]]:
    rows = session.connection().execute(_LATEST_LIVE, {"ids": sorted(link_ids)})
    return {link_id: (sid or 0, digest) for sid, link_id, digest in rows}


def _latest_live_query() -> sa.Select[int | None, int, str]:
    """Each link's (of ``ids``) newest live version: id, link id, body hash. Built once:
    building it for every batch of the check writer cost more than running it."""
    newest = (select(SourceText.link_id, func.max(SourceText.id).label("id"))
              .where(col(SourceText.link_id).in_(sa.bindparam("ids", expanding=True)),
                     SourceText.origin == "live")
              .group_by(col(SourceText.link_id)).subquery())
    return (sa.select(col(SourceText.id), col(SourceText.link_id), col(SourceText.body_hash))
            .join(newest, col(SourceText.id) == newest.c.id))


_LATEST_LIVE = _latest_live_query()


def keep_archive_body(session: Session, link_id: int, *, url: str, body: bytes,
                      content_type: str | None, snapshot_at: datetime | None,
                      truncated: bool = False, now: datetime | None = None) -> bool:
    """Keep the body of a link's chosen archive snapshot (one version per snapshot body)."""
    digest = fingerprint(body)
    at = now or datetime.now(UTC)
    same = session.exec(select(SourceText.id).where(
        SourceText.link_id == link_id, SourceText.origin == "archive",
        SourceText.body_hash == digest)).first()
    if same is not None:
        session.exec(update(SourceText).where(col(SourceText.id) == same)
                     .values(last_seen_at=at))
        return False
    session.add(SourceText(link_id=link_id, origin="archive", url=url,
                           content_type=(content_type or "")[:255] or None,
                           body=zlib.compress(body, BODY_LEVEL), body_hash=digest,
                           body_truncated=truncated, first_seen_at=at, last_seen_at=at,
                           snapshot_at=snapshot_at))
    return True


def keep_archive_capture(db: Database, link_id: int, **fields: Any) -> bool:
    """`keep_archive_body` in a transaction of its own (for the archive use case)."""
    with db.session() as s:
        return keep_archive_body(s, link_id, **fields)


def note_capture_failed(db: Database, link_id: int, *, url: str, note: str,
                        snapshot_at: datetime | None, now: datetime | None = None) -> None:
    """Record that a snapshot's capture could not be played back (a row without body or
    text, so that it is not asked for again and verify says the archive is unreadable)."""
    at = now or datetime.now(UTC)
    with db.session() as s:
        s.add(SourceText(link_id=link_id, origin="archive", url=url, body=None,
                         body_hash=fingerprint(url.encode("utf-8")), kind="binary",
                         note=note[:500], first_seen_at=at, last_seen_at=at, extracted_at=at,
                         snapshot_at=snapshot_at))


def archives_without_text(db: Database, link_ids: Sequence[int]
                          ) -> list[tuple[int, str, datetime, int | None]]:
    """Links (of these) holding a snapshot whose body was never kept:
    (link id, original URL, snapshot time, archived status)."""
    if not link_ids:
        return []
    with db.session() as s:
        kept = select(SourceText.link_id).where(SourceText.origin == "archive")
        rows = s.exec(select(Link.id, Link.url, Link.archive_timestamp, Link.archive_status)
                      .where(col(Link.id).in_(link_ids), col(Link.archive_url).is_not(None),
                             col(Link.archive_timestamp).is_not(None),
                             col(Link.id).not_in(kept))
                      .order_by(col(Link.id)))
        return [(i or 0, url, ts, status) for i, url, ts, status in rows if ts is not None]


# -- extraction (verify) ------------------------------------------------------------------

@dataclass(frozen=True)
class PendingBody:
    """A kept body whose text has not been extracted yet."""

    id: int
    link_id: int
    url: str | None
    content_type: str | None
    body: bytes
    truncated: bool


def pending_bodies(session: Session, link_ids: Sequence[int] | None = None) -> list[PendingBody]:
    """Kept bodies not yet extracted (of these links, or all), oldest first."""
    query = select(SourceText).where(col(SourceText.extracted_at).is_(None),
                                     col(SourceText.body).is_not(None))
    if link_ids is not None:
        query = query.where(col(SourceText.link_id).in_(link_ids))
    return [PendingBody(row.id or 0, row.link_id, row.url, row.content_type,
                        unpack(row.body) or b"", row.body_truncated)
            for row in session.exec(query.order_by(col(SourceText.id)))]


def save_extraction(session: Session, source_id: int, *, kind: str, text: str | None,
                    language: str | None, note: str | None,
                    now: datetime | None = None) -> int:
    """Store the text extracted from a kept body and drop the body. A text equal to the
    previous version's of the same link and origin is not a new version: that version's
    ``last_seen_at`` moves on and this row goes. Returns the id holding the text."""
    row = session.get(SourceText, source_id)
    assert row is not None
    data = text.encode("utf-8") if text else None
    digest = fingerprint(data) if data else None
    prev = session.exec(select(SourceText).where(
        SourceText.link_id == row.link_id, SourceText.origin == row.origin,
        col(SourceText.id) < source_id, col(SourceText.extracted_at).is_not(None))
        .order_by(col(SourceText.id).desc())).first()
    if prev is not None and prev.text_hash == digest and prev.kind == kind:
        prev.last_seen_at = max(prev.last_seen_at, row.last_seen_at)
        session.delete(row)
        return prev.id or 0
    row.kind = kind
    row.text = zlib.compress(data, TEXT_LEVEL) if data else None
    row.text_hash = digest
    row.language = language
    row.note = note
    row.body = None
    row.extracted_at = now or datetime.now(UTC)
    return source_id


@dataclass(frozen=True)
class StoredText:
    """An extracted version of a source."""

    id: int
    link_id: int
    origin: str
    kind: str | None
    text: str | None
    text_hash: str | None
    language: str | None
    note: str | None
    url: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    snapshot_at: datetime | None


def _stored(row: SourceText) -> StoredText:
    raw = unpack(row.text)
    return StoredText(row.id or 0, row.link_id, row.origin, row.kind,
                      raw.decode("utf-8") if raw is not None else None, row.text_hash,
                      row.language, row.note, row.url, row.first_seen_at, row.last_seen_at,
                      row.snapshot_at)


def texts_of_links(session: Session, link_ids: Iterable[int]) -> dict[int, list[StoredText]]:
    """Every extracted version of these links, oldest first (live and archive)."""
    ids = sorted(set(link_ids))
    out: dict[int, list[StoredText]] = {i: [] for i in ids}
    if not ids:
        return out
    for row in session.exec(select(SourceText).where(
            col(SourceText.link_id).in_(ids), col(SourceText.extracted_at).is_not(None))
            .order_by(col(SourceText.id))):
        out[row.link_id].append(_stored(row))
    return out


def all_texts(session: Session) -> list[StoredText]:
    """The latest extracted version of every link and origin that has text."""
    newest = (select(func.max(SourceText.id).label("id"))
              .where(col(SourceText.extracted_at).is_not(None), col(SourceText.text).is_not(None))
              .group_by(col(SourceText.link_id), col(SourceText.origin)).subquery())
    rows = session.exec(select(SourceText).join(newest, col(SourceText.id) == newest.c.id)
                        .order_by(col(SourceText.id)))
    return [_stored(r) for r in rows]


# -- claims to verify ---------------------------------------------------------------------

@dataclass(frozen=True)
class CitedPair:
    """A claim and one reference it cites, with the reference's link."""

    claim_id: int
    claim_text: str
    document_id: int
    reference_id: int
    label: str
    link_id: int | None
    access_date: Any


def cited_pairs(session: Session, document_ids: Sequence[int] | None = None) -> list[CitedPair]:
    """Every (claim, cited reference) of these documents (or all), in document order."""
    query = (sa.select(col(Claim.id), col(Claim.text), col(Claim.document_id), col(Reference.id),
                       col(Reference.label), col(Reference.link_id), col(Reference.access_date))
             .join(Citation, col(Citation.claim_id) == Claim.id)
             .join(Reference, col(Reference.id) == Citation.reference_id)
             .where(col(Claim.current).is_(True)))
    if document_ids is not None:
        query = query.where(col(Claim.document_id).in_(document_ids))
    rows = session.execute(query.order_by(col(Claim.document_id), col(Claim.ordinal),
                                          col(Citation.position)))
    seen: set[tuple[int, int]] = set()
    out = []
    for cid, text, did, rid, label, link_id, access in rows:
        if (cid, rid) in seen:
            continue
        seen.add((cid, rid))
        out.append(CitedPair(cid or 0, text, did, rid or 0, label, link_id, access))
    return out


@dataclass(frozen=True)
class ClaimRow:
    """A claim with what its sources look like, for corroboration."""

    id: int
    document_id: int
    text: str
    cited: bool
    link_states: tuple[str, ...]
    archive_states: tuple[str, ...]
    empty_refs: int


def claims_with_sources(session: Session) -> list[ClaimRow]:
    """Every current claim with the states of the links it rests on."""
    claims = list(session.exec(select(Claim).where(col(Claim.current).is_(True))
                               .order_by(col(Claim.document_id), col(Claim.ordinal))))
    cites: dict[int, list[tuple[Reference | None, Link | None]]] = {}
    for cite, ref, link in session.exec(
            select(Citation, Reference, Link)
            .join(Reference, col(Reference.id) == Citation.reference_id, isouter=True)
            .join(Link, col(Link.id) == Reference.link_id, isouter=True)):
        cites.setdefault(cite.claim_id, []).append((ref, link))
    out = []
    for c in claims:
        rows = cites.get(c.id or 0, [])
        out.append(ClaimRow(
            c.id or 0, c.document_id, c.text, bool(rows),
            tuple(link.state for _r, link in rows if link is not None),
            tuple(link.archive_state for _r, link in rows if link is not None),
            sum(1 for ref, _l in rows if ref is not None and not ref.url and not
                (ref.title or ref.raw.strip()))))
    return out


# -- results ------------------------------------------------------------------------------

def done_support(session: Session, claim_ids: Sequence[int],
                 model: str) -> set[tuple[int, int, int, str]]:
    """(claim, reference, source text, claim hash) already scored with this model."""
    if not claim_ids:
        return set()
    rows = session.exec(select(SupportCheck.claim_id, SupportCheck.reference_id,
                               SupportCheck.source_text_id, SupportCheck.claim_hash)
                        .where(col(SupportCheck.claim_id).in_(claim_ids),
                               SupportCheck.model == model))
    return {(a, b, c, d) for a, b, c, d in rows}


def add_support(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append support verdicts (keys: the SupportCheck columns)."""
    if rows:
        session.exec(insert(SupportCheck), params=rows)


def replace_drift(session: Session, link_id: int, rows: list[dict[str, Any]]) -> None:
    """The link's content-drift findings, replacing earlier ones."""
    session.exec(delete(ContentDrift).where(col(ContentDrift.link_id) == link_id))
    if rows:
        session.exec(insert(ContentDrift), params=rows)


def replace_corroboration(session: Session, claim_id: int, rows: list[dict[str, Any]]) -> None:
    """A claim's corroboration list, replacing the earlier one."""
    session.exec(delete(Corroboration).where(col(Corroboration.claim_id) == claim_id))
    if rows:
        session.exec(insert(Corroboration), params=rows)


# -- report -------------------------------------------------------------------------------

def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


SupportExtras = dict[str, dict[int, Any]]


def empty_extras() -> SupportExtras:
    """No verify results (a document never verified)."""
    return {"support": {}, "corroboration": {}, "drift": {}}


def report_extras(session: Session, claim_ids: Sequence[int],
                  link_ids: Sequence[int]) -> SupportExtras:
    """What the report adds from verify, in three queries (more past a batch of ids):
    ``support`` and ``corroboration`` lists by claim id, ``drift`` by link id (the JSON
    report's shapes)."""
    support: dict[int, list[dict[str, Any]]] = {}
    corroboration: dict[int, list[dict[str, Any]]] = {}
    drift: dict[int, dict[str, Any]] = {}
    for batch in in_batches(claim_ids):
        _support_and_corroboration(session, batch, support, corroboration)
    for batch in in_batches(link_ids):
        for found in session.exec(select(ContentDrift)
                                  .where(col(ContentDrift.link_id).in_(batch))
                                  .order_by(col(ContentDrift.id))):
            drift.setdefault(found.link_id, {
                "since": _iso(found.since), "before": found.before, "after": found.after,
                "compared_with": found.compared_with, "claim": found.claim_id})
    return {"support": support, "corroboration": corroboration, "drift": drift}


def _support_and_corroboration(session: Session, claim_ids: Sequence[int],
                               support: dict[int, list[dict[str, Any]]],
                               corroboration: dict[int, list[dict[str, Any]]]) -> None:
    """The support verdicts and corroboration of ``claim_ids`` (one batch) added to the
    two lists by claim id."""
    latest: dict[tuple[int, int, str], tuple[SupportCheck, str]] = {}
    for row, label in session.exec(
            select(SupportCheck, Reference.label)
            .join(Reference, col(Reference.id) == SupportCheck.reference_id)
            .where(col(SupportCheck.claim_id).in_(claim_ids))
            .order_by(col(SupportCheck.id))):
        latest[(row.claim_id, row.reference_id, row.origin)] = (row, label)
    for (claim_id, _rid, _origin), (row, label) in sorted(
            latest.items(), key=lambda kv: (kv[0][0], kv[1][0].id or 0)):
        support.setdefault(claim_id, []).append({
            "label": label, "verdict": row.verdict, "score": row.score,
            "evidence": row.evidence, "found": list(row.found),
            "missing": list(row.missing), "conflicts": list(row.conflicts),
            "language": row.language, "claim_language": row.claim_language,
            "other_language": bool(row.language and row.claim_language
                                   and row.language != row.claim_language),
            "source": row.origin, "model": row.model, "checked_at": _iso(row.checked_at)})
    for corr, doc_id, doc_title, other_text in session.exec(
            select(Corroboration, Claim.document_id, Document.title, Claim.text)
            .join(Claim, col(Claim.id) == Corroboration.other_claim_id, isouter=True)
            .join(Document, col(Document.id) == Claim.document_id, isouter=True)
            .where(col(Corroboration.claim_id).in_(claim_ids))
            .order_by(col(Corroboration.claim_id), col(Corroboration.score).desc())):
        corroboration.setdefault(corr.claim_id, []).append({
            "document": doc_id, "document_title": doc_title, "claim": corr.other_claim_id,
            "claim_text": other_text, "url": corr.url, "evidence": corr.evidence,
            "verdict": corr.verdict, "score": corr.score})


def latest_verdicts(session: Session, claim_ids: Sequence[int]) -> dict[int, list[str]]:
    """The latest live verdict of each (claim, reference), listed by claim."""
    latest: dict[tuple[int, int], str] = {}
    if claim_ids:
        for cid, rid, verdict in session.exec(
                select(SupportCheck.claim_id, SupportCheck.reference_id, SupportCheck.verdict)
                .where(col(SupportCheck.claim_id).in_(claim_ids), SupportCheck.origin == "live")
                .order_by(col(SupportCheck.id))):
            latest[(cid, rid)] = verdict
    out: dict[int, list[str]] = {}
    for (cid, _rid), verdict in latest.items():
        out.setdefault(cid, []).append(verdict)
    return out


def links_of_documents(session: Session, document_ids: Sequence[int] | None) -> list[int]:
    """The links the references of these documents (or all) point at."""
    query = select(Reference.link_id).where(col(Reference.link_id).is_not(None))
    if document_ids is not None:
        query = query.where(col(Reference.document_id).in_(document_ids))
    return sorted({i for i in session.exec(query.distinct()) if i is not None})


class SupportStore:
    """The verify use case's view of the store: each call is one short transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def document_ids(self, spec: str | None) -> list[int] | None:
        """The id of the document named by ``spec`` (id, title or origin), or None for all."""
        if spec is None:
            return None
        with self.db.session() as s:
            return [find_document(s, spec).id or 0]

    def links_of(self, document_ids: Sequence[int] | None) -> list[int]:
        with self.db.session() as s:
            return links_of_documents(s, document_ids)

    def pending(self, link_ids: Sequence[int] | None) -> list[PendingBody]:
        with self.db.session() as s:
            return pending_bodies(s, link_ids)

    def save_extraction(self, source_id: int, **fields: Any) -> int:
        with self.db.session() as s:
            return save_extraction(s, source_id, **fields)

    def cited_pairs(self, document_ids: Sequence[int] | None) -> list[CitedPair]:
        with self.db.session() as s:
            return cited_pairs(s, document_ids)

    def texts(self, link_ids: Iterable[int]) -> dict[int, list[StoredText]]:
        with self.db.session() as s:
            return texts_of_links(s, link_ids)

    def all_texts(self) -> list[StoredText]:
        with self.db.session() as s:
            return all_texts(s)

    def done(self, claim_ids: Sequence[int], model: str) -> set[tuple[int, int, int, str]]:
        with self.db.session() as s:
            return done_support(s, claim_ids, model)

    def add_support(self, rows: list[dict[str, Any]]) -> None:
        with self.db.session() as s:
            add_support(s, rows)

    def replace_drift(self, link_id: int, rows: list[dict[str, Any]]) -> None:
        with self.db.session() as s:
            replace_drift(s, link_id, rows)

    def claims(self) -> list[ClaimRow]:
        with self.db.session() as s:
            return claims_with_sources(s)

    def verdicts(self, claim_ids: Sequence[int]) -> dict[int, list[str]]:
        with self.db.session() as s:
            return latest_verdicts(s, claim_ids)

    def replace_corroboration(self, claim_id: int, rows: list[dict[str, Any]]) -> None:
        with self.db.session() as s:
            replace_corroboration(s, claim_id, rows)
