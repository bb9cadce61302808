"""A token bucket shared by every process on the database (Wayback limits are per IP).

The bucket is one :class:`~provenance.store.models.RateBudget` row. Taking a token is one
short transaction that first locks the row with ``UPDATE ... RETURNING`` (a row lock on
PostgreSQL, the database write lock on SQLite), then refills it for the time elapsed and
takes a token if there is one. A 429 sets ``blocked_until`` for everyone: every process
waits until then, and the bucket restarts empty.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from provenance.errors import ArchiveRateLimited, UsageError
from provenance.store.models import RateBudget

BUDGET: Any = RateBudget.__table__  # type: ignore[attr-defined]  # Core access

LOOKUP_BUDGET = "wayback-lookup"
PLAYBACK_BUDGET = "wayback-playback"
SAVE_BUDGET = "wayback-save"
MIN_BLOCK_SECONDS = 60.0  # a 429 without Retry-After stops everyone at least this long


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SharedRateLimit:
    """``per_minute`` tokens a minute, at most ``burst`` saved up, shared through the database."""

    def __init__(self, engine: Engine, name: str, per_minute: float, *, burst: float = 1.0,
                 clock: Callable[[], datetime] = _utcnow,
                 sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        if per_minute <= 0:
            raise UsageError(f"rate for {name} must be greater than 0 per minute")
        self.engine = engine
        self.name = name
        self.per_second = per_minute / 60.0
        self.burst = max(1.0, burst)
        self.clock = clock
        self._sleep = sleep

    def _lock_row(self, conn: Any) -> tuple[float, datetime, datetime | None]:
        """Lock the bucket row (creating it full if missing) and return its values."""
        stmt = (update(BUDGET).where(BUDGET.c.name == self.name).values(name=BUDGET.c.name)
                .returning(BUDGET.c.tokens, BUDGET.c.updated_at, BUDGET.c.blocked_until))
        row = conn.execute(stmt).first()
        if row is not None:
            return row.tokens, row.updated_at, row.blocked_until
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(BUDGET).values(name=self.name, tokens=self.burst,
                                               updated_at=self.clock())
                     .on_conflict_do_nothing(index_elements=["name"]))
        row = conn.execute(stmt).one()
        return row.tokens, row.updated_at, row.blocked_until

    def take(self) -> float:
        """Take a token: 0.0 when taken, else the seconds to wait before trying again."""
        with self.engine.begin() as conn:
            tokens, updated_at, blocked_until = self._lock_row(conn)
            now = self.clock()
            if blocked_until is not None and blocked_until > now:
                return (blocked_until - now).total_seconds()
            elapsed = max(0.0, (now - updated_at).total_seconds())
            tokens = min(self.burst, tokens + elapsed * self.per_second)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.per_second
            conn.execute(update(BUDGET).where(BUDGET.c.name == self.name)
                         .values(tokens=tokens, updated_at=now))
            return wait

    def block(self, seconds: float | None) -> datetime:
        """Stop every process for ``seconds`` (at least MIN_BLOCK_SECONDS when not given)."""
        wait = MIN_BLOCK_SECONDS if seconds is None else max(0.0, seconds)
        with self.engine.begin() as conn:
            _tokens, _updated, blocked_until = self._lock_row(conn)
            until = self.clock() + timedelta(seconds=wait)
            if blocked_until is not None and blocked_until >= until:
                return blocked_until  # someone already blocked us for longer
            conn.execute(update(BUDGET).where(BUDGET.c.name == self.name)
                         .values(blocked_until=until, tokens=0.0, updated_at=until))
            return until

    def blocked_until(self) -> datetime | None:
        with self.engine.begin() as conn:
            _tokens, _updated, until = self._lock_row(conn)
        return until if until is not None and until > self.clock() else None

    async def acquire(self, max_wait: float = 300.0) -> None:
        """Wait for a token; ArchiveRateLimited when that would take longer than ``max_wait``."""
        waited = 0.0
        while True:
            wait = await asyncio.to_thread(self.take)
            if wait <= 0:
                return
            if waited + wait > max_wait:
                raise ArchiveRateLimited(
                    f"{self.name}: no token for {wait:.0f} s (blocked or budget spent); "
                    "the rest waits for the next run", retry_after=wait)
            started = time.monotonic()
            await self._sleep(wait)
            waited += max(wait, time.monotonic() - started)
