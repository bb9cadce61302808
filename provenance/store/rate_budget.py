"""A token bucket shared by every process on the database: one RateBudget row per name.

Each call is one short transaction that first locks the row with ``UPDATE ... RETURNING`` (a
row lock on PostgreSQL, the database write lock on SQLite), creating it full if missing. The
refill arithmetic is the caller's (:mod:`provenance.archive.ratelimit`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from provenance.store.database import Database
from provenance.store.models import RateBudget

BUDGET: Any = RateBudget.__table__  # type: ignore[attr-defined]  # Core access

# (tokens, updated_at, blocked_until) -> (the tokens to store at ``now``, or None to leave
# the row as it is; the seconds to wait before asking again, 0.0 when a token was taken)
Refill = Callable[[float, datetime, datetime | None], tuple[float | None, float]]


def _lock_row(conn: Connection, name: str, full: float, now: datetime
              ) -> tuple[float, datetime, datetime | None]:
    """Lock the bucket row (creating it full if missing) and return its values."""
    stmt = (update(BUDGET).where(BUDGET.c.name == name).values(name=BUDGET.c.name)
            .returning(BUDGET.c.tokens, BUDGET.c.updated_at, BUDGET.c.blocked_until))
    row = conn.execute(stmt).first()
    if row is None:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(BUDGET).values(name=name, tokens=full, updated_at=now)
                     .on_conflict_do_nothing(index_elements=["name"]))
        row = conn.execute(stmt).first()
    assert row is not None  # inserted above
    return float(row[0]), row[1], row[2]


def take(db: Database, name: str, full: float, now: datetime, refill: Refill) -> float:
    """Lock the bucket, let ``refill`` decide its tokens and the wait, store them at ``now``."""
    with db.engine.begin() as conn:
        tokens, updated_at, until = _lock_row(conn, name, full, now)
        left, wait = refill(tokens, updated_at, until)
        if left is not None:
            conn.execute(update(BUDGET).where(BUDGET.c.name == name)
                         .values(tokens=left, updated_at=now))
        return wait


def block(db: Database, name: str, full: float, now: datetime, seconds: float) -> datetime:
    """Stop every process until ``now + seconds`` (unless already blocked for longer); the
    bucket restarts empty then."""
    with db.engine.begin() as conn:
        _tokens, _updated, blocked_until = _lock_row(conn, name, full, now)
        until = now + timedelta(seconds=seconds)
        if blocked_until is not None and blocked_until >= until:
            return blocked_until  # someone already blocked us for longer
        conn.execute(update(BUDGET).where(BUDGET.c.name == name)
                     .values(blocked_until=until, tokens=0.0, updated_at=until))
        return until


def blocked_until(db: Database, name: str, full: float, now: datetime) -> datetime | None:
    """Until when the bucket is blocked, if it is."""
    with db.engine.begin() as conn:
        _tokens, _updated, until = _lock_row(conn, name, full, now)
    return until if until is not None and until > now else None
