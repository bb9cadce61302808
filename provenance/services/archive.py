"""The archive use cases: look up snapshots (and queue captures of at-risk links), plan a run
without asking anything, cite archives instead of dead links, undo a fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from provenance.archive.fix import FixReport, fix_with_archives, last_batch, undo_batch
from provenance.archive.save_queue import SaveQueue, SaveRunReport, plan_saves, queue_saves
from provenance.archive.service import ArchiveRunReport, LookupOutcome, plan_archive, run_archive
from provenance.archive.targets import LinkTarget
from provenance.archive.wayback import WaybackClient
from provenance.settings import Settings
from provenance.store.database import Database
from provenance.store.lookup import document_id


@dataclass(frozen=True)
class ArchivePlan:
    """What an archive run would do: the lookups in order, how many are cached, and the
    URLs it would ask Save Page Now to capture."""

    lookups: list[LinkTarget]
    cached: int
    saves: list[str]


def plan(db: Database, settings: Settings, *, document: str | None = None,
         limit: int | None = None, save: bool = False) -> ArchivePlan:
    targets, cached = plan_archive(db, settings, document=document, limit=limit)
    saves: list[str] = []
    if save:
        saves = plan_saves(db, document_id=document_id(db, document or None),
                           now=datetime.now(UTC), recheck_days=settings.archive_recheck_days)
    return ArchivePlan(targets, cached, saves)


async def archive(db: Database, settings: Settings, *, document: str | None = None,
                  limit: int | None = None, save: bool = False,
                  on_lookup: Callable[[LookupOutcome], None] | None = None
                  ) -> tuple[ArchiveRunReport, SaveRunReport | None]:
    """Look up the due links (and verify carried archive URLs); with ``save``, queue the
    at-risk links for Save Page Now and work the queue."""
    async with WaybackClient.from_settings(settings) as client:
        report = await run_archive(db, settings, client=client, document=document, limit=limit,
                                   on_lookup=on_lookup)
        saves = None
        if save:
            queue_saves(db, document_id=document_id(db, document or None),
                        now=datetime.now(UTC), recheck_days=settings.archive_recheck_days)
            saves = await SaveQueue(db, settings, client).run()
    return report, saves


def fix(db: Database, *, document: str | None = None) -> FixReport:
    """Cite the held capture in every current reference whose link is dead and rescued."""
    return fix_with_archives(db, document=document)


def undo(db: Database, batch: str | None = None) -> FixReport:
    """Undo a fix batch (default: the newest one not undone yet)."""
    return undo_batch(db, batch or last_batch(db))
