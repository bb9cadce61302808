"""The archive use case: look up snapshots for cited links, record every attempt, set states.

``run_archive`` works through the due links (see :mod:`provenance.archive.targets`), one
lookup at a time under the shared rate limit, commits each result as it arrives (an
:class:`ArchiveLookup` row per attempt, ``Link.archive_*`` updated), then verifies archive URLs
that references already carry. It stops asking, leaving the rest for the next run, when the
rate-limit wait would be too long or the service failed ``max_errors`` times in a row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from provenance.archive.ratelimit import LOOKUP_BUDGET, PLAYBACK_BUDGET, SharedRateLimit
from provenance.archive.targets import (
    LinkTarget,
    cited_links,
    held,
    refresh_states,
    select_targets,
)
from provenance.archive.verify import VerifyOutcome, verify_carried_archives
from provenance.archive.wayback import WaybackClient
from provenance.domain.archive_state import archive_state
from provenance.domain.archives import (
    ERROR,
    FOUND,
    LOST,
    NONE,
    RATE_LIMITED,
    UNUSABLE,
    Snapshot,
)
from provenance.domain.snapshot_choice import choose_snapshot, usable
from provenance.errors import ArchiveRateLimited, ArchiveServiceError
from provenance.settings import Settings
from provenance.store.lookup import find_document
from provenance.store.models import ArchiveLookup, CheckRun, Link

CDX_LIMIT = 25  # captures asked for around the target date
PLAYBACK_FACTOR = 10  # playback is rate limited at 10x the lookup rate (published: 600/min)


@dataclass(frozen=True)
class LookupOutcome:
    """The result of one link's lookup, as recorded."""

    link_id: int
    url: str
    result: str  # found | none | unusable | error | rate-limited
    state_before: str
    state_after: str
    archive_url: str | None = None
    timestamp: datetime | None = None
    archived_status: int | None = None
    error: str | None = None
    requests: int = 0


@dataclass
class ArchiveRunReport:
    """What one ``archive`` run did."""

    run_id: int | None = None
    lookups: list[LookupOutcome] = field(default_factory=list)
    verifications: list[VerifyOutcome] = field(default_factory=list)
    state_changes: list[tuple[int, str, str, str]] = field(default_factory=list)  # id,url,b,a
    cached: int = 0
    left: int = 0
    stopped: str | None = None

    @property
    def new_lost(self) -> list[str]:
        """URLs that became ``lost`` in this run (exit code 1)."""
        lost = [o.url for o in self.lookups if o.state_after == LOST and o.state_before != LOST]
        lost += [url for _id, url, before, after in self.state_changes
                 if after == LOST and before != LOST]
        return sorted(set(lost))

    def counts(self) -> dict[str, Any]:
        results: dict[str, int] = {}
        for o in self.lookups:
            results[o.result] = results.get(o.result, 0) + 1
        states: dict[str, int] = {}
        for o in self.lookups:
            states[o.state_after] = states.get(o.state_after, 0) + 1
        return {"looked_up": len(self.lookups), "results": results, "states": states,
                "requests": sum(o.requests for o in self.lookups), "cached": self.cached,
                "left_for_next_run": self.left, "new_lost": len(self.new_lost),
                "verified": len(self.verifications), "stopped": self.stopped}


class _NotAsked(Exception):
    """No token within the allowed wait: the link was not asked (internal control flow)."""

    def __init__(self, cause: ArchiveRateLimited) -> None:
        super().__init__(str(cause))
        self.cause = cause


class Archiver:
    """Looks up the snapshot of one link under the shared rate limit."""

    def __init__(self, client: WaybackClient, limiter: SharedRateLimit, max_wait: float) -> None:
        self.client = client
        self.limiter = limiter
        self.max_wait = max_wait
        self.requests = 0

    async def _ask(self, call: Callable[[], Any]) -> Any:
        try:
            await self.limiter.acquire(self.max_wait)
        except ArchiveRateLimited as err:
            raise _NotAsked(err) from None
        self.requests += 1
        try:
            return await call()
        except ArchiveRateLimited as err:
            self.limiter.block(err.retry_after)
            raise

    async def snapshots(self, target: LinkTarget, now: datetime) -> list[Snapshot]:
        """Candidate captures around the target date (CDX, availability as fallback)."""
        aim = target.access_date or target.published or now
        try:
            found: list[Snapshot] = await self._ask(
                lambda: self.client.cdx(target.url, closest=aim, limit=CDX_LIMIT))
        except ArchiveRateLimited:
            raise
        except ArchiveServiceError:
            snap = await self._ask(lambda: self.client.available(target.url, aim))
            return [snap] if snap else []
        best = choose_snapshot(found, target.access_date, target.published)
        if best is not None and best.status != 200 and len(found) >= CDX_LIMIT:
            # all nearby captures are redirects/errors: is there a 200 further away?
            with contextlib.suppress(ArchiveServiceError, _NotAsked):  # else keep what we have
                found += await self._ask(lambda: self.client.cdx(
                    target.url, closest=aim, limit=CDX_LIMIT, filters=["statuscode:200"]))
        return found


