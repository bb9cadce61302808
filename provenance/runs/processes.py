"""``provenance check --processes N``: one run checked by N processes of this machine.

The command's own process runs ``run_check`` as usual; once the run is open it starts N-1
helper processes (multiprocessing, spawn) that take part in that run exactly as
``provenance worker --once`` does, bound to it by id. The work is shared through the leases:
a host's links are leased to one process at a time, so the per-host limit and delay hold
over all of them, and a link is checked once per run. ``concurrency`` (a global limit) and
``--limit`` are split between the processes. Helpers send their recorded checks back in
small batches, so the output (JSON lines, progress) and the summary cover the whole run; a
stop request (SIGTERM/SIGINT) is passed on to them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from math import ceil
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from provenance.check.shared import SharedSlots
from provenance.domain import links as t
from provenance.domain.link_state import StateChange
from provenance.errors import ProvenanceError, StoreError
from provenance.runs import runner
from provenance.runs.runner import CheckerFactory, OnResult, RunSummary
from provenance.settings import Settings
from provenance.store import runs as store_runs
from provenance.store.database import Database

PR_SET_PDEATHSIG = 1  # prctl(2)
PARENT_POLL = 0.5  # seconds between two looks at the parent (where prctl is missing)
SEND_EVERY = 0.05  # seconds between two batches of results from a helper
SEND_MAX = 256  # results in one batch at most
FINAL = (store_runs.COMPLETE, store_runs.PARTIAL, store_runs.INCONCLUSIVE)

Checked = tuple[t.CheckTask, t.CheckResult, StateChange | None]


def shares(total: int | None, parts: int) -> list[int | None]:
    """``total`` dealt out over ``parts`` (the first ones get the remainder); None: no cap."""
    if total is None:
        return [None] * parts
    base, extra = divmod(total, parts)
    return [base + (1 if n < extra else 0) for n in range(parts)]


def process_settings(settings: Settings) -> Settings:
    """The settings each process runs with: its share of the global concurrency."""
    share = max(1, ceil(settings.concurrency / settings.processes))
    return replace(settings, concurrency=share)


async def run_check_processes(db: Database, settings: Settings, *, all: bool = False,
                              document: str | None = None, limit: int | None = None,
                              on_result: OnResult | None = None,
                              stop: asyncio.Event | None = None,
                              checker_factory: CheckerFactory | None = None) -> RunSummary:
    """``run_check`` over ``settings.processes`` processes; one summary for the whole run."""
    if settings.processes <= 1:
        return await runner.run_check(db, settings, all=all, document=document, limit=limit,
                                      on_result=on_result, stop=stop,
                                      checker_factory=checker_factory)
    stop = stop or asyncio.Event()
    mine = process_settings(settings)
    limits = shares(limit, settings.processes)
    locks = Path(tempfile.mkdtemp(prefix="provenance-check-hosts-"))
    helpers = _Helpers(mine, all, document, limits[1:], on_result, locks)
    checker_factory = checker_factory or shared_checker(locks)
    started = time.monotonic()
    failed = True
    try:
        # Helpers start first (an interpreter takes a second or two) and wait for the run's
        # id, so every process starts leasing at once and the hosts are shared out evenly.
        helpers.start()
        _warm_up(mine)
        await helpers.ready(stop)
        own = await runner.run_check(db, mine, all=all, document=document, limit=limits[0],
                                     on_result=on_result, stop=stop,
                                     checker_factory=checker_factory, on_run=helpers.go)
        failed = False
    finally:
        try:
            summaries = await helpers.finish(stop, abort=failed)
        finally:
            shutil.rmtree(locks, ignore_errors=True)
    if helpers.errors:
        raise StoreError(f"a helper process failed: {helpers.errors[0]}")
    return merge([own, *summaries], time.monotonic() - started)


def shared_checker(locks: Path) -> CheckerFactory:
    """Checkers whose per-host limits hold over every process using ``locks``."""
    def factory(settings: Settings) -> Any:
        from provenance.check.engine import Checker

        return Checker(settings, shared=SharedSlots(locks, settings.per_host,
                                                    settings.min_delay))
    return factory


def merge(summaries: list[RunSummary], elapsed_s: float) -> RunSummary:
    """One summary of a run from its processes' (the first is the command's own)."""
    active = [s for s in summaries if s.run_id is not None] or summaries[:1]
    first = active[0]
    closer = next((s for s in active if s.status in FINAL), first)
    merged = RunSummary(run_id=first.run_id, worker_id=first.worker_id, status=closer.status,
                        remaining=closer.remaining if closer.status in FINAL
                        else min(s.remaining for s in active),
                        outcomes=Counter(), states=Counter(), elapsed_s=elapsed_s)
    for s in active:
        merged.checked += s.checked
        merged.dropped += s.dropped
        merged.outcomes.update(s.outcomes)
        merged.states.update(s.states)
        merged.newly_dead += s.newly_dead
        merged.newly_failing += s.newly_failing
        merged.recovered += s.recovered
        merged.newly_redirected += s.newly_redirected
        merged.title_mismatches += s.title_mismatches
    return merged


class _Helpers:
    """The helper processes of one command: started, told the run, then awaited."""

    def __init__(self, settings: Settings, all: bool, document: str | None,
                 limits: list[int | None], on_result: OnResult | None, locks: Path) -> None:
        self._settings = settings
        self._locks = locks
        self._all = all
        self._document = document
        self._limits = [limit for limit in limits if limit != 0]
        self._on_result = on_result
        self._procs: list[BaseProcess] = []
        self._controls: list[Connection] = []
        self._closed: list[asyncio.Future[None]] = []
        self._ready = 0
        self._terminated = False
        self._all_ready: asyncio.Future[None] | None = None
        self.summaries: list[RunSummary] = []
        self.errors: list[str] = []

    def start(self) -> None:
        """Start the helpers; each reports ready, then waits for the run's id (``go``)."""
        loop = asyncio.get_running_loop()
        self._all_ready = loop.create_future()
        if not self._limits:
            self._all_ready.set_result(None)
        context = multiprocessing.get_context("spawn")
        for limit in self._limits:
            receiver, sender = context.Pipe(duplex=False)
            control_in, control_out = context.Pipe(duplex=False)
            proc = context.Process(
                target=helper_main, name="provenance-check-helper",
                args=(self._settings, self._all, self._document, limit, self._locks,
                      control_in, sender, os.getpid()))
            proc.start()
            sender.close()
            control_in.close()
            closed = loop.create_future()
            threading.Thread(target=self._read, args=(receiver, loop, closed),
                             name="provenance-check-helper-reader", daemon=True).start()
            self._procs.append(proc)
            self._controls.append(control_out)
            self._closed.append(closed)

    async def ready(self, stop: asyncio.Event) -> None:
        """Wait until every helper is ready (or gone, or ``stop``)."""
        assert self._all_ready is not None
        stopped: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
        waiters: list[asyncio.Future[Any]] = [self._all_ready, stopped, *self._closed]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()

    def go(self, run_id: int | None) -> None:
        """Tell every helper the run to join (None: there is nothing to do, leave)."""
        for control in self._controls:
            with contextlib.suppress(OSError):  # a helper gone already: its exit code tells why
                control.send(run_id)
            control.close()
        self._controls = []

    def _read(self, conn: Connection, loop: asyncio.AbstractEventLoop,
              closed: asyncio.Future[None]) -> None:
        """Reader thread: hand each message to the event loop until the helper hangs up."""
        try:
            while True:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    break
                loop.call_soon_threadsafe(self._handle, message)
        finally:
            conn.close()
            loop.call_soon_threadsafe(_settle, closed)

    def _handle(self, message: tuple[str, Any]) -> None:
        kind, body = message
        if kind == "results":
            if self._on_result is not None:
                for task, result, change in body:
                    self._on_result(task, result, change)
        elif kind == "ready":
            self._ready += 1
            if self._ready == len(self._procs) and self._all_ready is not None:
                _settle(self._all_ready)
        elif kind == "summary":
            self.summaries.append(body)
        else:
            self.errors.append(str(body))

    async def finish(self, stop: asyncio.Event, *, abort: bool) -> list[RunSummary]:
        """Wait for every helper (told to stop first if ``abort``, or when ``stop`` is set)."""
        self.go(None)  # helpers not told a run yet (nothing was due, or a failure) leave
        if not self._procs:
            return []
        if abort:
            self._terminate()
        forward = asyncio.ensure_future(self._forward(stop))
        try:
            await asyncio.gather(*self._closed)
            for proc in self._procs:
                await asyncio.to_thread(proc.join)
        finally:
            forward.cancel()
        for proc in self._procs:
            told_to_stop = self._terminated and proc.exitcode == -signal.SIGTERM
            if proc.exitcode not in (0, None) and not told_to_stop and not self.errors:
                self.errors.append(f"helper {proc.pid} exited with code {proc.exitcode}")
        return self.summaries

    async def _forward(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._terminate()

    def _terminate(self) -> None:
        self._terminated = True
        for proc in self._procs:
            if proc.is_alive() and proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def die_with_parent(parent: int) -> None:
    """End this process (SIGKILL) the moment ``parent`` dies, as a killed single process
    would end: the run stays open for the next command to carry on, and the leases of a
    dead process of this machine are taken back at once. Linux: the parent-death signal;
    elsewhere (and as a second line) a thread that watches the parent id."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os.kill(os.getpid(), signal.SIGKILL)

    if os.getppid() != parent:  # it died before the signal was set
        os.kill(os.getpid(), signal.SIGKILL)
    threading.Thread(target=watch, name="provenance-parent-watch", daemon=True).start()


def helper_main(settings: Settings, all: bool, document: str | None, limit: int | None,
                locks: Path, control: Connection, conn: Connection, parent: int) -> None:
    """Entry point of a helper process: say ready, learn the run's id on ``control``, take
    part in that run, report back on ``conn``."""
    from provenance.store.database import Database

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command stops us with SIGTERM
    try:
        db = Database.open(settings.db_url, upgrade=False)  # the command upgraded it
        try:
            _warm_up(settings)
            conn.send(("ready", None))
            run_id = control.recv()
            if run_id is not None:
                asyncio.run(_helper(db, settings, all, document, limit, run_id, locks, conn))
        finally:
            db.dispose()
    except EOFError:
        pass  # the command went away before saying which run: nothing to do
    except ProvenanceError as err:
        conn.send(("error", str(err)))
    except Exception as err:  # noqa: BLE001 - reported to the command, which exits 2
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        control.close()
        conn.close()


def _warm_up(settings: Settings) -> None:
    """Import the checker and load the CA bundle before saying ready, so every process
    starts leasing at the same moment once told the run."""
    from provenance.check import engine  # noqa: F401 - imported for its cost, now
    from provenance.net.transport import shared_ssl_context

    shared_ssl_context(settings.verify_tls)


async def _helper(db: Database, settings: Settings, all: bool, document: str | None,
                  limit: int | None, run_id: int, locks: Path, conn: Connection) -> None:
    from provenance.runs.worker import install_stop_signals

    stop = asyncio.Event()
    remove = install_stop_signals(stop)
    batch: list[Checked] = []

    def flush() -> None:
        if batch:
            conn.send(("results", list(batch)))
            batch.clear()

    def on_result(task: t.CheckTask, result: t.CheckResult,
                  change: StateChange | None) -> None:
        batch.append((task, result, change))
        if len(batch) >= SEND_MAX:
            flush()

    async def tick() -> None:
        while True:
            await asyncio.sleep(SEND_EVERY)
            flush()

    ticker = asyncio.ensure_future(tick())
    try:
        summary = await runner.run_check(db, settings, all=all, document=document, limit=limit,
                                  on_result=on_result, stop=stop, join_run=run_id,
                                  checker_factory=shared_checker(locks))
    finally:
        ticker.cancel()
        flush()
        remove()
    conn.send(("summary", summary))
