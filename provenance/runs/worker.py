"""A checker worker: ``run_check`` again and again on one database, until told to stop.

Run several on several machines against one PostgreSQL database and they share each night's
run: each leases the due links of a few hosts at a time (store/leases.py), records results as
they arrive, heartbeats its progress into its Worker row, and on SIGTERM/SIGINT finishes the
checks in flight and releases the rest of its leases. ``once``: leave when nothing is due
and no lease it could take is left (leases held by others are waited for: they end, or
expire if their worker died).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from provenance.runs.runner import CheckerFactory, OnResult, RunSummary, run_check
from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.runs import new_worker_id

IDLE_POLL = 30.0


def install_stop_signals(stop: asyncio.Event) -> Callable[[], None]:
    """SIGTERM/SIGINT set ``stop`` (a second one is left to the default handler);
    returns a function that removes the handlers."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)

    def on_signal(sig: signal.Signals) -> None:
        stop.set()
        loop.remove_signal_handler(sig)

    for sig in signals:
        loop.add_signal_handler(sig, on_signal, sig)

    def remove() -> None:
        for sig in signals:
            loop.remove_signal_handler(sig)

    return remove


async def run_worker(db: Database, settings: Settings, *, once: bool = False,
                     all: bool = False, document: str | None = None,
                     limit: int | None = None, worker_id: str | None = None,
                     stop: asyncio.Event | None = None, on_result: OnResult | None = None,
                     on_summary: Callable[[RunSummary], None] | None = None,
                     checker_factory: CheckerFactory | None = None,
                     idle_poll: float = IDLE_POLL) -> list[RunSummary]:
    """Take part in runs until ``stop`` is set (``once``: one run's worth of work)."""
    stop = stop or asyncio.Event()
    worker_id = worker_id or new_worker_id()
    summaries: list[RunSummary] = []
    budget = limit
    while not stop.is_set():
        summary = await run_check(db, settings, all=all, document=document, limit=budget,
                                  worker_id=worker_id, on_result=on_result,
                                  checker_factory=checker_factory, stop=stop)
        summaries.append(summary)
        if on_summary is not None:
            on_summary(summary)
        if budget is not None:
            budget -= summary.checked + summary.dropped
            if budget <= 0:
                break
        if once or stop.is_set():
            break
        try:
            rest = idle_poll if summary.checked == 0 or all else 0.01
            await asyncio.wait_for(stop.wait(), rest)
        except TimeoutError:
            pass
    return summaries
