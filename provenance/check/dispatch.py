"""Scheduling many checks: a bounded buffer, per-host workers, a global limit by priority,
retries of transient failures, and the outage monitor.

Tasks are pulled lazily (at most ``buffer`` taken and unfinished), so memory does not grow
with the number of links. Each host gets at most ``per_host`` workers; a worker waits for
its host's turn (min delay, back-off) *before* taking one of the ``concurrency`` global
slots, and free slots go first to the hosts with the most work left, so the busiest host
(which sets the run's lower bound) never waits behind the global limit.

What happens to a result before it is handed on (``on_result``):

- a 429 backs the host off and puts the link back at the end of its host's queue; only a
  wait beyond ``retry_after_cap`` (or ``max_rate_limit_retries`` 429s) ends as
  ``rate-limited``;
- a check with no HTTP answer at all is shown to the outage monitor: if the network is down,
  the link is checked again once it is back (no attempt is spent);
- a transient failure (reset, refused, timeout, 5xx) is checked again after a back-off
  (``RetryPolicy``), ahead of its host's other links, before it counts;
- a network failure is handed on only ``settle`` seconds later, and checked again if an
  outage is found meanwhile; if the monitor gives up waiting for the network, what is
  left is handed on marked ``inconclusive`` (recorded, no state moved).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import random
import time
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from provenance.check.outage import OutageMonitor, State
from provenance.domain import links as t

if TYPE_CHECKING:
    from provenance.check.engine import Checker

SETTLE_POLL = 0.05  # seconds between two looks at a network failure waiting to settle
OnResult = Callable[[t.CheckTask, t.CheckResult], Awaitable[None]]
OnParked = Callable[[t.CheckTask, bool], None]


class PrioritySlots:
    """A semaphore whose waiters are served lowest ``priority`` first (FIFO among equals)."""

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def acquire(self, priority: float) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # handed a slot just as we were cancelled: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)
                return
        self._free += 1


def host_of(url: str) -> str:
    """The host a task is queued under (cheap: no full URL parse; "" if there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def origin_of(url: str) -> tuple[str, int]:
    """(host, port) of a URL, for reachability probes."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return (parts.hostname or "").lower(), port
    except ValueError:
        return "", 80


async def _as_async(tasks: AsyncIterable[t.CheckTask] | Iterable[t.CheckTask],
                    ) -> AsyncGenerator[t.CheckTask, None]:
    if isinstance(tasks, AsyncIterable):
        async for task in tasks:
            yield task
    else:
        for task in tasks:
            yield task


class _Job:
    """One link on its way through the dispatcher."""

    __slots__ = ("first_timeout", "last", "rate_limited", "retries", "task", "timeouts")

    def __init__(self, task: t.CheckTask) -> None:
        self.task = task
        self.rate_limited = 0
        self.retries = 0
        self.timeouts = 0
        self.last: t.CheckResult | None = None
        self.first_timeout: t.CheckResult | None = None  # with the whole deadline


class Dispatcher:
    """Runs the checks of one ``Checker.run`` call."""

    def __init__(self, checker: Checker, on_result: OnResult, monitor: OutageMonitor,
                 stop: asyncio.Event | None = None, on_parked: OnParked | None = None) -> None:
        settings = checker.settings
        self._checker = checker
        self._policy = checker.policy
        self._monitor = monitor
        self._on_result = on_result
        self._on_parked = on_parked or (lambda _task, _parked: None)
        self._stop = stop
        self._per_host = settings.per_host
        self._slots = PrioritySlots(settings.concurrency)
        self._buffer = max(self._policy.min_buffer, settings.concurrency * 8)
        self._taken = 0
        self._space = asyncio.Event()
        self._queues: dict[str, deque[_Job]] = {}
        self._workers: dict[str, int] = {}
        self._group: asyncio.TaskGroup | None = None
        self._random = random.Random()
        self._running = 0  # checks under way
        self._usual: dict[str, float] = {}  # host -> its usual answer time (seconds, EWMA)
        self.retried = 0
        self.held = 0

    async def run(self, tasks: AsyncIterable[t.CheckTask] | Iterable[t.CheckTask]) -> None:
        try:
            async with asyncio.TaskGroup() as group:
                self._group = group
                if self._stop is not None:
                    watcher = group.create_task(self._watch_stop())
                feed = _as_async(tasks)
                async for task in feed:
                    while self._taken >= self._buffer:
                        self._space.clear()
                        await self._space.wait()
                    if self._monitor.gave_up:
                        # the network never came back: take no more (the rest stays due)
                        await feed.aclose()
                        closer = getattr(tasks, "aclose", None)
                        if closer is not None:
                            await closer()
                        break
                    self._taken += 1
                    name = host_of(task.url)
                    self._monitor.queued(name, origin_of(task.url))
                    self._enqueue(name, _Job(task))
                if self._stop is not None:
                    await self._until_done()
                    watcher.cancel()
        except BaseExceptionGroup as group_error:
            if len(group_error.exceptions) == 1:
                raise group_error.exceptions[0] from None
            raise

    async def _until_done(self) -> None:
        while self._taken:
            self._space.clear()
            await self._space.wait()

    async def _watch_stop(self) -> None:
        assert self._stop is not None
        await self._stop.wait()
        self._monitor.give_up()

    def _enqueue(self, name: str, job: _Job, *, first: bool = False) -> None:
        queue = self._queues.setdefault(name, deque())
        if first:
            queue.appendleft(job)
        else:
            queue.append(job)
        if self._workers.get(name, 0) < self._per_host:
            self._workers[name] = self._workers.get(name, 0) + 1
            assert self._group is not None
            self._group.create_task(self._work(name, queue))

    def _later(self, delay: float, name: str, job: _Job) -> None:
        assert self._group is not None
        self._group.create_task(self._requeue_after(delay, name, job))

    async def _requeue_after(self, delay: float, name: str, job: _Job) -> None:
        """A retry goes to the head of its host's queue once its back-off is over: behind
        the host's other links it would start last and keep the run going after them."""
        with self._parked(job):
            await asyncio.sleep(delay)
        self._enqueue(name, job, first=True)

    @contextlib.contextmanager
    def _parked(self, job: _Job) -> Iterator[None]:
        """While the block runs, ``job`` waits with no check under way (``on_parked``)."""
        self._on_parked(job.task, True)
        try:
            yield
        finally:
            self._on_parked(job.task, False)

    async def _work(self, name: str, queue: deque[_Job]) -> None:
        try:
            while queue:
                job = queue.popleft()
                if not await self._monitor.wait_open():
                    await self._finish(job, inconclusive=True)
                    continue
                if name:
                    await self._checker.host(name).gate.wait_ready()
                # the host with the most work left first (its queue, and what the
                # feeder still holds for it)
                await self._slots.acquire(-float(len(queue) + 1 + job.task.backlog))
                deadline = None
                if job.first_timeout is not None:
                    deadline = self._policy.retry.retry_deadline(self._usual.get(name),
                                                                 self._checker.settings.timeout)
                self._running += 1
                try:
                    result = await self._checker.check(job.task, deadline)
                finally:
                    self._running -= 1
                    self._slots.release()
                if result.outcome == t.TIMEOUT and job.first_timeout is not None:
                    result = job.first_timeout  # the retry's shorter deadline proves less
                job.last = result
                await self._after(name, job, result)
        finally:
            self._workers[name] -= 1
            if self._workers[name] == 0:
                del self._workers[name]
                if not queue:
                    self._queues.pop(name, None)

    async def _after(self, name: str, job: _Job, result: t.CheckResult) -> None:
        """Decide what a check's result leads to: handed on, retried, or held."""
        if result.http_status is not None:
            where = result.final_url or job.task.url
            self._monitor.answered(host_of(where), origin_of(where),
                                   time.monotonic() - result.elapsed_ms / 1000)
            seconds = result.elapsed_ms / 1000 / (1 + len(result.redirects))
            usual = self._usual.get(name)
            self._usual[name] = seconds if usual is None else 0.8 * usual + 0.2 * seconds
        if self._rate_limited_again(name, job, result):
            return
        cause = result.cause
        if cause is not None:
            where = result.final_url or job.task.url
            if await self._monitor.failed(host_of(where), origin_of(where), cause):
                self._hold(name, job)
                return
        if self._policy.retry.may_retry(result.outcome, job.retries, job.timeouts) and \
                not self._monitor.gave_up:
            delay = self._policy.retry.delay(job.retries, self._random)
            job.retries += 1
            if result.outcome == t.TIMEOUT:
                job.timeouts += 1
                job.first_timeout = job.first_timeout or result
            self.retried += 1
            self._later(delay, name, job)
            return
        if cause is not None and self._policy.outage.settle > 0:
            assert self._group is not None
            self._group.create_task(self._settle(name, job, time.monotonic()))
            return
        await self._finish(job)

    def _hold(self, name: str, job: _Job) -> None:
        """The network is down: check this link again once it is back (no attempt spent)."""
        self.held += 1
        self._enqueue(name, job)

    async def _settle(self, name: str, job: _Job, seen: float) -> None:
        """Hand on a network failure once no outage covering it can still be found: after
        ``settle`` seconds, or as soon as hosts answered requests started after it."""
        deadline = seen + self._policy.outage.settle
        with self._parked(job):
            while not self._monitor.healthy_after(seen) and time.monotonic() < deadline:
                if not self._running and self._monitor.state == State.UP and \
                        await self._monitor.network_up():
                    break  # nothing else is under way to tell: a quick probe did
                await asyncio.sleep(min(SETTLE_POLL, max(0.0, deadline - time.monotonic())))
        if self._monitor.outage_covers(seen) and not self._monitor.gave_up:
            job.retries = job.timeouts = 0
            job.first_timeout = None
            self._hold(name, job)
            return
        await self._finish(job, inconclusive=self._monitor.outage_covers(seen))

    async def _finish(self, job: _Job, *, inconclusive: bool = False) -> None:
        self._taken -= 1
        self._space.set()
        result = job.last or t.CheckResult(url=job.task.url, outcome=t.CONNECTION_ERROR,
                                           error="not checked: the network was down",
                                           cause=t.Cause.CONNECT)
        if inconclusive:
            result = replace(result, inconclusive=True)
        await self._on_result(job.task, result)

    def _rate_limited_again(self, name: str, job: _Job, result: t.CheckResult) -> bool:
        """Back the host off after a 429 and requeue the link, if the wait is bearable."""
        policy = self._policy
        if result.outcome != t.RATE_LIMITED or job.rate_limited >= policy.max_rate_limit_retries:
            return False
        wait = result.retry_after
        if wait is None:
            wait = policy.default_backoff * 2 ** job.rate_limited
        if wait > policy.retry_after_cap:
            return False
        where = host_of(result.final_url or job.task.url)
        self._checker.host(where or name).gate.back_off(wait)
        job.rate_limited += 1
        self._queues[name].append(job)
        return True
