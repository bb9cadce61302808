"""Scheduling many checks: a bounded buffer, per-host workers, a global limit by priority.

Tasks are pulled lazily (at most ``buffer`` taken and unfinished), so memory does not grow
with the number of links. Each host gets at most ``per_host`` workers; a worker waits for
its host's turn (min delay, back-off) *before* taking one of the ``concurrency`` global
slots, and free slots go first to the hosts with the most work left, so the busiest host
(which sets the run's lower bound) never waits behind the global limit. A 429 backs the
host off and puts the link back at the end of its host's queue; only a wait beyond
``RETRY_AFTER_CAP`` (or ``MAX_RATE_LIMIT_RETRIES`` 429s) ends as ``rate-limited``.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from provenance.domain import links as t

if TYPE_CHECKING:
    from provenance.check.engine import Checker

RETRY_AFTER_CAP = 120.0
DEFAULT_BACKOFF = 5.0
MAX_RATE_LIMIT_RETRIES = 3
MIN_BUFFER = 4096

OnResult = Callable[[t.CheckTask, t.CheckResult], Awaitable[None]]


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


def _host_of(url: str) -> str:
    """The host a task is queued under (cheap: no full URL parse; "" if there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


async def _as_async(tasks: AsyncIterable[t.CheckTask] | Iterable[t.CheckTask],
                    ) -> AsyncIterator[t.CheckTask]:
    if isinstance(tasks, AsyncIterable):
        async for task in tasks:
            yield task
    else:
        for task in tasks:
            yield task


class Dispatcher:
    """Runs the checks of one ``Checker.run`` call."""

    def __init__(self, checker: Checker, on_result: OnResult) -> None:
        settings = checker.settings
        self._checker = checker
        self._on_result = on_result
        self._per_host = settings.per_host
        self._slots = PrioritySlots(settings.concurrency)
        self._buffer = max(MIN_BUFFER, settings.concurrency * 8)
        self._taken = 0
        self._space = asyncio.Event()
        self._queues: dict[str, deque[tuple[t.CheckTask, int]]] = {}
        self._workers: dict[str, int] = {}
        self._group: asyncio.TaskGroup | None = None

    async def run(self, tasks: AsyncIterable[t.CheckTask] | Iterable[t.CheckTask]) -> None:
        try:
            async with asyncio.TaskGroup() as group:
                self._group = group
                async for task in _as_async(tasks):
                    while self._taken >= self._buffer:
                        self._space.clear()
                        await self._space.wait()
                    self._taken += 1
                    self._enqueue(_host_of(task.url), task, 0)
        except BaseExceptionGroup as group_error:
            if len(group_error.exceptions) == 1:
                raise group_error.exceptions[0] from None
            raise

    def _enqueue(self, name: str, task: t.CheckTask, attempts: int) -> None:
        queue = self._queues.setdefault(name, deque())
        queue.append((task, attempts))
        if self._workers.get(name, 0) < self._per_host:
            self._workers[name] = self._workers.get(name, 0) + 1
            assert self._group is not None
            self._group.create_task(self._work(name, queue))

    async def _work(self, name: str, queue: deque[tuple[t.CheckTask, int]]) -> None:
        try:
            while queue:
                task, attempts = queue.popleft()
                if name:
                    await self._checker.host(name).gate.wait_ready()
                await self._slots.acquire(-float(len(queue) + 1))
                try:
                    result = await self._checker.check(task)
                finally:
                    self._slots.release()
                if self._retry_later(name, task, result, attempts):
                    continue
                self._taken -= 1
                self._space.set()
                await self._on_result(task, result)
        finally:
            self._workers[name] -= 1
            if self._workers[name] == 0:
                del self._workers[name]
                if not queue:
                    self._queues.pop(name, None)

    def _retry_later(self, name: str, task: t.CheckTask, result: t.CheckResult,
                     attempts: int) -> bool:
        """Back the host off after a 429 and requeue the link, if the wait is bearable."""
        if result.outcome != t.RATE_LIMITED or attempts >= MAX_RATE_LIMIT_RETRIES:
            return False
        wait = result.retry_after
        if wait is None:
            wait = DEFAULT_BACKOFF * 2 ** attempts
        if wait > RETRY_AFTER_CAP:
            return False
        where = _host_of(result.final_url or task.url)
        self._checker.host(where or name).gate.back_off(wait)
        self._queues[name].append((task, attempts + 1))
        return True
