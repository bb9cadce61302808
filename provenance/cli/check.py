"""Commands of the link checker: check, changes, worker, status, db upgrade / db status.

Exit codes of ``check`` and ``worker``: 0 nothing new is wrong, 1 new problems (a link newly
failing or dead, a new title mismatch, or an inconclusive run), 2 usage or configuration.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from provenance.cli.context import AppContext
from provenance.cli.options import setting_option
from provenance.domain import links as t
from provenance.domain.link_state import StateChange
from provenance.errors import UsageError
from provenance.report.safe_text import one_line

if TYPE_CHECKING:
    from provenance.store.database import Database

FORMATS = ("text", "json")


def _check_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``check`` and ``worker`` share (the settings' flags from their declarations)."""
    options = [
        click.option("--all", "check_all", is_flag=True, help="Check every link, due or not."),
        click.option("--document", metavar="DOC",
                     help="Only the links cited by this document (id, origin or title)."),
        click.option("--limit", type=int, metavar="N", help="Check at most N links."),
        setting_option("concurrency"),
        setting_option("per_host"),
        setting_option("min_delay", metavar="SECONDS"),
        setting_option("timeout", metavar="SECONDS"),
        setting_option("dead_after_failures"),
        setting_option("dead_after_days", metavar="DAYS"),
        setting_option("allow_private_addresses"),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
                     show_default=True, help="text, or JSON lines (one per check, then a "
                                             "summary)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


class _Output:
    """Per-check lines (JSON, or plain lines for problems) and a progress bar on a tty."""

    def __init__(self, fmt: str, total: Callable[[], int]) -> None:
        self.fmt = fmt
        self.console = Console(stderr=True)
        self.progress: Progress | None = None
        # the count is a query over every link: only made for a bar on a terminal
        if fmt == "text" and self.console.is_terminal and (count := total()) > 0:
            self.progress = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=self.console, transient=True)
            self.bar = self.progress.add_task("links", total=count)
            self.progress.start()

    def on_result(self, task: t.CheckTask, result: t.CheckResult,
                  change: StateChange | None) -> None:
        state = change.after.state if change else None
        if self.fmt == "json":
            sys.stdout.write(json.dumps({
                "url": result.url, "outcome": result.outcome, "http_status": result.http_status,
                "final_url": result.final_url, "elapsed_ms": result.elapsed_ms,
                "state": state}) + "\n")
            sys.stdout.flush()
            return
        if self.progress is not None:
            self.progress.advance(self.bar)
        if change is not None and (change.changed or result.outcome not in t.GOOD_OUTCOMES
                                   or change.new_title_mismatch):
            line = one_line(_plain_line(result, change))  # URLs come from documents
            if self.progress is not None:
                self.progress.console.print(line, markup=False, highlight=False)
            else:
                click.echo(line)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _plain_line(result: t.CheckResult, change: StateChange) -> str:
    moved = (f"{change.before.state}->{change.after.state}" if change.changed
             else change.after.state)
    status = result.http_status if result.http_status is not None else "-"
    extra = f" -> {result.final_url}" if result.final_url and result.final_url != result.url \
        else ""
    mismatch = " [title-mismatch]" if change.new_title_mismatch else ""
    return f"{moved:<20} {result.outcome:<19} {status!s:>3} {result.url}{extra}{mismatch}"


def _summary_text(summary: Any) -> str:
    if summary.run_id is None:
        return "nothing due: no run started"
    outcomes = ", ".join(f"{n} {o}" for o, n in sorted(summary.outcomes.items())) or "none"
    lines = [(f"run {summary.run_id} ({summary.status}): {summary.checked} checked "
              f"({outcomes}) in {summary.elapsed_s:.1f} s"),
             (f"newly dead {summary.newly_dead}, newly failing {summary.newly_failing}, "
              f"recovered {summary.recovered}, newly redirected {summary.newly_redirected}, "
              f"title mismatches {summary.title_mismatches}, still due {summary.remaining}")]
    if summary.inconclusive:
        lines.append("inconclusive: the network or the resolver was down (an outage that "
                     "did not end, the canary, or most hosts unreachable); checks were "
                     "recorded, no link changed state")
    return "\n".join(lines)


def _exit(code: int) -> None:
    """End with ``code`` (SystemExit: the entry point runs click with standalone_mode off,
    which would swallow ``ctx.exit``)."""
    if code:
        sys.exit(code)


def _exit_code(summaries: list[Any]) -> int:
    return 1 if any(s.new_problems or s.inconclusive for s in summaries) else 0


def _run_async(coro_factory: Callable[[asyncio.Event], Any]) -> Any:
    """Run a coroutine with SIGTERM/SIGINT asking it to stop cleanly."""
    from provenance.runs.worker import install_stop_signals

    async def main() -> Any:
        stop = asyncio.Event()
        remove = install_stop_signals(stop)
        try:
            return await coro_factory(stop)
        finally:
            remove()

    return asyncio.run(main())


