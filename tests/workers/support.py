"""Helpers shared by the checker's database-side tests: links and documents inserted
directly, and time travel for the state machine (runs themselves go through the real
checker: tests/fakes/loopback_web.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from provenance.store.models import Document, Link, LinkCheck, Reference


def add_links(db: Any, urls: Iterable[str], **fields: Any) -> list[int]:
    """Insert Link rows for ``urls`` (as the document store would); their ids."""
    links = [Link(url=u, url_hash=hashlib.sha256(u.encode()).hexdigest(),
                  host=(urlsplit(u).hostname or ""), **fields) for u in urls]
    with db.session() as session:
        session.add_all(links)
        session.flush()
        return [int(link.id or 0) for link in links]


def add_document(db: Any, title: str, link_ids: Iterable[int],
                 ref_title: str | None = None) -> int:
    with db.session() as session:
        doc = Document(origin=f"/docs/{title}.txt", origin_hash=hashlib.sha256(
            title.encode()).hexdigest(), title=title, format="web-text",
            content_hash="0" * 64)
        session.add(doc)
        session.flush()
        for n, link_id in enumerate(link_ids):
            session.add(Reference(document_id=doc.id, label=str(n + 1), ordinal=n,
                                  title=ref_title, link_id=link_id))
        return int(doc.id or 0)


def links(db: Any) -> dict[str, Link]:
    with db.session() as session:
        return {x.url: x for x in session.exec(select(Link)).scalars()}  # type: ignore


def checks(db: Any) -> list[LinkCheck]:
    with db.session() as session:
        return list(session.exec(select(LinkCheck).order_by(  # type: ignore
            LinkCheck.id)).scalars())


def at(day: float, hour: float = 0.0) -> datetime:
    """A fixed instant: ``day`` days (and hours) after 2026-01-01 UTC."""
    from datetime import timedelta

    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day, hours=hour)
