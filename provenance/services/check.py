"""The check use cases: the nightly check (one or several processes), a worker of a fleet,
and how many links a check would take on (for a progress bar)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from provenance.runs.processes import run_check_processes
from provenance.runs.runner import OnResult, RunSummary, count_due
from provenance.runs.worker import run_worker
from provenance.settings import Settings
from provenance.store.database import Database


def due(db: Database, *, all: bool = False, document: str | None = None) -> int:
    """How many links a check with these options would take on now."""
    return count_due(db, all=all, document=document)


async def check(db: Database, settings: Settings, *, all: bool = False,
                document: str | None = None, limit: int | None = None,
                on_result: OnResult | None = None,
                stop: asyncio.Event | None = None) -> RunSummary:
    """Check the due links (``all``: every link; ``document``: only its links; ``limit``: at
    most that many) over ``settings.processes`` processes; one summary for the run."""
    return await run_check_processes(db, settings, all=all, document=document, limit=limit,
                                     on_result=on_result, stop=stop)


async def work(db: Database, settings: Settings, *, once: bool = False, all: bool = False,
               document: str | None = None, limit: int | None = None,
               stop: asyncio.Event | None = None, on_result: OnResult | None = None,
               on_summary: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    """Take part in runs as one worker of several until ``stop`` (``once``: one run's work)."""
    return await run_worker(db, settings, once=once, all=all, document=document, limit=limit,
                            stop=stop, on_result=on_result, on_summary=on_summary)