@click.command()
@_check_options
@setting_option("processes")
@click.pass_context
def check(ctx: click.Context, /, check_all: bool, document: str | None, limit: int | None,
          fmt: str) -> None:
    """Check the links that are due, record every result, summarise what changed."""
    from provenance.services.check import check as run_check
    from provenance.services.check import due

    app: AppContext = ctx.obj
    settings = app.settings()
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    db = app.database(settings)

    def total() -> int:
        count = due(db, all=check_all, document=document)
        return min(count, limit) if limit else count

    out = _Output(fmt, total)
    try:
        summary = _run_async(lambda stop: run_check(
            db, settings, all=check_all, document=document, limit=limit,
            on_result=out.on_result, stop=stop))
    finally:
        out.close()
    _print_summary(fmt, summary)
    _exit(_exit_code([summary]))


def _print_summary(fmt: str, summary: Any) -> None:
    if fmt == "json":
        click.echo(json.dumps({"summary": summary.to_dict()}))
    else:
        click.echo(_summary_text(summary))


@click.command()
@_check_options
@click.option("--once", is_flag=True, help="Leave when nothing is due and no lease it could "
                                           "take is left.")
@setting_option("lease_seconds", metavar="SECONDS")
@click.pass_context
def worker(ctx: click.Context, /, check_all: bool, document: str | None, limit: int | None,
           fmt: str, once: bool) -> None:
    """Check links as one of several workers sharing the database (stop with SIGTERM)."""
    from provenance.services.check import work

    app: AppContext = ctx.obj
    settings = app.settings()
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    db = app.database(settings)
    out = _Output("json" if fmt == "json" else "plain", lambda: 0)
    summaries = _run_async(lambda stop: work(
        db, settings, once=once, all=check_all, document=document, limit=limit, stop=stop,
        on_result=out.on_result, on_summary=lambda s: _print_summary(fmt, s)))
    _exit(_exit_code(summaries))


@click.command()
@click.option("--since", "since", type=int, metavar="RUN",
              help="Changes made after this run (default: by the latest run).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True)
@click.pass_obj
def changes(app: AppContext, since: int | None, fmt: str) -> None:
    """Newly dead, newly failing, recovered, newly redirected links and title mismatches."""
    from provenance.services.changes import changes as changes_since

    moved = changes_since(app.database(app.settings()), since)
    if fmt == "json":
        click.echo(json.dumps(moved.to_dict(), indent=2))
        return
    result = moved.changes
    if result.since_run is None:
        click.echo("no check run yet")
        return
    runs = ", ".join(map(str, result.runs)) or "none"
    click.echo(f"changes after run {result.since_run} (runs {runs}, {result.checks} checks)")
    if result.inconclusive_runs:
        click.echo(f"inconclusive runs (no state changed): "
                   f"{', '.join(map(str, result.inconclusive_runs))}")
    for kind in result.KINDS:
        items = getattr(result, kind)
        click.echo(f"{kind.replace('_', ' ')}: {len(items)}")
        for item in items:
            status = item.http_status if item.http_status is not None else "-"
            line = f"  {item.before}->{item.after} {item.outcome} {status} {item.url}"
            if kind in ("newly_rescued", "newly_preserved") and item.final_url:
                line += f" (archive: {item.final_url})"
            cited = [f"{'other URL of ' if c['as'] == 'other' else ''}[{c['label']}] "
                     f"in document {c['document']}" for c in moved.cited_as(item.link_id)]
            if cited:
                line += " <- " + "; ".join(cited)
            click.echo(one_line(line))


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True)
@click.pass_obj
def status(app: AppContext, fmt: str) -> None:
    """The current (or last) check run: workers alive, links done, due, failing, dead."""
    from provenance.services.status import status as check_status

    settings = app.settings()
    info = check_status(app.database(settings), settings)
    if fmt == "json":
        click.echo(json.dumps(vars(info), indent=2, default=str))
        return
    run = info.run
    if run is None:
        click.echo("no check run yet")
    else:
        state = "open" if run["finished_at"] is None else f"finished {run['finished_at']}"
        click.echo(f"run {run['id']}: {run['status']}, started {run['started_at']}, {state}")
    click.echo(f"workers alive: {info.workers_alive}")
    click.echo(f"links done: {info.links_done}  due: {info.due}")
    for name in t.STATES:
        click.echo(f"  {name:<10} {info.states.get(name, 0)}")
    for w in info.workers:
        click.echo(f"worker {w['id']} {w['status']} run {w['run_id']} done {w['links_done']} "
                   f"heartbeat {w['heartbeat_at']}")


@click.group()
def db() -> None:
    """The database schema: status and upgrade."""


def _open_unmigrated(app: AppContext) -> Database:
    from provenance.store.database import Database

    return Database.open(app.settings().db_url, upgrade=False)


@db.command("status")
@click.pass_context
def db_status(ctx: click.Context) -> None:
    """Show the schema revision; exit 1 if an upgrade is needed."""
    database = _open_unmigrated(ctx.obj)
    info = database.status()
    click.echo(f"schema {info.current or 'empty'}, this release {info.head}: "
               f"{'up to date' if info.up_to_date else 'run provenance db upgrade'}")
    database.dispose()
    _exit(0 if info.up_to_date else 1)


@db.command("upgrade")
@click.pass_obj
def db_upgrade(app: AppContext) -> None:
    """Apply every migration not yet applied (safe to run again)."""
    database = _open_unmigrated(app)
    before = database.status()
    after = database.upgrade()
    database.dispose()
    if before.current == after.current:
        click.echo(f"schema {after.current}: already up to date")
    else:
        click.echo(f"schema upgraded from {before.current or 'empty'} to {after.current}")
