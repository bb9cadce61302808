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
from datetime import UTC, datetime
from typing import Any

from provenance.archive.ratelimit import LOOKUP_BUDGET, PLAYBACK_BUDGET, SharedRateLimit
from provenance.archive.targets import LinkTarget, select_targets
from provenance.archive.verify import VerifyOutcome, verify_carried_archives
from provenance.archive.wayback import WaybackClient
from provenance.domain.archives import (
    ERROR,
    FOUND,
    LOST,
    NONE,
    RATE_LIMITED,
    UNUSABLE,
    Snapshot,
)
from provenance.domain.runs import RunStatus
from provenance.domain.snapshot_choice import choose_snapshot, usable
from provenance.errors import ArchiveRateLimited, ArchiveServiceError
from provenance.settings import Settings
from provenance.store import archives
from provenance.store.database import Database
from provenance.store.lookup import document_id
from provenance.store.sources import (
    archives_without_text,
    keep_archive_capture,
    note_capture_failed,
)

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


def _record(db: Database, target: LinkTarget, run_id: int | None, now: datetime,
            settings: Settings, result: str, snapshot: Snapshot | None, error: str | None,
            requests: int) -> LookupOutcome | None:
    archive_url = snapshot.archive_url(settings.wayback_url) if snapshot else None
    recorded = archives.record_lookup(
        db, target.link_id, run_id=run_id, now=now,
        target=target.access_date or target.published, result=result,
        snapshot_url=archive_url, snapshot_timestamp=snapshot.timestamp if snapshot else None,
        snapshot_status=snapshot.status if snapshot else None, error=error,
        recheck_days=settings.archive_recheck_days)
    if recorded is None:
        return None
    return LookupOutcome(link_id=target.link_id, url=recorded.url, result=result,
                         state_before=recorded.state_before, state_after=recorded.state_after,
                         archive_url=archive_url,
                         timestamp=snapshot.timestamp if snapshot else None,
                         archived_status=snapshot.status if snapshot else None, error=error,
                         requests=requests)


def plan_archive(db: Database, settings: Settings, *, document: str | None = None,
                 limit: int | None = None, now: datetime | None = None
                 ) -> tuple[list[LinkTarget], int]:
    """The links a run would look up, in order, and how many are cached (no requests)."""
    now = now or datetime.now(UTC)
    return select_targets(archives.cited_links(db, document_id(db, document or None)), now, limit)


async def _keep_capture(db: Database, client: WaybackClient, playback: SharedRateLimit,
                        link_id: int, snapshot: Snapshot, settings: Settings, max_wait: float,
                        now: datetime) -> bool:
    """Keep the body of the chosen snapshot for ``verify`` (its text at the access date).
    A capture the Wayback does not play back is recorded as such (not asked for again until
    the link's snapshot changes); a rate limit leaves it for the next run. False: stop
    asking for captures in this run."""
    url = snapshot.archive_url(settings.wayback_url)
    try:
        await playback.acquire(max_wait)
        body, content_type, truncated = await client.capture_body(
            snapshot.wayback_timestamp, snapshot.original, settings.max_body_bytes)
    except ArchiveRateLimited:
        return False
    except ArchiveServiceError as err:
        note_capture_failed(db, link_id, url=url, note=str(err), snapshot_at=snapshot.timestamp,
                            now=now)
        return True
    if not body:
        note_capture_failed(db, link_id, url=url, note="empty capture",
                            snapshot_at=snapshot.timestamp, now=now)
        return True
    keep_archive_capture(db, link_id, url=url, body=body, content_type=content_type,
                         snapshot_at=snapshot.timestamp, truncated=truncated, now=now)
    return True


async def _keep_missing_captures(db: Database, client: WaybackClient,
                                 playback: SharedRateLimit, link_ids: list[int],
                                 settings: Settings, max_wait: float, now: datetime) -> int:
    """Keep the text of held snapshots whose body was never kept (links archived before
    texts were kept, or whose capture could not be fetched last time). Stops at the first
    rate limit or unreachable capture service; the next run goes on."""
    kept = 0
    for link_id, url, timestamp, status in archives_without_text(db, link_ids):
        snapshot = Snapshot(timestamp=timestamp, original=url, status=status)
        if not await _keep_capture(db, client, playback, link_id, snapshot, settings,
                                   max_wait, now):
            break
        kept += 1
    return kept


async def run_archive(db: Database, settings: Settings, *, client: WaybackClient | None = None,
                      document: str | None = None, limit: int | None = None,
                      max_wait: float = 120.0, max_errors: int = 3, verify: bool = True,
                      on_lookup: Callable[[LookupOutcome], None] | None = None,
                      clock: Callable[[], datetime] = lambda: datetime.now(UTC)
                      ) -> ArchiveRunReport:
    """Look up every due cited link, record the results, and verify carried archive URLs."""
    report = ArchiveRunReport()
    now = clock()
    doc_id = document_id(db, document or None)
    start = archives.begin_archive_run(db, doc_id, {
        "document": document, "limit": limit, "wayback_url": settings.wayback_url,
        "wayback_rate": settings.wayback_rate}, now)
    report.run_id = start.run_id
    report.state_changes = start.moved
    targets, report.cached = select_targets(start.links, now, limit)
    limiter = SharedRateLimit(db, LOOKUP_BUDGET, settings.wayback_rate)
    playback = SharedRateLimit(db, PLAYBACK_BUDGET, settings.wayback_rate * PLAYBACK_FACTOR)
    own_client = client is None
    client = client or WaybackClient.from_settings(settings)
    status = RunStatus.STOPPED  # until it reaches the end
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
            outcome = _record(db, target, report.run_id, clock(), settings, result, snapshot,
                              error, archiver.requests)
            if outcome is None:
                continue
            if result == FOUND and snapshot is not None:
                await _keep_capture(db, client, playback, target.link_id, snapshot, settings,
                                    max_wait, clock())
            report.lookups.append(outcome)
            if on_lookup is not None:
                on_lookup(outcome)
            if errors_in_a_row >= max_errors:
                report.stopped = (f"Wayback unreachable ({errors_in_a_row} failures in a row: "
                                  f"{error})")
                report.left = len(targets) - index - 1
                break
        if not report.stopped:
            await _keep_missing_captures(db, client, playback, [c.id for c in start.links],
                                         settings, max_wait, clock())
        if verify and not report.stopped:
            report.verifications = await verify_carried_archives(
                db, settings, client, playback, document_id=doc_id, max_wait=max_wait,
                now=clock())
        if not report.stopped:
            status = RunStatus.COMPLETE
    finally:
        if own_client:
            await client.aclose()
        archives.finish_archive_run(db, start.run_id, clock(), status, report.counts())
    return report
