"""A token bucket shared by every process on the database (Wayback limits are per IP).

The bucket is one RateBudget row (:mod:`provenance.store.rate_budget`). Taking a token is
one short transaction that locks the row, refills it for the time elapsed and takes a token
if there is one. A 429 sets ``blocked_until`` for everyone: every process
waits until then, and the bucket restarts empty.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from provenance.errors import ArchiveRateLimited, UsageError
from provenance.store import rate_budget
from provenance.store.database import Database

LOOKUP_BUDGET = "wayback-lookup"
PLAYBACK_BUDGET = "wayback-playback"
SAVE_BUDGET = "wayback-save"
MIN_BLOCK_SECONDS = 60.0  # a 429 without Retry-After stops everyone at least this long


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SharedRateLimit:
    """``per_minute`` tokens a minute, at most ``burst`` saved up, shared through the database."""

    def __init__(self, db: Database, name: str, per_minute: float, *, burst: float = 1.0,
                 clock: Callable[[], datetime] = _utcnow,
                 sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        if per_minute <= 0:
            raise UsageError(f"rate for {name} must be greater than 0 per minute")
        self.db = db
        self.name = name
        self.per_second = per_minute / 60.0
        self.burst = max(1.0, burst)
        self.clock = clock
        self._sleep = sleep

    def _refill(self, now: datetime) -> rate_budget.Refill:
        def refill(tokens: float, updated_at: datetime, blocked_until: datetime | None
                   ) -> tuple[float | None, float]:
            if blocked_until is not None and blocked_until > now:
                return None, (blocked_until - now).total_seconds()
            elapsed = max(0.0, (now - updated_at).total_seconds())
            tokens = min(self.burst, tokens + elapsed * self.per_second)
            if tokens >= 1.0:
                return tokens - 1.0, 0.0
            return tokens, (1.0 - tokens) / self.per_second
        return refill

    def take(self) -> float:
        """Take a token: 0.0 when taken, else the seconds to wait before trying again."""
        now = self.clock()
        return rate_budget.take(self.db, self.name, self.burst, now, self._refill(now))

    def block(self, seconds: float | None) -> datetime:
        """Stop every process for ``seconds`` (at least MIN_BLOCK_SECONDS when not given)."""
        wait = MIN_BLOCK_SECONDS if seconds is None else max(0.0, seconds)
        return rate_budget.block(self.db, self.name, self.burst, self.clock(), wait)

    def blocked_until(self) -> datetime | None:
        return rate_budget.blocked_until(self.db, self.name, self.burst, self.clock())

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
