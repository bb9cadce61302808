"""Shared fixtures: a migrated database on SQLite and, where reachable, on PostgreSQL.

``db_url`` is parametrised over both backends. PostgreSQL comes from PROVENANCE_TEST_PG_URL
(default: the local server at 127.0.0.1:5432, database ``test``); each test session works in
its own scratch database, dropped at the end. Without a reachable server the PostgreSQL
cases are skipped, except in CI (CI=true), where that is an error.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEEDS = ROOT / "fixtures" / "seeds"
SEED_WIKI = SEEDS / "000_b07d10da4452e945.txt"
SEED_WEB = SEEDS / "003_cd3dd4c4be34f6b3.txt"
PG_ADMIN_URL = os.environ.get("PROVENANCE_TEST_PG_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin_dsn() -> str:
    return PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating per test is slow)."""
    from provenance.store.database import Database

    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database.open(f"sqlite:///{path}")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A scratch PostgreSQL database for this test session, migrated to head."""
    try:
        import psycopg

        admin = psycopg.connect(_pg_admin_dsn(), autocommit=True, connect_timeout=3)
    except Exception as err:  # noqa: BLE001 - any connection failure means: no PostgreSQL here
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is required in CI: {err}")
        pytest.skip(f"no PostgreSQL at {PG_ADMIN_URL}")
    name = f"prov_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    from provenance.store.database import Database

    Database.open(url).dispose()
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _truncate_pg(url: str) -> None:
    from sqlalchemy import text

    from provenance.store.database import make_engine
    from provenance.store.models import ALL_TABLES

    engine = make_engine(url)
    names = ", ".join(f'"{t.__tablename__}"' for t in ALL_TABLES)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated, empty database URL on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "provenance.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    _truncate_pg(url)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[object]:
    from provenance.store.database import Database

    database = Database.open(db_url)
    yield database
    database.dispose()
