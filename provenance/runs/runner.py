"""The check use case: join (or open) the run, lease due links host by host, feed them to the
Checker, record each result as it arrives, and close the run when the last process is out.

``provenance check`` and ``provenance worker --once`` are this one function: a single machine
uses the same leases as a fleet of workers. Results are committed in small groups as they
arrive (a process killed at any moment loses at most the checks in flight; the next process
joins the open run and skips what it already checked).

Inconclusive runs: if the canary URL fails, or most hosts fail at the connection level, the
checker's own network is the likely culprit. A process that sees it holds every state from
then on (checks are recorded, states kept); the process that closes the run judges the whole
run from the database and, if inconclusive, replays the affected links' histories without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from math import ceil
from typing import Any, Protocol, TypeVar

from provenance.domain import links as t
from provenance.domain.link_state import Move, StateChange, moves_between
from provenance.settings import Settings
from provenance.store import checks as store_checks
from provenance.store import leases
from provenance.store import runs as store_runs
from provenance.store.database import Database
from provenance.store.lookup import document_id as find_document_id
from provenance.store.transact import in_transaction

T = TypeVar("T")
WRITE_WINDOW = 0.25  # seconds of results recorded in one transaction (at most WRITE_BATCH)
WRITE_BATCH = 500
HOST_SHARE = 2.0  # hosts held per (concurrency / per_host) slots: spare work
LEASE_LINKS_PER_HOST = 256  # due links of a host leased at once (memory stays flat)
# a held host with fewer links waiting than this, and more due, is topped up by the leaser
TOP_UP_BELOW = LEASE_LINKS_PER_HOST // 4
AHEAD_PER, AHEAD_MAX = 64, 4
LEASE_STEPS = 8  # a process takes its share of hosts in this many leases
LEASE_PAUSE = 0.1  # seconds between two leases of one process
IDLE = "idle"  # nothing was due: no run opened


class CheckerLike(Protocol):
    async def check(self, task: t.CheckTask) -> t.CheckResult: ...

    async def run(self, tasks: AsyncIterator[t.CheckTask] | Iterable[t.CheckTask],
                  on_result: Callable[[t.CheckTask, t.CheckResult], Awaitable[None]], *,
                  stop: asyncio.Event | None = None,
                  on_parked: Callable[[t.CheckTask, bool], None] | None = None) -> None: ...


CheckerFactory = Callable[[Settings], AbstractAsyncContextManager[CheckerLike]]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
OnResult = Callable[[t.CheckTask, t.CheckResult, StateChange | None], None]


@dataclass
class RunSummary:
    """What one invocation did, and how the run stood when it left."""

    run_id: int | None
    worker_id: str
    status: str = store_runs.RUNNING
    checked: int = 0
    dropped: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    newly_dead: int = 0
    newly_failing: int = 0
    recovered: int = 0
    newly_redirected: int = 0
    title_mismatches: int = 0
    remaining: int = 0
    elapsed_s: float = 0.0

    @property
    def inconclusive(self) -> bool:
        return self.status in (store_runs.INCONCLUSIVE, store_runs.SUSPECT)

    @property
    def new_problems(self) -> int:
        return self.newly_dead + self.newly_failing + self.title_mismatches

    def count(self, change: StateChange) -> None:
        self.states[change.after.state] += 1
        self.newly_dead += change.newly_dead
        self.newly_failing += change.newly_failing
        self.recovered += change.recovered
        self.newly_redirected += change.newly_redirected
        self.title_mismatches += change.new_title_mismatch

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run_id, "worker": self.worker_id, "status": self.status,
                "checked": self.checked, "dropped": self.dropped,
                "outcomes": dict(sorted(self.outcomes.items())),
                "states": dict(sorted(self.states.items())), "newly_dead": self.newly_dead,
                "newly_failing": self.newly_failing, "recovered": self.recovered,
                "newly_redirected": self.newly_redirected,
                "title_mismatches": self.title_mismatches, "remaining": self.remaining,
                "elapsed_s": round(self.elapsed_s, 3)}


def _engine_checker(settings: Settings) -> AbstractAsyncContextManager[CheckerLike]:
    from provenance.check.engine import Checker

    return Checker(settings)


def interleave(links: Iterable[leases.LeasedLink]) -> list[leases.LeasedLink]:
    """Round-robin over hosts, so a checker pulling tasks in order keeps every host busy."""
    by_host: dict[str, deque[leases.LeasedLink]] = {}
    for link in links:
        by_host.setdefault(link.host, deque()).append(link)
    out: list[leases.LeasedLink] = []
    while by_host:
        for host in list(by_host):
            out.append(by_host[host].popleft())
            if not by_host[host]:
                del by_host[host]
    return out


class _Invocation:
    """One process's part in a run (state shared by the feeder, writer and heartbeat)."""

    def __init__(self, db: Database, settings: Settings, scope_args: dict[str, Any], *,
                 limit: int | None, worker_id: str, on_result: OnResult | None,
                 stop: asyncio.Event, wait_for_others: bool, join_run: int | None = None,
                 on_run: Callable[[int], None] | None = None, clock: Clock = utc_now) -> None:
        self.db = db
        self.now = clock
        self.join_run = join_run
        self.on_run = on_run
        self.settings = settings
        self.scope_args = scope_args
        self.limit = limit
        self.owner = worker_id
        self.on_result = on_result
        self.stop = stop
        self.wait_for_others = wait_for_others
        self.hold = False
        self.leased = 0
        self.outstanding = 0
        self.max_outstanding = 4 * settings.concurrency
        self.room = asyncio.Event()
        self.db_lock = asyncio.Lock()
        self.results: asyncio.Queue[tuple[t.CheckTask, t.CheckResult] | None] = asyncio.Queue()
        self.hosts: dict[str, list[int]] = {}
        self.task_hosts: dict[int, str] = {}
        self.host_out: Counter[str] = Counter()  # tasks handed out and not yet back, by host
        # of those, tasks waiting without a check under way (a retry's back-off, settling)
        self.host_parked: Counter[str] = Counter()
        self.pending: dict[str, deque[leases.LeasedLink]] = {}  # leased, not handed out
        self.unleased: dict[str, int] = {}  # due links of a held host not leased yet
        self.buffered = 0
        self.need = asyncio.Event()
        self.lease_seconds = settings.lease_seconds
        self.poll = min(2.0, max(0.1, self.lease_seconds / 10))
        self.alive_within = timedelta(seconds=max(self.lease_seconds, 3 * self.poll))
        self.summary: RunSummary

    async def call(self, fn: Callable[..., T], *args: Any, locked: bool = True,
                   **kwargs: Any) -> T:
        """Run a store function in its own transaction, off the event loop (one at a time
        unless ``locked`` is False: the heartbeat must never wait behind the writer)."""
        def work() -> T:
            return in_transaction(self.db, fn, *args, **kwargs)
        if not locked:
            return await asyncio.to_thread(work)
        async with self.db_lock:
            return await asyncio.to_thread(work)

    # -- the parts -----------------------------------------------------------------------

    async def feed(self) -> AsyncIterator[t.CheckTask]:
        """Tasks from successive leases until nothing is left, the budget is spent or stop.

        Leasing runs beside (``_lease``), so handing out tasks never waits for the database.
        Leased links wait here by host; each task handed out comes from the host with the
        most links left among those with fewer than ``2 x per_host + 1`` handed out, so every
        host (the busiest first, which sets the run's length) always has its next check
        ready, while at most ``max_outstanding`` tasks are out (a stop finishes those only).
        Each task carries its host's backlog: the checker gives free slots to the hosts with
        the most work left.
        """
        # tasks parked by the checker (a 5xx waiting 0.5 s and 2 s to be asked again) are
        # not counted: a burst of failures must not leave the host's slots without work
        per_host_out = 2 * self.settings.per_host + 1
        leaser = asyncio.ensure_future(self._lease())
        waker = asyncio.ensure_future(self._wake_on_stop())
        try:
            while not self.stop.is_set():
                host = self._next_host(per_host_out)
                if host is None:
                    if leaser.done() and not self.buffered:
                        leaser.result()  # raise what the leaser raised, if anything
                        return
                    self.room.clear()
                    await self.room.wait()
                    continue
                links = self.pending[host]
                link = links.popleft()
                if not links:
                    del self.pending[host]
                if len(links) == TOP_UP_BELOW - 1 and self.unleased.get(host):
                    self.need.set()  # running low: the leaser tops it up
                self.buffered -= 1
                if not self.buffered:
                    self.need.set()  # the last leased link out: is there more, or the end?
                self.task_hosts[link.id] = link.host
                self.host_out[link.host] += 1
                self.outstanding += 1
                yield t.CheckTask(link_id=link.id, url=link.url,
                                  reference_title=link.reference_title, etag=link.etag,
                                  last_modified=link.last_modified,
                                  previous_final_url=link.final_url,
                                  backlog=len(links) + self.unleased.get(link.host, 0))
        finally:
            for helper in (leaser, waker):
                helper.cancel()
            await asyncio.gather(leaser, waker, return_exceptions=True)

    async def _lease(self) -> None:
        """Hold up to ``HOST_SHARE`` x (concurrency / per_host) hosts, each with up to
        ``LEASE_LINKS_PER_HOST`` of its due links, taking a new host as one is done (so
        processes sharing a run split the hosts by what each can keep busy); end when
        nothing is left or the budget is spent (or, while others hold links, once their
        leases end or expire)."""
        concurrency, per_host = self.settings.concurrency, self.settings.per_host
        target = max(1, ceil(HOST_SHARE * concurrency / per_host))
        no_new_hosts_until = 0.0
        try:
            while not self.stop.is_set():
                budget = None if self.limit is None else self.limit - self.leased
                if budget is not None and budget <= 0:
                    return
                self.need.clear()  # set from here on: look again
                held = self.pending.keys() | self.host_out.keys()
                # a held host's next links are leased before its last ones are handed out
                # (its slots never wait for a lease); the rest of it stays in the database
                # (memory stays flat however many links a host has)
                top_up = [host for host in held if self.unleased.get(host, 0) > 0 and
                          len(self.pending.get(host, ())) < TOP_UP_BELOW]
                # a few hosts per lease: processes leasing at once take turns, and share
                room = min(target - len(held), max(1, ceil(target / LEASE_STEPS)))
                quiet = no_new_hosts_until - time.monotonic()
                if room > 0 and quiet > 0 and not top_up:
                    # no host was free a moment ago: only top-ups until the next poll (but
                    # the last leased link handed out may be the end of the run)
                    if not self.buffered and await self._nothing_left():
                        return
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stop_or_need(), quiet)
                    continue
                if room <= 0 and not top_up:
                    await self.need.wait()
                    continue
                if quiet > 0:
                    room = 0
                batch = (max(0, room) + len(top_up)) * LEASE_LINKS_PER_HOST
                got = await self.call(leases.lease_batch, self.owner, self.scope,
                                      lease_seconds=self.lease_seconds, hosts=max(0, room),
                                      now=self.now(), held=held, top_up=top_up,
                                      links_per_host=LEASE_LINKS_PER_HOST,
                                      busiest_first=self.limit is None,
                                      max_links=batch if budget is None else min(budget, batch))
                if room > 0 and not any(link.host not in held for link in got):
                    no_new_hosts_until = time.monotonic() + self.poll
                self.leased += len(got)
                self.buffered += len(got)
                for host in top_up:
                    self.unleased[host] = 0  # unless the lease says otherwise just below
                for link in got:
                    self.pending.setdefault(link.host, deque()).append(link)
                    self.unleased[link.host] = link.host_left
                if got:
                    self.room.set()
                    # a pause between leases lets other processes (SQLite's lock is not
                    # fair) take their turn at the hosts
                    await asyncio.sleep(LEASE_PAUSE)
                    continue
                if not self.buffered and await self._nothing_left():
                    return
                # other workers hold the rest: their leases end or expire (or a host of
                # ours runs low and is topped up)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop_or_need(), self.poll)
        finally:
            self.room.set()

    async def _nothing_left(self) -> bool:
        """Whether the scope has no link left to lease, now or (waiting for others) later."""
        left = await self.call(leases.remaining, self.owner, self.scope, now=self.now())
        return left.free == 0 and (left.others == 0 or not self.wait_for_others)

    async def _stop_or_need(self) -> None:
        waits = [asyncio.ensure_future(self.stop.wait()), asyncio.ensure_future(self.need.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def _wake_on_stop(self) -> None:
        await self.stop.wait()
        self.room.set()

    def _next_host(self, per_host_out: int) -> str | None:
        """The host with the most links waiting that may have one more task out, if any
        (``per_host_out``, plus one per ``AHEAD_PER`` links waiting up to ``AHEAD_MAX``;
        parked tasks not counted)."""
        if self.outstanding - self.host_parked.total() >= self.max_outstanding:
            return None
        best, most = None, 0
        for host, links in self.pending.items():
            waiting = len(links) + self.unleased.get(host, 0)
            out = self.host_out[host] - self.host_parked[host]
            # a host with much left gets more tasks out: the checker's queue for it is then
            # longer, and the checker gives free slots to the longest queues first
            if waiting > most and out < per_host_out + min(AHEAD_MAX, waiting // AHEAD_PER):
                best, most = host, waiting
        return best

    def parked(self, task: t.CheckTask, parked: bool) -> None:
        """The Checker's on_parked: a task out that waits without a check under way leaves
        room for its host's next task."""
        host = self.task_hosts.get(task.link_id, "")
        self.host_parked[host] += 1 if parked else -1
        if self.host_parked[host] <= 0:
            del self.host_parked[host]
        self.room.set()

    async def collect(self, task: t.CheckTask, result: t.CheckResult) -> None:
        """The Checker's on_result: note the host's fate, queue the result for the writer."""
        host = self.task_hosts.pop(task.link_id, "")
        self.host_out[host] -= 1
        if self.host_out[host] <= 0:
            del self.host_out[host]
            if host not in self.pending:
                self.unleased.pop(host, None)
                self.need.set()  # a host is done here: room to lease another
        self.outstanding -= 1
        self.room.set()
        seen = self.hosts.setdefault(host, [0, 0])
        seen[0] += 1
        seen[1] += result.outcome in t.NETWORK_OUTCOMES
        if result.inconclusive and not self.hold:
            # seen while the network was down and never checked again: the run says nothing
            self.hold = True
            await self.call(store_runs.mark_run, self.run_id, store_runs.INCONCLUSIVE)
        await self.results.put((task, result))
        if not self.hold:
            down = sum(1 for total, net in self.hosts.values() if total == net)
            if store_runs.looks_inconclusive(len(self.hosts), down):
                self.hold = True
                await self.call(store_runs.mark_run, self.run_id, store_runs.SUSPECT)

    async def write(self) -> None:
        """Record queued results in groups, each group one transaction: the results of up to
        ``WRITE_WINDOW`` seconds (a transaction costs milliseconds of CPU whatever its size,
        so one per result would cost more than the checks themselves).

        This is the check recording path (this writer -> ``store.checks.record_results``),
        measured at about 0.07 ms of CPU per result (``bench/record_bench.py``): whatever is
        added per result (a fetched body kept for support verdicts...) belongs in the same
        bulk statements, bounded."""
        while True:
            item = await self.results.get()
            batch = [item]
            if item is not None and self.results.qsize() < WRITE_BATCH:
                await asyncio.sleep(WRITE_WINDOW)
            while not self.results.empty() and len(batch) < WRITE_BATCH and \
                    batch[-1] is not None:
                batch.append(self.results.get_nowait())
            done = [x for x in batch if x is not None]
            if done:
                recorded = await self.call(
                    store_checks.record_results, [(task.link_id, res) for task, res in done],
                    run_id=self.run_id, owner=self.owner, settings=self.settings,
                    hold=self.hold, now=self.now())
                for (task, res), rec in zip(done, recorded, strict=True):
                    self._count(task, res, rec.change)
            if None in batch:
                return

    def _count(self, task: t.CheckTask, result: t.CheckResult,
               change: StateChange | None) -> None:
        if change is None:
            self.summary.dropped += 1
        else:
            self.summary.checked += 1
            self.summary.outcomes[result.outcome] += 1
            self.summary.count(change)
        if self.on_result is not None:
            self.on_result(task, result, change)

    async def beat(self) -> None:
        """Keep leases alive, report progress, learn whether the run is held."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            await self.call(leases.heartbeat, self.owner, lease_seconds=self.lease_seconds,
                            now=self.now(), locked=False)
            await self.call(store_runs.beat, self.owner, self.run_id, self.summary.checked,
                            locked=False)
            run = await self.call(store_runs.get_run, self.run_id, locked=False)
            if run.status in (store_runs.SUSPECT, store_runs.INCONCLUSIVE):
                self.hold = True

    # -- the whole ------------------------------------------------------------------------

    async def execute(self, checker_factory: CheckerFactory) -> RunSummary:
        started = time.monotonic()
        await self.call(store_runs.reap_dead_local_workers)
        if self.join_run is not None:  # a helper process of ``check --processes``
            run = await self.call(store_runs.get_run, self.join_run)
            if run.finished_at is not None:
                return RunSummary(run_id=None, worker_id=self.owner, status=IDLE)
        elif await self.call(store_runs.nothing_to_do,
                             leases.Scope(run_id=-1, **self.scope_args), self.owner, self.now()):
            return RunSummary(run_id=None, worker_id=self.owner, status=IDLE)
        else:
            run = await self.call(store_runs.open_run, _options(self.scope_args, self.limit),
                                  stale_after=timedelta(
                                      hours=self.settings.recheck_failing_hours),
                                  now=self.now())
        self.run_id = int(run.id or 0)
        if self.on_run is not None:
            self.on_run(self.run_id)
        self.hold = run.status in (store_runs.SUSPECT, store_runs.INCONCLUSIVE)
        self.scope = leases.Scope(run_id=self.run_id, **self.scope_args)
        self.summary = RunSummary(run_id=self.run_id, worker_id=self.owner)
        await self.call(store_runs.register_worker, self.owner, self.run_id)
        writer = asyncio.create_task(self.write())
        beater = asyncio.create_task(self.beat())
        try:
            async with checker_factory(self.settings) as checker:
                if self.settings.canary_url and not self.hold:
                    canary = await checker.check(t.CheckTask(link_id=0,
                                                             url=self.settings.canary_url))
                    if canary.outcome not in t.GOOD_OUTCOMES:
                        self.hold = True
                        await self.call(store_runs.mark_run, self.run_id,
                                        store_runs.INCONCLUSIVE)
                await checker.run(self.feed(), self.collect, stop=self.stop,
                                  on_parked=self.parked)
        finally:
            await self.results.put(None)
            await writer
            beater.cancel()
            await asyncio.gather(beater, return_exceptions=True)
            await self.call(leases.release, self.owner)
            await self.call(store_runs.beat, self.owner, self.run_id, self.summary.checked,
                            status="stopped")
        left = await self.call(leases.remaining, self.owner, self.scope, now=self.now())
        self.summary.remaining = left.total
        self.summary.status = await self.call(
            store_runs.close_if_last, self.run_id, self.owner, alive_within=self.alive_within,
            settings=self.settings, now=self.now())
        if self.summary.status == store_runs.INCONCLUSIVE or self.hold:
            self._recount(await self.call(store_runs.worker_moves, self.run_id, self.owner))
        self.summary.elapsed_s = time.monotonic() - started
        return self.summary

    def _recount(self, moves: dict[tuple[str, str], int]) -> None:
        """After a replay, count this process's state moves from what the store now says."""
        s = self.summary
        counts = Counter[Move]()
        for (before, after), n in moves.items():
            for move in moves_between(before, after):
                counts[move] += n
        s.newly_dead = counts[Move.NEWLY_DEAD]
        s.newly_failing = counts[Move.NEWLY_FAILING]
        s.recovered = counts[Move.RECOVERED]
        s.newly_redirected = counts[Move.NEWLY_REDIRECTED]
        if s.status == store_runs.INCONCLUSIVE:
            s.title_mismatches = 0


def _options(scope_args: dict[str, Any], limit: int | None) -> dict[str, Any]:
    return {**scope_args, "limit": limit}


async def run_check(db: Database, settings: Settings, *, all: bool = False,
                    document: str | None = None, limit: int | None = None,
                    worker_id: str | None = None, on_result: OnResult | None = None,
                    checker_factory: CheckerFactory | None = None,
                    stop: asyncio.Event | None = None,
                    wait_for_others: bool = True, join_run: int | None = None,
                    on_run: Callable[[int], None] | None = None,
                    clock: Clock = utc_now) -> RunSummary:
    """Check the due links (``all``: every link; ``document``: only its links; ``limit``: at
    most that many) as part of the open run; ``on_result`` sees each recorded check.
    ``join_run``: take part only in that run (nothing if it has ended); ``on_run`` is called
    with the run's id once it is opened or joined; ``clock`` tells the time the store
    records (injected by simulations)."""
    if limit is not None and limit < 1:
        from provenance.errors import UsageError

        raise UsageError("--limit must be at least 1")
    document_id = find_document_id(db, document)
    invocation = _Invocation(
        db, settings, {"all": all, "document_id": document_id}, limit=limit,
        worker_id=worker_id or store_runs.new_worker_id(), on_result=on_result,
        stop=stop or asyncio.Event(), wait_for_others=wait_for_others, join_run=join_run,
        on_run=on_run, clock=clock)
    return await invocation.execute(checker_factory or _engine_checker)


def count_due(db: Database, *, all: bool = False, document: str | None = None) -> int:
    """How many links a check with these options would take on now (for a progress bar)."""
    return store_runs.links_due(db, all=all, document_id=find_document_id(db, document))
