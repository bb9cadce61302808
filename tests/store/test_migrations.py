"""Schema migrations: an older database is upgraded without loss; models and migrations agree."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, text

from provenance.ingest.forms.wiki_text import parse
from provenance.store.database import Database, _alembic_config, make_engine
from provenance.store.documents import save_document
from provenance.store.models import Citation, Claim, LinkCheck, Reference
from tests.conftest import PG_ADMIN_URL, SEED_WIKI, _pg_admin_dsn
from tests.workers.support import add_document, add_links


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    request.getfixturevalue("pg_database")  # skips (or fails in CI) without a server
    import psycopg

    name = f"prov_mig_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_pg_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(_pg_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _downgrade_to(url: str, revision: str) -> None:
    engine = make_engine(url)
    config = _alembic_config(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
    engine.dispose()


def test_first_release_database_is_upgraded_without_loss(empty_url: str) -> None:
    # a document stored, then the schema taken back to the first release (columns added
    # since are dropped with their values), as a database of that release would hold it
    first = Database.open(empty_url)
    with first.session() as s:
        save_document(s, parse(SEED_WIKI.read_text(encoding="utf-8")), origin="/seed",
                      content_hash="x")
    first.dispose()
    _downgrade_to(empty_url, "0001")
    old = Database.open(empty_url, upgrade=False)
    assert old.status().current == "0001" and not old.status().up_to_date
    old.dispose()

    db = Database.open(empty_url)  # upgrades on first use
    assert db.status().up_to_date
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Claim)).scalar_one() == 26
        ref8 = s.execute(select(Reference).where(Reference.label == "8")).scalar_one()
        assert ref8.language == "zh" and ref8.authors == ["金, 佳绪"]
    db.dispose()


def test_models_and_migrations_agree(empty_url: str) -> None:
    db = Database.open(empty_url)
    config = _alembic_config(empty_url)
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.check(config)  # raises if autogenerate would find anything to do
    db.dispose()


def test_the_head_read_from_the_scripts_is_alembics(empty_url: str) -> None:
    """Database.open skips alembic when the database is at the head read from the scripts'
    text; that head is alembic's own, and an older database is still upgraded."""
    from alembic.script import ScriptDirectory

    from provenance.store.database import shipped_head

    head = ScriptDirectory.from_config(_alembic_config(empty_url)).get_current_head()
    assert shipped_head() == head
    db = Database.open(empty_url)
    assert db.status().up_to_date and db._plainly_at_head()
    db.dispose()
    _downgrade_to(empty_url, "0001")
    old = Database(make_engine(empty_url), empty_url)
    assert not old._plainly_at_head()
    old.dispose()
    db = Database.open(empty_url)
    assert db.status().current == head
    db.dispose()


def _counts(url: str) -> tuple[int, int, int]:
    """(link checks, references with a link, citations) in the database at ``url``."""
    db = Database.open(url, upgrade=False)
    with db.session() as s:
        checks = s.execute(select(func.count()).select_from(LinkCheck)).scalar_one()
        cited = s.execute(select(func.count()).select_from(Reference)
                          .where(Reference.link_id.is_not(None))).scalar_one()  # type: ignore
        citations = s.execute(select(func.count()).select_from(Citation)).scalar_one()
    db.dispose()
    return checks, cited, citations


@pytest.mark.parametrize("target", ["0005", "0003"])
def test_a_downgrade_keeps_checks_and_citations(empty_url: str, target: str) -> None:
    """Taking a database back (to 0005, and on to 0003) keeps every link's history and every
    reference's citations. On SQLite a batch-mode drop of a ``link`` column recreates the
    table (copy, DROP TABLE, rename) with foreign keys on, and the DROP's implicit DELETE
    cascaded to every table that points at ``link`` (``link_check``, ``source_text``...
    deleted, ``reference.link_id`` set to NULL); 0006's downgrade drops its column in place.
    """
    db = Database.open(empty_url)
    with db.session() as s:
        save_document(s, parse(SEED_WIKI.read_text(encoding="utf-8")), origin="/seed",
                      content_hash="x")
    add_document(db, "doc", add_links(db, [f"http://h.test/p{i}" for i in range(3)]))
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO link_check (link_id, checked_at, outcome, redirects, elapsed_ms,"
            " state_before, state_after, title_mismatch) SELECT id, created_at, 'ok', '[]',"
            " 1200, 'unchecked', 'alive', false FROM link"))
    db.dispose()
    before = _counts(empty_url)
    assert min(before) > 0
    _downgrade_to(empty_url, target)
    assert _counts(empty_url) == before
    # and back up: the column is filled from the history again
    db = Database.open(empty_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT min(last_elapsed_ms) FROM link")).scalar() == 1200
    db.dispose()
