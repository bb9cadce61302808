"""Fixtures of the archive tests: the fake Wayback server, a store on SQLite and PostgreSQL,
and a factory for cited links."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.models import Document, Link, Reference
from tests.fakes.wayback import FakeWayback, FakeWaybackServer

PG_URL = os.environ.get("PROVENANCE_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def wayback_server() -> Iterator[FakeWaybackServer]:
    with FakeWaybackServer(FakeWayback()) as server:
        yield server


@pytest.fixture
def wayback(wayback_server: FakeWaybackServer) -> Iterator[FakeWaybackServer]:
    """The running fake, reset to no captures, no faults, no recorded requests."""
    wayback_server.fake.reset()
    yield wayback_server
    wayback_server.fake.reset()


def _pg_admin() -> Any:
    import psycopg

    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(dsn, autocommit=True, connect_timeout=3)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Database]:
    """A migrated store, once on SQLite and once on a scratch PostgreSQL database."""
    if request.param == "sqlite":
        database = Database.open(f"sqlite:///{tmp_path / 'archive.db'}")
        yield database
        database.dispose()
        return
    try:
        admin = _pg_admin()
    except Exception as err:  # noqa: BLE001 - any failure means "no server here"
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is required in CI: {err}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {err}")
    name = f"prov_archive_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    database = Database.open(f"{base}/{name}")
    try:
        yield database
    finally:
        database.dispose()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def settings(db: Database, wayback: FakeWaybackServer) -> Settings:
    return Settings(db_url=db.url, wayback_url=wayback.url, wayback_rate=60000.0,
                    wayback_save_rate=60000.0, wayback_timeout=30.0)  # loaded CI machines


@dataclass
class Cited:
    """Creates a document and references citing links, directly with sqlmodel."""

    db: Database
    document_id: int | None = None

    def document(self, origin: str = "doc.md") -> int:
        with self.db.session() as s:
            doc = Document(origin=origin, origin_hash=hashlib.sha256(origin.encode()).hexdigest(),
                           format="markdown", content_hash="0" * 64)
            s.add(doc)
            s.flush()
            assert doc.id is not None
            return doc.id

    def link(self, url: str, state: str = "alive", *, access: date | None = None,
             published: date | None = None, archive_url: str | None = None,
             archive_date: date | None = None, document_id: int | None = None,
             label: str | None = None, state_since: datetime | None = None) -> int:
        if document_id is None:
            if self.document_id is None:
                self.document_id = self.document()
            document_id = self.document_id
        with self.db.session() as s:
            link = s.exec(Link.__table__.select().where(  # type: ignore[attr-defined]
                Link.url_hash == hashlib.sha256(url.encode()).hexdigest())).first()
            if link is None:
                row = Link(url=url, url_hash=hashlib.sha256(url.encode()).hexdigest(),
                           host=urlsplit(url).hostname or "", state=state,
                           state_since=state_since or datetime(2020, 1, 1, tzinfo=UTC))
                s.add(row)
                s.flush()
                link_id = row.id
            else:
                link_id = link.id
            s.add(Reference(document_id=document_id, label=label or f"r{uuid.uuid4().hex[:8]}",
                            url=url, access_date=access, date=published,
                            archive_url=archive_url, archive_date=archive_date,
                            link_id=link_id, title="A page"))
            assert link_id is not None
            return link_id

    def get(self, link_id: int) -> Link:
        with self.db.session() as s:
            link = s.get(Link, link_id)
            assert link is not None
            return link


@pytest.fixture
def cited(db: Database) -> Cited:
    return Cited(db)
