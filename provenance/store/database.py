"""Opening the store: engine, SQLite pragmas, sessions, and schema migrations (alembic).

The migrations live in the repository's ``db/`` folder, installed as the package
``provenance.migrations``. A database is brought to the current schema on first use
(``Database.open``) or explicitly with ``provenance db upgrade``. Alembic is imported only
when a database is not plainly at the head (``shipped_head``: the head read from the
migration files' ``revision``/``down_revision`` lines; anything unusual there falls back
to alembic): it costs a command about 0.15 s to start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

from provenance.errors import StoreError, redact
from provenance.settings import sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

_REVISION = re.compile(r"^(down_)?revision\s*(?::[^=]*)?=\s*(?:['\"]([\w-]+)['\"]|(None))\s*$",
                       re.MULTILINE)


def make_engine(url: str) -> Engine:
    """An engine for a sqlite:/// or postgresql+psycopg:// URL, with the pragmas SQLite needs."""
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        if url.startswith("sqlite"):
            path = sqlite_path(url)
            if path is not None and path.parent and not path.parent.exists():
                raise StoreError(f"{url}: folder {path.parent} does not exist")
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as err:
        # ImportError: a driver that is not installed; ValueError: e.g. a port that is no number
        raise StoreError(f"{url}: not a database URL this tool knows ({err})") from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("provenance.migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database stands against the migrations shipped with this release."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class Database:
    """An open store: the engine and a session factory."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Database:
        """Open the database at ``url``; bring its schema to head unless ``upgrade`` is False."""
        db = cls(make_engine(url), url)
        if upgrade and not db._plainly_at_head():
            db.upgrade()
        return db

    def _plainly_at_head(self) -> bool:
        """Whether the database's one alembic revision is the shipped head (False when in
        doubt: then alembic decides)."""
        head = shipped_head()
        if head is None:
            return False
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except SQLAlchemyError:
            return False  # no such table yet (a new database), or cannot open: alembic says
        return [tuple(row) for row in rows] == [(head,)]

    def status(self) -> SchemaStatus:
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(_alembic_config(self.url)).get_current_head()
        try:
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
        except OperationalError as err:
            raise StoreError(f"{redact(self.url)}: cannot open the database ({_first_line(err)})")\
                from None
        return SchemaStatus(current=current, head=head or "")

    def upgrade(self) -> SchemaStatus:
        """Apply every migration not yet applied (a no-op on a current database)."""
        status = self.status()
        if status.up_to_date:
            return status
        from alembic import command

        config = _alembic_config(self.url)
        try:
            with self.engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except SQLAlchemyError as err:
            raise StoreError(f"{redact(self.url)}: schema upgrade failed ({_first_line(err)})")\
                from None
        return self.status()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


@cache
def shipped_head() -> str | None:
    """The head revision of the migrations shipped, read from the scripts' text: the one
    revision no other script names as its ``down_revision``. None if any script does not
    say both plainly, or they do not form one chain (alembic then reads them itself)."""
    revisions: dict[str, str | None] = {}
    for script in resources.files("provenance.migrations.versions").iterdir():
        if not script.name.endswith(".py") or script.name.startswith("__"):
            continue
        found = {bool(m[1]): m[2] or None for m in _REVISION.finditer(script.read_text())}
        if set(found) != {False, True} or found[False] is None:
            return None
        revisions[str(found[False])] = found[True]
    downs = set(revisions.values())
    heads = [rev for rev in revisions if rev not in downs]
    if len(heads) != 1 or len(downs) != len(revisions):
        return None
    return heads[0]


def _first_line(err: Exception) -> str:
    return str(getattr(err, "orig", err) or err).strip().splitlines()[0]