def _record(session: Any, link: Link, target: LinkTarget, run_id: int | None, now: datetime,
            settings: Settings, result: str, snapshot: Snapshot | None, error: str | None,
            requests: int) -> LookupOutcome:
    assert link.id is not None
    before = link.archive_state
    archive_url = snapshot.archive_url(settings.wayback_url) if snapshot else None
    if result in (FOUND, NONE, UNUSABLE):
        link.archive_url = archive_url if result == FOUND else None
        link.archive_timestamp = snapshot.timestamp if result == FOUND and snapshot else None
        link.archive_status = snapshot.status if result == FOUND and snapshot else None
        link.archive_checked_at = now
        link.archive_next_at = now + timedelta(days=settings.archive_recheck_days)
    link.archive_state = archive_state(link.state, held(link))
    session.add(link)
    session.add(ArchiveLookup(
        link_id=link.id, run_id=run_id, looked_up_at=now,
        target=target.access_date or target.published, result=result, archive_url=archive_url,
        timestamp=snapshot.timestamp if snapshot else None,
        archived_status=snapshot.status if snapshot else None, error=error,
        state_before=before, state_after=link.archive_state))
    return LookupOutcome(link_id=link.id or 0, url=link.url, result=result, state_before=before,
                         state_after=link.archive_state, archive_url=archive_url,
                         timestamp=snapshot.timestamp if snapshot else None,
                         archived_status=snapshot.status if snapshot else None, error=error,
                         requests=requests)


def plan_archive(db: Any, settings: Settings, *, document: str | None = None,
                 limit: int | None = None, now: datetime | None = None
                 ) -> tuple[list[LinkTarget], int]:
    """The links a run would look up, in order, and how many are cached (no requests)."""
    now = now or datetime.now(UTC)
    with db.session() as session:
        doc_id = find_document(session, document).id if document else None
        return select_targets(cited_links(session, doc_id), now, limit)


async def run_archive(db: Any, settings: Settings, *, client: WaybackClient | None = None,
                      document: str | None = None, limit: int | None = None,
                      max_wait: float = 120.0, max_errors: int = 3, verify: bool = True,
                      on_lookup: Callable[[LookupOutcome], None] | None = None,
                      clock: Callable[[], datetime] = lambda: datetime.now(UTC)
                      ) -> ArchiveRunReport:
    """Look up every due cited link, record the results, and verify carried archive URLs."""
    report = ArchiveRunReport()
    now = clock()
    with db.session() as session:
        doc_id = find_document(session, document).id if document else None
        rows = cited_links(session, doc_id)
        changes = refresh_states(session, [link for link, _a, _p in rows])
        report.state_changes = [(link.id or 0, link.url, b, a) for link, b, a in changes]
        targets, report.cached = select_targets(rows, now, limit)
        run = CheckRun(kind="archive", started_at=now,
                       options={"document": document, "limit": limit,
                                "wayback_url": settings.wayback_url,
                                "wayback_rate": settings.wayback_rate})
        session.add(run)
        session.flush()
        report.run_id = run.id
    limiter = SharedRateLimit(db.engine, LOOKUP_BUDGET, settings.wayback_rate)
    own_client = client is None
    client = client or WaybackClient.from_settings(settings)
    status = "complete"
    try:
        archiver = Archiver(client, limiter, max_wait)
        errors_in_a_row = 0
        for index, target in enumerate(targets):
            archiver.requests = 0
            snapshot, error = None, None
            try:
                candidates = await archiver.snapshots(target, clock())
                snapshot = choose_snapshot(candidates, target.access_date, target.published)
                result = FOUND if usable(snapshot) else (UNUSABLE if snapshot else NONE)
                errors_in_a_row = 0
            except _NotAsked as err:
                report.stopped = f"rate limited: {err}"
                report.left = len(targets) - index
                break
            except ArchiveRateLimited as err:
                result, error = RATE_LIMITED, str(err)
            except ArchiveServiceError as err:
                result, error = ERROR, str(err)
                errors_in_a_row += 1
            with db.session() as session:
                link = session.get(Link, target.link_id)
                if link is None:
                    continue
                outcome = _record(session, link, target, report.run_id, clock(), settings,
                                  result, snapshot, error, archiver.requests)
            report.lookups.append(outcome)
            if on_lookup is not None:
                on_lookup(outcome)
            if errors_in_a_row >= max_errors:
                report.stopped = (f"Wayback unreachable ({errors_in_a_row} failures in a row: "
                                  f"{error})")
                report.left = len(targets) - index - 1
                break
        if verify and not report.stopped:
            playback = SharedRateLimit(db.engine, PLAYBACK_BUDGET,
                                       settings.wayback_rate * PLAYBACK_FACTOR)
            report.verifications = await verify_carried_archives(
                db, settings, client, playback, document_id=doc_id, max_wait=max_wait,
                now=clock())
    finally:
        if own_client:
            await client.aclose()
        with db.session() as session:
            run = session.get(CheckRun, report.run_id)
            if run is not None:
                run.finished_at = clock()
                run.status = status
                run.counts = report.counts()
                session.add(run)
    return report
