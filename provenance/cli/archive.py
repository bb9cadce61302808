"""``provenance archive`` and ``provenance fix --use-archives``: flags in, one use case, render.

Exit codes: 0 ok, 1 a link became ``lost`` in this run, 2 usage or configuration error.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from provenance.cli.context import AppContext
from provenance.cli.options import setting_option
from provenance.errors import UsageError

if TYPE_CHECKING:  # the use cases import the store and httpx: only when a command runs
    from provenance.archive.save_queue import SaveRunReport
    from provenance.archive.service import ArchiveRunReport, LookupOutcome
    from provenance.settings import Settings


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _lookup_json(o: LookupOutcome) -> dict[str, Any]:
    return {"url": o.url, "state": o.state_after, "previous_state": o.state_before,
            "result": o.result, "archive_url": o.archive_url, "timestamp": _iso(o.timestamp),
            "archived_status": o.archived_status, "error": o.error}


def _lookup_text(o: LookupOutcome) -> str:
    detail = o.archive_url if o.result == "found" else (o.error or o.result)
    if o.result == "unusable":
        detail = f"only archived {o.archived_status} captures"
    return f"{o.state_after:<9} {o.url}  {detail}"


def _summary_text(report: ArchiveRunReport, saves: SaveRunReport | None) -> list[str]:
    c = report.counts()
    states = ", ".join(f"{n} {s}" for s, n in sorted(c["states"].items())) or "none"
    lines = [(f"archive: {c['looked_up']} links looked up ({c['requests']} requests): "
              f"{states}; {c['cached']} cached; {c['verified']} carried archive URLs verified")]
    for v in report.verifications:
        if v.error or v.exists is False or v.same_url is False or v.same_date is False:
            what = v.error or ("missing" if v.exists is False else
                               "another URL" if v.same_url is False else "another date")
            lines.append(f"  carried archive {v.archive_url}: {what}")
    if report.new_lost:
        lines.append(f"newly lost ({len(report.new_lost)}): " + " ".join(report.new_lost))
    if report.stopped:
        lines.append(f"stopped: {report.stopped}; {report.left} links left for the next run")
    if saves is not None:
        s = saves.counts()
        lines.append(f"save: {s['submitted']} submitted, {s['captured']} captured, "
                     f"{s['failed']} failed, {s['retried']} to retry, {s['pending_left']} "
                     f"pending and {s['queued_left']} queued for the next run")
        lines += [f"  captured {url} -> {archived}" for url, archived in saves.captured]
        lines += [f"  failed {url}: {ext}" for url, ext in saves.failed]
        if saves.stopped:
            lines.append(f"  stopped: {saves.stopped}")
    return lines


def _checked_settings(app: AppContext) -> Settings:
    settings = app.settings()
    parts = urlsplit(settings.wayback_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"wayback-url {settings.wayback_url!r} is not an http(s) URL")
    return settings


@click.command("archive")
@click.option("--save", is_flag=True,
              help="Also ask Save Page Now to capture at-risk links (a resumable queue).")
@click.option("--dry-run", is_flag=True, help="List what would be looked up (and saved); "
              "ask nothing.")
@setting_option("wayback_url", metavar="URL")
@setting_option("wayback_rate", metavar="PER_MINUTE")
@click.option("--document", metavar="DOC", default=None, help="Only this document (id or origin).")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Look up at most N links.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text lines, or one JSON object per lookup then a summary object.")
@click.pass_obj
def archive(app: AppContext, save: bool, dry_run: bool, document: str | None,
            limit: int | None, fmt: str) -> None:
    """Find the Wayback snapshot closest to each reference's access date; rescue dead links."""
    from provenance.services.archive import archive as run_archive
    from provenance.services.archive import plan

    settings = _checked_settings(app)
    db = app.database(settings)
    if dry_run:
        planned = plan(db, settings, document=document, limit=limit, save=save)
        targets, cached, saves = planned.lookups, planned.cached, planned.saves
        if fmt == "json":
            for t in targets:
                click.echo(json.dumps({"lookup": t.url, "link_state": t.link_state,
                                       "target": t.access_date.isoformat()
                                       if t.access_date else None}))
            for url in saves:
                click.echo(json.dumps({"save": url}))
            click.echo(json.dumps({"summary": {"would_look_up": len(targets), "cached": cached,
                                               "would_save": len(saves)}}))
        else:
            for t in targets:
                click.echo(f"would look up  {t.link_state:<9} {t.url}")
            for url in saves:
                click.echo(f"would save     {url}")
            click.echo(f"dry run: {len(targets)} to look up, {cached} cached"
                       + (f", {len(saves)} to save" if save else ""))
        return

    def emit(outcome: LookupOutcome) -> None:
        click.echo(json.dumps(_lookup_json(outcome)) if fmt == "json" else _lookup_text(outcome))

    report, save_report = asyncio.run(run_archive(db, settings, document=document, limit=limit,
                                                  save=save, on_lookup=emit))
    if fmt == "json":
        summary = report.counts()
        summary["new_lost_urls"] = report.new_lost
        summary["verifications"] = [
            {"reference_id": v.reference_id, "archive_url": v.archive_url, "exists": v.exists,
             "same_url": v.same_url, "same_date": v.same_date, "error": v.error}
            for v in report.verifications]
        if save_report is not None:
            summary["save"] = save_report.counts()
        click.echo(json.dumps({"summary": summary}))
    else:
        for line in _summary_text(report, save_report):
            click.echo(line)
    if report.new_lost:
        click.get_current_context().exit(1)


@click.command("fix")
@click.option("--use-archives", is_flag=True,
              help="Write the archive URL and date into references of dead, rescued links.")
@click.option("--document", metavar="DOC", default=None, help="Only this document (id or origin).")
@click.option("--undo", "undo", metavar="BATCH", default=None, help="Undo a fix batch.")
@click.option("--undo-last", is_flag=True, help="Undo the newest fix batch not undone yet.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def fix(app: AppContext, use_archives: bool, document: str | None, undo: str | None,
        undo_last: bool, fmt: str) -> None:
    """Cite archives instead of dead links (every change recorded; reversible)."""
    from provenance.services.archive import fix as fix_references
    from provenance.services.archive import undo as undo_fix

    chosen = [use_archives, undo is not None, undo_last]
    if sum(chosen) != 1:
        raise UsageError("fix needs exactly one of --use-archives, --undo BATCH, --undo-last")
    settings = app.settings()
    db = app.database(settings)
    if use_archives:
        result = fix_references(db, document=document)
        verb = "changed"
    else:
        result = undo_fix(db, undo)
        verb = "restored"
    if fmt == "json":
        click.echo(json.dumps({
            "batch": result.batch, "references": result.references,
            "edits": [{"reference_id": e.reference_id, "field": e.field_name, "old": e.old,
                       "new": e.new} for e in result.edits],
            "conflicts": [{"reference_id": e.reference_id, "field": e.field_name}
                          for e in result.conflicts]}))
        return
    for e in result.edits:
        click.echo(f"reference {e.reference_id}: {e.field_name}: {e.old!r} -> {e.new!r}")
    for e in result.conflicts:
        click.echo(f"reference {e.reference_id}: {e.field_name} changed since; left alone")
    click.echo(f"{verb} {len(result.edits)} fields in {result.references} references "
               f"(batch {result.batch}" + (f"; undo with: provenance fix --undo {result.batch})"
                                           if use_archives and result.edits else ")"))
