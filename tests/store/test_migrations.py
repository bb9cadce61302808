"""Schema migrations: an older database is upgraded without loss; models and migrations agree."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select

from provenance.ingest.forms.wiki_text import parse
from provenance.store.database import Database, _alembic_config, make_engine
from provenance.store.documents import save_document
from provenance.store.models import Claim, Reference
from tests.conftest import PG_ADMIN_URL, SEED_WIKI, _pg_admin_dsn


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
