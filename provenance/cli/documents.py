"""Commands on documents: ingest, report, cite, ref."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from provenance.cli.context import AppContext
from provenance.cli.options import setting_option
from provenance.errors import UsageError

if TYPE_CHECKING:
    from provenance.report.model import Report

REPORT_FORMATS = ("table", "markdown", "json", "html")


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--format", "fmt", default=None, metavar="FORMAT",
              help="Skip detection: wikipedia-text, web-text, wikipedia-html, wikitext, "
                   "web-html, markdown.")
@click.option("--title", default=None, help="Use this title instead of the one found.")
@setting_option("max_document_bytes", "--max-size", metavar="BYTES")
@setting_option("allow_private_addresses",
                help="Let `ingest URL` fetch from loopback and private addresses.")
@click.pass_obj
def ingest(app: AppContext, sources: tuple[str, ...], fmt: str | None, title: str | None) -> None:
    """Read documents (files or http(s) URLs), split them into claims and store them.

    Each document is stored in its own transaction: one that cannot be read leaves the
    database as it was, and the others are still ingested. Exit code 2 if any failed.
    """
    from provenance.ingest.detect import FORMATS
    from provenance.services.ingest import ingest_many

    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r} (known: {', '.join(FORMATS)})")
    settings = app.settings()
    db = app.database(settings)
    failed = 0
    console = Console(stderr=True)
    show_bar = console.is_terminal and len(sources) > 5
    with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), console=console,
                  disable=not show_bar, transient=True) as progress:
        task = progress.add_task("ingest", total=len(sources))

        def report(outcome: Any) -> None:
            nonlocal failed
            progress.advance(task)
            if outcome.error:
                failed += 1
                click.echo(f"provenance: error: {outcome.error}", err=True)
                return
            for warning in outcome.warnings:
                click.echo(f"provenance: warning: {outcome.source}: {warning}", err=True)
            if show_bar:
                return
            r = outcome.result
            click.echo(f"{r.status} document {r.document_id} {outcome.title or ''!r} "
                       f"({outcome.format}): {r.claims} claims, {r.references} references "
                       f"<- {outcome.source}")

        ingest_many(db, settings, sources, fmt=fmt, title=title, on_outcome=report)
    if show_bar:
        click.echo(f"ingested {len(sources) - failed} of {len(sources)} documents")
    if failed:
        if len(sources) > 1:
            click.echo(f"provenance: {failed} of {len(sources)} documents failed", err=True)
        sys.exit(2)


@click.command()
@click.argument("document", required=False)
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="table",
              show_default=True, help="How to print the report.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of standard output.")
@click.pass_obj
def report(app: AppContext, document: str | None, fmt: str, output: str | None) -> None:
    """Print the claim-to-source report: each claim, the references it rests on, their flags.

    DOCUMENT is an id, a title or a path; without it, every document is reported.
    """
    from provenance.services.report import build_report

    data = build_report(app.database(app.settings()), document)
    if fmt == "table" and output is None:
        from provenance.report.render_table import renderables

        console = Console(soft_wrap=False)
        for item in renderables(data):
            console.print(item)
        return
    text = _render(data, fmt)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {fmt} report to {output}", err=True)
    else:
        click.echo(text, nl=False)


def _render(data: Report, fmt: str) -> str:
    if fmt == "json":
        from provenance.report.render_json import render_json

        return render_json(data) + "\n"
    if fmt == "markdown":
        from provenance.report.render_markdown import render_markdown

        return render_markdown(data)
    if fmt == "html":
        from provenance.report.render_html import render_html

        return render_html(data)
    from provenance.report.render_table import render_table

    return render_table(data)


def _reference_options(func: Any) -> Any:
    options = [
        click.option("--url", default=None, help="URL of the source."),
        click.option("--title", default=None, help="Title of the cited work."),
        click.option("--trans-title", default=None, help="English translation of the title."),
        click.option("--work", default=None, help="Website, newspaper or journal."),
        click.option("--publisher", default=None, help="Publisher."),
        click.option("--authors", default=None, help="Authors, separated by ';'."),
        click.option("--date", "date_", default=None, help="Publication date."),
        click.option("--language", default=None, help="Language (name or ISO code)."),
        click.option("--access-date", default=None, help="When the source was read."),
        click.option("--archive-url", default=None, help="URL of an archived copy."),
        click.option("--archive-date", default=None, help="Date of the archived copy."),
        click.option("--by", default=None, help="Who makes the change (default: system user)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _fields(kw: dict[str, Any]) -> dict[str, str | None]:
    """The reference fields given as options, as typed."""
    return {("date" if name == "date_" else name): value for name, value in kw.items()}


@click.command()
@click.argument("document")
@click.argument("claim_id", type=int)
@_reference_options
@click.pass_obj
def cite(app: AppContext, /, document: str, claim_id: int, **kw: Any) -> None:
    """Attach a new reference (at least --url) to claim CLAIM_ID of DOCUMENT."""
    from provenance.services.documents import add_citation
    from provenance.services.review import reviewer_name

    cited = add_citation(app.database(app.settings()), document, claim_id, _fields(kw),
                         editor=reviewer_name(kw.get("by")))
    click.echo(f"claim {claim_id} of document {cited.document_id} now cites [{cited.label}] "
               f"{cited.url}")


@click.command("ref")
@click.argument("document")
@click.argument("label")
@_reference_options
@click.pass_obj
def ref_command(app: AppContext, /, document: str, label: str, **kw: Any) -> None:
    """Fill or correct fields of reference LABEL of DOCUMENT (old values kept in history)."""
    from provenance.services.documents import edit_reference
    from provenance.services.review import reviewer_name

    done = edit_reference(app.database(app.settings()), document, label, _fields(kw),
                          editor=reviewer_name(kw.get("by")))
    if not done.changes:
        click.echo(f"reference [{label}] of document {done.document_id} already says that")
    for change in done.changes:
        click.echo(f"reference [{label}] {change.field_name}: {change.old_value!r} -> "
                   f"{change.new_value!r}")
