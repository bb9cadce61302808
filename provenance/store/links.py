"""Links: one row per normalised URL, shared by every reference that cites it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from provenance.store.key_batches import in_batches
from provenance.store.models import Link, utcnow
from provenance.store.urls import normalize_url, url_hash, url_host


def ensure_links(session: Session, urls: Iterable[str]) -> dict[str, int]:
    """Get or create the Link of each URL (normalised); returns normalised URL -> link id.

    Safe against a concurrent ingest creating the same link (INSERT ... ON CONFLICT DO NOTHING).
    """
    wanted: dict[str, str] = {}
    for url in urls:
        normalized = normalize_url(url)
        if normalized:
            wanted[url_hash(normalized)] = normalized
    if not wanted:
        return {}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    rows = [{"url": u, "url_hash": h, "host": url_host(u), "created_at": now,
             "state": "unchecked", "archive_state": "unknown", "checks": 0, "failures": 0,
             "title_mismatch": False}
            for h, u in wanted.items()]
    for start in range(0, len(rows), 500):
        session.execute(insert(Link).values(rows[start:start + 500])
                        .on_conflict_do_nothing(index_elements=["url_hash"]))
    ids: dict[str, int] = {}
    for batch in in_batches(list(wanted)):
        for i, h in session.exec(select(Link.id, Link.url_hash).where(
                col(Link.url_hash).in_(batch))):
            if i is not None:
                ids[wanted[h]] = i
    return ids
