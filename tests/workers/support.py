"""Helpers shared by the checker's database-side tests: links inserted directly, a fake
Checker with the engine's interface, and time travel for the state machine."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from sqlalchemy import select

from provenance.domain import links as t
from provenance.settings import Settings
from provenance.store.models import Document, Link, LinkCheck, Reference


def add_links(db: Any, urls: Iterable[str], **fields: Any) -> list[int]:
    """Insert Link rows for ``urls`` (as the document store would); their ids."""
    links = [Link(url=u, url_hash=hashlib.sha256(u.encode()).hexdigest(),
                  host=(urlsplit(u).hostname or ""), **fields) for u in urls]
    with db.session() as session:
        session.add_all(links)
        session.flush()
        return [int(link.id or 0) for link in links]


def add_document(db: Any, title: str, link_ids: Iterable[int],
                 ref_title: str | None = None) -> int:
    with db.session() as session:
        doc = Document(origin=f"/docs/{title}.txt", origin_hash=hashlib.sha256(
            title.encode()).hexdigest(), title=title, format="web-text",
            content_hash="0" * 64)
        session.add(doc)
        session.flush()
        for n, link_id in enumerate(link_ids):
            session.add(Reference(document_id=doc.id, label=str(n + 1), ordinal=n,
                                  title=ref_title, link_id=link_id))
        return int(doc.id or 0)


def links(db: Any) -> dict[str, Link]:
    with db.session() as session:
        return {x.url: x for x in session.exec(select(Link)).scalars()}  # type: ignore


def checks(db: Any) -> list[LinkCheck]:
    with db.session() as session:
        return list(session.exec(select(LinkCheck).order_by(  # type: ignore
            LinkCheck.id)).scalars())


Outcomes = Callable[[t.CheckTask], t.CheckResult] | dict[str, str]


@dataclass
class FakeChecker:
    """The engine's interface; ``outcomes`` maps a URL to an outcome (default ok)."""

    outcomes: Outcomes = field(default_factory=dict)
    delay: float = 0.0
    concurrency: int = 8
    seen: list[str] = field(default_factory=list)
    fail_after: int | None = None  # raise KeyboardInterrupt-like stop after N checks

    def __call__(self, settings: Settings) -> FakeChecker:
        return self

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        return None

    async def check(self, task: t.CheckTask) -> t.CheckResult:
        self.seen.append(task.url)
        if self.delay:
            await asyncio.sleep(self.delay)
        if callable(self.outcomes):
            return self.outcomes(task)
        outcome = self.outcomes.get(task.url, t.OK)
        status = {t.OK: 200, t.NOT_FOUND: 404, t.SERVER_ERROR: 500, t.BLOCKED: 403,
                  t.REDIRECT: 200, t.RATE_LIMITED: 429}.get(outcome)
        return t.CheckResult(url=task.url, outcome=outcome, http_status=status,
                             final_url=task.url if status else None, elapsed_ms=1)

    async def run(self, tasks: AsyncIterable[t.CheckTask] | Iterable[t.CheckTask],
                  on_result: Callable[[t.CheckTask, t.CheckResult], Awaitable[None]], *,
                  stop: asyncio.Event | None = None) -> None:
        slots = asyncio.Semaphore(self.concurrency)
        running: set[asyncio.Task[None]] = set()

        async def one(task: t.CheckTask) -> None:
            try:
                await on_result(task, await self.check(task))
            finally:
                slots.release()

        iterator = tasks if isinstance(tasks, AsyncIterable) else _aiter(tasks)
        async for task in iterator:
            await slots.acquire()
            job = asyncio.create_task(one(task))
            running.add(job)
            job.add_done_callback(running.discard)
        if running:
            await asyncio.gather(*running)


async def _aiter(items: Iterable[t.CheckTask]) -> Any:
    for item in items:
        yield item


def at(day: float, hour: float = 0.0) -> datetime:
    """A fixed instant: ``day`` days (and hours) after 2026-01-01 UTC."""
    from datetime import timedelta

    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day, hours=hour)
